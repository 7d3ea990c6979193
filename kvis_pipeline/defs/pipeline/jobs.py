import dagster as dg

from kvis_pipeline.lib.partitions import wave_partitions

WAVE_JOB_NAME = "wave_job"

wave_job = dg.define_asset_job(
    WAVE_JOB_NAME,
    selection=dg.AssetSelection.all(),
    partitions_def=wave_partitions,
    description="Load one wave from the landing folder through to everything built on it.",
)
