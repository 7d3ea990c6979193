import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.ingest.export_bundle import parse_delimited
from kvis_pipeline.ingest.text_decoding import decode_text
from kvis_pipeline.orchestration.dbt import DBT_COMMAND, build_target
from kvis_pipeline.orchestration.dbt_build import KEPT_PARSES, build_arguments
from kvis_pipeline.orchestration.kept_parse import KEPT_PARSES_VARIABLE


def read_eu_dataset(path: Path) -> pd.DataFrame:
    return parse_delimited(path, decode_text(path).utf8, ";", header=True)


def write_eu_dataset(path: Path, frame: pd.DataFrame) -> None:
    path.write_bytes(frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("cp1252"))


def warehouse_tables(settings: Settings) -> dict[str, pd.DataFrame]:
    return database_tables(settings.warehouse)


def database_tables(database: Path) -> dict[str, pd.DataFrame]:
    """Every table of a DuckDB file, rows in a fixed order (tables have no order of their own)."""
    with duckdb.connect(str(database), read_only=True) as con:
        names = con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        return {name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").df() for (name,) in names}


DBT = Path(sys.executable).parent / "dbt"
DBT_PROJECT = Path(__file__).parent.parent / "dbt_project"


def run_dbt(
    command: list[str], warehouse: Path, target: Path, *args: str, kept: Path | None = None
) -> subprocess.CompletedProcess:
    """A dbt command line (`command`, then `args`) on this project and `warehouse`, into the target folder `target`;
    kvis' dbt command (DBT_COMMAND) takes and keeps a parse in the folder `kept` as a run's does."""
    environment = {**os.environ, "KVIS_WAREHOUSE": str(warehouse)}
    environment.pop(KEPT_PARSES_VARIABLE, None)
    return subprocess.run(
        [*command, *args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)]
        + ["--target-path", str(target), "--log-path", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment if kept is None else {**environment, KEPT_PARSES_VARIABLE: str(kept)},
    )


def dbt_build_by_hand(warehouse: Path, target: Path, dbt_vars: dict | None = None) -> None:
    """`dbt build` as the README shows it, on `warehouse`; the build and its tests must pass."""
    result = run_dbt([str(DBT), "build"], warehouse, target, *(["--vars", json.dumps(dbt_vars)] if dbt_vars else []))
    assert result.returncode == 0 and "ERROR=0" in result.stdout, result.stdout[-3000:]


def dbt_build_as_a_run(warehouse: Path, dbt_vars: dict) -> None:
    """`dbt build` on `warehouse` as a run starts it: kvis' dbt command and a run's arguments (no unit tests:
    dbt_build_by_hand runs them), a target of its own seeded with the kept parse. The build and its tests must
    pass."""
    target = build_target()
    try:
        result = run_dbt([*DBT_COMMAND, *build_arguments(dbt_vars)], warehouse, target, kept=KEPT_PARSES)
        assert result.returncode == 0 and "ERROR=0" in result.stdout, result.stdout[-3000:]
    finally:
        shutil.rmtree(target, ignore_errors=True)
