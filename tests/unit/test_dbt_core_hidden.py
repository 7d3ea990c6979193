"""Dagster's process loads the definitions without dbt-core, and they are those dagster-dbt makes with dbt-core."""

import json
import subprocess
import sys

# Loads the definitions in a new process (dbt imported first when asked) and prints what the asset graph holds.
LOAD = """
import json, sys
if sys.argv[1] == "dbt-core first":
    import dbt.version
from kvis_pipeline.orchestration.definitions import defs
import dagster_dbt.compat
graph = defs().resolve_asset_graph()
print(json.dumps({
    "dbt_core": dagster_dbt.compat.DBT_PYTHON_VERSION is not None,
    "dbt_modules": sorted(name for name in sys.modules if name == "dbt" or name.startswith("dbt.")),
    "assets": sorted(key.to_user_string() for key in graph.get_all_asset_keys()),
    "checks": sorted(f"{key.asset_key.to_user_string()}:{key.name}" for key in graph.asset_check_keys),
    "dependencies": sorted(
        f"{parent.to_user_string()}>{key.to_user_string()}"
        for key in graph.get_all_asset_keys() for parent in graph.get(key).parent_keys
    ),
}))
"""


def load(how: str) -> dict:
    result = subprocess.run([sys.executable, "-c", LOAD, how], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_the_definitions_load_without_dbt_core_and_equal_those_made_with_it():
    without, with_dbt_core = load("as kvis does"), load("dbt-core first")
    assert not without["dbt_core"] and without["dbt_modules"] == ["dbt"]  # dbt's namespace package, nothing of it
    assert with_dbt_core["dbt_core"] and len(with_dbt_core["dbt_modules"]) > 100
    assert "marts/cluster_results" in without["assets"]
    assert "marts/cluster_results:row_rules_cluster_results" in without["checks"]
    for part in ("assets", "checks", "dependencies"):
        assert without[part] == with_dbt_core[part]
