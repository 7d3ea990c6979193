"""Files that appear whole or not at all: written beside their target under a hidden name, then renamed over it."""

import os
import shutil
from pathlib import Path


def aside(path: Path) -> Path:
    """The hidden name a file is written under before it is renamed to `path` (same folder, so same filesystem)."""
    return path.with_name(f".{path.name}.tmp")


def write_atomically(path: Path, content: str | bytes) -> None:
    staged = aside(path)
    if isinstance(content, str):
        staged.write_text(content, encoding="utf-8")
    else:
        staged.write_bytes(content)
    os.replace(staged, path)


def copy_atomically(source: Path, path: Path) -> None:
    staged = aside(path)
    shutil.copyfile(source, staged)
    os.replace(staged, path)
