"""The `kvis` command: what an operator runs."""

import argparse
import os
import sys
import time
from pathlib import Path

from kvis_pipeline.core.errors import InputFileError
from kvis_pipeline.core.process_gc import run_and_exit
from kvis_pipeline.core.settings import ACCEPT_VARIABLE, Settings

FREE_TEXT_WAVES = {"yes": (True,), "no": (False,), "both": (True, False)}  # `kvis bench --free-text`


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kvis", description="eKVIS survey pipeline.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="materialise every wave found in the landing folder")
    run.add_argument("--wave", action="append", help="only this wave (repeatable)")
    run.add_argument("--verbose", action="store_true", help="show Dagster's event log")
    run.add_argument(
        "--no-reports", action="store_true", help="publish only; render no fact sheets or cluster packages"
    )
    run.add_argument("--force", action="store_true", help="run every wave, even those unchanged since the last run")
    run.add_argument("--timings", type=Path, metavar="FILE", help="write the seconds spent per stage to FILE (JSON)")
    run.add_argument(
        "--accept",
        action="append",
        metavar="WAVE",
        help="load WAVE although it has no respondents or more quarantined rows than allowed",
    )
    run.add_argument(
        "--rekey",
        action="store_true",
        help="reprocess every wave with the current pseudonym key (after the key was changed)",
    )
    remove = commands.add_parser("remove-wave", help="remove a wave from the warehouse and the publication")
    remove.add_argument("wave")
    report = commands.add_parser(
        "report", help="render fact sheets and cluster packages from the publication (all, or one specialty/cluster)"
    )
    report.add_argument("--wave", help="the wave (default: the latest published)")
    report.add_argument("--specialty", action="append", help="only this specialty, by code or name (repeatable)")
    report.add_argument("--cluster", action="append", type=int, help="only this cluster id (repeatable)")
    report.add_argument("--verbose", action="store_true", help="show Dagster's event log")
    commands.add_parser("status", help="show the current publication: when, which waves, rows, check results")
    inspect = commands.add_parser(
        "inspect", help="describe a wave or survey folder and what `kvis run` would do with each row; writes nothing"
    )
    inspect.add_argument("path", type=Path, help="a wave folder (roster and survey/) or a survey export folder")
    inspect.add_argument("--json", action="store_true", help="print the findings as JSON")
    generate = commands.add_parser("generate-reference", help="write the reference wave 2025 to the landing folder")
    generate.add_argument("--out", type=Path, help="wave folder to write (default <landing>/2025 or <landing>/2026)")
    generate.add_argument(
        "--follow-up",
        action="store_true",
        help="write the generated follow-up wave 2026 instead (made-up data for trends: roster and s_7 changed)",
    )
    generate.add_argument(
        "--form", choices=["eu", "intl", "comma", "xlsx"], default="eu", help="export form (default EU CSV)"
    )
    bench = commands.add_parser(
        "bench", help="time the pipeline against a hand-written DuckDB baseline on synthetic waves of N rows"
    )
    bench.add_argument(
        "--respondents",
        type=int,
        action="append",
        metavar="N",
        help="export rows of a synthetic wave (repeatable; default 10000, 100000 and 1000000)",
    )
    bench.add_argument("--waves", type=int, default=1, help="copies of the wave to keep in the landing folder")
    bench.add_argument(
        "--workdir", type=Path, default=Path("data/bench"), help="where the sites go (default data/bench)"
    )
    bench.add_argument("--keep", action="store_true", help="keep each size's site (landing, warehouse, publication)")
    bench.add_argument("--json", type=Path, metavar="FILE", help="also write the measurements to FILE")
    bench.add_argument(
        "--reports",
        action="store_true",
        help="also time `kvis report` on each wave (984 rows give the reference wave's 73 clusters)",
    )
    bench.add_argument(
        "--reference-runs",
        type=int,
        default=3,
        metavar="N",
        help="then time the reference wave's first run on a new site N times, and give the median (default 3; 0: not)",
    )
    bench.add_argument(
        "--free-text",
        choices=sorted(FREE_TEXT_WAVES),
        default="yes",
        help="the waves' open questions: answered as in the reference wave (yes), all empty (no), or a wave of each",
    )
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
        if args.command == "run":
            if args.accept:
                os.environ[ACCEPT_VARIABLE] = ",".join(args.accept)
                settings = Settings.from_env()
            if args.rekey:
                from kvis_pipeline.ingest.key_guard import REKEY_VARIABLE

                os.environ[REKEY_VARIABLE] = "1"
            return _run(
                settings,
                args.wave,
                "INFO" if args.verbose else "CRITICAL",
                reports=not args.no_reports,
                force=args.force or args.rekey,
                timings=args.timings,
                rekey=args.rekey,
            )
        if args.command == "remove-wave":
            return _remove_wave(settings, args.wave)
        if args.command == "report":
            return _report(settings, args.wave, args.specialty, args.cluster, "INFO" if args.verbose else "CRITICAL")
        if args.command == "status":
            return _status(settings)
        if args.command == "inspect":
            return _inspect(args.path, args.json)
        if args.command == "bench":
            from kvis_pipeline.devtools.benchmark.runner import run_benchmark

            run_benchmark(
                args.respondents or [10_000, 100_000, 1_000_000],
                args.workdir.absolute(),
                args.waves,
                args.keep,
                args.json,
                args.reports,
                FREE_TEXT_WAVES[args.free_text],
                args.reference_runs,
            )
            return 0
        if args.command == "generate-reference":
            return _generate(settings, args.out, args.form, args.follow_up)
    except (InputFileError, ValueError, FileNotFoundError) as error:
        print(f"kvis: {error}", file=sys.stderr)
        return 2
    return 1


