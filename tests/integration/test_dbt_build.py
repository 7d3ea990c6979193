"""dbt, run by hand as the README shows, builds its models on the loaded reference wave and its tests pass."""

import json
import shutil

import duckdb
import pytest
from conftest import TEST_KEY, reference_site
from helpers import DBT, dbt_build_by_hand, run_dbt

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.ingest.wave_load import load_survey


@pytest.fixture(scope="module")
def built_reference(tmp_path_factory) -> Settings:
    """The reference wave loaded and built by hand, once for this module's tests, which only read it."""
    settings = Settings.from_env(reference_site(tmp_path_factory.mktemp("built_reference")))
    load_survey(settings, "2025", TEST_KEY)
    dbt_build_by_hand(settings.warehouse, settings.warehouse.parent / "target")
    return settings


def test_dbt_build_derives_scale_metadata_from_labels(built_reference):
    settings = built_reference
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        scales = {
            variable: (multiple, dont_know, list(positive))
            for variable, multiple, dont_know, positive in con.execute(
                "SELECT variable, is_multiple_choice, dont_know_code, positive_codes "
                "FROM intermediate.int_scale_metadata"
            ).fetchall()
        }
        respondents = con.execute("SELECT count(*) FROM staging.stg_survey_respondents").fetchone()[0]
    assert scales["s_3"] == (False, 6, [1, 2])
    assert scales["s_4_1"] == (False, 5, [1, 2])  # "Ved ikke" is 5 on the importance scale, not 6
    assert scales["s_6"] == (False, 4, [1, 2])  # Ja, ofte + Ja, enkelte gange
    assert scales["s_7"] == (False, 3, [1])  # Labels lists s_7 out of order: Ved ikke, Nej, Ja
    assert scales["s_10"] == (False, 3, [1])
    assert scales["s_8_6"] == (True, None, [1])
    assert "statoverall_4" not in scales and "klynge" not in scales
    assert len(scales) == 38
    assert respondents == 984


def test_item_answers_count_the_fact_sheet_answers(built_reference):
    with duckdb.connect(str(built_reference.warehouse), read_only=True) as con:
        s_3 = con.execute(
            """SELECT count(*) FILTER (WHERE is_valid), count(*) FILTER (WHERE is_positive),
                      count(*) FILTER (WHERE is_dont_know)
               FROM intermediate.int_item_answers WHERE variable = 's_3' AND specialty_code = 11"""
        ).fetchone()
        unanswered_multiple = con.execute(
            """SELECT count(*) FROM intermediate.int_item_answers
               WHERE variable = 's_8_1' AND NOT is_valid"""
        ).fetchone()[0]
    assert s_3 == (100, 64, 0)
    assert unanswered_multiple == 0


def test_row_rules_name_each_broken_rule_and_count_its_rows(built_reference, tmp_path):
    """A model's one row_rules test checks its key, its codes against the roster, its columns' meta rules (not_null,
    within, one_of) and its expressions; each broken rule is returned with the rows that break it."""
    warehouse = tmp_path / "kvis.duckdb"  # the catalog is named after the file, as the compiled tests expect
    shutil.copy(built_reference.warehouse, warehouse)
    first_row = "rowid = (SELECT min(rowid) FROM marts.cluster_results WHERE variable = '{}' AND {})"
    with duckdb.connect(str(warehouse)) as con:
        two_rows = "SELECT * FROM marts.cluster_results WHERE variable = 's_3' LIMIT 2"
        con.execute(f"INSERT INTO marts.cluster_results {two_rows}")
        con.execute(f"UPDATE marts.cluster_results SET cluster_id = 9999 WHERE {first_row.format('s_4_1', 'true')}")
        con.execute(
            "UPDATE marts.cluster_results SET share_positive = 1.5 "
            f"WHERE {first_row.format('s_6', 'share_positive IS NOT NULL')}"
        )
        con.execute(f"UPDATE marts.cluster_results SET n_valid = 3 WHERE {first_row.format('s_6', 'suppressed')}")
        con.execute("UPDATE marts.load_summary SET rows_duplicate = rows_duplicate + 1")
        con.execute("UPDATE raw.survey_respondents SET statoverall = 9 WHERE source_row IN (2, 3, 4)")
        con.execute(
            "INSERT INTO reference.item_equivalence VALUES "
            "('2025', 's_3', '2024', 's_3'), ('2025', 's_3', '2024', 's_3'), ('2025', NULL, '2024', 's_4')"
        )
    tests = [
        "row_rules_cluster_results",
        "row_rules_load_summary",
        "row_rules_stg_survey_respondents_",
        "row_rules_item_equivalence",
    ]
    target = tmp_path / "target"
    result = run_dbt([str(DBT), "test", "--select", *tests], warehouse, target)
    assert result.returncode == 1 and "ERROR=4" in result.stdout, result.stdout[-3000:]

    broken = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for test in json.loads((target / "run_results.json").read_text())["results"]:
            name = test["unique_id"].split(".")[2]
            broken[name] = dict(con.execute(test["compiled_code"]).fetchall())
    assert broken == {
        "row_rules_cluster_results": {
            "one row per wave, cluster_id, variable": 2,
            "cluster_id found in stg_cluster_roster": 1,
            "share_positive within [0, 1]": 1,
            "suppressed or coalesce(share_positive between ci_low and ci_high, false)": 1,
            "not suppressed or coalesce(n_valid, n_dont_know, n_positive, share_positive, ci_low, ci_high) is null": 1,
        },
        "row_rules_load_summary": {"rows_received = rows_accepted + rows_quarantined + rows_duplicate": 2},
        "row_rules_stg_survey_respondents_": {"status_code one of 1, 2, 3, 4, 5": 3},
        "row_rules_item_equivalence": {"one row per wave, variable": 1, "variable not null": 1},
    }
