"""`kvis run` end to end, as an operator runs it."""

import subprocess
import sys

from conftest import land_reference
from helpers import warehouse_tables


def kvis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kvis_pipeline.cli", *args], capture_output=True, text=True,
                          timeout=600)


def test_run_loads_the_reference_wave_and_prints_a_summary_per_file(settings):
    land_reference(settings)
    result = kvis("run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["wave", "file", "received", "accepted", "quarantined", "duplicates"]
    assert lines[1].split() == ["2025", "2025/survey/dataset.csv", "984", "984", "0", "0"]
    assert lines[2].split() == ["2025", "2025/klyngeoversigt.csv", "73", "73", "0", "0"]
    first = warehouse_tables(settings)
    assert len(first["raw.survey_respondents"]) == 984

    again = kvis("run")
    assert again.returncode == 0, again.stderr
    second = warehouse_tables(settings)
    for table in first:
        assert first[table].equals(second[table]), table


def test_run_without_waves_says_so(settings):
    result = kvis("run")
    assert result.returncode == 2
    assert f"kvis: no wave folders in {settings.landing_dir}" in result.stderr
