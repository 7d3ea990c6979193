"""Where each report family is written: <KVIS_PUBLISH_DIR>/reports/<family>/<wave>-<unit>.html|.pdf."""

from pathlib import Path

REPORTS = "reports"
FACT_SHEETS = "faktaark"
CLUSTER_PACKAGES = "klynger"


def reports_dir(publish_dir: Path, family: str) -> Path:
    return publish_dir / REPORTS / family
