"""kvis.xlsx: the published marts for Excel users, a sheet per mart and a first sheet describing every column in
Danish (descriptions_da.yml).

Written from the staged publication database with rustpy-xlsxwriter, Python's binding of rust_xlsxwriter (XlsxWriter's
Rust port by the same author): XlsxWriter in Python took about 10 microseconds a cell, 75 s for the 7.6 million cells of
one mart at 100 000 respondents (docs/performance.md). Each sheet is streamed row by row (its constant-memory mode).
Every text is written as text: names come from the roster and the export, and one beginning with '=', '+', '-' or
'@' must never become a formula in Excel (the writer has no formula or URL detection; tests/unit/test_workbook.py).
"""

from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import yaml
from rustpy_xlsxwriter import FastExcel, Format

from kvis_pipeline.core.memory import duckdb_config
from kvis_pipeline.publish.labels import ABOUT_SHEET, HIDDEN_TEXT, SHEET_NAMES

WORKBOOK_NAME = "kvis.xlsx"
SHEET_ROWS = 1_048_576  # rows an Excel sheet holds, its header included
SCHEMA = "marts"
# columns holding a fraction, shown as a percentage
FRACTIONS = {
    "share_positive",
    "ci_low",
    "ci_high",
    "share",
    "response_rate",
    "cluster_min",
    "cluster_max",
    "previous_share_positive",
    "previous_response_rate",
    "change",
    "change_ci_low",
    "change_ci_high",
}
ABOUT_COLUMNS = {"Ark": 30, "Tabel": 26, "Kolonne": 26, "Type": 10, "Beskrivelse": 100}  # and their widths


def write_workbook(database: Path, target: Path, sheet_rows: int = SHEET_ROWS) -> Path:
    """Write every mart of the publication `database` to the workbook `target` (a new file). A mart with more rows
    than a sheet holds is left out whole, never cut: the describing sheet says so and where to find it."""
    with duckdb.connect(str(database), read_only=True, config=duckdb_config()) as con:
        con.execute("SET enable_progress_bar = false")
        tables = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = ? ORDER BY table_name", [SCHEMA]
        ).fetchall()
        ordered = sorted(tables, key=lambda t: (list(SHEET_NAMES).index(t[0]) if t[0] in SHEET_NAMES else 99, t[0]))
        rows = {table: con.execute(f'SELECT count(*) FROM {SCHEMA}."{table}"').fetchone()[0] for table, _ in ordered}
        too_large = {table: count for table, count in rows.items() if count + 1 > sheet_rows}
        header = Format().set_bold().set_background_color("#EEF4F9").set_border_bottom("medium").set_text_wrap()
        percent = Format().set_num_format("0.0%")
        workbook = FastExcel(str(target), autofit=False).format(datetime_format="yyyy-mm-dd").freeze(row=1, col=0)
        workbook.sheet(
            ABOUT_SHEET,
            _about_rows(con, ordered, too_large),
            header_format=header,
            column_widths=ABOUT_COLUMNS,
            column_formats={"Beskrivelse": Format().set_text_wrap().set_align("top")},
        )
        for table, _ in ordered:
            if table not in too_large:
                frame = _mart_frame(con, table)
                workbook.sheet(
                    sheet_name(table),
                    frame,
                    header_format=header,
                    column_widths={column: max(10, min(40, len(column) + 2)) for column in frame.columns},
                    column_formats={column: percent for column in frame.columns if column in FRACTIONS},
                    autofilter=True,
                )
        workbook.save()
    return target


def sheet_name(table: str) -> str:
    return SHEET_NAMES.get(table, table[:31])


@cache
def danish_descriptions() -> dict:
    """descriptions_da.yml: 'tables' and 'columns' (a column, or 'table.column' where it means something else)."""
    return yaml.safe_load((resources.files("kvis_pipeline.publish") / "descriptions_da.yml").read_text("utf-8"))


def describe(table: str, column: str | None = None) -> str | None:
    """The Danish description of a table or of one of its columns, or None if there is none."""
    descriptions = danish_descriptions()
    if column is None:
        return descriptions["tables"].get(table)
    return descriptions["columns"].get(f"{table}.{column}", descriptions["columns"].get(column))


def _about_rows(
    con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]], too_large: dict[str, int]
) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []

    def add(*values: str | None) -> None:
        rows.append(dict(zip(ABOUT_COLUMNS, values, strict=True)))

    for table, comment in tables:
        description = describe(table) or comment or ""
        if table in too_large:
            count = f"{too_large[table]:,}".replace(",", ".")
            description += (
                f" Tabellen har {count} rækker, flere end et Excel-ark kan rumme, og er derfor ikke med i denne "
                f"projektmappe; den findes i parquet/{table}.parquet og i kvis.duckdb."
            )
        add(None if table in too_large else sheet_name(table), table, None, None, description)
        columns = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
            "ORDER BY column_index",
            [SCHEMA, table],
        ).fetchall()
        for column, data_type, text in columns:
            add(sheet_name(table), table, column, data_type, describe(table, column) or text or "")
    reasons = "; ".join(f"{code} = {text}" for code, text in HIDDEN_TEXT.items())
    add(None, None, None, None, None)
    add(None, None, "suppression", None, f"Skjulte celler er tomme; suppression siger hvorfor: {reasons}")
    return rows


def _mart_frame(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """The mart in key order, its columns as Arrow arrays (a NULL stays a NULL and becomes an empty cell)."""
    return (
        con.execute(f'SELECT * FROM {SCHEMA}."{table}" ORDER BY ALL')
        .to_arrow_table()
        .to_pandas(types_mapper=pd.ArrowDtype)
    )
