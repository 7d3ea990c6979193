"""What the reports may show: the published marts of one wave, and the trends that lead up to it, read from the
published database only."""

from dataclasses import dataclass
from functools import cached_property
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
    # the share trends of this wave and of the waves before it, as far as each links to its previous wave: level
    # (cluster, specialty, national), cluster_id, specialty_code and the trend columns
    share_trends: pd.DataFrame
    response_trends: pd.DataFrame  # this wave's response-rate trends, by level as above
    waves_so_far: tuple[str, ...] = ()  # the oldest first, this wave last (see _waves_up_to)

    def item(self, variable: str) -> pd.Series:
        return self._items[variable]

    @cached_property
    def _items(self) -> dict[str, pd.Series]:
        return {variable: row for variable, row in self.questionnaire_items.iterrows()}

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
        waves = _waves_up_to(connection, wave)
        frames["share_trends"] = _by_level(connection, "trends", waves)
        frames["response_trends"] = _by_level(connection, "response_trends", [wave])
    if frames["national_response"].empty:
        raise ValueError(f"wave {wave} is not in the publication {database}")
    frames["questionnaire_items"] = frames["questionnaire_items"].set_index("variable")
    return PublishedWave(wave=wave, waves_so_far=tuple(reversed(waves)), **frames)


LEVEL_KEYS = {"cluster": "cluster_id, specialty_code", "specialty": "null, specialty_code", "national": "null, null"}


def _waves_up_to(connection: duckdb.DuckDBPyConnection, wave: str) -> list[str]:
    """The wave and those before it, each the previous wave of the one after: what a trend chart of it may show.
    Later waves are left out, so a wave's reports read the same rows however many waves follow."""
    previous = dict(connection.execute("select wave, previous_wave from marts.national_response_trends").fetchall())
    waves = [wave]
    while waves[-1] in previous and previous[waves[-1]] not in waves:
        waves.append(previous[waves[-1]])
    return waves


def _by_level(connection: duckdb.DuckDBPyConnection, kind: str, waves: list[str]) -> pd.DataFrame:
    """The cluster, specialty and national trend tables of a kind as one frame, with the level and unit keys."""
    value = "share_positive" if kind == "trends" else "response_rate"
    variable = "variable, previous_variable," if kind == "trends" else ""
    query = " union all ".join(
        f"select '{level}' as level, {keys}, wave, previous_wave, {variable} {value}, previous_{value}, "
        f"change_direction from marts.{level}_{kind} where list_contains($waves, wave)"
        for level, keys in LEVEL_KEYS.items()
    )
    return connection.execute(f"{query} order by all", {"waves": waves}).df()
