"""The `kvis` command: what an operator runs."""

import argparse
import os
import sys
import time
from pathlib import Path

from kvis_pipeline.lib.errors import InputFileError
from kvis_pipeline.lib.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kvis", description="eKVIS survey pipeline.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="materialise every wave found in the landing folder")
    run.add_argument("--wave", action="append", help="only this wave (repeatable)")
    run.add_argument("--verbose", action="store_true", help="show Dagster's event log")
    commands.add_parser("status", help="show the current publication: when, which waves, rows, check results")
    generate = commands.add_parser("generate-reference", help="write the reference wave 2025 to the landing folder")
    generate.add_argument("--out", type=Path, help="wave folder to write (default <landing>/2025)")
    generate.add_argument(
        "--form", choices=["eu", "intl", "comma", "xlsx"], default="eu", help="export form (default EU CSV)"
    )
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
        if args.command == "run":
            return _run(settings, args.wave, "INFO" if args.verbose else "CRITICAL")
        if args.command == "status":
            return _status(settings)
        if args.command == "generate-reference":
            return _generate(settings, args.out, args.form)
    except (InputFileError, ValueError) as error:
        print(f"kvis: {error}", file=sys.stderr)
        return 2
    return 1


def _run(settings: Settings, only: list[str] | None, log_level: str) -> int:
    from kvis_pipeline.lib.load_report import format_load_summary, format_publication, load_summary
    from kvis_pipeline.lib.orchestration import materialise_waves

    waves = settings.discover_waves()
    if only:
        unknown = sorted(set(only) - set(waves))
        if unknown:
            print(f"kvis: no wave folder for {', '.join(unknown)} in {settings.landing_dir}", file=sys.stderr)
            return 2
        waves = [w for w in waves if w in only]
    if not waves:
        print(f"kvis: no wave folders in {settings.landing_dir}", file=sys.stderr)
        return 2
    os.environ.setdefault("DAGSTER_HOME", str(Path("data/dagster_home").absolute()))
    started = time.perf_counter()
    failures = materialise_waves(waves, log_level)
    loaded = [w for w in waves if w not in failures]
    if loaded:
        print(format_load_summary(load_summary(settings, loaded)))
    print(
        f"kvis run: {len(loaded)} of {len(waves)} wave(s) loaded and published in "
        f"{time.perf_counter() - started:.1f} s; warehouse {settings.warehouse}"
    )
    if loaded:
        print(format_publication(settings.publish_dir))
    for error in failures.values():
        print(f"kvis: {error}", file=sys.stderr)
    return 1 if failures else 0


def _status(settings: Settings) -> int:
    from kvis_pipeline.lib.load_report import format_status

    report = format_status(settings.publish_dir)
    if report is None:
        print(f"kvis: nothing published yet in {settings.publish_dir}", file=sys.stderr)
        return 1
    print(report)
    return 0


def _generate(settings: Settings, out: Path | None, form: str) -> int:
    from kvis_pipeline.lib.reference_wave import REFERENCE_WAVE, write_reference_wave

    target = out or settings.wave_dir(REFERENCE_WAVE)
    written = write_reference_wave(target, form)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
