"""`kvis bench`: the pipeline against two hand-written DuckDB floors on synthetic waves of growing size, and the
reference wave's first run, timed several times.

The baseline transcodes every file in Python before DuckDB reads it; the floor lets DuckDB read the dataset as it is
when its bytes allow (baseline.py). The ratio is taken against the faster of the two.

Each measured command runs as its own process, as an operator would run it; its wall time is taken around the
process and its peak memory is the largest sum of resident memory over the process and its children (dbt runs as
one), sampled every 100 ms with psutil. The pipeline reports its own seconds per stage (`kvis run --timings`).
"""

import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import psutil

from kvis_pipeline.core.stage_timings import STAGES
from kvis_pipeline.devtools.benchmark.synthetic_wave import write_synthetic_wave
from kvis_pipeline.devtools.reference_wave import REFERENCE_WAVE, write_reference_wave
from kvis_pipeline.publish.publication import DATABASE_NAME, PUBLISHED_SCHEMA

WAVE = "bench"
BENCH_KEY = "kvis-benchmark-pseudonym-key-0123456789"
KVIS_RUN = [sys.executable, "-m", "kvis_pipeline.cli", "run", "--no-reports"]  # as an operator runs it
SAMPLE_SECONDS = 0.1  # every 20 ms, walking the process tree took 10-15 % of a core from what it measured


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


@dataclass
class BenchRow:
    respondents: int
    clusters: int
    export_mb: float
    waves: int
    free_text: bool = True
    stages: dict[str, float] = field(default_factory=dict)
    pipeline_seconds: float = 0.0
    pipeline_peak_mb: float = 0.0
    baseline_seconds: float = 0.0
    baseline_peak_mb: float = 0.0
    floor_seconds: float = 0.0
    floor_peak_mb: float = 0.0
    rerun_seconds: float = 0.0
    marts_identical: bool = False
    reports: int = 0  # fact sheets and cluster packages rendered by `kvis report` (with --reports)
    reports_seconds: float = 0.0
    reports_peak_mb: float = 0.0

    @property
    def ratio(self) -> float:
        """Against the faster floor."""
        return self.pipeline_seconds / min(self.baseline_seconds, self.floor_seconds)

    @property
    def rest_seconds(self) -> float:
        return self.pipeline_seconds - sum(self.stages.values())


@dataclass
class ReferenceRuns:
    """`kvis run --no-reports` on the reference wave, each time a site's first run."""

    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    def summary(self) -> str:
        return (
            f"reference wave, a new site's `kvis run --no-reports`, {len(self.seconds)} run(s): "
            f"median {self.median_seconds:.1f} s ({min(self.seconds):.1f}-{max(self.seconds):.1f}), "
            f"peak {max(self.peak_mb):,.0f} MB"
        )


