"""The errors an operator reads: a file problem names the file, row, column and reason."""

from pathlib import Path


class InputFileError(Exception):
    """A landing file that cannot be loaded at all; the run stops and nothing is written."""

    def __init__(self, path: Path | str, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class WaveRefused(InputFileError):
    """A wave that would load but is refused by rule (nothing accepted, too much quarantined) until accepted."""


class RunFailed(Exception):
    """A Dagster run that failed for a reason other than a landing file (a blocking check, a bug)."""
