"""`kvis inspect`: describes any SurveyXact export and predicts the load summary of an eKVIS wave, writing nothing."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import SAMPLE_FORMS, land_sample
from helpers import read_eu_dataset, write_eu_dataset

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.devtools.export_writer import write_bundle
from kvis_pipeline.ingest.export_bundle import read_export_bundle


def inspect(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kvis_pipeline.cli", "inspect", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def inspect_json(path) -> tuple[int, dict]:
    result = inspect(path, "--json")
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("form", "label", "encoding", "names"),
    [
        ("eu", "EU CSV", "Windows-1252", "long"),
        ("comma", "comma CSV", "Windows-1252", "long"),
        ("intl-short", "INTL CSV", "UTF-16LE with BOM", "short"),
        ("xlsx", "Excel", "Excel workbook", "long"),
    ],
)
def test_each_sample_form_is_described_and_would_load(settings, form, label, encoding, names):
    survey = land_sample(settings, form)
    before = sorted(p.relative_to(settings.landing_dir.parent) for p in settings.landing_dir.parent.rglob("*"))
    code, found = inspect_json(survey.parent)
    assert code == 0 and found["would_load"] and found["problem"] is None
    export = found["export"]
    assert (export["form"], set(export["encodings"].values()), export["names"]) == (label, {encoding}, names)
    assert (export["rows"], export["variables"], export["questions"]) == (40, 59, 50)
    assert export["question_types"] == {
        "Closed/Multiple": 11,
        "Closed/Single": 36,
        "Open/Date": 4,
        "Open/Double": 2,
        "Open/String": 6,
    }
    assert export["labels_structure"] == []
    rules = found["ekvis_rules"]
    assert rules["applicable"]
    assert (rules["rows_received"], rules["rows_accepted"], rules["rows_quarantined"], rules["rows_duplicate"]) == (
        40,
        40,
        0,
        0,
    )
    assert sum(rules["accepted_by_status"].values()) == 40
    after = sorted(p.relative_to(settings.landing_dir.parent) for p in settings.landing_dir.parent.rglob("*"))
    assert before == after  # nothing written: no warehouse, no publication, no Dagster home


BROKEN = {  # one row per rule of the data contract: (row index, column, value or how to change it)
    0: ("klynge", "99"),
    1: ("speciale", "1"),
    2: ("region", lambda current: "2" if current == "1" else "1"),
    3: ("s_3", "7"),
    4: ("s_8_2", "2"),
    5: ("statoverall_4", lambda current: "0" if current == "1" else "1"),
    6: ("respondentid", ""),
    7: ("respondentid", "82417x737"),
    8: ("closetime", "17-09-2025"),
}


def test_a_wave_with_every_row_rule_broken_once_gives_the_load_summarys_counts(settings, monkeypatch):
    from conftest import TEST_KEY
    from helpers import warehouse_tables

    from kvis_pipeline.ingest.wave_load import load_survey

    survey = land_sample(settings, "eu")
    dataset = read_eu_dataset(survey / "dataset.csv")
    for row, (column, value) in BROKEN.items():
        dataset.loc[row, column] = value(dataset.loc[row, column]) if callable(value) else value
    dataset.loc[9, "respondentid"] = dataset.loc[10, "respondentid"]  # same id, different content: both rows
    dataset = pd.concat([dataset, dataset.iloc[[20, 21]]], ignore_index=True)  # two exact duplicates
    write_eu_dataset(survey / "dataset.csv", dataset)

    code, found = inspect_json(survey.parent)
    assert code == 2  # 11 of 42 rows quarantined is more than the 10 % a run accepts
    assert found["problem"].endswith(
        "11 of 42 rows (26%) quarantined, more than KVIS_MAX_QUARANTINED_SHARE allows "
        "(10%); top reasons: respondentid occurs in more than one row with different "
        "content; all such rows are held back (2 rows); closetime: '17-09-2025' is not "
        "a time of the form YYYY-MM-DD HH:MM:SS (1 rows); klynge: cluster id '99' is not "
        "in the roster (1 rows); nothing was loaded. To load it anyway: kvis run "
        "--accept 2025"
    )
    rules = found["ekvis_rules"]
    assert (rules["rows_received"], rules["rows_accepted"], rules["rows_quarantined"], rules["rows_duplicate"]) == (
        42,
        29,
        11,
        2,
    )
    assert rules["duplicate_rows"] == [42, 43]
    quarantined_rows = sorted({row for reason in rules["quarantine_reasons"] for row in reason["row_numbers"]})
    assert quarantined_rows == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    columns = {reason["column"] for reason in rules["quarantine_reasons"]}
    assert columns == {"klynge", "speciale", "region", "s_3", "s_8_2", "statoverall", "respondentid", "closetime"}

    text = inspect(survey.parent).stdout
    assert "kvis run would load: received 42, accepted 29, quarantined 11, duplicates 2" in text
    assert "klynge: klynge: cluster id '99' is not in the roster: 1 row(s): 2" in text
    monkeypatch.setenv("KVIS_ACCEPT_WAVES", "2025")
    load_survey(Settings.from_env(), "2025", TEST_KEY)
    summary = warehouse_tables(settings)["raw.load_summary"].set_index("source_file").loc["2025/survey/dataset.csv"]
    assert (summary.rows_received, summary.rows_accepted, summary.rows_quarantined, summary.rows_duplicate) == (
        42,
        29,
        11,
        2,
    )


def test_an_export_that_is_not_ekvis_is_described_and_the_rules_reported_not_applicable(tmp_path):
    sample = read_export_bundle(SAMPLE_FORMS["eu"])
    dropped = {"klynge", "speciale", "region", *(f"statoverall_{i}" for i in range(1, 6))}
    structure = sample.structure[~sample.structure.variableName.isin(dropped)]
    labels = sample.labels[~sample.labels.variableName.isin(dropped)]
    dataset = sample.dataset.drop(columns=sorted(dropped)).astype(object)
    write_bundle(tmp_path / "other", dataset, labels, structure, "comma")

    result = inspect(tmp_path / "other")
    assert result.returncode == 0, result.stderr
    assert "Dataset: 40 rows, 51 variables in 46 questions" in result.stdout
    assert "eKVIS rules: not applicable (not an eKVIS questionnaire: no klynge, speciale, region, statoverall)" in (
        result.stdout
    )
    assert result.stdout.rstrip().endswith("verdict: the export is readable")


def test_a_damaged_file_exits_2_with_the_problem_line(settings):
    survey = land_sample(settings, "eu")
    (survey / "structure.csv").write_bytes((survey / "structure.csv").read_bytes().replace(b"s_12_7", b"s_12_9"))
    result = inspect(survey.parent)
    assert result.returncode == 2
    assert result.stdout.splitlines()[-1] == (
        f"kvis: {survey / 'dataset.csv'}: Dataset column(s) that the Structure does not describe: s_12_7"
    )
    code, found = inspect_json(survey.parent)
    assert code == 2 and not found["would_load"]
    assert found["problem"].endswith("Dataset column(s) that the Structure does not describe: s_12_7")


def test_a_wave_without_its_roster_is_a_file_problem(settings):
    survey = land_sample(settings, "eu")
    (survey.parent / "klyngeoversigt.csv").unlink()
    result = inspect(survey.parent)
    assert result.returncode == 2
    assert result.stdout.splitlines()[-1] == f"kvis: {survey.parent / 'klyngeoversigt.csv'}: the file is missing"
