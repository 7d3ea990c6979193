"""`kvis run` on the reference wave publishes the marts, and only they, with the fact sheet's figures."""

import datetime
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from conftest import REPO
from helpers import database_tables, read_eu_dataset

from kvis_pipeline.publish.labels import SHEET_NAMES
from kvis_pipeline.publish.publication import publish_marts

SPEC_TABLES = {
    "cluster_response",
    "specialty_response",
    "national_response",
    "cluster_results",
    "specialty_results",
    "national_results",
    "cluster_distribution",
    "specialty_distribution",
    "national_distribution",
    "load_summary",
    "cluster_trends",
    "specialty_trends",
    "national_trends",
    "questionnaire_changes",
}


@pytest.fixture(scope="module")
def published(tmp_path_factory, built_sites) -> Path:
    """The reference wave as `kvis run` publishes it (one run for the whole session), copied for this module."""
    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(built_sites(("2025",)), root, dirs_exist_ok=True)
    return root


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_published_database_reproduces_every_figure_of_the_fact_sheet(published):
    db = published / "published" / "kvis.duckdb"
    psychiatry = "(SELECT specialty_code FROM marts.specialty_response WHERE specialty_name = 'Psykiatri')"
    assert query(
        db,
        f"""
        SELECT clusters, members, respondents, round(response_rate * 100, 1)
        FROM marts.specialty_response WHERE wave = '2025' AND specialty_code = {psychiatry}""",
    ) == [(12, 151, 100, 66.2)]

    s_3 = query(
        db,
        f"""
        SELECT round(share_positive * 100), round(cluster_min * 100), round(cluster_max * 100)
        FROM marts.specialty_results WHERE wave = '2025' AND specialty_code = {psychiatry} AND variable = 's_3'""",
    )
    assert s_3 == [(64, 36, 90)]
    assert query(
        db,
        f"""
        SELECT round(d.share * 100) FROM marts.specialty_distribution AS d
        WHERE wave = '2025' AND specialty_code = {psychiatry} AND variable = 's_3' AND label = 'I nogen grad'
        """,
    ) == [(26,)]
    assert query(
        db,
        """
        SELECT round(share_positive * 100, 1) FROM marts.national_results WHERE wave = '2025' AND variable = 's_3'
        """,
    ) == [(65.7,)]

    s_10 = query(
        db,
        f"""
        SELECT round(s.share_positive * 100), round(n.share_positive * 100)
        FROM marts.specialty_results AS s JOIN marts.national_results AS n USING (wave, variable)
        WHERE wave = '2025' AND s.specialty_code = {psychiatry} AND variable = 's_10'""",
    )
    assert s_10 == [(53, 48)]

    top_three = query(
        db,
        f"""
        SELECT i.item_text FROM marts.specialty_results AS r JOIN marts.questionnaire_items AS i USING (wave, variable)
        WHERE wave = '2025' AND r.specialty_code = {psychiatry} AND variable LIKE 's_12_%'
        ORDER BY r.share_positive DESC LIMIT 3""",
    )
    texts = [text.lower() for (text,) in top_three]
    assert "erfaringsudveksling" in texts[0]
    assert "retningslinjer" in texts[1]
    assert "oplægsholdere" in texts[2]


def test_only_the_marts_are_published_in_both_forms(published):
    db = published / "published" / "kvis.duckdb"
    schemas = {schema for (schema,) in query(db, "SELECT DISTINCT schema_name FROM duckdb_tables()")}
    assert schemas == {"marts"}
    tables = database_tables(db)
    names = {name.removeprefix("marts.") for name in tables}
    assert names >= SPEC_TABLES
    assert names - SPEC_TABLES == {
        "questionnaire_items",
        "cluster_response_trends",
        "specialty_response_trends",
        "national_response_trends",
    }

    parquet_dir = published / "published" / "parquet"
    assert {p.stem for p in parquet_dir.glob("*.parquet")} == names
    for name, frame in tables.items():
        table = name.removeprefix("marts.")
        from_parquet = duckdb.sql(
            f"SELECT * FROM read_parquet('{parquet_dir / (table + '.parquet')}') ORDER BY ALL"
        ).df()
        pd.testing.assert_frame_equal(frame, from_parquet, check_dtype=False)
    assert all(frame["wave"].eq("2025").all() for frame in tables.values())
    assert len(tables["marts.cluster_results"]) == 73 * 38


def test_the_workbook_holds_the_published_marts_cell_for_cell(published):
    """The run writes kvis.xlsx from the warehouse while it stages the database: both must hold the same rows."""
    db = published / "published" / "kvis.duckdb"
    workbook = openpyxl.load_workbook(published / "published" / "kvis.xlsx", read_only=True)
    rows = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        assert {SHEET_NAMES[t] for t in tables} == set(workbook.sheetnames[1:])
        for table in tables:
            result = con.execute(f'SELECT * FROM marts."{table}" ORDER BY ALL')
            expected = [[d[0] for d in result.description], *map(list, result.fetchall())]
            sheet = [
                [v.date() if isinstance(v, datetime.datetime) else v for v in row]
                for row in workbook[SHEET_NAMES[table]].iter_rows(values_only=True)
            ]
            assert sheet == expected, table
            rows[table] = len(sheet) - 1
    assert rows["cluster_results"] == 73 * 38 and rows["cluster_distribution"] > rows["cluster_results"]


