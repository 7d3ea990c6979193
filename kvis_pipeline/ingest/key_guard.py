"""The warehouse remembers which pseudonym key made its pseudonyms (a keyed fingerprint, never the key), so a run
with another key stops instead of mixing two keys' pseudonyms in one warehouse."""

import hashlib
import hmac

import duckdb

FINGERPRINT_TABLE = "raw.pseudonym_key"
REKEY_VARIABLE = "KVIS_REKEY"  # set by `kvis run --rekey`, which reprocesses every wave with the current key


class KeyMismatch(Exception):
    """The pseudonym key is not the one the warehouse was built with."""


def key_fingerprint(key: bytes) -> str:
    return hmac.new(key, b"kvis warehouse key fingerprint", hashlib.sha256).hexdigest()[:16]


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = "
        "'pseudonym_key' AND database_name = current_database()"
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"SELECT fingerprint FROM {FINGERPRINT_TABLE}").fetchone()
    return row[0] if row else None


def check_warehouse_key(con: duckdb.DuckDBPyConnection, key: bytes, warehouse: str, rekey: bool = False) -> None:
    """Stop when the warehouse was built with another key, unless rekeying."""
    stored = stored_fingerprint(con)
    if stored is not None and stored != key_fingerprint(key) and not rekey:
        raise KeyMismatch(
            f"{warehouse}: the pseudonym key is not the one this warehouse was built with, and "
            "pseudonyms made with two keys cannot be followed across waves; use the original key, or "
            "run `kvis run --rekey` to reprocess every wave with this one"
        )


def record_warehouse_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Remember the key a load used (once a load has written pseudonyms with it)."""
    current = key_fingerprint(key)
    if stored_fingerprint(con) == current:
        return
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(f"CREATE OR REPLACE TABLE {FINGERPRINT_TABLE} (fingerprint VARCHAR NOT NULL)")
    con.execute(f"INSERT INTO {FINGERPRINT_TABLE} VALUES (?)", [current])
