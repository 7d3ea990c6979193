"""Wall time per pipeline stage within one process, so the benchmark can say where a run spends its time.

The stages are the benchmark's: read, validate, stage (pseudonymise and write the warehouse), dbt, checks and
publish. Everything else in a run (Python start-up, loading the definitions, Dagster's own work) is the rest.
"""

import json
import os
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGES = ("read", "validate", "stage", "dbt", "checks", "publish")
PROGRESS_FILE_VARIABLE = "KVIS_PROGRESS_FILE"  # when set, each stage's start is appended to this file as it happens

_seconds: dict[str, float] = defaultdict(float)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    _report_progress(stage)
    started = time.perf_counter()
    try:
        yield
    finally:
        _seconds[stage] += time.perf_counter() - started


def stage_seconds() -> dict[str, float]:
    return {stage: round(_seconds.get(stage, 0.0), 3) for stage in STAGES}


def write_stage_seconds(path: Path) -> None:
    path.write_text(json.dumps(stage_seconds(), indent=2))


def _report_progress(stage: str) -> None:
    """A line per stage started, written through at once, so a watcher (a monitor, a test) sees where a run is."""
    path = os.environ.get(PROGRESS_FILE_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as progress:
            progress.write(f"{stage} started\n")
