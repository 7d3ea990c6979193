"""The data contract's constants that Python and SQL share, defined once: as vars in dbt_project/dbt_project.yml.

dbt reads them with var(); Python reads the same file here. Editing one of them changes both sides.
"""

from functools import cache
from pathlib import Path

import yaml

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


@cache
def _project_vars() -> dict:
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


BACKGROUND_VARIABLES: tuple[str, ...] = tuple(_project_vars()["background_variables"])
STATUS_QUESTION: str = _project_vars()["status_question"]
COMPLETED_STATUS: int = int(_project_vars()["status_completed"])  # Gennemført: a respondent in the contract's sense
PARTIAL_STATUS: int = int(_project_vars()["status_partial"])
INVITED_STATUSES: tuple[int, ...] = tuple(int(code) for code in _project_vars()["status_invited"])
WAVE_NAME_PATTERN: str = _project_vars()["wave_name_pattern"]
