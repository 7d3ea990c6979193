"""The wave job: load one wave through to its publication; the reports follow in report_job."""

import dagster as dg

from kvis_pipeline.orchestration.defs.reports.jobs import REPORTS

WAVE_JOB_NAME = "wave_job"

wave_job = dg.define_asset_job(
    WAVE_JOB_NAME,
    selection=dg.AssetSelection.all() - REPORTS,
    description="Load one wave from the landing folder through to its publication (reports follow in report_job).",
)
