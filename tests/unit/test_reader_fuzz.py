"""The readers, fed damaged exports and rosters, either read them or raise InputFileError; nothing else escapes."""

import shutil

from conftest import REFERENCE_LANDING, SAMPLE_FORMS, TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvis_pipeline.core.errors import InputFileError
from kvis_pipeline.ingest.export_bundle import read_export_bundle
from kvis_pipeline.ingest.roster import read_roster
from kvis_pipeline.ingest.survey_load import prepare_survey_load

FILES = ["dataset.csv", "labels.csv", "structure.csv"]


@st.composite
def damage(draw, data: bytes) -> bytes:
    """Truncate, cut out, overwrite or insert bytes, or swap line endings and BOMs."""
    kind = draw(st.sampled_from(["truncate", "cut", "overwrite", "insert", "line_endings", "bom"]))
    at = draw(st.integers(0, len(data)))
    if kind == "truncate":
        return data[:at]
    if kind == "cut":
        return data[:at] + data[at + draw(st.integers(1, 200)) :]
    if kind == "overwrite":
        chunk = draw(st.binary(min_size=1, max_size=50))
        return data[:at] + chunk + data[at + len(chunk) :]
    if kind == "insert":
        return data[:at] + draw(st.sampled_from([b";", b'"', b"\r\n", b"\n", b"\x00", b"\xff\xfe", b"999"])) + data[at:]
    if kind == "line_endings":
        return data.replace(b"\r\n", draw(st.sampled_from([b"\n", b"\r"])))
    return draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data


ORIGINALS = {name: (SAMPLE_FORMS["eu"] / name).read_bytes() for name in FILES}
ROSTER = (REFERENCE_LANDING / "klyngeoversigt.csv").read_bytes()
ROSTER_FRAME = read_roster(REFERENCE_LANDING / "klyngeoversigt.csv")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), target=st.sampled_from(FILES))
def test_a_damaged_export_is_read_or_refused_with_an_input_file_error(tmp_path, data, target):
    survey = tmp_path / "survey"
    shutil.rmtree(survey, ignore_errors=True)
    survey.mkdir()
    for name, content in ORIGINALS.items():
        (survey / name).write_bytes(data.draw(damage(content)) if name == target else content)
    try:
        load = prepare_survey_load(read_export_bundle(survey), ROSTER_FRAME, TEST_KEY, "2025/survey/dataset.csv")
    except InputFileError as error:
        assert error.path.name in FILES + ["survey"] and error.problem.strip()
        return
    summary = load.summary.iloc[0]
    assert summary.rows_received == summary.rows_accepted + summary.rows_quarantined + summary.rows_duplicate


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged=damage(ROSTER))
def test_a_damaged_roster_is_read_or_refused_with_an_input_file_error(tmp_path, damaged):
    path = tmp_path / "klyngeoversigt.csv"
    path.write_bytes(damaged)
    try:
        roster = read_roster(path)
    except InputFileError as error:
        assert error.path == path and error.problem.strip()
        return
    assert len(roster) > 0 and (roster["antal_medlemmer"] > 0).all()
