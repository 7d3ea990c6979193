import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

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
    monkeypatch.delenv("KVIS_DUCKDB_MEMORY_LIMIT", raising=False)


def reference_site(root: Path, waves: tuple[str, ...] = ("2025",)) -> dict[str, str]:
    """A site of its own under root with the reference wave landed under each name in waves; the environment a
    `kvis` process needs there."""
    for wave in waves:
        shutil.copytree(REFERENCE_LANDING, root / "landing" / wave)
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


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory, worker_id):
    """Sites with reference waves published by `kvis run` on a new site, each built once for the session and all its
    workers; run.out holds what that run printed."""
    shared = tmp_path_factory.getbasetemp()
    root = (shared.parent if worker_id != "master" else shared) / "published-sites"
    root.mkdir(exist_ok=True)

    def build(waves: tuple[str, ...]) -> Path:
        site = root / "-".join(waves)
        with FileLock(str(site.with_suffix(".lock"))):
            if not (site / "published" / "kvis.duckdb").exists():
                shutil.rmtree(site, ignore_errors=True)  # what a failed build left
                env = reference_site(site, waves)
                run = [sys.executable, "-m", "kvis_pipeline.cli", "run", "--no-reports"]
                result = subprocess.run(run, env=env, capture_output=True, text=True, timeout=600)
                assert result.returncode == 0, result.stderr
                (site / "run.out").write_text(result.stdout)  # what the site's first run printed
        return site

    return build


@pytest.fixture
def published_reference(built_sites, settings):
    """Make this test's site one where `kvis run` has published the reference wave under each of the given names:
    a copy of a site built once, modification times kept, so that a rerun finds nothing changed."""

    def publish(*waves: str) -> None:
        site = built_sites(waves)
        shutil.copytree(site / "landing", settings.landing_dir)
        shutil.copytree(site / "warehouse", settings.warehouse.parent)
        shutil.copytree(site / "published", settings.publish_dir)
        shutil.copytree(site / "dagster_home", os.environ["DAGSTER_HOME"])

    return publish


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
