"""What a run's dbt build is given besides dagster-dbt's command line: its vars and environment, from the run's
settings. Without Dagster, so that `kvis run` can hand them to dbt's standby before it imports Dagster."""

import json

from kvis_pipeline.core.contract import DBT_PROJECT_DIR
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.orchestration.early_parse import EXPECTED_VARIABLE
from kvis_pipeline.orchestration.kept_parse import KEPT_PARSES_VARIABLE, WAREHOUSE_VARIABLE

KEPT_PARSES = DBT_PROJECT_DIR / "target"  # dbt's target folder: the builds' folders and the kept parses


def build_vars(settings: Settings) -> dict:
    # the wave reaches dbt as a row of raw.build_waves, never as text dbt renders (see macros/wave_selection.sql)
    return {"waves_from_warehouse": True, "min_cell": settings.min_cell, "small_group": settings.small_group}


def build_arguments(dbt_vars: dict) -> list[str]:
    """A run's `dbt build` command line, after `dbt`, with these vars. Unit tests check the models' logic on fixed
    rows, not the wave's data: they run in the test suite (tests/integration/test_dbt_build.py builds as the README
    shows), not on every run. dbt's own log file and its JSON artifacts would go with the build's folder; Dagster
    keeps dbt's output in the run's event log, and a failure's broken rules are read from the SQL dbt compiled
    there."""
    flags = ["--exclude-resource-type", "unit_test", "--log-level-file", "none", "--no-write-json"]
    return ["build", *flags, "--vars", json.dumps(dbt_vars)]


def build_environment(settings: Settings) -> dict[str, str]:
    """dbt (a subprocess) reads the warehouse path from KVIS_WAREHOUSE (the run's absolute path) and hands over and
    keeps parses in KVIS_KEPT_PARSES."""
    return {WAREHOUSE_VARIABLE: str(settings.warehouse), KEPT_PARSES_VARIABLE: str(KEPT_PARSES)}


def expected_build(settings: Settings) -> dict[str, str]:
    """The environment of dbt's standby for a run with these settings: the build's, with the project's folders as
    dagster-dbt gives them, and its vars to parse the project with before the build's command comes
    (early_parse.py)."""
    return {
        **build_environment(settings),
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        EXPECTED_VARIABLE: json.dumps(build_vars(settings)),
    }
