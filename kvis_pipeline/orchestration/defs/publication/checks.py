"""The blocking Dagster check that runs the GX expectations on a staged publication."""

from pathlib import Path

import dagster as dg

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.publish.publication import DATA_DOCS, record_checks
from kvis_pipeline.warehouse.store import connect


def roster_clusters(settings: Settings, waves: list[str]) -> set[str]:
    with connect(settings.warehouse, read_only=True) as con:
        return {
            f"{wave}:{cluster}"
            for wave, cluster in con.execute(
                "SELECT wave, klynge_id FROM raw.cluster_roster WHERE list_contains($waves, wave)", {"waves": waves}
            ).fetchall()
        }


def great_expectations_check(settings: Settings, staged_database: Path, waves: list[str]) -> dg.AssetCheckResult:
    """GX over the rows of `waves` (the run's), in the staged publication."""
    from kvis_pipeline.publish.expectations import validate_publication  # GX is slow to import

    docs = settings.publish_dir / DATA_DOCS
    outcomes = validate_publication(staged_database, roster_clusters(settings, waves), docs, waves)
    failed = [o for o in outcomes if not o.success]
    record_checks(staged_database, {"great_expectations": {"expectations": len(outcomes), "failed": len(failed)}})
    return dg.AssetCheckResult(
        check_name="great_expectations",
        passed=not failed,
        metadata={
            "expectations": len(outcomes),
            "failed": len(failed),
            "failures": dg.MetadataValue.json(
                [
                    {
                        "frame": o.frame,
                        "expectation": o.expectation,
                        "column": o.column,
                        "unexpected": o.unexpected_count,
                        "examples": o.examples,
                    }
                    for o in failed
                ]
            ),
            "data_docs": dg.MetadataValue.path(str(docs / "index.html")),
        },
    )
