"""The raw tables are defined once: the warehouse DuckDB creates and the pandera checks come from one definition."""

import duckdb
import pandas as pd

from kvis_pipeline.warehouse import store
from kvis_pipeline.warehouse.store import ensure_tables
from kvis_pipeline.warehouse.tables import LOAD_SUMMARY, SURVEY_RESPONDENTS, TABLES, failure_cases


def test_the_warehouse_has_the_defined_columns_types_and_nullability(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_tables(con)
        created = {
            (f"{schema}.{table}", column): (data_type, nullable)
            for schema, table, column, data_type, nullable in con.execute(
                "SELECT schema_name, table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
                "WHERE schema_name IN ('raw', 'restricted')"
            ).fetchall()
        }
    defined = {
        (table.name, column.name): (column.sql_type, column.nullable)
        for table in TABLES.values()
        for column in table.columns
    }
    assert created == defined


def test_an_earlier_warehouse_gains_a_column_added_with_a_default(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE SCHEMA raw")
        old_columns = ", ".join(c.ddl() for c in LOAD_SUMMARY.columns if c.name != "nul_bytes_dropped")
        con.execute(f"CREATE TABLE raw.load_summary ({old_columns})")
        con.execute("INSERT INTO raw.load_summary VALUES ('2024', 'a.csv', 'x', 3, 3, 0, 0)")
        ensure_tables(con)
        assert con.execute("SELECT nul_bytes_dropped FROM raw.load_summary").fetchall() == [(0,)]


def test_an_earlier_warehouses_answers_come_to_name_their_respondents_row(tmp_path):
    """Answers were named by the respondent's pseudonym before; each is moved to that respondent's row, per wave."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(f"CREATE TABLE {SURVEY_RESPONDENTS.name} ({SURVEY_RESPONDENTS.ddl()})")
        con.execute(
            "CREATE TABLE raw.survey_answers "
            "(wave VARCHAR NOT NULL, respondent_key VARCHAR NOT NULL, variable VARCHAR NOT NULL, code INTEGER NOT NULL)"
        )
        respondents = [("2024", "a" * 32, 2), ("2024", "b" * 32, 3), ("2025", "a" * 32, 7)]  # one key in two waves
        con.executemany(
            "INSERT INTO raw.survey_respondents (wave, respondent_key, source_file, source_row, klynge, speciale, "
            "region, statoverall) VALUES (?, ?, 'dataset.csv', ?, 1, 1, 1, 4)",
            respondents,
        )
        answers = [("2024", "a" * 32, "s_3", 1), ("2024", "b" * 32, "s_3", 2), ("2025", "a" * 32, "s_3", 3)]
        con.executemany("INSERT INTO raw.survey_answers VALUES (?, ?, ?, ?)", answers)
        ensure_tables(con)
        ensure_tables(con)  # a second time changes nothing
        assert con.execute("SELECT * FROM raw.survey_answers ORDER BY wave, source_row").fetchall() == [
            ("2024", 2, "s_3", 1),
            ("2024", 3, "s_3", 2),
            ("2025", 7, "s_3", 3),
        ]
        tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' ORDER BY 1").fetchall()
        assert ("survey_answers_by_respondent_key",) not in tables


def test_the_pandera_schema_checks_what_the_definition_says():
    good = pd.DataFrame(
        {
            "respondent_key": ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"],
            "source_row": [2, 3],
            "statoverall": [4, 2],
            "klynge": [1, 1],
            "speciale": [10, 10],
            "region": [1, 1],
            "closetime": [pd.Timestamp("2025-03-01"), pd.NaT],
        }
    )
    schema = SURVEY_RESPONDENTS.schema(list(good.columns))
    assert failure_cases(schema, good).empty

    bad = good.assign(source_row=[1, 3], statoverall=[4, 6], closetime=[pd.NaT, pd.NaT])
    bad.loc[1, "respondent_key"] = bad.loc[0, "respondent_key"]
    cases = failure_cases(schema, bad)
    by_column = {(row.column, row.check) for row in cases.itertuples() if row.schema_context == "Column"}
    assert by_column == {
        ("source_row", "greater_than_or_equal_to(2)"),
        ("statoverall", "isin([1, 2, 3, 4, 5])"),
        ("respondent_key", "field_uniqueness"),
    }
    assert set(cases.loc[cases["schema_context"] == "DataFrameSchema", "check"]) == {"completed_rows_have_a_close_time"}


def test_answers_written_a_slice_of_respondents_at_a_time_land_once_each(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "LONG_FORM_SLICE", 2)
    wide = pd.DataFrame(
        {"source_row": [2, 3, 4, 5, 6], "s_3": ["1", "", "3", "4", "5"], "s_8_1": ["0", "1", "", "1", ""]}
    )
    answers = store.LongForm(wide, ["s_3", "s_8_1"], "code", "INTEGER", "source_row")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store.replace_wave(con, "2025", {"raw.survey_answers": answers})
        store.replace_wave(con, "2025", {"raw.survey_answers": answers})  # a wave written again replaces itself
        written = con.execute("SELECT source_row, variable, code FROM raw.survey_answers ORDER BY ALL").fetchall()
    assert written == [
        (2, "s_3", 1),
        (2, "s_8_1", 0),
        (3, "s_8_1", 1),
        (4, "s_3", 3),
        (5, "s_3", 4),
        (5, "s_8_1", 1),
        (6, "s_3", 5),
    ]
    assert len(answers) == len(written)
