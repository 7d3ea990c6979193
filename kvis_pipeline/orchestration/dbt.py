"""The dbt project as Dagster sees it: where it lives, a manifest that is never stale, and asset keys by schema."""

import importlib.metadata
import tempfile
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject
from filelock import FileLock
from packaging import version

from kvis_pipeline.core.contract import DBT_PROJECT_DIR
from kvis_pipeline.orchestration.dbt_build import KEPT_PARSES
from kvis_pipeline.orchestration.dbt_process import DBT_COMMAND

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


def build_target() -> Path:
    """A target folder of its own for one build, beside the parses kept for every warehouse (kept_parse.py)."""
    KEPT_PARSES.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="build-", dir=KEPT_PARSES))


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
