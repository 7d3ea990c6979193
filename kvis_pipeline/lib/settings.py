import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Settings come from the environment variables of the data contract, with its defaults."""

    landing_dir: Path
    warehouse: Path
    publish_dir: Path
    min_cell: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        min_cell = env.get("KVIS_MIN_CELL", "5")
        if not min_cell.isdigit() or int(min_cell) < 1:
            raise ValueError(f"KVIS_MIN_CELL must be a positive whole number, got {min_cell!r}")
        return cls(
            landing_dir=Path(env.get("KVIS_LANDING_DIR", "data/landing")).absolute(),
            warehouse=Path(env.get("KVIS_WAREHOUSE", "data/warehouse/kvis.duckdb")).absolute(),
            publish_dir=Path(env.get("KVIS_PUBLISH_DIR", "data/published")).absolute(),
            min_cell=int(min_cell),
        )

    def wave_dir(self, wave: str) -> Path:
        return self.landing_dir / wave

    def discover_waves(self) -> list[str]:
        """A wave is a landing folder holding a roster or a survey export."""
        if not self.landing_dir.is_dir():
            return []
        return sorted(
            d.name
            for d in self.landing_dir.iterdir()
            if d.is_dir() and ((d / "survey").is_dir() or (d / "klyngeoversigt.csv").exists())
        )