def _run(
    settings: Settings,
    only: list[str] | None,
    log_level: str,
    reports: bool = True,
    force: bool = False,
    timings: Path | None = None,
    rekey: bool = False,
) -> int:
    from kvis_pipeline.orchestration.dbt_build import expected_build
    from kvis_pipeline.orchestration.dbt_process import DBT_COMMAND
    from kvis_pipeline.orchestration.dbt_standby import dbt_standby

    # dbt's standby for the first wave, started first: its imports and parse run beside this process's imports (an
    # unused one ends with the block)
    with dbt_standby(DBT_COMMAND, expected_build(settings)):
        from kvis_pipeline.ingest.pseudonym import load_pseudonym_key
        from kvis_pipeline.orchestration.run_state import RunState
        from kvis_pipeline.publish.status import format_load_summary, format_publication, published_load_summary
        from kvis_pipeline.warehouse.store import warehouse_waves

        landed = settings.discover_waves()
        refused = settings.skipped_folders()
        for name, why in refused:
            print(f"kvis: {settings.landing_dir}: landing folder {name}: {why}", file=sys.stderr)
        waves = _selected_waves(settings, landed, only)
        if not waves:
            return 2
        in_warehouse = warehouse_waves(settings.warehouse) or set()
        stranded = _published_without_landing(settings, set(landed), in_warehouse)
        if stranded is not None:
            return stranded
        if rekey and only:
            print("kvis: --rekey reprocesses every wave; leave out --wave", file=sys.stderr)
            return 2
        started = time.perf_counter()
        key, state = load_pseudonym_key(), RunState.load(settings)
        # a wave missing from the warehouse (lost, or never loaded) runs whatever the run state says
        unchanged = [] if force else [w for w in state.unchanged_waves(settings, waves, key) if w in in_warehouse]
        to_run = [w for w in waves if w not in unchanged]
        failures = _materialise(to_run, log_level) if to_run else {}
    loaded = [w for w in to_run if w not in failures]
    if loaded:
        state.record_published(settings, loaded, key)
    state.forget(list(failures))
    current = [w for w in waves if w in loaded or w in unchanged]
    if current:
        print(format_load_summary(published_load_summary(settings.publish_dir, current)))
    if unchanged:
        print(
            f"kvis run: unchanged since the last run, not loaded again: {', '.join(unchanged)} "
            "(--force runs them anyway)"
        )
    if to_run:
        print(
            f"kvis run: {len(loaded)} of {len(to_run)} wave(s) loaded and published in "
            f"{time.perf_counter() - started:.1f} s; warehouse {settings.warehouse}"
        )
    if current:
        print(format_publication(settings.publish_dir))
    if current and reports:
        failures |= _reports_for_run(settings, state, current, force, log_level)
    if timings:
        from kvis_pipeline.core.stage_timings import write_stage_seconds

        write_stage_seconds(timings)
    return _print_failures(failures) or (2 if refused else 0)


