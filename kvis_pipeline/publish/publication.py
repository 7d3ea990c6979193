"""Publish the marts, and only they, where analysts and BI tools read them, swapping whole publications atomically.

Readers never open the warehouse (DuckDB allows one writer or many readers, never both). Each publication is
written as new files and then swapped in with a rename, so a reader holding the old database or Parquet files
open keeps reading the old publication, whole, and is never blocked.
"""

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from kvis_pipeline.core.atomic import write_atomically
from kvis_pipeline.core.memory import duckdb_config
from kvis_pipeline.publish.workbook import WORKBOOK_NAME, write_workbook

PUBLISHED_SCHEMA = "marts"
DATABASE_NAME = "kvis.duckdb"
PARQUET_LINK = "parquet"
PARQUET_VERSIONS = ".parquet-versions"
DATA_DOCS = "data_docs"  # Great Expectations' Data Docs of the latest validation
RECORD = "publication.json"  # when, which waves, row counts and check results of the current publication
CHECKS = "checks.json"  # written beside a staged publication by its checks


STAGING = ".staging"


@dataclass(frozen=True)
class Publication:
    database: Path
    parquet_dir: Path
    row_counts: dict[str, int]


def publish_marts(warehouse: Path, publish_dir: Path) -> Publication:
    """Stage and swap in one go (Dagster validates the staged publication in between)."""
    staged = stage_publication(warehouse, publish_dir)
    stage_workbook(staged)
    return swap_in(staged, publish_dir)


def stage_workbook(staged: Publication) -> Path:
    """kvis.xlsx of a staged publication, beside its database; swapped in with it."""
    return write_workbook(staged.database, staged_workbook(staged))


def stage_publication(
    warehouse: Path, publish_dir: Path, version: str | None = None, without_waves: list[str] | None = None
) -> Publication:
    """Write a complete new publication beside the current one, not yet visible to readers. `warehouse` is any
    database with the marts schema (the warehouse, or a publication); `without_waves` leaves those waves out."""
    return write_marts(begin_publication(publish_dir, version), warehouse, without_waves)


def begin_publication(publish_dir: Path, version: str | None = None) -> Publication:
    """The empty folders of a new staged publication, after clearing what stopped runs left."""
    publish_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(publish_dir)
    version = version or uuid.uuid4().hex
    database = publish_dir / STAGING / version / DATABASE_NAME
    parquet = publish_dir / PARQUET_VERSIONS / version
    database.parent.mkdir(parents=True)
    parquet.mkdir(parents=True)
    return Publication(database, parquet, {})


def write_marts(staged: Publication, warehouse: Path, without_waves: list[str] | None = None) -> Publication:
    """The marts of `warehouse` (but `without_waves`) into a staged publication from begin_publication."""
    try:
        row_counts = _write_publication(warehouse, staged.database, staged.parquet_dir, without_waves or [])
    except BaseException:
        shutil.rmtree(staged.database.parents[1], ignore_errors=True)  # the staging folder, nothing else in it
        shutil.rmtree(staged.parquet_dir, ignore_errors=True)
        raise
    return Publication(staged.database, staged.parquet_dir, row_counts)


def staged_workbook(staged: Publication) -> Path:
    return staged.database.parent / WORKBOOK_NAME


def staged_publication(publish_dir: Path, version: str) -> Publication:
    database = publish_dir / STAGING / version / DATABASE_NAME
    if not database.exists():
        raise RuntimeError(f"{database}: no staged publication {version} to swap in")
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY 1", [PUBLISHED_SCHEMA]
            ).fetchall()
        ]
        counts = {t: con.execute(f'SELECT count(*) FROM {PUBLISHED_SCHEMA}."{t}"').fetchone()[0] for t in tables}
    return Publication(database, publish_dir / PARQUET_VERSIONS / version, counts)


def swap_in(staged: Publication, publish_dir: Path) -> Publication:
    """Make a staged publication the current one: one rename for the database, one for the Parquet folder."""
    record = _publication_record(staged)
    os.replace(staged.database, publish_dir / DATABASE_NAME)
    _swap_parquet_link(publish_dir, staged.parquet_dir)
    if staged_workbook(staged).exists():
        os.replace(staged_workbook(staged), publish_dir / WORKBOOK_NAME)
    write_atomically(publish_dir / RECORD, json.dumps(record, indent=2, ensure_ascii=False))
    shutil.rmtree(staged.database.parent, ignore_errors=True)
    _remove_leftovers(publish_dir)
    return Publication(publish_dir / DATABASE_NAME, publish_dir / PARQUET_LINK, staged.row_counts)


def record_checks(staged_database: Path, checks: dict) -> None:
    """Keep a staged publication's check results with it, for the record written when it is swapped in."""
    write_atomically(staged_database.parent / CHECKS, json.dumps(checks, indent=2))


