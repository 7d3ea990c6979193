"""The package layout holds: arrows point from wiring to domain code, and stages only look back."""

import ast
from pathlib import Path

import kvis_pipeline

PACKAGE = Path(kvis_pipeline.__file__).parent
# Each package and what it may import of kvis; the order is the pipeline's.
ALLOWED = {
    "core": {"core"},
    "ingest": {"core", "ingest", "warehouse"},
    "warehouse": {"core", "warehouse"},
    "publish": {"core", "publish"},
    "reports": {"core", "publish", "reports"},
    "devtools": {"core", "ingest", "warehouse", "publish", "devtools"},
    "orchestration": {"core", "ingest", "warehouse", "publish", "reports", "orchestration"},
}
WIRING_LIBRARIES = ("dagster", "dagster_dbt", "dagster_pandera", "dbt")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> dict[Path, set[str]]:
    return {path: _imports(path) for path in PACKAGE.rglob("*.py")}


def test_every_module_belongs_to_a_stage_package():
    loose = {p.relative_to(PACKAGE).as_posix() for p in _modules() if p.parent == PACKAGE}
    assert loose == {"__init__.py", "cli.py"}
    assert {p.relative_to(PACKAGE).parts[0] for p in _modules() if p.parent != PACKAGE} == set(ALLOWED)


def test_stages_import_only_core_and_the_stages_they_read_from():
    wrong = []
    for path, names in _modules().items():
        stage = path.relative_to(PACKAGE).parts[0]
        if stage not in ALLOWED:
            continue
        used = {name.split(".")[1] for name in names if name.startswith("kvis_pipeline.")}
        wrong += [f"{path.relative_to(PACKAGE)} imports kvis_pipeline.{u}" for u in sorted(used - ALLOWED[stage])]
    assert wrong == []


def test_only_orchestration_imports_dagster_or_dbt():
    wiring = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path, names in _modules().items()
        for name in sorted(names)
        if name.split(".")[0] in WIRING_LIBRARIES and path.relative_to(PACKAGE).parts[0] != "orchestration"
    ]
    assert wiring == []
