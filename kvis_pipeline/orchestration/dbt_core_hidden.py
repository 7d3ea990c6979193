"""dagster-dbt loaded without dbt-core in Dagster's process: dbt runs in its own process (dbt_process.py).

With dbt-core importable, dagster-dbt imports some 240 of its modules as it loads, and builds dbt's Manifest object
to select every node of the project, before every `kvis` run's first read (docs/performance.md, "After the late
night"). Without it, dagster-dbt uses the types and the selection of all nodes it has for the dbt Fusion engine,
which has no Python package. kvis needs nothing more of dbt-core in this process: `KvisDbtCli` builds no in-process
adapter and reports dbt-core's version itself, and the kept parse is handed over in dbt's process (kept_parse.py).

Written by hand because dagster-dbt has no switch for it: it decides once, when `dagster_dbt.compat` imports
`dbt.version`. Only that one import is refused, and only while that module loads; a process that had imported dbt
before (a test that runs dbt in-process) keeps dagster-dbt's dbt-core path, which selects the same nodes
(tests/unit/test_dbt_core_hidden.py).
"""

import importlib.abc
import sys
from collections.abc import Sequence
from types import ModuleType

_ASKING_MODULE = "dagster_dbt.compat"
_REFUSED_MODULE = "dbt.version"
_DECIDED = "DBT_PYTHON_VERSION"  # what dagster_dbt.compat sets from the import


class DbtCoreHiddenFromDagsterDbt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> None:
        asking = sys.modules.get(_ASKING_MODULE)
        if fullname == _REFUSED_MODULE and asking is not None and not hasattr(asking, _DECIDED):
            raise ModuleNotFoundError("dbt-core is not imported into Dagster's process", name=fullname)
        return None


def hide_dbt_core_from_dagster_dbt() -> None:
    if not any(isinstance(finder, DbtCoreHiddenFromDagsterDbt) for finder in sys.meta_path):
        sys.meta_path.insert(0, DbtCoreHiddenFromDagsterDbt())
