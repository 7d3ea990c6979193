"""Every DuckDB connection of a run has one memory cap, dbt's included, which an operator may set."""

import duckdb
import pytest
import yaml
from conftest import REPO

from kvis_pipeline.core.memory import DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_VARIABLE, duckdb_memory_limit
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.orchestration.kept_parse import PROFILE
from kvis_pipeline.orchestration.runner import _dbt_failures
from kvis_pipeline.warehouse.store import connect


def memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_dbt_profile_reads_the_same_variable_with_the_same_default():
    profiles = yaml.safe_load((REPO / "dbt_project" / "profiles.yml").read_text())
    target = profiles[PROFILE]["outputs"][profiles[PROFILE]["target"]]
    expected = f"{{{{ env_var('{MEMORY_LIMIT_VARIABLE}', '{DEFAULT_MEMORY_LIMIT}') }}}}"
    assert target["settings"]["memory_limit"] == expected


def test_the_warehouse_connection_has_the_cap_not_duckdbs_default(tmp_path, monkeypatch):
    with duckdb.connect() as con:
        default = memory_limit(con)
    for setting in (None, "1GB"):
        if setting:
            monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, setting)
        with duckdb.connect(config={"memory_limit": setting or DEFAULT_MEMORY_LIMIT}) as con:
            cap = memory_limit(con)
        assert duckdb_memory_limit() == (setting or DEFAULT_MEMORY_LIMIT)
        with connect(tmp_path / "warehouse.duckdb") as con:
            assert memory_limit(con) == cap != default


DBT_OUT_OF_MEMORY = """dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process failed with exit code `1`.

Errors parsed from dbt logs:

74 of 122 ERROR creating sql incremental model marts.cluster_distribution ...... [\x1b[31mERROR\x1b[0m in 11.75s]

\x1b[31mFailure in model cluster_distribution (models/marts/cluster_distribution.sql)\x1b[0m

  Runtime Error in model cluster_distribution (models/marts/cluster_distribution.sql)
  Out of Memory Error: failed to pin block of size 256.0 KiB (667.4 MiB/667.5 MiB used)
"""


def test_a_model_out_of_memory_names_the_setting_that_raises_the_cap(monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "700MB")
    assert _dbt_failures(DBT_OUT_OF_MEMORY) == (
        "Failure in model cluster_distribution (models/marts/cluster_distribution.sql) "
        "(out of memory: DuckDB may take 700MB; set KVIS_DUCKDB_MEMORY_LIMIT higher)"
    )
    other = DBT_OUT_OF_MEMORY.replace("Out of Memory Error: failed to pin block", "Binder Error: no such column")
    assert "out of memory" not in _dbt_failures(other)


def test_dbt_stopped_before_naming_a_failing_node_is_said_in_one_line_without_dbts_messages():
    stopped = (
        "dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process with command\n\n`dbt build`\n\n"
        "failed with exit code `-9`. Check the stdout in the Dagster compute logs for the full information about the "
        "error.\n\nErrors parsed from dbt logs:\nConversion Error: Could not convert string 'Åse' to INT32"
    )
    assert _dbt_failures(stopped, "run-1") == (
        "dbt ended with exit code -9 and named no failing model or test; its output is in Dagster run run-1"
    )


def test_a_cap_duckdb_cannot_read_is_refused_with_the_setting_named():
    for readable in ("1GB", "700MB", "2 GiB"):
        Settings.from_env({MEMORY_LIMIT_VARIABLE: readable})
    with pytest.raises(
        ValueError, match="KVIS_DUCKDB_MEMORY_LIMIT must be an amount of memory such as 1GB or 700MB, got 'lots'"
    ):
        Settings.from_env({MEMORY_LIMIT_VARIABLE: "lots"})
