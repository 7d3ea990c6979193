from pathlib import Path

import duckdb
import pandas as pd

from kvis_pipeline.lib.publication import DATABASE_NAME, PARQUET_LINK, PUBLISHED_SCHEMA
from kvis_pipeline.lib.settings import Settings
from kvis_pipeline.lib.warehouse import connect

HEADERS = {
    "wave": "wave",
    "source_file": "file",
    "rows_received": "received",
    "rows_accepted": "accepted",
    "rows_quarantined": "quarantined",
    "rows_duplicate": "duplicates",
}


def load_summary(settings: Settings, waves: list[str]) -> pd.DataFrame:
    with connect(settings.warehouse, read_only=True) as con:
        return con.execute(
            f"SELECT {', '.join(HEADERS)} FROM raw.load_summary WHERE list_contains($waves, wave) "
            "ORDER BY wave, source_file DESC",
            {"waves": waves},
        ).df()


def format_load_summary(summary: pd.DataFrame) -> str:
    return summary.rename(columns=HEADERS).to_string(index=False)


def format_publication(publish_dir: Path) -> str:
    database = publish_dir / DATABASE_NAME
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY table_name", [PUBLISHED_SCHEMA]
        ).fetchall()]
        counts = [f"{t} {con.execute(f'SELECT count(*) FROM {PUBLISHED_SCHEMA}.{t}').fetchone()[0]}" for t in tables]
    return f"published {database} and {publish_dir / PARQUET_LINK}/: " + ", ".join(counts)
