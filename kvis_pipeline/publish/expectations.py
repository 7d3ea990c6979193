"""Great Expectations on a staged publication, before it is swapped in; Data Docs go next to the publication.

GX keeps the checks that only make sense on the whole staged publication: counts that add up across levels,
the roster's clusters against the published ones, and the disclosure audit. What holds row by row within one mart
(keys, ranges, intervals, suppressed cells) is a dbt test in marts/_marts.yml, checked as the marts are built.

GX 1.x cannot validate DuckDB through SQLAlchemy, so each frame is read from the staged file into a DataFrame.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no telemetry from an unattended pipeline

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from kvis_pipeline.core.lazy_modules import imported_lazily  # noqa: E402
from kvis_pipeline.core.memory import duckdb_config  # noqa: E402

# what GX imports for expectations and charts kvis does not use (lazy_modules.py)
with imported_lazily(["scipy.stats", "altair"]):
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig


@dataclass(frozen=True)
class ExpectationOutcome:
    frame: str
    expectation: str
    column: str
    success: bool
    unexpected_count: int
    examples: list


def suites() -> dict[str, list[gxe.Expectation]]:
    """The expectations per frame; each frame is derived from the whole staged publication (see below)."""
    return {
        # the roster's clusters and the published ones, as a frame rather than a value set: GX copies an
        # expectation's configuration thousands of times, which is slow with tens of thousands of clusters in the set
        "roster_coverage": [
            gxe.ExpectColumnValuesToBeNull(column=c) for c in ["missing_from_results", "not_in_roster"]
        ],
        # the disclosure audit: per results or distribution family, wave and item, the hidden cells the published
        # ones determine (see disclosure_audit); none may be
        "disclosure_audit": [gxe.ExpectColumnValuesToBeBetween(column="exposed_cells", min_value=0, max_value=0)],
        "level_totals": [
            gxe.ExpectColumnPairValuesToBeEqual(column_A=f"{measure}_{a}", column_B=f"{measure}_{b}")
            for measure in ["members", "respondents", "n_valid", "n_positive"]
            for a, b in [("cluster", "specialty"), ("specialty", "national")]
        ],
    }


# The clusters with results (compared with the roster's in roster_coverage).
_PUBLISHED_CLUSTERS = (
    "SELECT DISTINCT wave || ':' || cluster_id AS wave_cluster FROM marts.cluster_results "
    "WHERE list_contains($waves, wave)"
)


def _roster_coverage(roster_clusters: set[str], published: pd.DataFrame) -> pd.DataFrame:
    """Every roster cluster has results and every cluster with results is in the roster: one row per cluster of
    either, naming it in the column for the side it is missing from."""
    published_clusters = set(published["wave_cluster"].astype(str))
    clusters = pd.Series(sorted(roster_clusters | published_clusters), dtype=object)
    return pd.DataFrame(
        {
            "missing_from_results": clusters.where(~clusters.isin(published_clusters)),
            "not_in_roster": clusters.where(~clusters.isin(roster_clusters)),
        }
    )


def _frame(con: duckdb.DuckDBPyConnection, query: str, waves: list[str]) -> pd.DataFrame:
    return con.execute(query, {"waves": waves}).df()


# Counts add up across levels (summed over published and suppressed cells alike, from the response tables and,
# for items, from the cells nobody suppressed at any level).
_LEVEL_TOTALS = """
WITH items AS (
    SELECT n.wave, n.variable FROM marts.national_results AS n
    WHERE NOT EXISTS (SELECT 1 FROM marts.cluster_results AS c WHERE c.wave = n.wave AND c.variable = n.variable
                      AND c.suppressed)
)
SELECT
    r.wave,
    (SELECT sum(members) FROM marts.cluster_response AS c WHERE c.wave = r.wave) AS members_cluster,
    (SELECT sum(members) FROM marts.specialty_response AS s WHERE s.wave = r.wave) AS members_specialty,
    r.members AS members_national,
    (SELECT sum(respondents) FROM marts.cluster_response AS c WHERE c.wave = r.wave) AS respondents_cluster,
    (SELECT sum(respondents) FROM marts.specialty_response AS s WHERE s.wave = r.wave) AS respondents_specialty,
    r.respondents AS respondents_national,
    (SELECT coalesce(sum(n_valid), 0) FROM marts.cluster_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_valid_cluster,
    (SELECT coalesce(sum(n_valid), 0) FROM marts.specialty_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_valid_specialty,
    (SELECT coalesce(sum(n_valid), 0) FROM marts.national_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_valid_national,
    (SELECT coalesce(sum(n_positive), 0) FROM marts.cluster_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_positive_cluster,
    (SELECT coalesce(sum(n_positive), 0) FROM marts.specialty_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_positive_specialty,
    (SELECT coalesce(sum(n_positive), 0) FROM marts.national_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_positive_national
FROM marts.national_response AS r
WHERE list_contains($waves, r.wave)
"""


def _disclosure_audit(con: duckdb.DuckDBPyConnection, waves: list[str]) -> pd.DataFrame:
    """One row per family (results, distribution), wave and item: how many hidden cells can be worked out."""
    from kvis_pipeline.publish.disclosure_audit import FAMILIES, exposed_cells

    frames = []
    for family in FAMILIES:
        items = _frame(
            con, f"SELECT DISTINCT wave, variable FROM marts.national_{family} WHERE list_contains($waves, wave)", waves
        )
        exposed = exposed_cells(con, family, waves).groupby(["wave", "variable"]).hidden_cells.sum()
        counts = items.join(exposed.rename("exposed_cells"), on=["wave", "variable"])
        frames.append(counts.fillna({"exposed_cells": 0}).astype({"exposed_cells": int}).assign(family=family))
    columns = ["family", "wave", "variable", "exposed_cells"]
    return pd.concat(frames, ignore_index=True)[columns].sort_values(columns[:3], ignore_index=True)


def validate_publication(
    database: Path, roster_clusters: set[str], docs_dir: Path, waves: list[str]
) -> list[ExpectationOutcome]:
    """Run one GX checkpoint per frame over the rows of `waves`, the waves this run publishes anew (the rest are
    copied unchanged and were validated when they were published); Data Docs (rebuilt each time) go to docs_dir."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    shutil.rmtree(docs_dir, ignore_errors=True)
    context.add_data_docs_site(
        site_name="kvis",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    source = context.data_sources.add_pandas("publication")
    outcomes: list[ExpectationOutcome] = []
    with duckdb.connect(str(database), read_only=True, config=duckdb_config()) as con:
        frames = {
            "roster_coverage": lambda: _roster_coverage(roster_clusters, _frame(con, _PUBLISHED_CLUSTERS, waves)),
            "disclosure_audit": lambda: _disclosure_audit(con, waves),
            "level_totals": lambda: _frame(con, _LEVEL_TOTALS, waves),
        }
        for name, expectations in suites().items():
            checkpoint = _checkpoint(context, source, name, expectations)
            outcomes += _outcomes(name, checkpoint.run(batch_parameters={"dataframe": frames[name]()}))
    context.build_data_docs(site_names=["kvis"])  # once for all checkpoints, not once per checkpoint
    return outcomes


def _checkpoint(context, source, name: str, expectations: list[gxe.Expectation]) -> gx.Checkpoint:
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("whole")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    return context.checkpoints.add(gx.Checkpoint(name=f"publication_{name}", validation_definitions=[definition]))


def _outcomes(name: str, result) -> list[ExpectationOutcome]:
    outcomes = []
    for validation in result.run_results.values():
        for check in validation.results:
            kwargs = check.expectation_config.kwargs
            outcomes.append(
                ExpectationOutcome(
                    frame=name,
                    expectation=check.expectation_config.type,
                    column=str(
                        kwargs.get("column")
                        or kwargs.get("column_list")
                        or f"{kwargs.get('column_A')} vs {kwargs.get('column_B')}"
                    ),
                    success=bool(check.success),
                    unexpected_count=int(check.result.get("unexpected_count") or 0),
                    examples=[str(v) for v in (check.result.get("partial_unexpected_list") or [])[:5]],
                )
            )
    return outcomes
