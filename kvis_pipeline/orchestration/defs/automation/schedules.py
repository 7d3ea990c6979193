"""Every morning, every landed wave again: a safety net for changes the sensor missed."""

from datetime import date

import dagster as dg

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.orchestration.defs.pipeline.jobs import wave_job
from kvis_pipeline.orchestration.partitions import wave_partitions


@dg.schedule(
    job=wave_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Europe/Copenhagen",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every morning, runs every wave in the landing folder again: a safety net for changes the sensor "
    "missed; a rerun on the same input changes nothing.",
)
def daily_waves(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
    known = set(context.instance.get_dynamic_partitions(wave_partitions.name))
    return daily_run_requests(Settings.from_env().discover_waves(), known, context.scheduled_execution_time.date())


def daily_run_requests(landed: list[str], known: set[str], day: date) -> list[dg.RunRequest] | dg.SkipReason:
    # A schedule cannot add partitions; the sensor adds each new wave within a minute of its folder appearing.
    waves = [wave for wave in landed if wave in known]
    if not waves:
        return dg.SkipReason("no wave in the landing folder that the sensor has registered yet")
    return [
        dg.RunRequest(run_key=f"{day.isoformat()}:{wave}", partition_key=wave, tags={"kvis/trigger": "schedule"})
        for wave in waves
    ]