def measure(command: list[str], env: dict[str, str]) -> Measured:
    """Run a command to its end; its wall seconds and the peak resident memory of its process tree."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = psutil.Popen(command, env=env, stdout=out, stderr=err, text=True)
        peak = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(process))
                stop.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        out.seek(0), err.seek(0)
        return Measured(seconds, peak / 2**20, returncode, out.read(), err.read())


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


def site_environment(site: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "KVIS_LANDING_DIR": str(site / "landing"),
        "KVIS_WAREHOUSE": str(site / "warehouse" / "kvis.duckdb"),
        "KVIS_PUBLISH_DIR": str(site / "published"),
        "DAGSTER_HOME": str(site / "dagster_home"),
        "KVIS_PSEUDONYM_KEY": BENCH_KEY,
    }
    env.pop("KVIS_MIN_CELL", None)
    return env


def site_name(respondents: int, free_text: bool) -> str:
    return f"n{respondents}" if free_text else f"n{respondents}-no-free-text"


def bench_one(
    respondents: int, workdir: Path, waves: int = 1, log=print, reports: bool = False, free_text: bool = True
) -> BenchRow:
    site = workdir / site_name(respondents, free_text)
    shutil.rmtree(site, ignore_errors=True)
    log(f"n={respondents}: generating {waves} wave(s) in {site}")
    wave = write_synthetic_wave(site / "landing" / WAVE, respondents, free_text=free_text)
    for copy in range(2, waves + 1):
        shutil.copytree(wave.wave_dir, site / "landing" / f"{WAVE}-{copy}", copy_function=os.link)
    env = site_environment(site)
    row = BenchRow(
        respondents,
        wave.clusters,
        round((wave.wave_dir / "survey" / "dataset.csv").stat().st_size / 2**20, 1),
        waves,
        free_text,
    )

    timings = site / "timings.json"
    log(f"n={respondents}: kvis run")
    pipeline = _checked(measure([*KVIS_RUN, "--timings", str(timings)], env), "kvis run")
    row.pipeline_seconds, row.pipeline_peak_mb = pipeline.seconds, pipeline.peak_mb
    row.stages = json.loads(timings.read_text())

    log(f"n={respondents}: kvis run again, nothing changed")
    rerun = _checked(measure(KVIS_RUN, env), "kvis run (rerun)")
    if "unchanged since the last run" not in rerun.stdout:
        raise RuntimeError(f"the rerun with nothing changed ran again:\n{rerun.stdout}")
    row.rerun_seconds = rerun.seconds

    if reports:
        log(f"n={respondents}: kvis report")
        rendered = _checked(
            measure([sys.executable, "-m", "kvis_pipeline.cli", "report", "--wave", WAVE], env), "report"
        )
        row.reports_seconds, row.reports_peak_mb = rendered.seconds, rendered.peak_mb
        row.reports = len(list((site / "published" / "reports").glob(f"*/{WAVE}/*.pdf")))

    published = site / "published" / DATABASE_NAME
    for floor, flags in (("baseline", []), ("floor", ["--direct"])):
        log(f"n={respondents}: {floor}")
        out_dir = site / floor
        command = [sys.executable, "-m", "kvis_pipeline.devtools.benchmark.baseline", str(wave.wave_dir), str(out_dir)]
        measured = _checked(measure([*command, WAVE, *flags], env), floor)
        setattr(row, f"{floor}_seconds", measured.seconds)
        setattr(row, f"{floor}_peak_mb", measured.peak_mb)
        differences = differing_marts(published, out_dir / "baseline.duckdb", WAVE)
        if differences:
            raise RuntimeError(f"the pipeline's and the {floor}'s marts differ: {differences}")
    row.marts_identical = True
    return row


def bench_reference(runs: int, workdir: Path, log=print) -> ReferenceRuns:
    """The reference wave's first run on a new site, `runs` times: the wave written once, each site made anew."""
    wave = workdir / "reference-wave"
    shutil.rmtree(wave, ignore_errors=True)
    write_reference_wave(wave)
    site = workdir / "reference"
    measured = ReferenceRuns()
    for run in range(1, runs + 1):
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(wave, site / "landing" / REFERENCE_WAVE)
        log(f"reference wave: kvis run {run} of {runs}")
        result = _checked(measure(KVIS_RUN, site_environment(site)), "kvis run (reference wave)")
        if "1 of 1 wave(s) loaded and published" not in result.stdout:
            raise RuntimeError(f"the reference wave was not published:\n{result.stdout}")
        measured.seconds.append(result.seconds)
        measured.peak_mb.append(result.peak_mb)
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(wave, ignore_errors=True)
    return measured


