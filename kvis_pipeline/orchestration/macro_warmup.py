"""What dbt's standby does after its early parse while it waits for the build's command (dbt_standby.py): it imports
what a build imports beyond a parse, then compiles the Jinja of the macros a build calls.

dbt compiles each macro's template the first time a process calls it and keeps it for the process's life (what
that costs a build: docs/performance.md, "The last evening"). Until the command comes, the standby compiles the
macros of the materializations the project's nodes use, the macros the nodes call, and what those call, as dbt's
parse (early_parse.py) recorded it. Whatever is left when the command comes is compiled when first called, as
before; what is compiled is dbt's own cache entry, keyed by the macro's text, so a build that parses anew reuses
only what it would have compiled the same.
"""

import importlib
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from dbt_common.clients.jinja import template_cache

_MATERIALIZING_PACKAGES = ("dbt", "dbt_duckdb")  # where the materializations kvis' build runs are defined


def macros_a_build_calls(manifest: Any) -> Iterator[Any]:
    """The materializations the manifest's nodes use, the macros the nodes call, and what those call, breadth
    first (macros dbt calls from Python, through the adapter, are not among them)."""
    kinds = {node.get_materialization() for node in manifest.nodes.values()}
    to_visit = [
        unique_id
        for unique_id, macro in manifest.macros.items()
        if macro.package_name in _MATERIALIZING_PACKAGES
        and any(macro.name.startswith(f"materialization_{kind}_") for kind in kinds)
    ]
    to_visit += [unique_id for node in manifest.nodes.values() for unique_id in node.depends_on.macros]
    seen: set[str] = set()
    while to_visit:
        unique_id = to_visit.pop(0)
        if unique_id in seen or unique_id not in manifest.macros:
            continue
        seen.add(unique_id)
        macro = manifest.macros[unique_id]
        yield macro
        to_visit += macro.depends_on.macros


def compile_until(manifest: Any, stop: threading.Event) -> None:
    for macro in macros_a_build_calls(manifest):
        if stop.is_set():
            return
        template_cache.get_node_template(macro)


def _warm_up(modules: Iterable[str], manifest: Any | None, stop: threading.Event) -> None:
    for module in modules:  # the build needs them whenever its command comes: never left out
        importlib.import_module(module)
    if manifest is not None:
        compile_until(manifest, stop)


def start_warming_up(modules: Iterable[str], manifest: Any | None) -> threading.Event:
    """Import `modules`, then compile the macros a build on `manifest` (if any) calls, on a daemon thread whose
    compiling stops once the returned event is set."""
    stop = threading.Event()
    threading.Thread(target=_warm_up, args=(modules, manifest, stop), name="warm up", daemon=True).start()
    return stop
