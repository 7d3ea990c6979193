"""dbt, run by hand as the README shows, builds its models on the loaded reference wave and its tests pass."""

import duckdb
import pytest
from conftest import TEST_KEY, reference_site
from helpers import dbt_build_by_hand

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
