"""The dbt project as Dagster sees it: where it lives, a manifest that is never stale, and asset keys by schema."""

import hashlib
import importlib.metadata
import os
import pprint
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
import msgpack
import yaml
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject
from filelock import FileLock
from packaging import version

from kvis_pipeline.core.atomic import copy_atomically
from kvis_pipeline.core.memory import duckdb_memory_limit
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.orchestration.dbt_process import DBT_COMMAND

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
PROFILE = "kvis"  # profiles.yml's profile, named by dbt_project.yml
_SOURCES = ("models", "macros", "tests", "dbt_project.yml", "profiles.yml")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class KvisDbtCli(DbtCliResource):
    """dagster-dbt's resource without two start-up costs kvis has no use for (docs/performance.md):
    a `dbt --version` subprocess (dbt is the dbt-core installed beside kvis) and an in-process dbt adapter, which
    dagster-dbt needs only to fetch column metadata.

    Both are private members of DbtCliResource. dagster-dbt's `cli` takes a missing adapter (it sets None itself
    when creating one fails). `test_dagster_dbt_private_members` holds both members and that contract to the
    dagster-dbt release they were written against, and fails on the first release that changes them."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_cli() -> DbtCliResource:
    # dagster-dbt starts [dbt_executable, *global_config_flags, *args]: the module's name rides in the flags
    return KvisDbtCli(project_dir=dbt_project, dbt_executable=DBT_COMMAND[0], global_config_flags=DBT_COMMAND[1:])


def build_target(warehouse: Path, dbt_vars: Mapping[str, Any], project: DbtProject = dbt_project) -> Path:
    """A target folder of its own for one build, seeded with the last parse made with the same profile and vars.

    dbt reuses a parse only when the profile's connection details and the vars hash as they did. Between sites on
    one machine (a user's, the benchmark's, the tests') the details differ only in the warehouse's path, and a parse
    does not hold that path, only the hash. So one parse is kept for all of them (keep_partial_parse) and handed to
    each build under its own warehouse's hash; a site's first build no longer parses the whole project."""
    builds = Path(project.project_dir) / project.target_path
    builds.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
    with _only_a_cache():
        details = _connection_details(warehouse, project)
        kept = _kept_parse(details, dbt_vars, project)
        if kept.exists():  # dagster-dbt copies the project's parse only into a target that has none
            _readdress(kept.read_bytes(), _profile_hash(details), target / PARTIAL_PARSE_FILE)
    return target


def keep_partial_parse(
    invocation_target: Path, warehouse: Path, dbt_vars: Mapping[str, Any], project: DbtProject = dbt_project
) -> None:
    """Let the next build with the same profile and vars, on any warehouse, start from this build's parse."""
    built = invocation_target / PARTIAL_PARSE_FILE
    if built.exists():
        with _only_a_cache():
            copy_atomically(built, _kept_parse(_connection_details(warehouse, project), dbt_vars, project))


def _only_a_cache() -> AbstractContextManager:
    """Errors in keeping or handing over a parse (a profiles.yml or a parse laid out otherwise than expected) are
    ignored: without a parse handed over, dbt parses the whole project, as it does the first time."""
    return suppress(Exception)


def _kept_parse(details: list[tuple[str, Any]], dbt_vars: Mapping[str, Any], project: DbtProject) -> Path:
    """One kept parse per profile but the path, and vars."""
    without_path = [item for item in details if item[0] != "path"]
    key = hashlib.sha256(pprint.pformat([without_path, dict(dbt_vars)]).encode()).hexdigest()[:16]
    return Path(project.project_dir) / project.target_path / f"kept-{key}-{PARTIAL_PARSE_FILE}"


def _connection_details(warehouse: Path, project: DbtProject) -> list[tuple[str, Any]]:
    """The profile's connection details as dbt lists them for `warehouse`, with the two values the profile takes from
    the environment as a run sets them: the path (KVIS_WAREHOUSE) and DuckDB's memory cap."""
    from dbt.adapters.duckdb.credentials import DuckDBCredentials

    profiles = yaml.safe_load((Path(project.profiles_dir) / "profiles.yml").read_text())
    output = dict(profiles[PROFILE]["outputs"][profiles[PROFILE]["target"]])
    fields = {key: value for key, value in output.items() if key not in ("type", "threads")}
    fields["settings"] = {**fields.get("settings", {}), "memory_limit": duckdb_memory_limit()}
    return sorted(DuckDBCredentials.from_dict({**fields, "path": str(warehouse)}).connection_info())


def _profile_hash(details: list[tuple[str, Any]]) -> str:
    """dbt's hash of the profile's connection details (ManifestLoader.build_manifest_state_check in dbt-core)."""
    return hashlib.sha256(pprint.pformat(details).encode()).hexdigest()


def _readdress(parse: bytes, profile_hash: str, destination: Path) -> None:
    """The parse under another warehouse's profile hash; written only where the stored hash is found just once."""
    stored = msgpack.unpackb(parse, strict_map_key=False)["state_check"]["profile_hash"]["checksum"].encode()
    if parse.count(stored) == 1 and len(stored) == len(profile_hash):
        destination.write_bytes(parse.replace(stored, profile_hash.encode()))


def _newest_source_change(project_dir: Path) -> float:
    paths = [project_dir / name for name in _SOURCES]
    files = [p for path in paths if path.exists() for p in ([path] if path.is_file() else path.rglob("*"))]
    return max(p.stat().st_mtime for p in files if p.is_file())


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """Parse the dbt project when its manifest is missing or older than a model, macro, test or config.

    dagster-dbt's prepare_if_dev does this only under `dagster dev` and looks for dbt on PATH; `kvis run` and the
    tests need it too, from a virtual environment that may not be activated.
    """
    manifest = project.manifest_path
    if _is_stale(manifest, Path(project.project_dir)):
        manifest.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(manifest.with_name(".parse.lock"))):  # processes starting together parse once
            if _is_stale(manifest, Path(project.project_dir)):
                dbt_cli().cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return manifest


def _is_stale(manifest: Path, project_dir: Path) -> bool:
    return not manifest.exists() or manifest.stat().st_mtime < _newest_source_change(project_dir)


class KvisDbtTranslator(DagsterDbtTranslator):
    """Models are keyed by their schema (staging/..., intermediate/..., marts/...); sources keep raw/<table>."""

    def __init__(self) -> None:
        super().__init__(DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "snapshot", "seed"):
            return dg.AssetKey([dbt_resource_props["config"]["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["config"].get("schema") or super().get_group_name(dbt_resource_props)


@contextmanager
def warehouse_environment(settings: Settings) -> Iterator[None]:
    """dbt (a subprocess) reads the warehouse path from KVIS_WAREHOUSE; hand it the run's absolute path."""
    previous = os.environ.get("KVIS_WAREHOUSE")
    os.environ["KVIS_WAREHOUSE"] = str(settings.warehouse)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["KVIS_WAREHOUSE"]
        else:
            os.environ["KVIS_WAREHOUSE"] = previous
