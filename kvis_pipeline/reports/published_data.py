"""What the reports may show: the published marts of one wave, read from the published database only."""

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

TABLES = (
    "questionnaire_items",
    "cluster_response",
    "specialty_response",
    "national_response",
    "cluster_results",
    "specialty_results",
    "national_results",
    "cluster_distribution",
    "specialty_distribution",
    "national_distribution",
)


@dataclass(frozen=True)
class PublishedWave:
    wave: str
    questionnaire_items: pd.DataFrame
    cluster_response: pd.DataFrame
    specialty_response: pd.DataFrame
    national_response: pd.DataFrame
    cluster_results: pd.DataFrame
    specialty_results: pd.DataFrame
    national_results: pd.DataFrame
    cluster_distribution: pd.DataFrame
    specialty_distribution: pd.DataFrame
    national_distribution: pd.DataFrame

    def item(self, variable: str) -> pd.Series:
        return self.questionnaire_items.loc[variable]

    def variables(self, name: str) -> list[str]:
        """Items in questionnaire order: 's_4_' (a prefix) -> ['s_4_1', ..., 's_4_8']; 's_3' -> ['s_3'] if asked."""
        ordered = self.questionnaire_items.sort_values("variable_position").index
        return [v for v in ordered if (v.startswith(name) if name.endswith("_") else v == name)]


def published_waves(database: Path) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return [
            w for (w,) in connection.sql("select distinct wave from marts.national_response order by wave").fetchall()
        ]


def read_published_wave(database: Path, wave: str) -> PublishedWave:
    """Every report figure comes from here; a read-only connection to the publication, never the warehouse."""
    if not database.exists():
        raise FileNotFoundError(f"{database}: nothing is published yet; run `kvis run` first")
    with duckdb.connect(str(database), read_only=True) as connection:
        frames = {
            # in a fixed order: a new publication of the same rows must read, and fingerprint, the same
            table: connection.execute(
                f"select * exclude (wave) from marts.{table} where wave = ? order by all", [wave]
            ).df()
            for table in TABLES
        }
    if frames["national_response"].empty:
        raise ValueError(f"wave {wave} is not in the publication {database}")
    frames["questionnaire_items"] = frames["questionnaire_items"].set_index("variable")
    return PublishedWave(wave=wave, **frames)
