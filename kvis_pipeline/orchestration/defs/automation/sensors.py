"""A run for each wave whose landing files are new or changed (by content)."""

import json

import dagster as dg

from kvis_pipeline.core.fingerprints import changed_waves
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.orchestration.defs.pipeline.jobs import wave_job
from kvis_pipeline.orchestration.partitions import wave_partitions


@dg.sensor(
    job=wave_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs a wave when its folder appears in the landing folder or a file in it changes content.",
)
def new_or_changed_wave(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    changed = changed_waves(Settings.from_env(), seen)
    new = sorted(set(changed) - set(context.instance.get_dynamic_partitions(wave_partitions.name)))
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(run_key=f"{wave}:{fingerprint}", partition_key=wave, tags={"kvis/trigger": "landing"})
            for wave, fingerprint in sorted(changed.items())
        ],
        dynamic_partitions_requests=[wave_partitions.build_add_request(new)] if new else None,
        cursor=json.dumps({**seen, **changed}, sort_keys=True),
    )
