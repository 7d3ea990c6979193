"""The benchmark's floors: baseline.sql over the same landing files, published as DuckDB and Parquet like kvis does.

Two ways for the bytes to reach DuckDB, which reads UTF-8, UTF-16 and latin-1 here but not Windows-1252:

- `transcoded` (the baseline): every file is transcoded to UTF-8 in Python first;
- `direct` (the floor): the dataset, nearly all of the bytes, is read by DuckDB as it is, as latin-1, when it has no
  byte that Windows-1252 and latin-1 read differently (0x80-0x9F: the euro sign, curly quotes, dashes); only a
  dataset that has one is transcoded. The three small files are always transcoded.

Run as its own process by the benchmark
(`python -m kvis_pipeline.devtools.benchmark.baseline WAVE_DIR OUT_DIR WAVE [--direct]`), so that its time and memory
are measured the same way as the pipeline's.
"""

import json
import mmap
import re
import sys
import time
from importlib import resources
from pathlib import Path

import duckdb

from kvis_pipeline.core.contract import (
    BACKGROUND_VARIABLES,
    COMPLETED_STATUS,
    INVITED_STATUSES,
    PARTIAL_STATUS,
    STATUS_QUESTION,
)
from kvis_pipeline.ingest.roster import ROSTER_FILE
from kvis_pipeline.warehouse.suppression import suppression_pattern

TRANSCODE_CHUNK = 1 << 24  # characters
SOURCE_ENCODING = "cp1252"
PATTERN_MARK = "-- @suppression_pattern\n"
WINDOWS_ONLY_BYTES = re.compile(rb"[\x80-\x9f]")  # where Windows-1252 and latin-1 differ


def transcode(source: Path, target: Path) -> None:
    """Windows-1252 to UTF-8 in chunks: DuckDB here reads UTF-8 and UTF-16 only."""
    with (
        source.open(encoding=SOURCE_ENCODING, newline="") as reader,
        target.open("w", encoding="utf-8", newline="") as writer,
    ):
        while chunk := reader.read(TRANSCODE_CHUNK):
            writer.write(chunk)


def reads_as_latin1(path: Path) -> bool:
    """True when reading the Windows-1252 file as latin-1 gives the same text."""
    if path.stat().st_size == 0:
        return True
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return WINDOWS_ONLY_BYTES.search(data) is None


def run_baseline(
    wave_dir: Path, out_dir: Path, wave: str, min_cell: int = 5, small_group: int = 10, direct: bool = False
) -> dict[str, float]:
    out_dir.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    files = {
        "dataset": wave_dir / "survey" / "dataset.csv",
        "labels": wave_dir / "survey" / "labels.csv",
        "structure": wave_dir / "survey" / "structure.csv",
        "roster": wave_dir / ROSTER_FILE,
    }
    dataset_encoding = "latin-1" if direct and reads_as_latin1(files["dataset"]) else "utf-8"
    sources = {name: out_dir / f"{name}.utf8.csv" for name in files}
    if dataset_encoding == "latin-1":
        sources["dataset"] = files["dataset"]
    for name, path in files.items():
        if sources[name] != path:
            transcode(path, sources[name])
    seconds["transcode"] = time.perf_counter() - started

    started = time.perf_counter()
    database = out_dir / "baseline.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        text = "all_varchar = true, header = true, delim = ';', quote = '\"', escape = '\"'"
        con.execute(
            f"CREATE TEMP VIEW src_dataset AS SELECT * FROM read_csv('{sources['dataset']}', {text}, "
            f"encoding = '{dataset_encoding}')"
        )
        con.execute(f"CREATE TEMP VIEW src_structure AS SELECT * FROM read_csv('{sources['structure']}', {text})")
        con.execute(f"CREATE TEMP VIEW src_roster AS SELECT * FROM read_csv('{sources['roster']}', {text})")
        con.execute(
            f"CREATE TEMP VIEW src_labels AS SELECT * FROM read_csv('{sources['labels']}', all_varchar = true, "
            "header = false, delim = ';', names = ['variable_name', 'code', 'label'])"
        )
        landing = wave_dir.parent
        for name, value in {
            "wave": wave,
            "min_cell": min_cell,
            "background_variables": list(BACKGROUND_VARIABLES),
            "status_question": STATUS_QUESTION,
            "status_completed": COMPLETED_STATUS,
            "status_partial": PARTIAL_STATUS,
            "status_invited": list(INVITED_STATUSES),
            "dataset_file": files["dataset"].relative_to(landing).as_posix(),
            "roster_file": files["roster"].relative_to(landing).as_posix(),
        }.items():
            con.execute(f"SET VARIABLE {name} = ?", [value])
        before, after = resources.files(__package__).joinpath("baseline.sql").read_text().split(PATTERN_MARK)
        con.execute(before)
        counts = con.execute("SELECT 'wave' AS wave, * FROM cluster_item_counts").df()
        con.register("suppression_frame", suppression_pattern(counts, min_cell, small_group))
        con.execute("CREATE TEMP TABLE pattern AS SELECT * FROM suppression_frame")
        con.unregister("suppression_frame")
        con.execute(after)
        seconds["sql"] = time.perf_counter() - started

        started = time.perf_counter()
        parquet = out_dir / "parquet"
        parquet.mkdir(exist_ok=True)
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall():
            con.execute(f"COPY marts.{table} TO '{parquet / (table + '.parquet')}' (FORMAT parquet)")
        seconds["parquet"] = time.perf_counter() - started
    return {name: round(value, 3) for name, value in seconds.items()}


if __name__ == "__main__":
    wave_dir, out_dir, wave = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    print(json.dumps(run_baseline(wave_dir, out_dir, wave, direct="--direct" in sys.argv[4:])))
