"""The working warehouse: one DuckDB file, tables keyed by wave, each wave replaced whole in one transaction.

The tables carry no PRIMARY KEY: DuckDB keeps an ART index for each, which made loading a large wave several times
slower (DuckDB's own advice for bulk loads). The keys stay unique by construction: the roster reader rejects a
repeated cluster, the questionnaire a repeated variable, Labels codes are kept per variable, answers are one per
respondent and variable, and the blocking ingestion checks reject a repeated respondent key or landing file.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from kvis_pipeline.core.memory import duckdb_config
from kvis_pipeline.warehouse.tables import SURVEY_ANSWERS, TABLES, Table

LONG_FORM_SLICE = 100_000  # export rows per INSERT of answers in long form


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only, config=duckdb_config())
    try:
        yield con
    finally:
        con.close()


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    _name_answers_by_source_row(con)
    for table in TABLES.values():
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.key[0]}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {table.name} ({table.ddl()})")
        _add_missing_columns(con, table)


def _name_answers_by_source_row(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse made before answers named their respondent by its row (source_row) rather than its pseudonym
    has each answer's row looked up once, through the respondent it belongs to."""
    columns = _columns(con, SURVEY_ANSWERS)
    if "respondent_key" not in columns or "source_row" in columns:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("ALTER TABLE raw.survey_answers RENAME TO survey_answers_by_respondent_key")
        con.execute(f"CREATE TABLE {SURVEY_ANSWERS.name} ({SURVEY_ANSWERS.ddl()})")
        con.execute(
            f"INSERT INTO {SURVEY_ANSWERS.name} BY NAME SELECT a.wave, r.source_row, a.variable, a.code FROM "
            "raw.survey_answers_by_respondent_key AS a JOIN raw.survey_respondents AS r USING (wave, respondent_key)"
        )
        con.execute("DROP TABLE raw.survey_answers_by_respondent_key")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _columns(con: duckdb.DuckDBPyConnection, table: Table) -> set[str]:
    schema, name = table.key
    return {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
            "AND database_name = current_database()",
            [schema, name],
        ).fetchall()
    }


def _add_missing_columns(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """A warehouse made by an earlier kvis gains the columns added since, with their defaults."""
    present = _columns(con, table)
    for column in table.columns:
        if column.name not in present and column.default is not None:
            con.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column.sql_type} DEFAULT {column.default}")


@dataclass(frozen=True)
class LongForm:
    """A wide frame's variables as (respondent, variable, value) rows, empty cells left out, unpivoted by DuckDB
    as it is written: pandas' melt made a Python object per cell (docs/performance.md)."""

    wide: pd.DataFrame  # the respondent column and the variables, as text
    variables: list[str]
    value_name: str
    value_type: str  # the SQL type the values are cast to
    respondent: str  # the column naming the respondent (its pseudonym, or its row in the export)

    def __len__(self) -> int:
        return int(self.wide[self.variables].ne("").to_numpy(dtype=bool).sum())

    def arrow_tables(self) -> tuple[pa.Table, pa.Table]:
        """The wide rows with positional column names, and the names they stand for: variable names come from the
        export's Structure, so they reach DuckDB as values, never as identifiers in SQL text."""
        wide = pa.Table.from_pandas(self.wide[[self.respondent, *self.variables]], preserve_index=False)
        positional = wide.rename_columns(["respondent", *(f"v{i}" for i in range(len(self.variables)))])
        names = pa.table({"position": [f"v{i}" for i in range(len(self.variables))], "variable": self.variables})
        return positional, names

    def select_from(self, relation: str, names: str) -> str:
        columns = ", ".join(f"v{i}" for i in range(len(self.variables)))
        return (
            f"SELECT respondent AS {self.respondent}, n.variable, value::{self.value_type} AS {self.value_name} "
            f"FROM (UNPIVOT {relation} ON {columns} INTO NAME position VALUE value) AS u "
            f"JOIN {names} AS n USING (position) WHERE value <> ''"
        )


def replace_wave(con: duckdb.DuckDBPyConnection, wave: str, frames: Mapping[str, pd.DataFrame | LongForm]) -> None:
    """Swap in a wave's rows for the given tables all at once, so a rerun never duplicates a row."""
    ensure_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        for table, frame in frames.items():
            con.execute(f"DELETE FROM {table} WHERE wave = ?", [wave])
            # as an Arrow table: DuckDB scans pandas' Arrow-backed text through a deprecated attribute
            if isinstance(frame, LongForm):
                positional, names = frame.arrow_tables()
                con.register("incoming_names", names)
                rows = frame.select_from("incoming_rows", "incoming_names")
                # unpivoted a slice of respondents at a time: DuckDB's working memory is that of one slice
                for start in range(0, positional.num_rows, LONG_FORM_SLICE):
                    _insert(con, table, wave, positional.slice(start, LONG_FORM_SLICE), rows)
                con.unregister("incoming_names")
            else:
                _insert(
                    con, table, wave, pa.Table.from_pandas(frame, preserve_index=False), "SELECT * FROM incoming_rows"
                )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _insert(con: duckdb.DuckDBPyConnection, table: str, wave: str, incoming: pa.Table, rows: str) -> None:
    con.register("incoming_rows", incoming)
    con.execute(f"INSERT INTO {table} BY NAME SELECT *, $wave AS wave FROM ({rows})", {"wave": wave})
    con.unregister("incoming_rows")


def warehouse_waves(path: Path) -> set[str] | None:
    """The waves the warehouse holds (by their load summary); empty for a missing warehouse, None if unreadable."""
    if not path.exists():
        return set()
    try:
        with connect(path, read_only=True) as con:
            present = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = 'load_summary'"
            ).fetchone()[0]
            return (
                {row[0] for row in con.execute("SELECT DISTINCT wave FROM raw.load_summary").fetchall()}
                if present
                else set()
            )
    except duckdb.Error:
        return None


def select_build_waves(con: duckdb.DuckDBPyConnection, waves: list[str]) -> None:
    """The waves the next dbt build reads and replaces, as bound values in raw.build_waves."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE OR REPLACE TABLE raw.build_waves (wave VARCHAR NOT NULL)")
    con.executemany("INSERT INTO raw.build_waves VALUES (?)", [[wave] for wave in waves])
