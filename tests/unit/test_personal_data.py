"""Names, e-mails, provider numbers, respondent ids and free text never leave the `restricted` schema."""

from conftest import TEST_KEY, land_reference
from helpers import read_eu_dataset, warehouse_tables

from kvis_pipeline.ingest.wave_load import load_survey

PERSONAL = ["navn", "email", "ydernr", "respondentid"]
FREE_TEXT = ["s_9", "s_11", "s_13"]


def test_no_personal_data_or_free_text_outside_restricted(settings):
    survey = land_reference(settings)
    load_survey(settings, "2025", TEST_KEY)
    dataset = read_eu_dataset(survey / "dataset.csv")
    secrets = {column: set(dataset[column][dataset[column] != ""]) for column in PERSONAL + FREE_TEXT}
    assert all(len(secrets[c]) > 500 for c in ["email", "ydernr", "respondentid"]) and len(secrets["navn"]) > 100
    assert all(len(secrets[c]) >= 3 for c in FREE_TEXT)

    tables = warehouse_tables(settings)
    scanned = 0
    for name, frame in tables.items():
        if name.startswith("restricted."):
            continue
        for column in frame.columns:
            cells = set(frame[column].dropna().astype(str))
            scanned += len(cells)
            for kind, values in secrets.items():
                leaked = cells & values
                assert not leaked, f"{name}.{column} holds {kind}: {sorted(leaked)[:3]}"
            assert not any("@" in cell for cell in cells), f"{name}.{column} holds an e-mail address"
    assert scanned > 1000

    free_text = tables["restricted.free_text_answers"]
    assert set(free_text.variable) == set(FREE_TEXT)
    assert set(free_text.answer_text) == secrets["s_9"] | secrets["s_11"] | secrets["s_13"]
