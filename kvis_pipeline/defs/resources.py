from typing import Any

import dagster as dg
from pydantic import PrivateAttr

from kvis_pipeline.lib.dbt_project import dbt_cli
from kvis_pipeline.lib.pseudonym import load_pseudonym_key
from kvis_pipeline.lib.run_lock import acquire_run_lock, wait_for_warehouse
from kvis_pipeline.lib.settings import Settings


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
        except BaseException:
            self._lock.release()
            raise

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()

    def settings(self) -> Settings:
        return Settings.from_env()

    def pseudonym_key(self) -> bytes:
        return load_pseudonym_key()


@dg.definitions
def resources() -> dg.Definitions:
    # In-process: DuckDB lets one process write the warehouse, so steps must share it.
    return dg.Definitions(resources={"kvis": KvisSettings(), "dbt": dbt_cli()}, executor=dg.in_process_executor)
