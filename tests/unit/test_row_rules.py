"""Each row rule of the data contract: the row is quarantined with its reason; nothing is lost."""

import pandas as pd
import pytest
from conftest import TEST_KEY, land_sample
from helpers import read_eu_dataset, warehouse_tables, write_eu_dataset

from kvis_pipeline.ingest.pseudonym import pseudonymise
from kvis_pipeline.ingest.wave_load import load_survey

STATUS = [f"statoverall_{i}" for i in range(1, 6)]


def load_with(settings, change) -> dict[str, pd.DataFrame]:
    """Land the EU sample, let `change` edit its Dataset, load it and return the warehouse tables."""
    survey = land_sample(settings, "eu")
    dataset = change(read_eu_dataset(survey / "dataset.csv"))
    write_eu_dataset(survey / "dataset.csv", dataset)
    load_survey(settings, "2025", TEST_KEY)
    tables = warehouse_tables(settings)
    summary = tables["raw.load_summary"].set_index("source_file").loc["2025/survey/dataset.csv"]
    assert summary.rows_received == summary.rows_accepted + summary.rows_quarantined + summary.rows_duplicate
    assert summary.rows_received == len(dataset)
    assert len(tables["raw.survey_respondents"]) == summary.rows_accepted
    assert tables["raw.quarantine"]["source_row"].nunique() == summary.rows_quarantined
    return tables


def edit(row: int, **values):
    def change(dataset: pd.DataFrame) -> pd.DataFrame:
        for column, value in values.items():
            dataset.loc[row, column] = value
        return dataset

    return change


def only_quarantine_record(tables) -> pd.Series:
    quarantine = tables["raw.quarantine"]
    assert len(quarantine) == 1, quarantine.to_dict("records")
    return quarantine.iloc[0]


@pytest.mark.parametrize(
    ("change", "column", "value", "reason"),
    [
        (edit(3, klynge="99"), "klynge", "99", "klynge: cluster id '99' is not in the roster"),
        (edit(3, klynge=""), "klynge", "", "klynge is missing"),
        (
            edit(0, speciale="1"),
            "speciale",
            "1",
            "speciale '1' contradicts the roster, which puts cluster 44 in specialty 9",
        ),
        (
            edit(0, region="1"),
            "region",
            "1",
            "region '1' (Region Hovedstaden) contradicts the roster, which puts cluster 44 in Region Syddanmark",
        ),
        (edit(0, s_3="7"), "s_3", "7", "s_3: code '7' is not listed in Labels for s_3 (listed: 1, 2, 3, 4, 5, 6)"),
        (edit(0, s_10="x"), "s_10", "x", "s_10: code 'x' is not listed in Labels for s_10 (listed: 1, 2, 3)"),
        (edit(0, s_8_2="2"), "s_8_2", "2", "s_8_2: multiple-choice value '2' is not 0 or 1"),
        (edit(0, statoverall_2="1"), "statoverall", "0,1,0,1,0", "must hold exactly one 1, found 2"),
        (edit(0, statoverall_4="0"), "statoverall", "0,0,0,0,0", "must hold exactly one 1, found 0"),
        (edit(0, respondentid=""), "respondentid", "", "respondentid is missing"),
        (edit(0, respondentid="82417x737"), "respondentid", "82417x737", "respondentid is not numeric"),
        (edit(0, closetime="17-09-2025"), "closetime", "17-09-2025", "is not a time of the form YYYY-MM-DD HH:MM:SS"),
    ],
    ids=[
        "unknown-cluster",
        "missing-cluster",
        "specialty-contradicts-roster",
        "region-contradicts-roster",
        "unlisted-code",
        "non-numeric-code",
        "multiple-choice-not-binary",
        "two-status-flags",
        "no-status-flag",
        "missing-respondentid",
        "non-numeric-respondentid",
        "malformed-timestamp",
    ],
)
def test_row_problem_is_quarantined_with_reason(settings, change, column, value, reason):
    tables = load_with(settings, change)
    record = only_quarantine_record(tables)
    assert record.column_name == column
    assert record.value == value
    assert reason in record.reason
    assert record.source_file == "2025/survey/dataset.csv"
    row = 3 if column == "klynge" else 0
    assert record.source_row == row + 2  # spreadsheet numbering: the header is row 1
    assert len(tables["raw.survey_respondents"]) == 39


def test_same_respondentid_with_different_content_quarantines_all_its_rows(settings):
    def change(dataset):
        dataset.loc[5, "respondentid"] = dataset.loc[1, "respondentid"]
        return dataset

    tables = load_with(settings, change)
    quarantine = tables["raw.quarantine"]
    assert sorted(quarantine.source_row) == [3, 7]
    assert set(quarantine.column_name) == {"respondentid"}
    assert quarantine.value.isna().all()  # the id itself is not copied into the warehouse
    assert quarantine.reason.str.contains("more than one row with different content").all()
    assert quarantine.respondent_key.nunique() == 1
    assert len(tables["raw.survey_respondents"]) == 38


def test_exact_duplicate_rows_keep_one_and_are_counted(settings):
    tables = load_with(settings, lambda d: pd.concat([d, d.iloc[[2, 2, 7]]], ignore_index=True))
    summary = tables["raw.load_summary"].set_index("source_file").loc["2025/survey/dataset.csv"]
    assert (summary.rows_received, summary.rows_accepted, summary.rows_duplicate, summary.rows_quarantined) == (
        43,
        40,
        3,
        0,
    )
    assert tables["raw.quarantine"].empty


def test_a_row_breaking_two_rules_is_counted_once_with_both_reasons(settings):
    tables = load_with(settings, edit(4, s_3="9", s_8_1="5"))
    quarantine = tables["raw.quarantine"]
    assert sorted(quarantine.column_name) == ["s_3", "s_8_1"]
    summary = tables["raw.load_summary"].set_index("source_file").loc["2025/survey/dataset.csv"]
    assert (summary.rows_quarantined, summary.rows_accepted) == (1, 39)


def test_quarantine_names_the_pseudonymised_respondent(settings):
    tables = load_with(settings, edit(0, s_3="9"))
    dataset = read_eu_dataset(settings.wave_dir("2025") / "survey" / "dataset.csv")
    expected = pseudonymise(pd.Series([dataset.respondentid[0]]), TEST_KEY)[0]
    assert only_quarantine_record(tables).respondent_key == expected
    assert dataset.respondentid[0] not in expected
