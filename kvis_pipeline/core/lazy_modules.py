"""Modules a library imports as it loads but kvis never uses, left unexecuted until something reads from them.

Great Expectations imports SciPy's statistics and Altair when it loads, for expectations and charts kvis does not
use (what they cost: docs/performance.md, "The last evening"). Imported lazily, each is a module object that runs
its code the first time one of its attributes is read, so nothing that uses it changes.

The standard library's LazyLoader does the deferring; this only chooses which modules get it, and only while the
block runs. LazyLoader is not safe for two threads reading a module's first attribute at once before Python 3.12:
the modules deferred here are never read by kvis at all.
"""

import importlib.abc
import importlib.util
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType


class _LazyFinder(importlib.abc.MetaPathFinder):
    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.names:
            return None
        for finder in sys.meta_path:  # the spec the finders after this one give, with its loader deferred
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is None or not hasattr(spec.loader, "exec_module"):
                    return spec
                spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


@contextmanager
def imported_lazily(names: Iterable[str]) -> Iterator[None]:
    """While the block runs, the modules `names` (full dotted names) that are imported for the first time are
    imported lazily."""
    finder = _LazyFinder(names)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