def test_every_published_column_is_described(published):
    db = published / "published" / "kvis.duckdb"
    undocumented = query(
        db, "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND comment IS NULL"
    )
    assert undocumented == []
    assert query(db, "SELECT count(*) FROM duckdb_tables() WHERE comment IS NULL") == [(0,)]


def test_no_personal_data_in_any_published_column(published):
    """Scan every cell of every published table for the export's identifying and free-text values."""
    dataset = read_eu_dataset(published / "landing" / "2025" / "survey" / "dataset.csv")
    personal = {
        c: set(dataset[c][dataset[c] != ""]) for c in ["navn", "email", "ydernr", "respondentid", "s_9", "s_11", "s_13"]
    }
    pseudonyms = {
        key
        for (key,) in query(
            published / "warehouse" / "kvis.duckdb", "SELECT respondent_key FROM raw.survey_respondents"
        )
    }
    assert len(pseudonyms) == 984 and len(personal["email"]) > 500
    scanned = 0
    for name, frame in database_tables(published / "published" / "kvis.duckdb").items():
        for column in frame.columns:
            cells = set(frame[column].dropna().astype(str))
            scanned += len(cells)
            assert not cells & pseudonyms, f"{name}.{column} holds respondent keys"
            for kind, values in personal.items():
                assert not cells & values, f"{name}.{column} holds {kind}"
            assert not any("@" in cell for cell in cells), f"{name}.{column} holds an e-mail address"
    assert scanned > 3_000


