"""The standby's parse of the build it expects, made while the run still stages the wave (dbt_standby.py).

A dbt build loads its project before its first model: the profile, the adapter and the kept parse
(docs/performance.md, "After the late night"). `kvis run` starts dbt's standby with the build's vars and
environment (dbt_build.py), and the standby parses the project with them before the build's command comes. The
build then runs on that manifest, as dbt's programmatic API allows (dbtRunner's `manifest`), if what makes a parse
is the same for the command as for the early parse: its project, profile, target, vars, connection details and
kvis' environment variables. Otherwise, and whenever the early parse failed, the command parses as it would have.
"""

import json
import os
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kvis_pipeline.orchestration.kept_parse import (
    WAREHOUSE_VARIABLE,
    command_flags,
    parse_kept_across_warehouses,
    parse_key,
)

EXPECTED_VARIABLE = "KVIS_DBT_EXPECTED_VARS"  # the vars of the build a standby expects (JSON); unset, no early parse
_PLUMBING = ("KVIS_DBT_",)  # kvis' variables for dbt's process itself, which a parse does not read


@dataclass(frozen=True)
class EarlyParse:
    inputs: tuple
    manifest: Any  # dbt's Manifest

    def manifest_for(self, args: Sequence[str]) -> Any | None:
        """The early parse's manifest when `args`, in this process's environment, parse as it did; else None."""
        return self.manifest if parse_inputs(args) == self.inputs else None


def early_parse() -> EarlyParse | None:
    """Parse the project for the build this process's environment expects, or None when none is expected or the
    parse failed."""
    expected = os.environ.get(EXPECTED_VARIABLE)
    if not expected:
        return None
    with suppress(Exception), tempfile.TemporaryDirectory(prefix="kvis-early-parse-") as target:
        os.chdir(os.environ["DBT_PROJECT_DIR"])  # where dagster-dbt starts dbt
        from dbt.cli.main import dbtRunner
        from dbt.contracts.graph.manifest import Manifest

        # its manifest is handed over in memory: no manifest.json is written
        args = ["parse", "--quiet", "--log-level-file", "none", "--no-write-json", "--vars", expected]
        args += ["--target-path", target]
        inputs = parse_inputs(args)
        with parse_kept_across_warehouses(args):
            parsed = dbtRunner().invoke(args)
        if inputs is not None and parsed.success and isinstance(parsed.result, Manifest):
            return EarlyParse(inputs, parsed.result)
    return None


def parse_inputs(args: Sequence[str]) -> tuple | None:
    """What makes dbt's parse of a command line what it is, in this process's environment: the flags that choose
    the project, profile, target and vars, the connection details (through the kept parse's key and profile hash),
    and kvis' environment variables, which the project and profile read. None when they cannot be read."""
    with suppress(Exception):
        flags = command_flags(args)
        key, profile_hash = parse_key(flags, Path(os.environ[WAREHOUSE_VARIABLE]))
        kvis = sorted(
            (name, value)
            for name, value in os.environ.items()
            if name.startswith("KVIS_") and not name.startswith(_PLUMBING)
        )
        return (
            Path.cwd(),
            Path(flags.PROJECT_DIR or ".").resolve(),
            Path(flags.PROFILES_DIR).resolve(),
            flags.PROFILE,
            flags.TARGET,
            json.dumps(flags.VARS, sort_keys=True),
            key,
            profile_hash,
            tuple(kvis),
        )
    return None
