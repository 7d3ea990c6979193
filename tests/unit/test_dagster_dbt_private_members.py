"""KvisDbtCli overrides two private members of dagster-dbt's DbtCliResource: this fails on the first dagster-dbt
release that changes them or the way `cli` uses them, so that the override is looked at again, not silently wrong."""

import hashlib
import importlib.metadata
import inspect

from dagster_dbt import DbtCliResource
from packaging import version

from kvis_pipeline.orchestration.dbt import KvisDbtCli, dbt_cli

# The sources the override was written against (dagster-dbt 0.29.27), by SHA-256 of inspect.getsource.
PINNED = {
    "_initialize_dbt_core_adapter": "f033303d9d777bff",
    "_cli_version": "b06b86a642ba8bcd",
}


def _digest(member: object) -> str:
    return hashlib.sha256(inspect.getsource(member).encode()).hexdigest()[:16]


def test_the_overridden_members_are_those_the_override_was_written_against():
    members = {
        "_initialize_dbt_core_adapter": DbtCliResource._initialize_dbt_core_adapter,
        "_cli_version": DbtCliResource._cli_version.func,
    }
    changed = {name for name, member in members.items() if _digest(member) != PINNED[name]}
    assert not changed, (
        f"dagster-dbt {importlib.metadata.version('dagster-dbt')} changed DbtCliResource.{', '.join(sorted(changed))}: "
        "check KvisDbtCli in kvis_pipeline/orchestration/dbt.py against it, then update PINNED"
    )


def test_cli_still_accepts_a_missing_adapter():
    source = inspect.getsource(DbtCliResource.cli)
    assert "adapter: BaseAdapter | None = None" in source
    assert "adapter = self._initialize_dbt_core_adapter(args)" in source
    assert "if self._cli_version.major < 2:" in source


def test_the_override_reports_the_installed_dbt_core_and_builds_no_adapter():
    resource = dbt_cli()
    assert isinstance(resource, KvisDbtCli)
    assert resource._cli_version == version.parse(importlib.metadata.version("dbt-core"))
    assert resource._cli_version.major < 2  # dbt-core, not the fusion engine
    assert resource._initialize_dbt_core_adapter(["build"]) is None