def test_readers_of_the_old_publication_are_not_blocked_nor_shown_a_mix(published, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(published / "warehouse" / "kvis.duckdb", warehouse)
    publish_dir = tmp_path / "published"
    publish_marts(warehouse, publish_dir)
    old_parquet = open(publish_dir / "parquet" / "national_response.parquet", "rb")  # noqa: SIM115 (held open across the swap)
    reader = duckdb.connect(str(publish_dir / "kvis.duckdb"), read_only=True)
    before = reader.execute("SELECT members FROM marts.national_response").fetchall()

    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE marts.national_response SET members = members + 1000")
    publish_marts(warehouse, publish_dir)  # the reader above still holds the old file open

    assert reader.execute("SELECT members FROM marts.national_response").fetchall() == before
    reader.close()
    assert query(publish_dir / "kvis.duckdb", "SELECT members FROM marts.national_response") == [(before[0][0] + 1000,)]
    assert duckdb.sql(
        f"SELECT members FROM read_parquet('{publish_dir / 'parquet' / 'national_response.parquet'}')"
    ).fetchall() == [(before[0][0] + 1000,)]
    old_parquet.seek(0)
    assert old_parquet.read(4) == b"PAR1"  # the old file is still whole for whoever had it open
    old_parquet.close()
    assert sorted(p.name for p in publish_dir.iterdir()) == [
        ".parquet-versions",
        "kvis.duckdb",
        "kvis.xlsx",
        "parquet",
        "publication.json",
    ]


def test_a_failed_publication_leaves_the_previous_one_untouched(published, tmp_path):
    publish_dir = tmp_path / "published"
    publish_marts(published / "warehouse" / "kvis.duckdb", publish_dir)
    before = database_tables(publish_dir / "kvis.duckdb")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()

    with pytest.raises(RuntimeError, match="no tables to publish"):
        publish_marts(empty, publish_dir)

    after = database_tables(publish_dir / "kvis.duckdb")
    assert before.keys() == after.keys() and all(before[t].equals(after[t]) for t in before)
    assert sorted(p.name for p in publish_dir.iterdir()) == [
        ".parquet-versions",
        "kvis.duckdb",
        "kvis.xlsx",
        "parquet",
        "publication.json",
    ]
    assert len(list((publish_dir / ".parquet-versions").iterdir())) == 1


def test_the_readme_queries_for_analysts_answer_from_the_published_database(published):
    readme = (REPO / "README.md").read_text()
    block = readme.split("```sql\n", 1)[1].split("```", 1)[0]
    statements = [s for s in block.split(";") if s.strip()]
    assert len(statements) == 4
    db = published / "published" / "kvis.duckdb"
    overview, answers, elements, chart = (query(db, statement) for statement in statements)
    assert overview == [("Psykiatri", 100, 66.2, 64.0, 36.0, 90.0, 65.7)]
    assert [(label, pct) for label, _, pct in answers][:3] == [
        ("I meget høj grad", 23.0),
        ("I høj grad", 41.0),
        ("I nogen grad", 26.0),
    ]
    assert len(elements) == 7 and elements[0][0] == "Erfaringsudveksling med kolleger"
    assert (1, "2025", datetime.date(2025, 9, 1), "Psykiatri", 64.0) in chart
    assert {row[0] for row in chart} == {1} and len(chart) == len({row[3] for row in chart}) > 10


def test_great_expectations_pass_on_the_publication_and_catch_what_is_wrong(published, tmp_path):
    from kvis_pipeline.publish.expectations import validate_publication

    roster = {f"2025:{cluster}" for cluster in range(1, 74)}
    assert (published / "published" / "data_docs" / "index.html").exists()
    outcomes = validate_publication(published / "published" / "kvis.duckdb", roster, tmp_path / "docs", ["2025"])
    assert {o.frame for o in outcomes} == {"roster_coverage", "disclosure_audit", "level_totals"}
    assert len(outcomes) == 11 and all(o.success for o in outcomes)

    broken = tmp_path / "broken.duckdb"
    shutil.copy(published / "published" / "kvis.duckdb", broken)
    with duckdb.connect(str(broken)) as con:
        con.execute("DELETE FROM marts.cluster_results WHERE cluster_id = 73")
        con.execute("UPDATE marts.national_response SET respondents = respondents + 1")
        hidden = con.execute(
            "SELECT cluster_id, variable FROM marts.cluster_results WHERE suppression = 'complementary' LIMIT 1"
        ).fetchone()
        con.execute("UPDATE marts.cluster_results SET suppressed = false WHERE cluster_id = ? AND variable = ?", hidden)
    failed = {
        (o.frame, o.expectation, o.column): o.unexpected_count
        for o in validate_publication(broken, roster, tmp_path / "docs", ["2025"])
        if not o.success
    }
    assert failed.keys() == {
        ("roster_coverage", "expect_column_values_to_be_null", "missing_from_results"),
        ("level_totals", "expect_column_pair_values_to_be_equal", "respondents_specialty vs respondents_national"),
        ("disclosure_audit", "expect_column_values_to_be_between", "exposed_cells"),
    }
    assert failed[("roster_coverage", "expect_column_values_to_be_null", "missing_from_results")] == 1
    assert (tmp_path / "docs" / "index.html").exists()


def test_cluster_homogeneity_test_equals_scipy_on_the_published_counts(published):
    """For every specialty and item: Pearson's chi-square over the published clusters, as scipy computes it."""
    from scipy.stats import chi2_contingency

    db = published / "published" / "kvis.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        specialties = con.sql("SELECT * FROM marts.specialty_results").df()
        clusters = con.sql("SELECT * FROM marts.cluster_results WHERE NOT suppressed").df()
    tested = 0
    for row in specialties.itertuples():
        shown = clusters[(clusters["specialty_code"] == row.specialty_code) & (clusters["variable"] == row.variable)]
        positive, valid = shown["n_positive"].to_numpy(), shown["n_valid"].to_numpy()
        if len(shown) < 2 or positive.sum() in (0, valid.sum()):
            assert pd.isna(row.cluster_chi_square) and pd.isna(row.cluster_chi_square_p)
            continue
        statistic, p_value, df, _ = chi2_contingency([positive, valid - positive], correction=False)
        assert row.cluster_chi_square == pytest.approx(statistic, abs=1e-9)
        assert row.cluster_chi_square_p == pytest.approx(p_value, abs=1e-9)
        assert row.cluster_chi_square_df == df == len(shown) - 1
        tested += 1
    assert tested > 300  # most of the 14 x 38 specialty items have two or more published clusters


def test_holm_flags_of_each_cluster_equal_an_independent_step_down(published):
    """The score test by scipy (a chi-square goodness of fit on positive and other answers) and Holm's procedure
    as its paper states it: reject the smallest p-values in turn while p_(j) <= 0.05 / (m - j + 1)."""
    from scipy.stats import chisquare

    db = published / "published" / "kvis.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        results = con.sql(
            "SELECT c.*, n.share_positive AS national_share FROM marts.cluster_results AS c "
            "JOIN marts.national_results AS n USING (wave, variable)"
        ).df()
    flags = {"above": 0, "below": 0, "unadjusted": 0}
    for _, cluster in results.groupby(["wave", "cluster_id"]):
        tested = cluster[~cluster["suppressed"]].copy()
        tested["p"] = [
            chisquare([k, n - k], [n * p0, n * (1 - p0)]).pvalue
            for k, n, p0 in zip(tested["n_positive"], tested["n_valid"], tested["national_share"])
        ]
        assert tested["p_vs_national"].to_numpy() == pytest.approx(tested["p"].to_numpy(), abs=1e-9)
        rejected, m = set(), len(tested)
        for j, (variable, p) in enumerate(sorted(zip(tested["variable"], tested["p"]), key=lambda v: v[1]), 1):
            if p > 0.05 / (m - j + 1):
                break
            rejected.add(variable)
        for row in cluster.itertuples():
            if row.suppressed:
                assert row.vs_national_holm is None
                continue
            expected = "not_different"
            if row.variable in rejected:
                expected = "above" if row.share_positive > row.national_share else "below"
                flags[expected] += 1
            assert row.vs_national_holm == expected, (row.cluster_id, row.variable)
            flags["unadjusted"] += row.vs_national in ("above", "below")
    # Holm keeps some flags and drops most of those that one test per item would raise
    assert 0 < flags["above"] + flags["below"] < flags["unadjusted"] / 2
