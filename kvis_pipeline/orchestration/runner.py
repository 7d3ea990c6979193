"""Run the Dagster job for waves from the command line, with errors an operator can read."""

import io
import os
import re
from contextlib import nullcontext, redirect_stdout
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtCliRuntimeError

from kvis_pipeline.core.errors import InputFileError, RunFailed, WaveRefused
from kvis_pipeline.core.memory import MEMORY_LIMIT_VARIABLE, duckdb_memory_limit
from kvis_pipeline.core.process_gc import existing_objects_spared
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.ingest.key_guard import KeyMismatch
from kvis_pipeline.orchestration.alembic_map import keep_migration_maps
from kvis_pipeline.orchestration.broken_rules import BROKEN
from kvis_pipeline.orchestration.dbt_build import expected_build
from kvis_pipeline.orchestration.dbt_process import DBT_COMMAND
from kvis_pipeline.orchestration.dbt_standby import dbt_standby, standby_waiting
from kvis_pipeline.orchestration.event_log import BATCH_SIZE_VARIABLE, EVENT_BATCH_SIZE
from kvis_pipeline.orchestration.partitions import wave_partitions
from kvis_pipeline.orchestration.run_lock import WarehouseBusy

# The instance configuration kvis writes into a Dagster home that has none, and the ones it wrote before.
INSTANCE_CONFIG = """telemetry:
  enabled: false
event_log_storage:
  module: kvis_pipeline.orchestration.event_log
  class: PooledSqliteEventLogStorage
"""
EARLIER_INSTANCE_CONFIGS = ("telemetry:\n  enabled: false\n",)


def dagster_instance() -> dg.DagsterInstance:
    """The instance in DAGSTER_HOME; without one, data/dagster_home, so that `kvis` keeps its run history. Events
    Dagster batches are stored a batch at a time (event_log.py); alembic maps Dagster's migrations once per storage
    (alembic_map.py)."""
    os.environ.setdefault(BATCH_SIZE_VARIABLE, str(EVENT_BATCH_SIZE))
    keep_migration_maps()
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path("data/dagster_home").absolute())))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() in EARLIER_INSTANCE_CONFIGS:  # a user's own is left as it is
        config.write_text(INSTANCE_CONFIG)
    return dg.DagsterInstance.get()


def materialise_waves(
    waves: list[str], log_level: str = "CRITICAL", job_name: str | None = None
) -> dict[str, Exception]:
    """Run the wave job (or another job partitioned by wave) for each wave; returns the failure of each that failed.

    Dagster's own log and dbt's output stay in the run's event log (and on the console with log_level=INFO).
    Each run of the wave job gets a standby dbt process (dbt_standby.py) unless one is already waiting.
    """
    failures: dict[str, Exception] = {}
    from kvis_pipeline.orchestration.definitions import defs
    from kvis_pipeline.orchestration.defs.pipeline.jobs import WAVE_JOB_NAME

    job = defs().resolve_job_def(job_name or WAVE_JOB_NAME)
    with dagster_instance() as instance:
        known = set(instance.get_dynamic_partitions(wave_partitions.name))
        instance.add_dynamic_partitions(wave_partitions.name, [w for w in waves if w not in known])
        with existing_objects_spared():
            for wave in waves:
                wanted = job_name is None and not standby_waiting()
                standby = dbt_standby(DBT_COMMAND, expected_build(Settings.from_env())) if wanted else nullcontext()
                # dagster-dbt echoes dbt's log to stdout; the operator sees it only when asking for Dagster's log.
                with standby, redirect_stdout(io.StringIO()) if log_level == "CRITICAL" else nullcontext():
                    result = job.execute_in_process(
                        partition_key=wave,
                        instance=instance,
                        raise_on_error=False,
                        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
                    )
                if not result.success:
                    failures[wave] = _explain(result, wave)
    return failures


def _explain(result: dg.ExecuteInProcessResult, wave: str) -> Exception:
    """The first failure as the exception the operator should see: file problems come out as they are."""
    for event in result.all_events:
        if not (event.is_step_failure or event.event_type_value == "RESOURCE_INIT_FAILURE"):
            continue
        error = getattr(event.event_specific_data, "error", None)
        while error is not None:
            if error.cls_name in (InputFileError.__name__, WaveRefused.__name__):
                return InputFileError(*_split_file_message(error.message))
            if error.cls_name == WarehouseBusy.__name__:
                return WarehouseBusy(_exception_text(error.message))
            if error.cls_name == KeyMismatch.__name__:
                return KeyMismatch(_exception_text(error.message))
            if error.cls_name == DagsterDbtCliRuntimeError.__name__:
                failures = _dbt_failures(error.message, result.run_id)
                return RunFailed(f"wave {wave}: dbt failed, nothing was published: {failures}")
            error = error.cause
    failed_checks = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
    ]
    if failed_checks:
        names = ", ".join(f"{c.asset_key.to_user_string()}:{c.check_name}" for c in failed_checks)
        return RunFailed(f"wave {wave}: blocking check(s) failed: {names}")
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None) if event.is_step_failure else None
        if error is not None:
            while error.cause is not None and error.cls_name in DAGSTER_WRAPPERS:
                error = error.cause
            return RunFailed(
                f"wave {wave}: step {event.step_key} failed: {error.cls_name}: "
                f"{_exception_text(error.message)}{_memory_hint(error.message)} (Dagster run {result.run_id})"
            )
    return RunFailed(f"wave {wave}: the run failed; see the Dagster run {result.run_id} for details")


# Dagster's own exceptions around the user code's: the operator wants the innermost one's message.
DAGSTER_WRAPPERS = frozenset({"DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError"})


def _exception_text(message: str) -> str:
    """'module.Class: text' as Dagster serialises an exception, without the class."""
    first = message.strip().split("\n")[0]
    return first.split(": ", 1)[1] if ": " in first else first


def _split_file_message(message: str) -> tuple[str, str]:
    path, _, problem = _exception_text(message).partition(": ")
    return path, problem


def _dbt_failures(message: str, run_id: str = "") -> str:
    """The nodes dbt reports as failed, e.g. 'Failure in test row_rules_...', each with the rules it found broken
    (broken_rules.py); the full log is in the Dagster run."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in message.splitlines()]  # drop colour codes
    broken = dict(line.removeprefix(BROKEN).split(": ", 1) for line in lines if line.startswith(BROKEN))
    failures = [_with_rules(line, broken) for line in lines if line.startswith(("Failure in", "Error in"))]
    if failures:
        return "; ".join(dict.fromkeys(failures)) + _memory_hint(message)
    stopped = re.search(r"failed with exit code `(-?\d+)`", message)
    if stopped:  # e.g. dbt's process was killed; dbt's own messages stay in the run, as they may quote the data
        where = f"; its output is in Dagster run {run_id}" if run_id else ""
        return f"dbt ended with exit code {stopped.group(1)} and named no failing model or test{where}"
    return message.strip().splitlines()[0] + _memory_hint(message)


def _with_rules(failure: str, broken: dict[str, str]) -> str:
    """'Failure in test row_rules_x (models/...yml)' followed by the rules that test found broken, if read."""
    test = re.match(r"Failure in test (\S+)", failure)
    return f"{failure}: {broken[test.group(1)]}" if test and test.group(1) in broken else failure


def _memory_hint(message: str) -> str:
    """Which setting raises DuckDB's cap, when DuckDB ran out of it (DuckDB's own advice names its SET statement)."""
    if "Out of Memory Error" not in message:
        return ""
    return f" (out of memory: DuckDB may take {duckdb_memory_limit()}; set {MEMORY_LIMIT_VARIABLE} higher)"
