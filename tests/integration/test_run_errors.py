"""A run that fails inside Dagster tells the operator the failing step and the exception's own message."""

from conftest import land_reference

from kvis_pipeline.core.errors import RunFailed
from kvis_pipeline.orchestration.runner import materialise_waves


def test_a_failing_step_is_named_with_its_exceptions_message(settings, monkeypatch):
    land_reference(settings)

    def broken_load(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("kvis_pipeline.orchestration.defs.ingestion.assets.load_survey", broken_load)
    failures = materialise_waves(["2025"])
    assert list(failures) == ["2025"]
    error = failures["2025"]
    assert isinstance(error, RunFailed)
    message = str(error)
    assert message.startswith("wave 2025: step survey_export failed: OSError: No space left on device (Dagster run ")
