"""A wave is loaded all or nothing: its warehouse rows are saved before a run changes them and put back if the run
does not complete, so a failed or killed run leaves the warehouse as it was.

The saved rows live in the warehouse itself (schema `rollback`), so they survive a killed process: the next run
finds them and restores them before it does anything else. Only the run's own waves are saved, so the cost is one
copy of those waves' rows, not of the warehouse.
"""

import duckdb

ROLLBACK_SCHEMA = "rollback"
WAVE_SCHEMAS = ("raw", "restricted", "marts")  # the tables that hold rows per wave; staging and intermediate are views


def wave_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT t.schema_name, t.table_name FROM duckdb_tables() AS t "
        "WHERE t.database_name = current_database() AND list_contains($schemas, t.schema_name) "
        "AND NOT (t.schema_name = 'raw' AND t.table_name = 'build_waves') "
        "AND EXISTS (SELECT 1 FROM duckdb_columns() AS c WHERE c.database_name = t.database_name "
        "AND c.schema_name = t.schema_name AND c.table_name = t.table_name AND c.column_name = 'wave') "
        "ORDER BY ALL",
        {"schemas": list(WAVE_SCHEMAS)},
    ).fetchall()


def _saved_name(schema: str, table: str) -> str:
    return f'{ROLLBACK_SCHEMA}."{schema}__{table}"'


def has_saved_waves(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = ? AND database_name = current_database()",
            [ROLLBACK_SCHEMA],
        ).fetchone()[0]
    )


def save_waves(con: duckdb.DuckDBPyConnection, waves: list[str]) -> None:
    """Keep a copy of the waves' rows until `discard_saved` or `restore_saved`; a second save in the same run adds
    nothing (the first copy is the state before the run)."""
    if has_saved_waves(con):
        known = {row[0] for row in con.execute(f"SELECT wave FROM {ROLLBACK_SCHEMA}.waves").fetchall()}
        waves = [wave for wave in waves if wave not in known]
        if not waves:
            return
    con.execute("BEGIN TRANSACTION")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {ROLLBACK_SCHEMA}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {ROLLBACK_SCHEMA}.waves (wave VARCHAR NOT NULL)")
    con.executemany(f"INSERT INTO {ROLLBACK_SCHEMA}.waves VALUES (?)", [[wave] for wave in waves])
    for schema, table in wave_tables(con):
        saved = _saved_name(schema, table)
        con.execute(f'CREATE TABLE IF NOT EXISTS {saved} AS SELECT * FROM {schema}."{table}" LIMIT 0')
        con.execute(
            f'INSERT INTO {saved} SELECT * FROM {schema}."{table}" WHERE list_contains($waves, wave)', {"waves": waves}
        )
    con.execute("COMMIT")


def restore_saved(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Put the saved waves back as they were (a wave that was new is removed); returns those waves."""
    if not has_saved_waves(con):
        return []
    waves = [row[0] for row in con.execute(f"SELECT wave FROM {ROLLBACK_SCHEMA}.waves").fetchall()]
    saved_tables = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? AND database_name = current_database()",
            [ROLLBACK_SCHEMA],
        ).fetchall()
    }
    con.execute("BEGIN TRANSACTION")
    delete_waves(con, waves)
    for schema, table in wave_tables(con):
        if f"{schema}__{table}" in saved_tables:
            con.execute(f'INSERT INTO {schema}."{table}" BY NAME SELECT * FROM {_saved_name(schema, table)}')
    con.execute(f"DROP SCHEMA {ROLLBACK_SCHEMA} CASCADE")
    con.execute("COMMIT")
    return waves


def delete_waves(con: duckdb.DuckDBPyConnection, waves: list[str]) -> int:
    """Remove the waves' rows from every table that holds rows per wave; returns how many rows went."""
    removed = 0
    for schema, table in wave_tables(con):
        removed += con.execute(
            f'DELETE FROM {schema}."{table}" WHERE list_contains($waves, wave)', {"waves": waves}
        ).fetchone()[0]
    return removed


def discard_saved(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP SCHEMA IF EXISTS {ROLLBACK_SCHEMA} CASCADE")