def _selected_waves(settings: Settings, landed: list[str], only: list[str] | None) -> list[str]:
    """The landed waves asked for (all without --wave); none, said on stderr, when one asked for is not landed."""
    if only:
        unknown = sorted(set(only) - set(landed))
        if unknown:
            print(f"kvis: no wave folder for {', '.join(unknown)} in {settings.landing_dir}", file=sys.stderr)
            return []
        landed = [w for w in landed if w in only]
    if not landed:
        print(f"kvis: no wave folders in {settings.landing_dir}", file=sys.stderr)
    return landed


def _published_without_landing(settings: Settings, landed: set[str], kept: set[str]) -> int | None:
    """Say which published waves have no landing folder; refuse to run when one of them is not in the warehouse
    (`kept`) either, since the next publication (made from the warehouse) would silently drop it."""
    from kvis_pipeline.publish.publication import read_record

    record = read_record(settings.publish_dir)
    published = set(record["waves"]) if record else set()
    missing = sorted(published - landed)
    if not missing:
        return None
    lost = [wave for wave in missing if wave not in kept]
    for wave in missing:
        if wave not in lost:
            print(
                f"kvis: wave {wave} is published but has no landing folder in {settings.landing_dir}; it stays "
                f"published until `kvis remove-wave {wave}`",
                file=sys.stderr,
            )
    if lost:
        print(
            f"kvis: wave(s) {', '.join(lost)} are published but neither in the warehouse nor in the landing folder, "
            "so this run would drop them from the publication; restore their landing folders, or remove them with "
            f"`kvis remove-wave {lost[0]}`; nothing was run",
            file=sys.stderr,
        )
        return 2
    return None


def _remove_wave(settings: Settings, wave: str) -> int:
    from kvis_pipeline.orchestration.wave_removal import remove_wave

    removal = remove_wave(settings, wave)
    if not removal.found_in:
        print(f"kvis: wave {wave} is neither in the warehouse nor in the publication", file=sys.stderr)
        return 2
    print(f"kvis remove-wave: removed wave {wave} from {', '.join(removal.found_in)}")
    if removal.compared_waves:
        print(
            f"kvis remove-wave: the trends of wave(s) {', '.join(removal.compared_waves)} against {wave} went with it; "
            "the next `kvis run` builds them against the wave before"
        )
    if settings.wave_dir(wave).is_dir():
        print(
            f"kvis remove-wave: its landing folder {settings.wave_dir(wave)} is still there; the next run loads it "
            "again unless it is moved away"
        )
    return 0


def _materialise(waves: list[str], log_level: str) -> dict[str, Exception]:
    from kvis_pipeline.orchestration.runner import materialise_waves

    return materialise_waves(waves, log_level)


def _reports_for_run(settings: Settings, state, waves: list[str], force: bool, log_level: str) -> dict[str, Exception]:
    """Render the reports of waves whose publication changed since their reports were made; say so for the rest."""
    from kvis_pipeline.reports.families import format_reports, reports_on_disk

    stale = [
        w
        for w in waves
        if force or not state.reports_current(settings, w) or not reports_on_disk(settings.publish_dir, w)
    ]
    current = [w for w in waves if w not in stale]
    if current:
        print(format_reports(settings.publish_dir, current, None))
    failures = _render_reports(settings, stale, log_level) if stale else {}
    state.record_reports(settings, [w for w in stale if f"{w} (reports)" not in failures])
    return failures


