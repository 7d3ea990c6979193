"""alembic maps Dagster's migrations once per storage in a kvis process, and every database is still stamped with
the head revision, as Dagster's own storage expects."""

import hashlib
import inspect
import sqlite3

import dagster as dg
import pytest
from alembic.script import ScriptDirectory
from dagster._core.storage.sql import ALEMBIC_SCRIPTS_LOCATION, get_alembic_config

from kvis_pipeline.orchestration import alembic_map
from kvis_pipeline.orchestration.runner import dagster_instance

# ScriptDirectory.from_config as read in alembic 1.20.1 (SHA-256 of inspect.getsource).
PINNED_FROM_CONFIG = "e27bb9e559c11002"


@dg.asset
def answers() -> int:
    return 3


def test_from_config_is_the_one_kept():
    digest = hashlib.sha256(inspect.getsource(alembic_map._from_config).encode()).hexdigest()[:16]
    assert digest == PINNED_FROM_CONFIG, (
        "alembic changed ScriptDirectory.from_config: check kvis_pipeline/orchestration/alembic_map.py against it, "
        "then update PINNED_FROM_CONFIG"
    )


@pytest.fixture
def maps_built(monkeypatch):
    """How many times a ScriptDirectory maps the migrations in this test, which starts from alembic's own from_config
    (another test's run may have kept maps in this process)."""
    monkeypatch.setattr(ScriptDirectory, "from_config", classmethod(alembic_map._from_config))
    built = []
    load_revisions = ScriptDirectory._load_revisions
    monkeypatch.setattr(ScriptDirectory, "_load_revisions", lambda self: built.append(self) or load_revisions(self))
    return built


def _stamped_revisions(home) -> dict[str, str]:
    revisions = {}
    for database in sorted(home.rglob("*.db")):
        with sqlite3.connect(database) as con:
            revisions[database.relative_to(home).as_posix()] = con.execute(
                "SELECT version_num FROM alembic_version"
            ).fetchone()[0]
    return revisions


@pytest.mark.parametrize("kept", [True, False])
def test_a_run_on_a_new_site_maps_once_per_storage_and_stamps_every_database(kept, maps_built, tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    if not kept:
        monkeypatch.setattr("kvis_pipeline.orchestration.runner.keep_migration_maps", lambda: None)
    with dagster_instance() as instance:
        assert dg.materialize([answers], instance=instance).success
        runs = instance.get_runs()

    storages = 3  # runs, event log, schedules: Dagster keeps one alembic Config for each
    assert (len(maps_built) <= storages) is kept, len(maps_built)
    head = ScriptDirectory.from_config(get_alembic_config(__file__, script_location=ALEMBIC_SCRIPTS_LOCATION))
    assert len(runs) == 1
    stamped = _stamped_revisions(tmp_path)
    assert {"history/runs.db", "history/runs/index.db", "schedules/schedules.db"} <= set(stamped)
    assert f"history/runs/{runs[0].run_id}.db" in stamped
    assert set(stamped.values()) == {head.get_current_head()}
