"""One dbt parse kept for every warehouse on a machine, handed over in dbt's own process (dbt_process.py).

dbt reuses a parse only when the profile's connection details and the vars hash as they did. Between sites on one
machine (a user's, the benchmark's, the tests') the details differ only in the warehouse's path, and a parse does
not hold that path, only the hash. So one parse is kept per profile-but-the-path and vars, in the folder named by
KVIS_KEPT_PARSES, and handed to each dbt command under its own warehouse's hash: a site's first build no longer
parses the whole project. dbt's process does it because it has dbt imported, which Dagster's has not
(dbt_core_hidden.py).
"""

import hashlib
import os
import pprint
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import yaml

from kvis_pipeline.core.atomic import copy_atomically

KEPT_PARSES_VARIABLE = "KVIS_KEPT_PARSES"  # the folder of kept parses; unset, a dbt command neither takes nor keeps one
WAREHOUSE_VARIABLE = "KVIS_WAREHOUSE"  # the warehouse path profiles.yml reads
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
PROFILE = "kvis"  # profiles.yml's profile, named by dbt_project.yml


@dataclass(frozen=True)
class KeptParse:
    kept: Path  # the parse kept for this command's profile-but-the-path and vars
    target: Path  # the command's target folder, where dbt reads and writes its parse
    profile_hash: str  # dbt's hash of this command's connection details

    def hand_over(self) -> None:
        """The kept parse, under this command's profile hash, in its target: dbt then parses only what changed."""
        with _only_a_cache():
            parse = self.kept.read_bytes()
            stored = msgpack.unpackb(parse, strict_map_key=False)["state_check"]["profile_hash"]["checksum"].encode()
            if parse.count(stored) == 1 and len(stored) == len(self.profile_hash):
                self.target.mkdir(parents=True, exist_ok=True)
                (self.target / PARTIAL_PARSE_FILE).write_bytes(parse.replace(stored, self.profile_hash.encode()))

    def keep(self) -> None:
        built = self.target / PARTIAL_PARSE_FILE
        with _only_a_cache():
            if built.exists():
                self.kept.parent.mkdir(parents=True, exist_ok=True)
                copy_atomically(built, self.kept)


@contextmanager
def parse_kept_across_warehouses(args: Sequence[str]) -> Iterator[None]:
    """Around one dbt command line in dbt's process: hand it the kept parse first; keep its parse if it succeeds."""
    kept = kept_parse_for(args)
    if kept is not None:
        kept.hand_over()
    try:
        yield
    except SystemExit as stop:  # dbt's command line always ends so
        if kept is not None and stop.code in (0, None):
            kept.keep()
        raise
    if kept is not None:
        kept.keep()


def kept_parse_for(args: Sequence[str]) -> KeptParse | None:
    """The kept parse of this dbt command line, read as dbt reads its flags; None when none is asked for, or the
    command writes into the project's own target folder."""
    folder = os.environ.get(KEPT_PARSES_VARIABLE)
    warehouse = os.environ.get(WAREHOUSE_VARIABLE)
    if not folder or not warehouse:
        return None
    with _only_a_cache():
        flags = command_flags(args)
        if flags.TARGET_PATH is None:
            return None
        key, profile_hash = parse_key(flags, Path(warehouse))
        return KeptParse(
            kept=Path(folder) / f"kept-{key}-{PARTIAL_PARSE_FILE}",
            target=Path(flags.PROJECT_DIR or ".") / flags.TARGET_PATH,
            profile_hash=profile_hash,
        )
    return None


def command_flags(args: Sequence[str]) -> Any:
    """dbt's flags for a command line, read from it and the environment as dbt reads them."""
    from dbt.cli.flags import Flags, args_to_context

    return Flags(args_to_context(list(args)))


def parse_key(flags: Any, warehouse: Path) -> tuple[str, str]:
    """The key of the parse kept for these flags (the profile's connection details but the path, and the vars) and
    dbt's hash of the connection details for `warehouse`."""
    details = connection_details(warehouse, Path(flags.PROFILES_DIR))
    without_path = [item for item in details if item[0] != "path"]
    key = hashlib.sha256(pprint.pformat([without_path, dict(flags.VARS)]).encode()).hexdigest()[:16]
    return key, hashlib.sha256(pprint.pformat(details).encode()).hexdigest()


def connection_details(warehouse: Path, profiles_dir: Path) -> list[tuple[str, Any]]:
    """The profile's connection details as dbt lists them for `warehouse`, with the two values the profile takes from
    the environment as a run sets them: the path (KVIS_WAREHOUSE) and DuckDB's memory cap. Their hash is dbt's
    (ManifestLoader.build_manifest_state_check in dbt-core)."""
    from dbt.adapters.duckdb.credentials import DuckDBCredentials

    from kvis_pipeline.core.memory import duckdb_memory_limit

    profiles = yaml.safe_load((profiles_dir / "profiles.yml").read_text())
    output = dict(profiles[PROFILE]["outputs"][profiles[PROFILE]["target"]])
    fields = {key: value for key, value in output.items() if key not in ("type", "threads")}
    fields["settings"] = {**fields.get("settings", {}), "memory_limit": duckdb_memory_limit()}
    return sorted(DuckDBCredentials.from_dict({**fields, "path": str(warehouse)}).connection_info())


def _only_a_cache() -> AbstractContextManager:
    """Errors in keeping or handing over a parse (a profiles.yml or a parse laid out otherwise than expected) are
    ignored: without a parse handed over, dbt parses the whole project, as it does the first time."""
    return suppress(Exception)
