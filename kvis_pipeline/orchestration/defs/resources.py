"""The run's resources: settings, locks, the key check and rollback around every run, and dbt."""

import os
from typing import Any

import dagster as dg
from pydantic import PrivateAttr

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.ingest.key_guard import REKEY_VARIABLE, check_warehouse_key, record_warehouse_key
from kvis_pipeline.ingest.pseudonym import load_pseudonym_key
from kvis_pipeline.orchestration.dbt import dbt_cli
from kvis_pipeline.orchestration.run_lock import acquire_run_lock, wait_for_warehouse
from kvis_pipeline.warehouse.rollback import discard_saved, restore_saved, save_waves
from kvis_pipeline.warehouse.store import connect, ensure_tables


def run_has_failed(instance: dg.DagsterInstance, run_id: str) -> bool:
    """A step of the run failed (a blocking check failing fails its step too)."""
    return bool(instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.STEP_FAILURE, limit=1).records)


class KvisSettings(dg.ConfigurableResource):
    """The data contract's settings, read from the environment when a run starts.

    A run holds the warehouse lock from start to end, so two runs never interleave their writes.
    """

    lock_timeout_seconds: float = 0.0
    warehouse_timeout_seconds: float = 300.0
    _lock: Any = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._lock = acquire_run_lock(self.settings(), self.lock_timeout_seconds)
        try:
            wait_for_warehouse(self.settings(), self.warehouse_timeout_seconds)
            with connect(self.settings().warehouse) as con:
                check_warehouse_key(
                    con,
                    self.pseudonym_key(),
                    str(self.settings().warehouse),
                    rekey=os.environ.get(REKEY_VARIABLE) == "1",
                )
                restored = restore_saved(con)  # what a killed run left saved
                ensure_tables(con)  # brought up to date before a step saves rows in their current form
            if restored:
                context.log.warning(
                    f"an earlier run did not complete; wave(s) {', '.join(restored)} put back as they were before it"
                )
        except BaseException:
            self._lock.release()
            raise

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        try:
            if context.instance is not None and context.run is not None:
                self._finish_rollback(restore=run_has_failed(context.instance, context.run.run_id))
        finally:
            if self._lock is not None:
                self._lock.release()

    def record_key(self) -> None:
        with connect(self.settings().warehouse) as con:
            record_warehouse_key(con, self.pseudonym_key())

    def save_for_rollback(self, waves: list[str]) -> None:
        """Before a step first changes the waves' rows: kept until the run ends, put back if it fails."""
        with connect(self.settings().warehouse) as con:
            save_waves(con, waves)

    def _finish_rollback(self, restore: bool) -> None:
        if self.settings().warehouse.exists():
            with connect(self.settings().warehouse) as con:
                if restore:
                    restore_saved(con)
                else:
                    discard_saved(con)

    def settings(self) -> Settings:
        return Settings.from_env()

    def pseudonym_key(self) -> bytes:
        return load_pseudonym_key()


@dg.definitions
def resources() -> dg.Definitions:
    # In-process: DuckDB lets one process write the warehouse, so steps must share it.
    return dg.Definitions(resources={"kvis": KvisSettings(), "dbt": dbt_cli()}, executor=dg.in_process_executor)
