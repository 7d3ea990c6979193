import dagster as dg

WAVE_JOB_NAME = "wave_job"

wave_job = dg.define_asset_job(
    WAVE_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Load one wave from the landing folder through to everything built on it.",
)
