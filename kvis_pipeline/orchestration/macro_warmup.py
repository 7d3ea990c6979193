"""The standby compiles the Jinja of the macros a build calls while it waits for the build's command (dbt_standby.py).

dbt compiles each macro's template the first time a process calls it and keeps it for the process's life: on the
reference wave about a tenth of the build's time (docs/performance.md, "The last evening"). After its early parse
(early_parse.py) the standby compiles, until the command comes, the macros of the materializations the project's
nodes use, the macros the nodes call, and what those call, as dbt's parse recorded it. Whatever is left when the
command comes is compiled when first called, as before; what is compiled is dbt's own cache entry, keyed by the
macro's text, so a build that parses anew reuses only what it would have compiled the same.
"""

import threading
from collections.abc import Iterator
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


def start_compiling(manifest: Any) -> threading.Event:
    """Compile the macros a build on `manifest` calls, on a daemon thread that stops once the event is set."""
    stop = threading.Event()
    threading.Thread(target=compile_until, args=(manifest, stop), name="compile macros", daemon=True).start()
    return stop
