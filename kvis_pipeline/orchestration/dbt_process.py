"""dbt's own command line, as the process dagster-dbt starts for each dbt command of a run, with the garbage
collector set as for kvis' own processes (kvis_pipeline.core.process_gc): it builds the project's manifest, runs and
exits. `python -m kvis_pipeline.orchestration.dbt_process build ...` is `dbt build ...` (docs/performance.md, "The
forenoon", compares the two), with the parse kept across warehouses handed over first (kept_parse.py). When the run
has a standby dbt process (dbt_standby.py), the command hands its work to it, and that process runs it instead."""

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kvis_pipeline.core.process_gc import run_and_exit
from kvis_pipeline.orchestration.dbt_standby import STANDBY_FLAG, hand_over, serve_once

if TYPE_CHECKING:  # the parses are imported where used: a command that hands its work over needs neither
    from kvis_pipeline.orchestration.early_parse import EarlyParse

# What a build imports beyond dbt's command line: the DuckDB adapter, the build task, the agate helper that reads
# results, and the suppression rule the Python model int_suppression_pattern runs (with pandas). A standby imports
# them after its early parse, while it waits for the command (macro_warmup.py).
BUILD_MODULES = (
    "dbt.adapters.duckdb.impl",
    "dbt.task.build",
    "dbt_common.clients.agate_helper",
    "kvis_pipeline.warehouse.suppression",
)

# The dbt installed with kvis, whether or not its environment is activated (on PATH): this module, run by kvis' Python.
# -P: the working folder is not put on the module path, where dbt looks for plugins (modules named dbt_*) to import.
DBT_COMMAND = [sys.executable, "-P", "-m", "kvis_pipeline.orchestration.dbt_process"]


def dbt_command_line() -> int | None:
    handed_over = hand_over(sys.argv[1:])
    if handed_over is not None:
        return handed_over
    return dbt_runner()(sys.argv[1:])


def dbt_runner(
    parsed: "EarlyParse | None" = None, on_command: Callable[[], object] = lambda: None
) -> Callable[[list[str]], int | None]:
    from dbt.cli.main import cli  # after the collector is set: importing dbt makes most of those objects

    from kvis_pipeline.orchestration.dbt_log_levels import drop_events_below_level
    from kvis_pipeline.orchestration.kept_parse import parse_kept_across_warehouses

    drop_events_below_level()

    def run(args: list[str]) -> int | None:
        on_command()
        manifest = parsed.manifest_for(args) if parsed is not None else None
        if manifest is not None:  # dbt parses nothing: the kept parse is neither read nor renewed (the early parse was)
            # dbt's own programmatic way to reuse a manifest (dbtRunner's), with the command line's exit codes
            return cli.main(args=args, prog_name="dbt", obj={"manifest": manifest})
        with parse_kept_across_warehouses(args):
            return cli.main(args=args, prog_name="dbt")

    return run


def standby(listening: str, parent_alive: str) -> int:
    return serve_once(int(listening), int(parent_alive), prepared_dbt_runner)


def prepared_dbt_runner() -> Callable[[list[str]], int | None]:
    from kvis_pipeline.orchestration.dbt_log_levels import drop_events_below_level
    from kvis_pipeline.orchestration.early_parse import early_parse
    from kvis_pipeline.orchestration.macro_warmup import start_warming_up

    drop_events_below_level()
    parsed = early_parse()  # first, as a build on it can start only once it is done
    warming_up = start_warming_up(BUILD_MODULES, parsed.manifest if parsed is not None else None)
    return dbt_runner(parsed, on_command=warming_up.set)


if __name__ == "__main__":
    if sys.argv[1:2] == [STANDBY_FLAG]:
        run_and_exit(lambda: standby(*sys.argv[2:4]))
    else:
        run_and_exit(dbt_command_line)
