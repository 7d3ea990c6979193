"""kvis.xlsx: the published marts for Excel users, a sheet per mart and a first sheet describing every column in
Danish (descriptions_da.yml).

Written with XlsxWriter from the staged publication database. Every text is written as text: names come from the
roster and the export, and one beginning with '=', '+', '-' or '@' must never become a formula in Excel.
"""

from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import xlsxwriter
import yaml

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
OPTIONS = {
    "strings_to_formulas": False,  # the injection guard: '=HYPERLINK(...)' stays a text
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "constant_memory": True,  # rows are written in order and flushed, so a large mart never sits in memory
    "default_date_format": "yyyy-mm-dd",
}


def write_workbook(database: Path, target: Path, sheet_rows: int = SHEET_ROWS) -> Path:
    """Write every mart of the publication `database` to the workbook `target` (a new file). A mart with more rows
    than a sheet holds is left out whole, never cut: the describing sheet says so and where to find it."""
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute("SET enable_progress_bar = false")
        tables = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = ? ORDER BY table_name", [SCHEMA]
        ).fetchall()
        ordered = sorted(tables, key=lambda t: (list(SHEET_NAMES).index(t[0]) if t[0] in SHEET_NAMES else 99, t[0]))
        workbook = xlsxwriter.Workbook(str(target), OPTIONS)
        formats = {
            "header": workbook.add_format({"bold": True, "bg_color": "#EEF4F9", "bottom": 2, "text_wrap": True}),
            "percent": workbook.add_format({"num_format": "0.0%"}),
            "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        }
        rows = {table: con.execute(f'SELECT count(*) FROM {SCHEMA}."{table}"').fetchone()[0] for table, _ in ordered}
        too_large = {table: count for table, count in rows.items() if count + 1 > sheet_rows}
        _about_sheet(con, workbook, ordered, formats, too_large)
        for table, _ in ordered:
            if table not in too_large:
                _mart_sheet(con, workbook, table, formats)
        workbook.close()
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


def _about_sheet(
    con: duckdb.DuckDBPyConnection, workbook, tables: list[tuple[str, str]], formats: dict, too_large: dict[str, int]
) -> None:
    sheet = workbook.add_worksheet(ABOUT_SHEET)
    sheet.write_row(0, 0, ["Ark", "Tabel", "Kolonne", "Type", "Beskrivelse"], formats["header"])
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 2, 26)
    sheet.set_column(3, 3, 10)
    sheet.set_column(4, 4, 100, formats["wrap"])
    sheet.freeze_panes(1, 0)
    row = 1
    for table, comment in tables:
        description = describe(table) or comment or ""
        if table in too_large:
            rows = f"{too_large[table]:,}".replace(",", ".")
            description += (
                f" Tabellen har {rows} rækker, flere end et Excel-ark kan rumme, og er derfor ikke med i denne "
                f"projektmappe; den findes i parquet/{table}.parquet og i kvis.duckdb."
            )
        sheet.write_row(row, 0, ["" if table in too_large else sheet_name(table), table, "", "", description])
        row += 1
        columns = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
            "ORDER BY column_index",
            [SCHEMA, table],
        ).fetchall()
        for column, data_type, text in columns:
            sheet.write_row(
                row, 0, [sheet_name(table), table, column, data_type, describe(table, column) or text or ""]
            )
            row += 1
    reasons = "; ".join(f"{code} = {text}" for code, text in HIDDEN_TEXT.items())
    sheet.write_row(
        row + 1, 0, ["", "", "suppression", "", f"Skjulte celler er tomme; suppression siger hvorfor: {reasons}"]
    )


def _mart_sheet(con: duckdb.DuckDBPyConnection, workbook, table: str, formats: dict) -> None:
    sheet = workbook.add_worksheet(sheet_name(table))
    result = con.execute(f'SELECT * FROM {SCHEMA}."{table}" ORDER BY ALL')
    columns = [column for column, *_ in result.description]
    sheet.write_row(0, 0, columns, formats["header"])
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        width = max(10, min(40, len(column) + 2))
        sheet.set_column(index, index, width, formats["percent"] if column in FRACTIONS else None)
    row = 1
    while batch := result.fetchmany(10_000):
        for values in batch:
            sheet.write_row(row, 0, values)  # a NULL is left an empty cell
            row += 1
    sheet.autofilter(0, 0, max(row - 1, 1), len(columns) - 1)
