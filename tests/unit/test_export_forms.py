"""The same export in any of SurveyXact's forms gives identical warehouse tables."""

import pandas as pd
import pytest
from conftest import SAMPLE_FORMS, TEST_KEY, land_sample
from helpers import warehouse_tables

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.devtools.reference_wave import write_reference_wave
from kvis_pipeline.ingest.export_bundle import read_export_bundle
from kvis_pipeline.ingest.wave_load import load_survey

FORM_DEPENDENT = ["source_file", "file_sha256"]


def load_tables(settings: Settings, wave: str = "2025") -> dict[str, pd.DataFrame]:
    load_survey(settings, wave, TEST_KEY)
    tables = warehouse_tables(settings)
    comparable = {name: frame.drop(columns=[c for c in FORM_DEPENDENT if c in frame]) for name, frame in tables.items()}
    return {name: frame.sort_values(list(frame.columns)).reset_index(drop=True) for name, frame in comparable.items()}


def tables_for_each_form(tmp_path, monkeypatch, land) -> dict[str, dict[str, pd.DataFrame]]:
    result = {}
    for form in land:
        monkeypatch.setenv("KVIS_LANDING_DIR", str(tmp_path / form / "landing"))
        monkeypatch.setenv("KVIS_WAREHOUSE", str(tmp_path / form / "kvis.duckdb"))
        settings = Settings.from_env()
        land[form](settings)
        result[form] = load_tables(settings)
    return result


def assert_all_equal(by_form: dict[str, dict[str, pd.DataFrame]]) -> None:
    first, *others = by_form
    for other in others:
        assert by_form[first].keys() == by_form[other].keys()
        for table in by_form[first]:
            pd.testing.assert_frame_equal(by_form[first][table], by_form[other][table], obj=f"{other}: {table}")


def test_sample_forms_are_read_alike():
    bundles = {
        form: read_export_bundle(path if path.is_dir() else path.parent)
        for form, path in SAMPLE_FORMS.items()
        if form != "xlsx"
    }
    forms = {b.form for b in bundles.values()}
    assert forms == {"EU CSV", "comma CSV", "INTL CSV"}
    # the INTL sample uses SurveyXact's short names, the others long names
    assert "responde" in bundles["intl-short"].dataset.columns
    assert "respondentid" in bundles["eu"].dataset.columns


def test_every_sample_form_gives_identical_warehouse_tables(tmp_path, monkeypatch):
    by_form = tables_for_each_form(
        tmp_path, monkeypatch, {form: (lambda s, f=form: land_sample(s, f)) for form in SAMPLE_FORMS}
    )
    eu = by_form["eu"]
    assert len(eu["raw.survey_respondents"]) == 40
    assert len(eu["restricted.free_text_answers"]) > 0
    assert eu["raw.survey_answers"]["code"].between(0, 6).all()
    assert_all_equal(by_form)


@pytest.mark.parametrize("form", ["comma", "intl", "xlsx"])
def test_reference_wave_in_every_form_matches_eu(tmp_path, monkeypatch, form):
    """The reference wave has quotes, delimiters and line breaks inside free text: every form keeps them."""
    by_form = tables_for_each_form(
        tmp_path,
        monkeypatch,
        {name: (lambda s, f=name: write_reference_wave(s.wave_dir("2025"), f)) for name in ("eu", form)},
    )
    texts = by_form["eu"]["restricted.free_text_answers"]["answer_text"]
    assert texts.str.contains("\n").any() and texts.str.contains('"').any() and texts.str.contains(";").any()
    assert texts.str.contains("ø").any()
    assert_all_equal(by_form)