def _checked(result: Measured, what: str) -> Measured:
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def differing_marts(published: Path, baseline: Path, wave: str) -> dict[str, int]:
    """Per published mart, the rows of `wave` found in one database and not the other (none when they agree)."""
    differences = {}
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{published}' AS published (READ_ONLY)")
        con.execute(f"ATTACH '{baseline}' AS baseline (READ_ONLY)")
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'published' AND schema_name = ?",
            [PUBLISHED_SCHEMA],
        ).fetchall()
        for (table,) in tables:
            columns = ", ".join(
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = 'published' AND table_name = ? "
                    "ORDER BY column_index",
                    [table],
                ).fetchall()
            )
            # a mart the baseline does not make (the trends, which need two waves) must be empty for one wave
            baseline_has = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'baseline' AND table_name = ?", [table]
            ).fetchone()[0]
            one, other = (
                f"SELECT {columns} FROM {db}.{PUBLISHED_SCHEMA}.{table} WHERE wave = $wave"
                for db in ("published", "baseline" if baseline_has else "published")
            )
            if not baseline_has:
                other += " AND false"
            count = con.execute(
                f"SELECT (SELECT count(*) FROM ({one} EXCEPT ALL {other})) + "
                f"(SELECT count(*) FROM ({other} EXCEPT ALL {one}))",
                {"wave": wave},
            ).fetchone()[0]
            if count:
                differences[table] = count
    return differences


def format_table(rows: list[BenchRow]) -> str:
    with_reports = any(row.reports for row in rows)
    header = [
        "N",
        "free text",
        "clusters",
        "export MB",
        *STAGES,
        "rest",
        "pipeline s",
        "peak MB",
        "baseline s",
        "baseline MB",
        "floor s",
        "floor MB",
        "ratio",
        "rerun s",
        "marts = floors",
        *(["reports", "reports s", "reports MB"] if with_reports else []),
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    for row in rows:
        cells = [
            f"{row.respondents:,}",
            "yes" if row.free_text else "no",
            f"{row.clusters:,}",
            f"{row.export_mb:.0f}",
            *(f"{row.stages.get(stage, 0):.1f}" for stage in STAGES),
            f"{row.rest_seconds:.1f}",
            f"{row.pipeline_seconds:.1f}",
            f"{row.pipeline_peak_mb:,.0f}",
            f"{row.baseline_seconds:.1f}",
            f"{row.baseline_peak_mb:,.0f}",
            f"{row.floor_seconds:.1f}",
            f"{row.floor_peak_mb:,.0f}",
            f"{row.ratio:.1f}x",
            f"{row.rerun_seconds:.1f}",
            "yes" if row.marts_identical else "NO",
            *(
                [f"{row.reports:,}", f"{row.reports_seconds:.1f}", f"{row.reports_peak_mb:,.0f}"]
                if with_reports
                else []
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_benchmark(
    sizes: list[int],
    workdir: Path,
    waves: int = 1,
    keep: bool = False,
    json_path: Path | None = None,
    reports: bool = False,
    free_text: tuple[bool, ...] = (True,),
    reference_runs: int = 3,
) -> tuple[list[BenchRow], ReferenceRuns | None]:
    """Each size once per kind of wave: with free text (as real exports have), without, or both; then the reference
    wave `reference_runs` times (after the sizes, so that each of its runs starts from dbt's kept parse)."""
    rows = []
    for size in sizes:
        for with_text in free_text:
            row = bench_one(size, workdir, waves, log=_progress, reports=reports, free_text=with_text)
            rows.append(row)
            _progress(format_table([row]).splitlines()[-1])
            if not keep:
                shutil.rmtree(workdir / site_name(size, with_text), ignore_errors=True)
    reference = bench_reference(reference_runs, workdir, _progress) if reference_runs else None
    if json_path:
        measured = {
            "rows": [asdict(r) | {"ratio": r.ratio, "rest": r.rest_seconds} for r in rows],
            "reference": asdict(reference) | {"median_seconds": reference.median_seconds} if reference else None,
        }
        json_path.write_text(json.dumps(measured, indent=2))
    if rows:
        print(format_table(rows))
    if reference:
        print(reference.summary())
    return rows, reference
