"""A wave's landing files summed up by their content: the same files again give the same fingerprint."""

import hashlib

from kvis_pipeline.lib.settings import Settings


def wave_fingerprint(settings: Settings, wave: str) -> str:
    wave_dir = settings.wave_dir(wave)
    digest = hashlib.sha256()
    for path in sorted(p for p in wave_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(wave_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def changed_waves(settings: Settings, seen: dict[str, str]) -> dict[str, str]:
    """The waves whose landing files are new or differ from the fingerprints seen before, with their new ones."""
    current = {wave: wave_fingerprint(settings, wave) for wave in settings.discover_waves()}
    return {wave: fingerprint for wave, fingerprint in current.items() if seen.get(wave) != fingerprint}
