"""The event log kvis configures keeps Dagster's files and schema: Dagster's own storage reads what it wrote."""

import hashlib
import inspect
import os

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from kvis_pipeline.orchestration.event_log import KEPT_ENGINES, PooledSqliteEventLogStorage, default_base_dir
from kvis_pipeline.orchestration.runner import EARLIER_INSTANCE_CONFIGS, INSTANCE_CONFIG, dagster_instance

# The sources the override was written against (dagster 1.13.27), by SHA-256 of inspect.getsource.
PINNED = {"_connect": "b8435f2665689760", "has_table": "577d801c70b2a4a5"}


@dg.asset
def answers() -> int:
    return 3


@dg.asset_check(asset=answers)
def answers_are_counted() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def _digest(member: object) -> str:
    return hashlib.sha256(inspect.getsource(member).encode()).hexdigest()[:16]


def test_the_overridden_members_are_those_the_override_was_written_against():
    members = {"_connect": SqliteEventLogStorage._connect, "has_table": SqliteEventLogStorage.has_table}
    changed = {name for name, member in members.items() if _digest(member) != PINNED[name]}
    assert not changed, (
        f"Dagster changed SqliteEventLogStorage.{', '.join(sorted(changed))}: check PooledSqliteEventLogStorage "
        "in kvis_pipeline/orchestration/event_log.py against it, then update PINNED"
    )


def test_runs_stored_by_kvis_read_the_same_through_dagsters_own_storage():
    job = dg.Definitions(assets=[answers], asset_checks=[answers_are_counted]).resolve_implicit_global_asset_job_def()
    with dagster_instance() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        run_ids = [job.execute_in_process(instance=instance).run_id for _ in range(KEPT_ENGINES + 2)]
        assert len(storage._engines) <= KEPT_ENGINES
        ours = {run_id: [e.dagster_event_type for e in storage.get_logs_for_run(run_id)] for run_id in run_ids}

    plain = SqliteEventLogStorage(default_base_dir())
    for run_id in run_ids:
        theirs = [e.dagster_event_type for e in plain.get_logs_for_run(run_id)]
        assert theirs == ours[run_id]
        assert theirs.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == 1
        assert theirs.count(dg.DagsterEventType.ASSET_CHECK_EVALUATION) == 1
    latest = plain.get_latest_materialization_events([dg.AssetKey("answers")])[dg.AssetKey("answers")]
    assert latest.run_id == run_ids[-1]
    checks = plain.get_asset_check_execution_history(answers_are_counted.check_key, limit=100)
    assert {c.run_id for c in checks} == set(run_ids)


def test_a_home_kvis_configured_before_is_brought_up_to_date_and_a_users_own_is_left_alone():
    home = os.environ["DAGSTER_HOME"]
    os.makedirs(home)
    config = os.path.join(home, "dagster.yaml")
    with open(config, "w") as f:
        f.write(EARLIER_INSTANCE_CONFIGS[0])
    dagster_instance().dispose()
    with open(config) as f:
        assert f.read() == INSTANCE_CONFIG

    own = "telemetry:\n  enabled: true\n"
    with open(config, "w") as f:
        f.write(own)
    with dagster_instance() as instance:
        assert type(instance.event_log_storage) is SqliteEventLogStorage
    with open(config) as f:
        assert f.read() == own


def test_the_events_a_run_plans_are_stored_as_one_batch_kept_whole_or_not_at_all(monkeypatch):
    job = dg.Definitions(assets=[answers], asset_checks=[answers_are_counted]).resolve_implicit_global_asset_job_def()
    batches = []
    store_batch = PooledSqliteEventLogStorage.store_event_batch

    def recorded(storage, events):
        batches.append([e.dagster_event_type for e in events])
        store_batch(storage, events)

    monkeypatch.setattr(PooledSqliteEventLogStorage, "store_event_batch", recorded)
    with dagster_instance() as instance:
        run_id = job.execute_in_process(instance=instance).run_id
        assert batches == [
            [dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED]
        ]
        storage = instance.event_log_storage
        stored = storage.get_logs_for_run(run_id)
        planned = [e for e in stored if e.dagster_event_type in batches[0]]
        assert [e.dagster_event_type for e in planned] == batches[0]

        store_one = PooledSqliteEventLogStorage.store_event
        calls = []

        def second_fails(storage, event):
            calls.append(event)
            if len(calls) == 2:
                raise RuntimeError("the disk is full")
            store_one(storage, event)

        monkeypatch.setattr(PooledSqliteEventLogStorage, "store_event", second_fails)
        with pytest.raises(RuntimeError, match="the disk is full"):
            store_batch(storage, planned)
        monkeypatch.setattr(PooledSqliteEventLogStorage, "store_event", store_one)
        assert len(calls) == 2
        assert len(storage.get_logs_for_run(run_id)) == len(stored)  # the first event of the failed batch is gone too
        store_batch(storage, planned)
        assert len(storage.get_logs_for_run(run_id)) == len(stored) + 2
