"""Wall time per pipeline stage within one process, so the benchmark can say where a run spends its time.

The stages are the benchmark's: read, validate, stage (pseudonymise and write the warehouse), dbt, checks and
publish. Everything else in a run (Python start-up, loading the definitions, Dagster's own work) is the rest.
"""

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGES = ("read", "validate", "stage", "dbt", "checks", "publish")

_seconds: dict[str, float] = defaultdict(float)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    started = time.perf_counter()
    try:
        yield
    finally:
        _seconds[stage] += time.perf_counter() - started


def stage_seconds() -> dict[str, float]:
    return {stage: round(_seconds.get(stage, 0.0), 3) for stage in STAGES}


def write_stage_seconds(path: Path) -> None:
    path.write_text(json.dumps(stage_seconds(), indent=2))
