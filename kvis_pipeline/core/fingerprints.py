"""Change detection, in one place: a SHA-256 digest of what something was made from.

Three callers ask the same question at three costs. The sensor asks whether a wave's landing files changed, by
content (a copy with a new modification time is no change). `kvis run` asks whether a wave, the code or the
settings changed since the last publication, by stat (one stat per file, as make judges it). The reports ask
whether the published rows they are drawn from changed, by the rows themselves.
"""

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from kvis_pipeline.core.settings import Settings


def files_digest(files: Iterable[Path], root: Path, by: Literal["content", "stat"]) -> str:
    """The files' paths relative to root, each with its content's digest or its size and modification time."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        if by == "content":
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        else:
            stat = path.stat()
            digest.update(f"{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def landing_files(settings: Settings, wave: str) -> list[Path]:
    """The wave's landing files, hidden files (editors' and copiers' leftovers) left out."""
    return [p for p in settings.wave_dir(wave).rglob("*") if p.is_file() and not p.name.startswith(".")]


def landing_fingerprint(settings: Settings, wave: str, by: Literal["content", "stat"] = "content") -> str:
    return files_digest(landing_files(settings, wave), settings.wave_dir(wave), by)


def changed_waves(settings: Settings, seen: dict[str, str]) -> dict[str, str]:
    """The waves whose landing files are new or differ (by content) from those seen before, with their new digest."""
    current = {wave: landing_fingerprint(settings, wave) for wave in settings.discover_waves()}
    return {wave: fingerprint for wave, fingerprint in current.items() if seen.get(wave) != fingerprint}


def frames_digest(frames: Mapping[str, pd.DataFrame], *context: str) -> str:
    """Named frames by their rows (index included), with any context strings that shape what is made of them."""
    digest = hashlib.sha256("\0".join(context).encode())
    for name in sorted(frames):
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frames[name], index=True).to_numpy().tobytes())
    return digest.hexdigest()
