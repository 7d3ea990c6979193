"""Import a slow module on a daemon thread while the process waits on something else."""

import importlib
import threading


def import_in_background(module: str) -> None:
    """Python's import locks make this safe: a later `import module` waits for the thread's import to finish."""
    threading.Thread(target=importlib.import_module, args=(module,), name=f"import {module}", daemon=True).start()
