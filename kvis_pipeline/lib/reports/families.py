"""Where each report family is written: <KVIS_PUBLISH_DIR>/reports/<family>/<wave>/<unit>.html|.pdf."""

from pathlib import Path

REPORTS = "reports"
FACT_SHEETS = "faktaark"
CLUSTER_PACKAGES = "klynger"


def reports_dir(publish_dir: Path, family: str, wave: str | None = None) -> Path:
    folder = publish_dir / REPORTS / family
    return folder / wave if wave else folder
