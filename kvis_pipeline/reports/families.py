"""Where each report family is written: <KVIS_PUBLISH_DIR>/reports/<family>/<wave>/<unit>.html|.pdf."""

from pathlib import Path

REPORTS = "reports"
FACT_SHEETS = "faktaark"
CLUSTER_PACKAGES = "klynger"


def reports_dir(publish_dir: Path, family: str, wave: str | None = None) -> Path:
    folder = publish_dir / REPORTS / family
    return folder / wave if wave else folder


def reports_on_disk(publish_dir: Path, wave: str) -> bool:
    """Whether both families have reports for the wave (a cheap look, for skipping a run's rendering)."""
    return all(any(reports_dir(publish_dir, family, wave).glob("*.pdf")) for family in (FACT_SHEETS, CLUSTER_PACKAGES))


def format_reports(publish_dir: Path, waves: list[str], seconds: float | None) -> str:
    """How many fact sheets and cluster packages each wave has on disk, and where."""
    counts = []
    for wave in waves:
        per_family = [
            f"{len(list(reports_dir(publish_dir, family, wave).glob('*.pdf')))} {family}"
            for family in (FACT_SHEETS, CLUSTER_PACKAGES)
        ]
        counts.append(f"wave {wave}: " + " and ".join(per_family))
    made = "unchanged since the publication they were rendered from" if seconds is None else f"{seconds:.1f} s"
    return f"reports in {publish_dir / 'reports'}/ (HTML and PDF), {made}: " + "; ".join(counts)