def _print_failures(failures: dict[str, Exception]) -> int:
    for error in failures.values():
        print(f"kvis: {error}", file=sys.stderr)
    return 1 if failures else 0


def _render_reports(settings: Settings, waves: list[str], log_level: str) -> dict[str, Exception]:
    from kvis_pipeline.orchestration.defs.reports.jobs import REPORT_JOB_NAME
    from kvis_pipeline.orchestration.runner import materialise_waves
    from kvis_pipeline.reports.families import format_reports

    started = time.perf_counter()
    failures = materialise_waves(waves, log_level, job_name=REPORT_JOB_NAME)
    print(format_reports(settings.publish_dir, [w for w in waves if w not in failures], time.perf_counter() - started))
    return {f"{wave} (reports)": error for wave, error in failures.items()}


def _report(
    settings: Settings, wave: str | None, specialties: list[str] | None, clusters: list[int] | None, log_level: str
) -> int:
    from kvis_pipeline.publish.publication import DATABASE_NAME
    from kvis_pipeline.reports.families import CLUSTER_PACKAGES, FACT_SHEETS
    from kvis_pipeline.reports.produce import render_family, specialty_codes
    from kvis_pipeline.reports.published_data import published_waves

    database = settings.publish_dir / DATABASE_NAME
    if not database.exists():
        print(f"kvis: nothing published yet in {settings.publish_dir}; run `kvis run` first", file=sys.stderr)
        return 2
    waves = published_waves(database)
    wave = wave or waves[-1]
    if wave not in waves:
        print(f"kvis: wave {wave} is not published; published: {', '.join(waves)}", file=sys.stderr)
        return 2
    if not specialties and not clusters:
        return _print_failures(_render_reports(settings, [wave], log_level))
    written = []
    if specialties:
        codes = specialty_codes(database, wave, specialties)
        written += render_family(
            settings.publish_dir, wave, FACT_SHEETS, settings.min_cell, settings.report_texts_dir, only=codes
        ).written
    if clusters:
        written += render_family(
            settings.publish_dir, wave, CLUSTER_PACKAGES, settings.min_cell, settings.report_texts_dir, only=clusters
        ).written
    for path in written:
        print(path)
    return 0


def _status(settings: Settings) -> int:
    from kvis_pipeline.publish.status import format_status

    report = format_status(settings.publish_dir)
    if report is None:
        print(f"kvis: nothing published yet in {settings.publish_dir}", file=sys.stderr)
        return 1
    print(report)
    return 0


def _inspect(path: Path, as_json: bool) -> int:
    from kvis_pipeline.ingest.inspect_export import format_inspection, inspect_path

    if not path.is_dir():
        print(f"kvis: {path}: not a folder; give a wave folder or a survey export folder", file=sys.stderr)
        return 2
    inspection = inspect_path(path)
    if as_json:
        import json

        print(json.dumps(inspection.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_inspection(inspection))
    return 0 if inspection.would_load else 2


def _generate(settings: Settings, out: Path | None, form: str, follow_up: bool) -> int:
    from kvis_pipeline.devtools.follow_up_wave import FOLLOW_UP_WAVE, write_follow_up_wave
    from kvis_pipeline.devtools.reference_wave import REFERENCE_WAVE, write_reference_wave

    wave, write = (FOLLOW_UP_WAVE, write_follow_up_wave) if follow_up else (REFERENCE_WAVE, write_reference_wave)
    written = write(out or settings.wave_dir(wave), form)
    for path in written:
        print(path)
    return 0


def entry() -> None:
    """The `kvis` command as a process (kvis_pipeline.core.process_gc)."""
    run_and_exit(main)


if __name__ == "__main__":
    entry()
