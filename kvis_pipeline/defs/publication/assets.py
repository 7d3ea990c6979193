import dagster as dg

from kvis_pipeline.defs.resources import KvisSettings
from kvis_pipeline.defs.transformation.assets import dbt_models
from kvis_pipeline.lib.partitions import wave_partitions
from kvis_pipeline.lib.publication import PUBLISHED_SCHEMA, publish_marts

MART_KEYS = sorted(key for key in dbt_models.keys if key.path[0] == PUBLISHED_SCHEMA)


@dg.asset(
    key=["published", "kvis_marts"],
    deps=MART_KEYS,
    partitions_def=wave_partitions,
    group_name="published",
    kinds={"duckdb", "parquet"},
    description=(
        "The marts, and only they, in <KVIS_PUBLISH_DIR>/kvis.duckdb (schema marts) and "
        "<KVIS_PUBLISH_DIR>/parquet/<table>.parquet, swapped in whole. Holds every wave published so far."
    ),
)
def published_marts(context: dg.AssetExecutionContext, kvis: KvisSettings) -> dg.MaterializeResult:
    settings = kvis.settings()
    publication = publish_marts(settings.warehouse, settings.publish_dir)
    context.log.info(f"published {len(publication.row_counts)} tables to {publication.database}")
    return dg.MaterializeResult(
        metadata={
            "database": dg.MetadataValue.path(str(publication.database)),
            "parquet": dg.MetadataValue.path(str(publication.parquet_dir)),
            "row_counts": dg.MetadataValue.json(publication.row_counts),
        }
    )
