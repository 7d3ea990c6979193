"""The report job and the sensor that renders a wave's reports after each publication of it."""

import dagster as dg

from kvis_pipeline.orchestration.defs.reports.assets import REPORTS_GROUP

REPORT_JOB_NAME = "report_job"
REPORTS = dg.AssetSelection.groups(REPORTS_GROUP)

report_job = dg.define_asset_job(
    REPORT_JOB_NAME,
    selection=REPORTS,
    description="Render one wave's fact sheets and cluster packages from the current publication.",
)

reports_after_publication = dg.AutomationConditionSensorDefinition(
    "reports_after_publication",
    target=REPORTS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Renders a wave's reports after each publication of it (the report assets' eager condition).",
)
