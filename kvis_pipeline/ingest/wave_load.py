"""Load one wave's landing folder into the warehouse."""

from pathlib import Path

import pandas as pd

from kvis_pipeline.core.contract import COMPLETED_STATUS
from kvis_pipeline.core.errors import InputFileError, WaveRefused
from kvis_pipeline.core.memory import release_freed_memory
from kvis_pipeline.core.settings import Settings, is_inside
from kvis_pipeline.core.stage_timings import timed
from kvis_pipeline.ingest.export_bundle import read_export_bundle
from kvis_pipeline.ingest.roster import ROSTER_FILE, read_roster
from kvis_pipeline.ingest.survey_load import SurveyLoad, file_sha256, prepare_survey_load
from kvis_pipeline.warehouse.store import connect, replace_wave

SURVEY_FOLDER = "survey"


def roster_path(settings: Settings, wave: str) -> Path:
    return settings.wave_dir(wave) / ROSTER_FILE


def relative_to_landing(settings: Settings, path: Path) -> str:
    return path.relative_to(settings.landing_dir).as_posix()


TOP_REASONS = 3


def refuse_doubtful_load(load: SurveyLoad, max_share: float, path: Path, wave: str) -> None:
    """A wave with no accepted respondent, or with more of its rows quarantined than allowed, is not loaded."""
    summary = load.summary.iloc[0]
    respondents = int((load.respondents["statoverall"] == COMPLETED_STATUS).sum())
    share = summary.rows_quarantined / summary.rows_received
    if respondents and share <= max_share:
        return
    reasons = load.quarantine.groupby(["column_name", "reason"]).size().sort_values(ascending=False)
    top = "; ".join(f"{reason} ({count} rows)" for (_, reason), count in reasons.head(TOP_REASONS).items())
    problem = (
        "no accepted row is a completed response"
        if not respondents
        else f"{summary.rows_quarantined} of {summary.rows_received} rows ({share:.0%}) quarantined, more than "
        f"KVIS_MAX_QUARANTINED_SHARE allows ({max_share:.0%})"
    )
    raise WaveRefused(
        path,
        f"{problem}{'; top reasons: ' + top if top else ''}; nothing was loaded. To load it "
        f"anyway: kvis run --accept {wave}",
    )


def _refuse_links_out_of_landing(settings: Settings, paths: list[Path]) -> None:
    for path in paths:
        if path.exists() and not is_inside(path, settings.landing_dir):
            raise InputFileError(path, "is a symbolic link leading out of the landing folder; copy the file in instead")


def load_survey(settings: Settings, wave: str, key: bytes) -> tuple[SurveyLoad, pd.DataFrame]:
    """Read and validate the roster, read, validate and pseudonymise the export, and swap both into the warehouse in
    one transaction.

    The load summary covers the roster too, which the rows are checked against. Returns the load and the roster.
    """
    path = roster_path(settings, wave)
    _refuse_links_out_of_landing(settings, [path, *settings.wave_dir(wave).joinpath(SURVEY_FOLDER).glob("*")])
    with timed("read"):
        roster = read_roster(path)
        bundle = read_export_bundle(settings.wave_dir(wave) / SURVEY_FOLDER)
    dataset_path = bundle.dataset_path
    load = prepare_survey_load(bundle, roster, key, relative_to_landing(settings, dataset_path))
    # the export's columns that are not written (names, e-mails, times as text) go before the warehouse's load
    del bundle
    release_freed_memory()
    if wave not in settings.accepted_waves:
        refuse_doubtful_load(load, settings.max_quarantined_share, dataset_path, wave)
    roster_summary = pd.DataFrame(
        [
            {
                "source_file": relative_to_landing(settings, path),
                "file_sha256": file_sha256(path),
                "rows_received": len(roster),
                "rows_accepted": len(roster),
                "rows_quarantined": 0,
                "rows_duplicate": 0,
                "nul_bytes_dropped": roster.attrs.get("nul_bytes_dropped", 0),
            }
        ]
    )
    frames = {
        "raw.cluster_roster": roster,
        **load.warehouse_frames(),
        "raw.load_summary": pd.concat([load.summary, roster_summary], ignore_index=True),
    }
    with timed("stage"), connect(settings.warehouse) as con:
        replace_wave(con, wave, frames)
    return load, roster
