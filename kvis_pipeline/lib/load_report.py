import pandas as pd

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
