"""The sensor starts a run for a wave that appears or whose files change content; the schedule reruns every wave."""

import datetime as dt
import os

import dagster as dg
from conftest import land_reference

from kvis_pipeline.orchestration.definitions import defs
from kvis_pipeline.orchestration.defs.automation.schedules import daily_run_requests
from kvis_pipeline.orchestration.defs.automation.sensors import new_or_changed_wave


def evaluate(instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    return new_or_changed_wave(dg.build_sensor_context(instance=instance, cursor=cursor))


def requested(result: dg.SensorResult) -> list[str]:
    return [request.partition_key for request in result.run_requests]


def test_sensor_runs_only_the_wave_that_is_new_or_changed(settings):
    with dg.DagsterInstance.ephemeral() as instance:
        nothing = evaluate(instance, None)
        assert requested(nothing) == []

        land_reference(settings, "2025")
        first = evaluate(instance, nothing.cursor)
        assert requested(first) == ["2025"]
        assert first.dynamic_partitions_requests[0].partition_keys == ["2025"]
        instance.add_dynamic_partitions("wave", ["2025"])

        survey = land_reference(settings, "2026")
        second = evaluate(instance, first.cursor)
        assert requested(second) == ["2026"]
        instance.add_dynamic_partitions("wave", ["2026"])

        dataset = survey / "dataset.csv"
        os.utime(dataset, (0, 0))  # touched, same content: nothing to do
        assert requested(evaluate(instance, second.cursor)) == []

        dataset.write_bytes(dataset.read_bytes() + b"\r\n")
        changed = evaluate(instance, second.cursor)
        assert requested(changed) == ["2026"]
        assert not changed.dynamic_partitions_requests
        assert changed.run_requests[0].run_key != second.run_requests[0].run_key
        assert requested(evaluate(instance, changed.cursor)) == []


def test_schedule_reruns_every_landed_wave_the_sensor_has_registered():
    assert isinstance(daily_run_requests(["2025"], set(), dt.date(2026, 11, 25)), dg.SkipReason)
    requests = daily_run_requests(["2025", "2026", "2027"], {"2025", "2026"}, dt.date(2026, 11, 25))
    assert [(r.partition_key, r.run_key) for r in requests] == [
        ("2025", "2026-11-25:2025"),
        ("2026", "2026-11-25:2026"),
    ]


def test_the_sensor_and_schedule_are_in_the_definitions():
    repository = defs().get_repository_def()
    assert repository.get_sensor_def("new_or_changed_wave").job_name == "wave_job"
    assert repository.get_schedule_def("daily_waves").cron_schedule == "0 6 * * *"
