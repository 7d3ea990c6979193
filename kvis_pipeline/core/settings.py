"""The data contract's settings, read from the environment: folders, key, thresholds, wave names."""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kvis_pipeline.core.contract import WAVE_NAME_PATTERN
from kvis_pipeline.core.memory import MEMORY_LIMIT_VARIABLE, check_memory_limit

ACCEPT_VARIABLE = "KVIS_ACCEPT_WAVES"  # comma-separated waves accepted although refused (kvis run --accept)


@dataclass(frozen=True)
class Settings:
    """Settings come from the environment variables of the data contract, with its defaults."""

    landing_dir: Path
    warehouse: Path
    publish_dir: Path
    min_cell: int
    report_texts_dir: Path = Path("data/report_texts").absolute()  # the analysts' texts for the fact sheets
    small_group: int = 10
    max_quarantined_share: float = 0.10
    accepted_waves: frozenset[str] = frozenset()  # waves the operator accepts despite the refusal rules

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        min_cell = env.get("KVIS_MIN_CELL", "5")
        if not min_cell.isdigit() or int(min_cell) < 1:
            raise ValueError(f"KVIS_MIN_CELL must be a positive whole number, got {min_cell!r}")
        small_group = env.get("KVIS_SMALL_GROUP", "10")
        if not small_group.isdigit():
            raise ValueError(f"KVIS_SMALL_GROUP must be a whole number, got {small_group!r}")
        share = env.get("KVIS_MAX_QUARANTINED_SHARE", "0.10")
        try:
            max_share = float(share)
        except ValueError:
            max_share = -1.0
        if not 0 <= max_share <= 1:
            raise ValueError(f"KVIS_MAX_QUARANTINED_SHARE must be a fraction from 0 to 1, got {share!r}")
        if env.get(MEMORY_LIMIT_VARIABLE):
            check_memory_limit(env[MEMORY_LIMIT_VARIABLE])
        return cls(
            landing_dir=Path(env.get("KVIS_LANDING_DIR", "data/landing")).absolute(),
            warehouse=Path(env.get("KVIS_WAREHOUSE", "data/warehouse/kvis.duckdb")).absolute(),
            publish_dir=Path(env.get("KVIS_PUBLISH_DIR", "data/published")).absolute(),
            min_cell=int(min_cell),
            report_texts_dir=Path(env.get("KVIS_REPORT_TEXTS", "data/report_texts")).absolute(),
            small_group=int(small_group),
            max_quarantined_share=max_share,
            accepted_waves=frozenset(w for w in env.get(ACCEPT_VARIABLE, "").split(",") if w),
        )

    def wave_dir(self, wave: str) -> Path:
        return self.landing_dir / wave

    def discover_waves(self) -> list[str]:
        """A wave is a landing folder holding a roster or a survey export, with a valid wave name."""
        return [name for name, problem in self.landing_folders() if problem is None]

    def skipped_folders(self) -> list[tuple[str, str]]:
        """Landing folders that look like waves but are not taken: (the name, printable, why)."""
        return [(ascii(name), problem) for name, problem in self.landing_folders() if problem is not None]

    def landing_folders(self) -> list[tuple[str, str | None]]:
        if not self.landing_dir.is_dir():
            return []
        folders = []
        for folder in sorted(self.landing_dir.iterdir()):
            if not (folder.is_dir() and ((folder / "survey").is_dir() or (folder / "klyngeoversigt.csv").exists())):
                continue
            problem = wave_name_problem(folder.name)
            if problem is None and not is_inside(folder, self.landing_dir):
                problem = "the folder is a symbolic link leading out of the landing folder"
            folders.append((folder.name, problem))
        return folders


WAVE_NAME = re.compile(WAVE_NAME_PATTERN)


def wave_name_problem(name: str) -> str | None:
    """Why a folder name cannot be a wave name, or None. Wave names reach file names, SQL values and reports."""
    if WAVE_NAME.fullmatch(name):
        return None
    return "a wave name is 1 to 40 ASCII letters, digits, '-' or '_', starting with a letter or digit; skipped"


def is_inside(path: Path, root: Path) -> bool:
    """True when `path`, symbolic links resolved, lies within `root` (resolved too)."""
    return path.resolve().is_relative_to(root.resolve())
