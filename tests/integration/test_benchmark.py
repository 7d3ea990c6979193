"""`kvis bench` and its synthetic waves: the baseline must compute the very marts the pipeline publishes."""

import json
import subprocess
import sys

from kvis_pipeline.devtools.benchmark.baseline import reads_as_latin1
from kvis_pipeline.devtools.benchmark.runner import ReferenceRuns
from kvis_pipeline.devtools.benchmark.synthetic_wave import FREE_TEXT_COLUMNS, synthetic_roster, write_synthetic_wave
from kvis_pipeline.ingest.export_bundle import read_export_bundle
from kvis_pipeline.ingest.roster import read_roster


def test_synthetic_wave_is_an_eu_csv_export_over_a_roster_of_exactly_n_members(tmp_path):
    wave = write_synthetic_wave(tmp_path / "bench", 2_500)
    dataset = (wave.wave_dir / "survey" / "dataset.csv").read_bytes()
    assert b"\r\n" in dataset and dataset.split(b"\r\n", 1)[0].startswith(b"respondentid;")
    dataset.decode("cp1252")
    assert "ø".encode("cp1252") in dataset  # Danish free text, in Windows-1252
    roster = read_roster(wave.wave_dir / "klyngeoversigt.csv")
    assert roster["antal_medlemmer"].sum() == 2_500 and len(roster) == wave.clusters
    bundle = read_export_bundle(wave.wave_dir / "survey")
    assert bundle.form == "EU CSV" and len(bundle.dataset) == 2_500
    per_cluster = bundle.dataset["klynge"].astype(int).value_counts().sort_index()
    assert per_cluster.equals(roster.set_index("klynge_id")["antal_medlemmer"].rename("count").rename_axis("klynge"))
    completed = (bundle.dataset["statoverall_4"] == "1").mean()
    assert 0.6 < completed < 0.72  # about two in three complete, as in the reference wave


def test_a_wave_without_free_text_has_the_same_answers_and_empty_open_questions(tmp_path):
    with_text = read_export_bundle(write_synthetic_wave(tmp_path / "a", 1_500).wave_dir / "survey").dataset
    without = write_synthetic_wave(tmp_path / "b", 1_500, free_text=False)
    plain = read_export_bundle(without.wave_dir / "survey").dataset
    assert list(plain.columns) == list(with_text.columns)
    assert all((with_text[c] != "").any() and (plain[c] == "").all() for c in FREE_TEXT_COLUMNS)
    rest = [c for c in plain.columns if c not in FREE_TEXT_COLUMNS]
    assert plain[rest].equals(with_text[rest])
    # names hold Danish letters, which latin-1 reads as Windows-1252 does; the free text holds dashes, which it does not
    assert reads_as_latin1(without.wave_dir / "survey" / "dataset.csv")
    assert not reads_as_latin1(tmp_path / "a" / "survey" / "dataset.csv")


def test_synthetic_roster_repeats_the_reference_with_new_ids():
    roster = synthetic_roster(3_000)
    assert roster["antal_medlemmer"].sum() == 3_000
    assert roster["klynge_id"].is_unique and roster["klynge_id"].tolist() == list(range(1, len(roster) + 1))
    assert (roster["antal_medlemmer"] > 0).all()
    assert roster["speciale"].nunique() == 14


def test_bench_times_the_pipeline_against_a_baseline_with_identical_marts_and_the_reference_wave(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kvis_pipeline.cli",
            "bench",
            "--respondents",
            "3000",
            "--workdir",
            str(tmp_path),
            "--json",
            str(tmp_path / "bench.json"),
            "--free-text",
            "no",
            "--reference-runs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads((tmp_path / "bench.json").read_text())
    [row] = measured["rows"]
    assert (row["respondents"], row["free_text"], row["marts_identical"]) == (3000, False, True)
    assert set(row["stages"]) == {"read", "validate", "stage", "dbt", "checks", "publish"}
    assert all(seconds > 0 for seconds in row["stages"].values())
    assert row["pipeline_seconds"] > sum(row["stages"].values())
    assert row["rerun_seconds"] < row["pipeline_seconds"]
    assert row["baseline_seconds"] > 0 and row["floor_seconds"] > 0
    assert row["ratio"] == row["pipeline_seconds"] / min(row["baseline_seconds"], row["floor_seconds"])
    assert row["pipeline_peak_mb"] > 100 and row["baseline_peak_mb"] > 0 and row["floor_peak_mb"] > 0

    reference = measured["reference"]
    [seconds], [peak_mb] = reference["seconds"], reference["peak_mb"]
    assert seconds > 1 and reference["median_seconds"] == seconds and peak_mb > 100

    header, _, line, summary = result.stdout.strip().splitlines()
    assert header.startswith("| N | free text | clusters |")
    assert line.split(" | ")[:2] == ["| 3,000", "no"] and line.endswith("| yes |")
    assert summary == (
        "reference wave, a new site's `kvis run --no-reports`, 1 run(s): "
        f"median {seconds:.1f} s ({seconds:.1f}-{seconds:.1f}), peak {peak_mb:,.0f} MB"
    )
    assert not list(tmp_path.glob("n3000*")) and not list(tmp_path.glob("reference*"))  # removed unless --keep


def test_the_reference_runs_give_their_median_and_range():
    runs = ReferenceRuns(seconds=[14.2, 19.0, 13.6], peak_mb=[501.0, 1_512.4, 499.9])
    assert runs.median_seconds == 14.2
    assert runs.summary() == (
        "reference wave, a new site's `kvis run --no-reports`, 3 run(s): median 14.2 s (13.6-19.0), peak 1,512 MB"
    )
