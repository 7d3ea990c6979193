import os
import shutil
from pathlib import Path

import pytest

from kvis_pipeline.core.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = FIXTURES / "samples"
REPO = Path(__file__).parent.parent
REFERENCE_LANDING = REPO / "data" / "landing" / "2025"
REPORT_TEXTS = REPO / "data" / "report_texts"
TEST_KEY = b"test-pseudonym-key-0123456789abcdef"
SAMPLE_FORMS = {
    "eu": SAMPLES / "eu",
    "comma": SAMPLES / "comma",
    "intl-short": SAMPLES / "intl-short",
    "xlsx": SAMPLES / "export.xlsx",
}


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """Every test gets its own landing folder, warehouse, publication and Dagster home."""
    monkeypatch.setenv("KVIS_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("KVIS_WAREHOUSE", str(tmp_path / "warehouse" / "kvis.duckdb"))
    monkeypatch.setenv("KVIS_PUBLISH_DIR", str(tmp_path / "published"))
    monkeypatch.setenv("KVIS_PSEUDONYM_KEY", TEST_KEY.decode())
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.delenv("KVIS_MIN_CELL", raising=False)


def reference_site(root: Path) -> dict[str, str]:
    """A site of its own under root with the reference wave landed; the environment a `kvis` process needs there."""
    shutil.copytree(REFERENCE_LANDING, root / "landing" / "2025")
    env = {
        **os.environ,
        "KVIS_LANDING_DIR": str(root / "landing"),
        "KVIS_WAREHOUSE": str(root / "warehouse" / "kvis.duckdb"),
        "KVIS_PUBLISH_DIR": str(root / "published"),
        "KVIS_PSEUDONYM_KEY": TEST_KEY.decode(),
        "KVIS_REPORT_TEXTS": str(REPORT_TEXTS),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    env.pop("KVIS_MIN_CELL", None)
    return env


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env()


def land_sample(settings: Settings, form: str, wave: str = "2025") -> Path:
    """Copy a sample export (and the reference roster) into the landing folder; returns the survey folder."""
    survey = settings.wave_dir(wave) / "survey"
    survey.mkdir(parents=True)
    shutil.copy(REFERENCE_LANDING / "klyngeoversigt.csv", settings.wave_dir(wave))
    source = SAMPLE_FORMS[form]
    if source.is_dir():
        for path in source.iterdir():
            shutil.copy(path, survey)
    else:
        shutil.copy(source, survey)
    return survey


def land_reference(settings: Settings, wave: str = "2025") -> Path:
    shutil.copytree(REFERENCE_LANDING, settings.wave_dir(wave))
    return settings.wave_dir(wave) / "survey"


# The slowest files first, so that the two pytest-xdist workers (whole files each, --dist loadfile) finish together.
SLOWEST_FIRST = [
    "test_reports.py",
    "test_state_heals.py",
    "test_cli_run.py",
    "test_unattended.py",
    "test_hostile_input.py",
    "test_file_problems.py",
    "test_results_properties.py",
    "test_publication.py",
]


def pytest_collection_modifyitems(items):
    rank = {name: position for position, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file keeps its own order
