"""A pseudonym always belongs to its own row, wherever duplicates, conflicting ids and broken rows fall."""

from dataclasses import replace

import pandas as pd
import pytest
from conftest import REFERENCE_LANDING, SAMPLE_FORMS, TEST_KEY
from hypothesis import given, settings
from hypothesis import strategies as st

from kvis_pipeline.ingest.export_bundle import read_export_bundle
from kvis_pipeline.ingest.pseudonym import PseudonymMismatch, check_pseudonyms, hmac_pseudonym
from kvis_pipeline.ingest.questionnaire import Questionnaire
from kvis_pipeline.ingest.roster import read_roster
from kvis_pipeline.ingest.survey_load import FIRST_DATA_ROW, prepare_survey_load

BUNDLE = read_export_bundle(SAMPLE_FORMS["eu"])
ROSTER = read_roster(REFERENCE_LANDING / "klyngeoversigt.csv")
BREAKS = {"s_3": "9", "klynge": "999", "statoverall_4": "0", "respondentid": "12x", "s_8_1": "7"}


@st.composite
def damaged_datasets(draw) -> pd.DataFrame:
    """The sample's rows, some repeated exactly, some given another row's id, some broken, all shuffled."""
    rows = [row for _, row in BUNDLE.dataset.iterrows()]
    for _ in range(draw(st.integers(0, 8))):  # exact duplicates
        rows.append(rows[draw(st.integers(0, len(rows) - 1))].copy())
    for _ in range(draw(st.integers(0, 4))):  # another row's id with different content
        row = rows[draw(st.integers(0, len(rows) - 1))].copy()
        row["respondentid"] = rows[draw(st.integers(0, len(rows) - 1))]["respondentid"]
        row["difftime"] = str(draw(st.integers(1, 99999)))
        rows.append(row)
    for _ in range(draw(st.integers(0, 6))):  # broken rows
        at = draw(st.integers(0, len(rows) - 1))
        column = draw(st.sampled_from(sorted(BREAKS)))
        rows[at] = rows[at].copy()
        rows[at][column] = BREAKS[column]
    order = draw(st.permutations(range(len(rows))))
    return pd.DataFrame([rows[i] for i in order]).reset_index(drop=True).astype(BUNDLE.dataset.dtypes.to_dict())


def expected_key(dataset: pd.DataFrame, source_row: int) -> str | None:
    respondent_id = dataset.loc[source_row - FIRST_DATA_ROW, "respondentid"]
    return hmac_pseudonym(respondent_id, TEST_KEY) if respondent_id.isdigit() else None


@settings(max_examples=100, deadline=None)
@given(dataset=damaged_datasets())
def test_every_written_row_carries_the_hmac_of_its_own_id(dataset):
    load = prepare_survey_load(replace(BUNDLE, dataset=dataset), ROSTER, TEST_KEY, "2025/survey/dataset.csv")
    respondents, quarantine = load.respondents, load.quarantine
    assert respondents.respondent_key.notna().all()
    for row in respondents.itertuples():
        assert row.respondent_key == expected_key(dataset, row.source_row)
    for row in quarantine.itertuples():
        expected = expected_key(dataset, row.source_row)
        assert (row.respondent_key if not pd.isna(row.respondent_key) else None) == expected
    # closed answers name their respondent by its row, free text by its pseudonym: both are that row's own
    answers, free_text = load.answers, load.free_text
    assert list(answers.wide.source_row) == list(respondents.source_row)
    own_rows = Questionnaire.from_export(BUNDLE).rename_to_long_names(dataset)
    expected_answers = own_rows.loc[answers.wide.source_row - FIRST_DATA_ROW, answers.variables]
    assert (answers.wide[answers.variables].to_numpy() == expected_answers.to_numpy()).all()
    assert list(free_text.wide.respondent_key) == list(respondents.respondent_key)
    summary = load.summary.iloc[0]
    assert (
        summary.rows_received
        == len(dataset)
        == (summary.rows_accepted + summary.rows_quarantined + summary.rows_duplicate)
    )
    assert summary.rows_duplicate == dataset.duplicated().sum()


def test_the_load_refuses_a_shifted_or_missing_pseudonym():
    ids = pd.Series(["11", "22", "33", "44"])
    keys = pd.Series([hmac_pseudonym(i, TEST_KEY) for i in ids])
    check_pseudonyms(ids, keys, TEST_KEY)
    with pytest.raises(PseudonymMismatch, match="not that of its own id"):
        check_pseudonyms(
            ids, pd.concat([keys.iloc[:2], keys.iloc[3:], pd.Series(["0" * 32])], ignore_index=True), TEST_KEY
        )
    with pytest.raises(PseudonymMismatch, match="without a pseudonym"):
        check_pseudonyms(ids, keys.where(ids != "44"), TEST_KEY)
