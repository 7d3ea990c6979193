"""Runs nobody watches: killed mid-run, two at once, readers holding the publication open during a run."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import TEST_KEY
from helpers import database_tables

from kvis_pipeline.core.settings import Settings

KVIS = [sys.executable, "-m", "kvis_pipeline.cli", "run", "--no-reports", "--force"]  # real runs, never skipped


class Site:
    """One landing folder, warehouse and publication shared by this module's runs, each in its own process."""

    def __init__(self, root: Path):
        self.env = {
            **os.environ,
            "KVIS_LANDING_DIR": str(root / "landing"),
            "KVIS_WAREHOUSE": str(root / "warehouse" / "kvis.duckdb"),
            "KVIS_PUBLISH_DIR": str(root / "published"),
            "KVIS_PSEUDONYM_KEY": TEST_KEY.decode(),
            "DAGSTER_HOME": str(root / "dagster_home"),
        }
        self.env.pop("KVIS_MIN_CELL", None)
        self.settings = Settings.from_env(self.env)

    def start_run(self) -> subprocess.Popen:
        return subprocess.Popen(KVIS, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self) -> subprocess.CompletedProcess:
        return subprocess.run(KVIS, env=self.env, capture_output=True, text=True, timeout=600)

    def published(self) -> dict:
        return database_tables(self.settings.publish_dir / "kvis.duckdb")

    def warehouse(self) -> dict:
        return database_tables(self.settings.warehouse)


def assert_same_tables(expected: dict, actual: dict) -> None:
    assert expected.keys() == actual.keys()
    for table in expected:
        assert expected[table].equals(actual[table]), table


@pytest.fixture(scope="module")
def site(tmp_path_factory, built_sites) -> Site:
    """A copy of the site where `kvis run` published the reference wave; its publication is the baseline."""
    root = tmp_path_factory.mktemp("unattended")
    shutil.copytree(built_sites(("2025",)), root, dirs_exist_ok=True)
    site = Site(root)
    site.baseline = site.published()
    site.first_warehouse = site.warehouse()  # as the site's first run left it
    return site


# Where to kill: the n-th start of a stage, as the run reports it (writing the warehouse, dbt, Great Expectations
# on the staged publication, swapping the publication in).
KILL_POINTS = [("stage", 2), ("dbt", 1), ("checks", 2), ("publish", 2)]


def run_until(site: Site, progress: Path, stage: str, occurrence: int) -> bool:
    """Start a run and SIGKILL it the moment it starts `stage` for the `occurrence`-th time; True if it was killed."""
    progress.write_text("")
    run = subprocess.Popen(
        KVIS,
        env={**site.env, "KVIS_PROGRESS_FILE": str(progress)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while run.poll() is None and time.monotonic() < deadline:
        if progress.read_text().splitlines().count(f"{stage} started") >= occurrence:
            run.send_signal(signal.SIGKILL)
            run.wait()
            return True
        time.sleep(0.005)
    run.kill()
    run.wait()
    return False


def test_a_run_killed_at_any_point_leaves_the_publication_whole_and_the_next_run_completes(site, tmp_path):
    for stage, occurrence in KILL_POINTS:
        assert run_until(site, tmp_path / "progress", stage, occurrence), f"the run ended before {stage} started"
        # Whatever was interrupted, readers find the last publication, whole.
        assert_same_tables(site.baseline, site.published())

    final = site.run()  # --force: loads and publishes everything again
    assert final.returncode == 0, final.stderr
    assert "1 of 1 wave(s) loaded and published" in final.stdout
    assert_same_tables(site.baseline, site.published())
    warehouse = site.warehouse()
    assert len(warehouse["raw.survey_respondents"]) == 984
    assert not any(frame.duplicated().any() for frame in warehouse.values())
    assert_same_tables(site.first_warehouse, warehouse)
    leftovers = sorted(p.name for p in site.settings.publish_dir.iterdir())
    assert leftovers == [".parquet-versions", "data_docs", "kvis.duckdb", "kvis.xlsx", "parquet", "publication.json"]


READER = textwrap.dedent("""
    import os, sys, time, duckdb
    publish, stop = sys.argv[1], sys.argv[2]
    held = duckdb.connect(publish + "/kvis.duckdb", read_only=True)  # held open for the whole run
    reads, errors = 0, []
    deadline = time.time() + 300
    while not os.path.exists(stop) and time.time() < deadline:  # until the run has ended
        try:
            for con in (held, duckdb.connect(publish + "/kvis.duckdb", read_only=True)):
                members, clusters = con.execute(
                    "SELECT (SELECT members FROM marts.national_response), "
                    "(SELECT count(*) FROM marts.cluster_response)").fetchone()
                assert (members, clusters) == (984, 73), (members, clusters)
            rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{publish}/parquet/cluster_results.parquet')"
                              ).fetchone()[0]
            assert rows == 2774, rows
            reads += 1
        except Exception as error:
            errors.append(repr(error))
        time.sleep(0.05)
    print(reads, len(errors), errors[:3])
""")


def test_readers_holding_the_publication_open_during_a_run_are_never_blocked_or_broken(site, tmp_path):
    stop = tmp_path / "run-ended"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(site.settings.publish_dir), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)
    run = site.run()
    time.sleep(3)  # readers of the new publication, too
    stop.touch()
    out, err = reader.communicate(timeout=120)
    assert run.returncode == 0, run.stderr
    reads, errors, examples = out.split(" ", 2)
    assert int(errors) == 0, examples
    assert int(reads) > 20, out
    assert_same_tables(site.baseline, site.published())


def test_two_runs_started_at_once_never_interleave(site):
    runs = [site.start_run(), site.start_run()]
    results = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes[0] == 0, results
    for code, stderr in results:
        if code != 0:
            assert "another kvis run is writing the warehouse" in stderr and "changed nothing" in stderr, stderr
    assert_same_tables(site.baseline, site.published())
    assert not any(frame.duplicated().any() for frame in site.warehouse().values())
