"""What the last successful `kvis run` was made from, so that a rerun with nothing changed does nothing.

A wave is current when its landing files (path, size and modification time, as make judges them), the kvis code
and dbt project, the settings and the pseudonym key are those it was last published with, and the publication on
disk is still the one that run made. Only then is it skipped; anything else (a new file, an edit, a run through
Dagster that published since, a deleted publication) runs it again. Checking costs one stat per file and needs
neither Dagster nor the warehouse, so it stays fast however many waves are kept.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from kvis_pipeline.core.atomic import write_atomically
from kvis_pipeline.core.fingerprints import files_digest, landing_fingerprint
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.publish.publication import read_record
from kvis_pipeline.reports.analyst_texts import wave_text_files

STATE_FILE = "kvis-run-state.json"  # beside the warehouse, which it describes
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_DBT_DIR = _PACKAGE_DIR.parent / "dbt_project"
_CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".j2", ".css", ".csv"}


def code_fingerprint() -> str:
    """The kvis package and the dbt project, as installed: any edit to either changes it."""
    roots = [_PACKAGE_DIR, *(_DBT_DIR / folder for folder in ("models", "macros", "tests", "seeds"))]
    files = [p for root in roots if root.is_dir() for p in root.rglob("*") if p.suffix in _CODE_SUFFIXES]
    files += [p for p in (_DBT_DIR / "dbt_project.yml", _DBT_DIR / "profiles.yml") if p.exists()]
    return files_digest(files, _PACKAGE_DIR.parent, by="stat")


def wave_fingerprint(settings: Settings, wave: str, key: bytes) -> str:
    """The wave's landing files by stat, with the settings and key that shape what is loaded and published."""
    # not the publication's folder: whether the publication there is the one this state made is checked on its own
    context = f"{settings.min_cell}\0{settings.small_group}\0{hashlib.sha256(key).hexdigest()}"
    return hashlib.sha256((landing_fingerprint(settings, wave, by="stat") + context).encode()).hexdigest()


@dataclass
class RunState:
    path: Path
    code: str = ""
    publication: str = ""  # the publication version the last run left behind
    waves: dict[str, str] = field(default_factory=dict)  # wave -> fingerprint it was published from
    # wave -> the publication version and the analysts' texts (report_texts_made_from) its reports were rendered from
    reports: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, settings: Settings) -> "RunState":
        path = settings.warehouse.with_name(STATE_FILE)
        try:
            saved = json.loads(path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return cls(path)
        return cls(
            path, saved.get("code", ""), saved.get("publication", ""), saved.get("waves", {}), saved.get("reports", {})
        )

    def unchanged_waves(self, settings: Settings, waves: list[str], key: bytes) -> list[str]:
        if self.code != code_fingerprint() or not self._publication_is_ours(settings):
            return []
        return [wave for wave in waves if self.waves.get(wave) == wave_fingerprint(settings, wave, key)]

    def reports_current(self, settings: Settings, wave: str) -> bool:
        return self._publication_is_ours(settings) and self.reports.get(wave) == _reports_made_from(settings, wave)

    def record_published(self, settings: Settings, waves: list[str], key: bytes) -> None:
        code = code_fingerprint()
        if code != self.code:
            self.waves, self.reports = {}, {}
        self.code = code
        self.publication = _current_publication(settings)
        self.waves.update({wave: wave_fingerprint(settings, wave, key) for wave in waves})
        self.reports = {
            wave: made_from
            for wave, made_from in self.reports.items()
            if made_from.partition(_SEPARATOR)[0] == self.publication
        }
        self._save()

    def record_reports(self, settings: Settings, waves: list[str]) -> None:
        self.reports.update({wave: _reports_made_from(settings, wave) for wave in waves})
        self._save()

    def forget(self, waves: list[str]) -> None:
        for wave in waves:
            self.waves.pop(wave, None)
            self.reports.pop(wave, None)
        self._save()

    def _publication_is_ours(self, settings: Settings) -> bool:
        return bool(self.publication) and self.publication == _current_publication(settings)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(
            self.path,
            json.dumps(
                {"code": self.code, "publication": self.publication, "waves": self.waves, "reports": self.reports},
                indent=2,
            ),
        )


def _current_publication(settings: Settings) -> str:
    record = read_record(settings.publish_dir)
    database = settings.publish_dir / "kvis.duckdb"
    return record["version"] if record and database.exists() else ""


_SEPARATOR = "|"


def _reports_made_from(settings: Settings, wave: str) -> str:
    """The publication version and, by stat, the wave's text files for the fact sheets: editing a text renders the
    wave's reports again at the next `kvis run`."""
    texts = files_digest(wave_text_files(settings.report_texts_dir, wave), settings.report_texts_dir, by="stat")
    return f"{_current_publication(settings)}{_SEPARATOR}{texts}"
