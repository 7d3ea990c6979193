"""What the CLI prints about a publication: its load summary, tables, checks and status."""

from pathlib import Path

import duckdb
import pandas as pd

from kvis_pipeline.publish.publication import DATABASE_NAME, PARQUET_LINK, PUBLISHED_SCHEMA, read_record

HEADERS = {
    "wave": "wave",
    "source_file": "file",
    "rows_received": "received",
    "rows_accepted": "accepted",
    "rows_quarantined": "quarantined",
    "rows_duplicate": "duplicates",
}


def published_load_summary(publish_dir: Path, waves: list[str] | None = None) -> pd.DataFrame:
    """The load summary as published (every wave, or the given ones); a skipped run never opens the warehouse."""
    with duckdb.connect(str(publish_dir / DATABASE_NAME), read_only=True) as con:
        return con.execute(
            f"SELECT {', '.join(HEADERS)}, nul_bytes_dropped FROM {PUBLISHED_SCHEMA}.load_summary "
            "WHERE $waves IS NULL OR list_contains($waves, wave) ORDER BY wave, source_file DESC",
            {"waves": waves},
        ).df()


def format_load_summary(summary: pd.DataFrame) -> str:
    """The counts per file as a table, then a warning line for each file that held stray NUL bytes."""
    lines = [summary[list(HEADERS)].rename(columns=HEADERS).to_string(index=False)]
    for row in summary[summary["nul_bytes_dropped"] > 0].itertuples():
        lines.append(
            f"warning: {row.source_file} (wave {row.wave}): {row.nul_bytes_dropped} NUL byte(s) dropped while reading"
        )
    return "\n".join(lines)


def format_publication(publish_dir: Path) -> str:
    counts = read_record(publish_dir)["row_counts"]  # counted once, when the publication was swapped in
    return f"published {publish_dir / DATABASE_NAME} and {publish_dir / PARQUET_LINK}/: " + ", ".join(
        f"{table} {rows}" for table, rows in counts.items()
    )


def format_status(publish_dir: Path) -> str | None:
    """The current publication as an operator wants to see it, or None when nothing is published."""
    record = read_record(publish_dir)
    if record is None or not (publish_dir / DATABASE_NAME).exists():
        return None
    loads = published_load_summary(publish_dir)
    lines = [
        f"published {record['published_at']} to {publish_dir / DATABASE_NAME} (version {record['version']})",
        "waves: " + ", ".join(f"{wave} ({info['respondents']} respondents)" for wave, info in record["waves"].items()),
    ]
    lines += [
        f"check {name}: {'passed' if not result['failed'] else 'FAILED'} "
        f"({result['expectations'] - result['failed']} of {result['expectations']} expectations met)"
        for name, result in record["checks"].items()
    ]
    lines.append("tables: " + ", ".join(f"{table} {rows}" for table, rows in record["row_counts"].items()))
    lines.append(format_load_summary(loads))
    return "\n".join(lines)
