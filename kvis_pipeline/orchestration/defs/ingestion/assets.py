"""The landing files as assets, and the multi-asset that loads a wave's roster and export in one transaction."""

import dagster as dg

from kvis_pipeline.core.memory import release_freed_memory
from kvis_pipeline.ingest.wave_load import load_survey
from kvis_pipeline.orchestration.defs.ingestion.checks import INGESTION_CHECKS, run_ingestion_checks
from kvis_pipeline.orchestration.defs.resources import KvisSettings
from kvis_pipeline.orchestration.partitions import wave_partitions
from kvis_pipeline.warehouse.tables import CLUSTER_ROSTER, TABLES

LANDING_ROSTER = dg.AssetKey(["landing", "cluster_roster"])
LANDING_EXPORT = dg.AssetKey(["landing", "survey_export"])
RAW_ROSTER = dg.AssetKey(list(CLUSTER_ROSTER.key))

landing_files = [
    dg.AssetSpec(
        LANDING_ROSTER,
        description="klyngeoversigt.csv in <landing>/<wave>/: eKVIS' register of clusters and members.",
        group_name="landing",
        partitions_def=wave_partitions,
    ),
    dg.AssetSpec(
        LANDING_EXPORT,
        description="The SurveyXact export in <landing>/<wave>/survey/: three CSVs or one .xlsx.",
        group_name="landing",
        partitions_def=wave_partitions,
    ),
]

SURVEY_TABLES = [table for table in TABLES.values() if table is not CLUSTER_ROSTER]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RAW_ROSTER,
            deps=[LANDING_ROSTER],
            group_name="ingestion",
            description=CLUSTER_ROSTER.description,
        ),
        *(
            dg.AssetSpec(
                list(table.key),
                deps=[LANDING_EXPORT, RAW_ROSTER],
                description=table.description,
                group_name="ingestion",
            )
            for table in SURVEY_TABLES
        ),
    ],
    check_specs=INGESTION_CHECKS,
    partitions_def=wave_partitions,
)
def survey_export(context: dg.AssetExecutionContext, kvis: KvisSettings):
    """Read and validate the roster and the export (pandera, rules from the export's own Structure and Labels),
    pseudonymise the export and write both in one transaction: a wave is loaded whole or not at all."""
    settings, wave = kvis.settings(), context.partition_key
    kvis.save_for_rollback([wave])
    load, roster = load_survey(settings, wave, kvis.pseudonym_key())
    kvis.record_key()
    summary = load.summary.iloc[0]
    context.log.info(
        f"{summary.source_file}: received {summary.rows_received}, accepted {summary.rows_accepted}, "
        f"quarantined {summary.rows_quarantined}, duplicates {summary.rows_duplicate}"
    )
    reasons = load.quarantine.groupby("column_name").size().sort_values(ascending=False)
    extra = {
        ("raw", "load_summary"): {
            "rows_received": int(summary.rows_received),
            "rows_accepted": int(summary.rows_accepted),
            "rows_quarantined": int(summary.rows_quarantined),
            "rows_duplicate": int(summary.rows_duplicate),
        },
        ("raw", "quarantine"): {"quarantined_by_column": dg.MetadataValue.json(reasons.astype(int).to_dict())},
    }
    row_counts = {tuple(table.split(".")): len(frame) for table, frame in load.warehouse_frames().items()}
    del load
    release_freed_memory()
    yield dg.MaterializeResult(
        asset_key=RAW_ROSTER,
        metadata={
            "dagster/row_count": len(roster),
            "clusters": len(roster),
            "specialties": int(roster["speciale_kode"].nunique()),
            "members": int(roster["antal_medlemmer"].sum()),
        },
    )
    for key, rows in row_counts.items():
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(list(key)), metadata={"dagster/row_count": rows, **extra.get(key, {})}
        )
    yield from run_ingestion_checks(settings, wave)
