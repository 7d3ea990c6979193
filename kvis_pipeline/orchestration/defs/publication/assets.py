"""The publication asset: stage the marts, run the blocking GX check, swap them in."""

import dagster as dg

from kvis_pipeline.core.stage_timings import timed
from kvis_pipeline.core.workers import left_to_exit, spawned_workers
from kvis_pipeline.orchestration.defs.publication.checks import great_expectations_check
from kvis_pipeline.orchestration.defs.resources import KvisSettings
from kvis_pipeline.orchestration.defs.transformation.assets import dbt_models
from kvis_pipeline.orchestration.partitions import wave_partitions
from kvis_pipeline.publish.publication import (
    PUBLISHED_SCHEMA,
    begin_publication,
    staged_publication,
    staged_workbook,
    swap_in,
    write_marts,
)
from kvis_pipeline.publish.workbook import WORKBOOK_NAME, write_workbook

MART_KEYS = sorted(key for key in dbt_models.keys if key.path[0] == PUBLISHED_SCHEMA)
STAGED = dg.AssetKey(["published", "staged_marts"])
GX_CHECK = dg.AssetCheckSpec(
    "great_expectations",
    asset=STAGED,
    blocking=True,
    description="GX expectations on the staged publication; failing keeps the old one.",
)


@dg.asset(
    key=STAGED,
    deps=MART_KEYS,
    partitions_def=wave_partitions,
    group_name="published",
    kinds={"duckdb", "parquet"},
    check_specs=[GX_CHECK],
    description="A complete new publication of the marts, written beside the current one and not yet visible.",
)
def staged_marts(context: dg.AssetExecutionContext, kvis: KvisSettings):
    settings = kvis.settings()
    with timed("publish"):
        staged = begin_publication(settings.publish_dir, version=context.run.run_id)
    # The workbook, the slowest part, is written in a process of its own while this one stages the database and
    # Parquet and runs the checks. It reads the warehouse's marts, which the staged database copies whole.
    with left_to_exit(spawned_workers(1)) as pool:
        workbook = pool.submit(write_workbook, settings.warehouse, staged_workbook(staged))
        with timed("publish"):
            staged = write_marts(staged, settings.warehouse)
        yield dg.MaterializeResult(
            metadata={
                "row_counts": dg.MetadataValue.json(staged.row_counts),
                "database": dg.MetadataValue.path(str(staged.database)),
            }
        )
        with timed("checks"):
            check = great_expectations_check(settings, staged.database, [context.partition_key])
        with timed("publish"):
            workbook.result()
    yield check


@dg.asset(
    key=["published", "kvis_marts"],
    deps=[STAGED],
    partitions_def=wave_partitions,
    group_name="published",
    kinds={"duckdb", "parquet"},
    description=(
        "The marts, and only they, in <KVIS_PUBLISH_DIR>/kvis.duckdb (schema marts), "
        "<KVIS_PUBLISH_DIR>/parquet/<table>.parquet and <KVIS_PUBLISH_DIR>/kvis.xlsx, swapped in whole. "
        "Holds every wave published so far."
    ),
)
def published_marts(context: dg.AssetExecutionContext, kvis: KvisSettings) -> dg.MaterializeResult:
    settings = kvis.settings()
    with timed("publish"):
        publication = swap_in(staged_publication(settings.publish_dir, context.run.run_id), settings.publish_dir)
    context.log.info(f"published {len(publication.row_counts)} tables to {publication.database}")
    return dg.MaterializeResult(
        metadata={
            "database": dg.MetadataValue.path(str(publication.database)),
            "parquet": dg.MetadataValue.path(str(publication.parquet_dir)),
            "workbook": dg.MetadataValue.path(str(settings.publish_dir / WORKBOOK_NAME)),
            "row_counts": dg.MetadataValue.json(publication.row_counts),
        }
    )
