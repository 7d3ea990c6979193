"""The report assets: a wave's fact sheets and cluster packages, as HTML and PDF."""

import dagster as dg

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.orchestration.partitions import wave_partitions
from kvis_pipeline.reports.families import CLUSTER_PACKAGES, FACT_SHEETS, reports_dir

REPORTS_GROUP = "reports"
PUBLISHED = dg.AssetKey(["published", "kvis_marts"])


def _report_family(family: str, name: str, description: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=[REPORTS_GROUP, name],
        deps=[PUBLISHED],
        partitions_def=wave_partitions,
        group_name=REPORTS_GROUP,
        kinds={"html", "pdf"},
        # rendered after every publication of the wave, by the automation sensor below
        automation_condition=dg.AutomationCondition.eager(),
        description=description,
    )
    def report_family(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from kvis_pipeline.reports.produce import render_family  # Typst and vl-convert load only to render

        # Settings only, not the kvis resource: reports read the publication and must not hold the warehouse lock.
        settings = Settings.from_env()
        summary = render_family(
            settings.publish_dir, context.partition_key, family, settings.min_cell, settings.report_texts_dir
        )
        context.log.info(
            f"{summary.reports} {name} for wave {summary.wave}: "
            f"{len(summary.written) // 2} rendered, {summary.unchanged} unchanged"
        )
        return dg.MaterializeResult(
            metadata={
                "reports": summary.reports,
                "rendered": len(summary.written) // 2,
                "unchanged": summary.unchanged,
                "folder": dg.MetadataValue.path(str(reports_dir(settings.publish_dir, family, summary.wave))),
            }
        )

    return report_family


fact_sheets = _report_family(
    FACT_SHEETS,
    "faktaark",
    "One Danish fact sheet per specialty (HTML and PDF) in <KVIS_PUBLISH_DIR>/reports/faktaark/<wave>/, from the "
    "publication.",
)
cluster_packages = _report_family(
    CLUSTER_PACKAGES,
    "klyngepakker",
    "One Danish cluster package per cluster (HTML and PDF) in <KVIS_PUBLISH_DIR>/reports/klynger/<wave>/: the cluster "
    "beside its specialty and the nation, suppressed cells shown as suppressed.",
)
