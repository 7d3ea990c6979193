"""State that heals or refuses (issue 12): a failed wave leaves the warehouse as it was and blocks no other wave, a
lost warehouse is rebuilt from the landing folder, a switched key stops the run, a stopped run lets go of its lock."""

import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
from conftest import REFERENCE_LANDING, TEST_KEY, land_reference
from filelock import FileLock
from helpers import database_tables, warehouse_tables

from kvis_pipeline.ingest.pseudonym import hmac_pseudonym
from kvis_pipeline.orchestration.run_lock import lock_path, publish_lock_path
from kvis_pipeline.publish.publication import read_record

KVIS = [sys.executable, "-m", "kvis_pipeline.cli"]


def kvis(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KVIS, *args], capture_output=True, text=True, timeout=600, env=env)


def rows_of_wave(settings, wave: str) -> dict[str, int]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN "
            "('raw', 'restricted', 'marts', 'rollback')"
        ).fetchall()
        counts = {}
        for schema, table in tables:
            columns = {
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?", [schema, table]
                ).fetchall()
            }
            if "wave" in columns and table != "build_waves":  # the last build's selection, not data
                counts[f"{schema}.{table}"] = con.execute(
                    f'SELECT count(*) FROM {schema}."{table}" WHERE wave = ?', [wave]
                ).fetchone()[0]
        return counts


def test_case_04_a_failed_wave_leaves_the_warehouse_as_before_and_blocks_no_other_wave(settings, published_reference):
    published_reference("2025")
    before = warehouse_tables(settings)

    land_reference(settings, "2026")
    roster = settings.wave_dir("2026") / "klyngeoversigt.csv"
    text = roster.read_text(encoding="utf-8-sig").replace(
        "Psyk – Hovedstad – Hillerød;11;Psykiatri;Region Hovedstaden;7",
        "Psyk – Hovedstad – Hillerød;11;Psykiatri;Region Hovedstaden;1",
    )
    roster.write_text(text, encoding="utf-8-sig")
    failed = kvis("run", "--no-reports", "--wave", "2026")
    assert failed.returncode == 1
    assert failed.stderr.strip() == (
        "kvis: wave 2026: dbt failed, nothing was published: Failure in test row_rules_cluster_response "
        "(models/marts/_marts.yml): members >= respondents (1 row); response_rate within [0, 1] (1 row)"
    )  # the rules the roster breaks, read back from dbt's test
    assert set(rows_of_wave(settings, "2026").values()) == {0}  # not a row of 2026 anywhere, no rollback left
    after = warehouse_tables(settings)
    assert after.keys() == before.keys()
    for table in before:  # intermediate tables hold whichever build ran last: derived, rebuilt by every build
        if not table.startswith("intermediate.") and table != "raw.build_waves":
            assert before[table].equals(after[table]), table

    land_reference(settings, "2027")
    healthy = kvis("run", "--no-reports", "--wave", "2027")
    assert healthy.returncode == 0, healthy.stderr
    assert set(read_record(settings.publish_dir)["waves"]) == {"2025", "2027"}


def test_case_03_a_lost_warehouse_is_rebuilt_and_a_stranded_wave_is_refused_until_removed(
    settings, published_reference
):
    published_reference("2025", "2026")
    published = database_tables(settings.publish_dir / "kvis.duckdb")

    settings.warehouse.unlink()
    rebuilt = kvis("run", "--no-reports")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "2 of 2 wave(s) loaded and published" in rebuilt.stdout
    again = database_tables(settings.publish_dir / "kvis.duckdb")
    for table in published:
        assert published[table].equals(again[table]), table

    settings.warehouse.unlink()
    shutil.rmtree(settings.wave_dir("2026"))
    refused = kvis("run", "--no-reports")
    assert refused.returncode == 2
    assert "wave(s) 2026 are published but neither in the warehouse nor in the landing folder" in refused.stderr
    assert set(read_record(settings.publish_dir)["waves"]) == {"2025", "2026"}  # nothing dropped

    removed = kvis("remove-wave", "2026")
    assert removed.returncode == 0, removed.stderr
    assert "removed wave 2026 from publication" in removed.stdout
    assert set(read_record(settings.publish_dir)["waves"]) == {"2025"}
    tables = database_tables(settings.publish_dir / "kvis.duckdb")
    assert all(set(frame.wave) <= {"2025"} for frame in tables.values())
    for table in ("marts.cluster_results", "marts.load_summary"):  # 2025's rows as they were
        assert (
            published[table][published[table].wave == "2025"]
            .reset_index(drop=True)
            .equals(tables[table].reset_index(drop=True))
        ), table


def test_case_08_a_switched_key_stops_the_run_until_every_wave_is_rekeyed(settings, published_reference):
    published_reference("2025")
    other_key = "another-pseudonym-key-0123456789abcdef"
    env = {**os.environ, "KVIS_PSEUDONYM_KEY": other_key}
    switched = kvis("run", "--no-reports", "--force", env=env)
    assert switched.returncode == 1
    assert "the pseudonym key is not the one this warehouse was built with" in switched.stderr
    respondents = warehouse_tables(settings)["raw.survey_respondents"]
    assert respondents.respondent_key.iloc[0] != hmac_pseudonym("0", other_key.encode())  # unchanged

    rekeyed = kvis("run", "--no-reports", "--rekey", env=env)
    assert rekeyed.returncode == 0, rekeyed.stderr
    dataset = (REFERENCE_LANDING / "survey" / "dataset.csv").read_bytes().decode("cp1252").split("\r\n")
    respondents = warehouse_tables(settings)["raw.survey_respondents"]
    first_id = dataset[respondents.source_row.iloc[0] - 1].split(";")[0]
    assert respondents.respondent_key.iloc[0] == hmac_pseudonym(first_id, other_key.encode())
    assert kvis("run", "--no-reports", "--force").returncode == 1  # the old key is now the stranger


def test_case_02_sigterm_ends_a_run_within_seconds_and_releases_its_locks(settings, tmp_path):
    land_reference(settings)
    progress = tmp_path / "progress"
    progress.write_text("")
    run = subprocess.Popen(
        [*KVIS, "run", "--no-reports"],
        env={**os.environ, "KVIS_PROGRESS_FILE": str(progress)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while "dbt started" not in progress.read_text() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert run.poll() is None, "the run ended before dbt started"
    run.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    run.communicate(timeout=60)
    assert time.monotonic() - stopped < 20
    for path in (lock_path(settings), publish_lock_path(settings)):
        with FileLock(str(path)).acquire(timeout=0):
            pass
    final = kvis("run", "--no-reports")
    assert final.returncode == 0, final.stderr
    assert len(warehouse_tables(settings)["raw.survey_respondents"]) == 984
    assert TEST_KEY  # the site's key, unchanged throughout
