"""`kvis remove-wave`: take a wave out of the warehouse and the publication (and its reports), under the run lock."""

import json
import shutil
from dataclasses import dataclass

import duckdb

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.orchestration.run_lock import acquire_run_lock
from kvis_pipeline.orchestration.run_state import RunState
from kvis_pipeline.publish.publication import (
    DATABASE_NAME,
    read_record,
    record_checks,
    stage_publication,
    stage_workbook,
    swap_in,
)
from kvis_pipeline.reports.families import CLUSTER_PACKAGES, FACT_SHEETS, reports_dir
from kvis_pipeline.warehouse.rollback import delete_waves
from kvis_pipeline.warehouse.store import connect


@dataclass(frozen=True)
class Removal:
    found_in: list[str]  # 'warehouse', 'publication'
    compared_waves: list[str]  # waves whose trends were against the removed wave: the next run compares them anew


def remove_wave(settings: Settings, wave: str) -> Removal:
    """Remove the wave's rows everywhere kvis keeps them, with the trends that compared a later wave with it."""
    locks = acquire_run_lock(settings, timeout=0)
    try:
        compared = _waves_compared_with(settings, wave)
        removed = []
        if settings.warehouse.exists() and _remove_from_warehouse(settings, wave):
            removed.append("warehouse")
        record = read_record(settings.publish_dir)
        if record and wave in record["waves"] and (settings.publish_dir / DATABASE_NAME).exists():
            # made from the current publication, not the warehouse, so it works even when the warehouse was lost;
            # leaving a whole wave out cannot break an expectation that held for the rows that remain
            staged = stage_publication(settings.publish_dir / DATABASE_NAME, settings.publish_dir, without_waves=[wave])
            stage_workbook(staged)
            record_checks(staged.database, json.loads(json.dumps(record.get("checks", {}))))
            swap_in(staged, settings.publish_dir)
            for family in (FACT_SHEETS, CLUSTER_PACKAGES):
                shutil.rmtree(reports_dir(settings.publish_dir, family, wave), ignore_errors=True)
            removed.append("publication")
        # forgotten, the waves that followed it are built again by the next run, against their new previous wave
        RunState.load(settings).forget([wave, *compared])
        return Removal(removed, compared)
    finally:
        locks.release()


def _remove_from_warehouse(settings: Settings, wave: str) -> bool:
    with connect(settings.warehouse) as con:
        con.execute("BEGIN TRANSACTION")
        found = delete_waves(con, [wave]) > 0
        con.execute("COMMIT")
    return found


def _waves_compared_with(settings: Settings, wave: str) -> list[str]:
    database = settings.publish_dir / DATABASE_NAME
    if not database.exists():
        return []
    with duckdb.connect(str(database), read_only=True) as con:
        has_trends = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?",
            ["national_response_trends"],
        ).fetchone()[0]
        if not has_trends:
            return []
        rows = con.execute(
            "SELECT DISTINCT wave FROM marts.national_response_trends WHERE previous_wave = ? ORDER BY wave", [wave]
        ).fetchall()
    return [later for (later,) in rows]