def read_record(publish_dir: Path) -> dict | None:
    path = publish_dir / RECORD
    return json.loads(path.read_text()) if path.exists() else None


def _publication_record(staged: Publication) -> dict:
    checks = staged.database.parent / CHECKS
    with duckdb.connect(str(staged.database), read_only=True) as con:
        waves = con.execute(
            f"SELECT wave, respondents FROM {PUBLISHED_SCHEMA}.national_response ORDER BY wave"
        ).fetchall()
    return {
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": staged.parquet_dir.name,
        "waves": {wave: {"respondents": respondents} for wave, respondents in waves},
        "row_counts": staged.row_counts,
        "checks": json.loads(checks.read_text()) if checks.exists() else {},
    }


def _write_publication(warehouse: Path, database: Path, parquet_dir: Path, without_waves: list[str]) -> dict[str, int]:
    row_counts: dict[str, int] = {}
    # the marts' rows have no order to keep; not keeping it lets DuckDB copy and write Parquet in parallel
    with duckdb.connect(str(database), config=duckdb_config(preserve_insertion_order=False)) as con:
        con.execute(f"ATTACH {_literal(str(warehouse))} AS warehouse (READ_ONLY)")
        tables = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() "
            "WHERE database_name = 'warehouse' AND schema_name = ? ORDER BY table_name",
            [PUBLISHED_SCHEMA],
        ).fetchall()
        if not tables:
            raise RuntimeError(f"{warehouse}: schema {PUBLISHED_SCHEMA} has no tables to publish; run dbt first")
        con.execute(f"CREATE SCHEMA {PUBLISHED_SCHEMA}")
        for table, comment in tables:
            target = f'{PUBLISHED_SCHEMA}."{table}"'
            # a trend row goes with either of its two waves
            pair = " OR list_contains($without, previous_wave)" if _has_column(con, table, "previous_wave") else ""
            con.execute("BEGIN")  # the table and its comments in one commit, not one commit per comment
            con.execute(
                f'CREATE TABLE {target} AS SELECT * FROM warehouse.{PUBLISHED_SCHEMA}."{table}" '
                f"WHERE NOT (list_contains($without, wave){pair})",
                {"without": without_waves},
            )
            _copy_comments(con, table, comment)
            con.execute("COMMIT")
            con.execute(f"COPY {target} TO {_literal(str(parquet_dir / (table + '.parquet')))} (FORMAT parquet)")
            row_counts[table] = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
        con.execute("DETACH warehouse")
    return row_counts


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = 'warehouse' AND schema_name = ? "
            "AND table_name = ? AND column_name = ?",
            [PUBLISHED_SCHEMA, table, column],
        ).fetchone()[0]
    )


def _copy_comments(con: duckdb.DuckDBPyConnection, table: str, comment: str | None) -> None:
    """dbt's descriptions (persisted as comments) travel with the table, so analysts can read them in SQL."""
    target = f'{PUBLISHED_SCHEMA}."{table}"'
    if comment:
        con.execute(f"COMMENT ON TABLE {target} IS {_literal(comment)}")
    columns = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() "
        "WHERE database_name = 'warehouse' AND schema_name = ? AND table_name = ? AND comment IS NOT NULL",
        [PUBLISHED_SCHEMA, table],
    ).fetchall()
    for column, text in columns:
        con.execute(f'COMMENT ON COLUMN {target}."{column}" IS {_literal(text)}')


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _swap_parquet_link(publish_dir: Path, new_parquet: Path) -> None:
    link = publish_dir / PARQUET_LINK
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder from before versioned publications; replaced once
    staged_link = publish_dir / f".{PARQUET_LINK}.{new_parquet.name}.tmp"
    staged_link.symlink_to(new_parquet.relative_to(publish_dir), target_is_directory=True)
    os.replace(staged_link, link)


def _remove_leftovers(publish_dir: Path) -> None:
    """Drop staged files of runs that stopped (crashed, or failed their checks) and superseded Parquet versions but
    the latest one.

    Readers that already opened an old file keep it: on POSIX an open file outlives its directory entry. The version
    just superseded stays until the next publication, for a reader that followed the link a moment before the swap
    and opens its files a moment after.
    """
    link = publish_dir / PARQUET_LINK
    current = link.resolve() if link.is_symlink() else None
    shutil.rmtree(publish_dir / STAGING, ignore_errors=True)
    for leftover in publish_dir.glob(f".{PARQUET_LINK}.*.tmp"):
        leftover.unlink(missing_ok=True)
    versions = publish_dir / PARQUET_VERSIONS
    if versions.is_dir():
        superseded = sorted(
            (v for v in versions.iterdir() if v.resolve() != current), key=lambda v: v.stat().st_mtime, reverse=True
        )
        for version in superseded[1:]:
            shutil.rmtree(version, ignore_errors=True)
