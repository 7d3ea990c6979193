"""dbt's own command line, as the process dagster-dbt starts for each dbt command of a run, with the garbage
collector set as for kvis' own processes (kvis_pipeline.core.process_gc): it builds the project's manifest, runs and
exits. `python -m kvis_pipeline.orchestration.dbt_process build ...` is `dbt build ...` (docs/performance.md, "The
forenoon", compares the two)."""

from kvis_pipeline.core.process_gc import run_and_exit


def dbt_command_line() -> None:
    from dbt.cli.main import cli  # after the collector is set: importing dbt makes most of those objects

    cli.main(prog_name="dbt")


if __name__ == "__main__":
    run_and_exit(dbt_command_line)
