"""Render a wave's fact sheets and cluster packages from the publication, in parallel, skipping unchanged work."""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from slugify import slugify

from kvis_pipeline.core.atomic import write_atomically
from kvis_pipeline.core.fingerprints import files_digest, frames_digest
from kvis_pipeline.core.workers import spawned_workers
from kvis_pipeline.publish.publication import DATABASE_NAME
from kvis_pipeline.reports.analyst_texts import analyst_texts, wave_text_files
from kvis_pipeline.reports.cluster_package import cluster_package
from kvis_pipeline.reports.fact_sheet import fact_sheet
from kvis_pipeline.reports.families import CLUSTER_PACKAGES, FACT_SHEETS, REPORTS, reports_dir
from kvis_pipeline.reports.layouts import cluster_package_document, fact_sheet_document
from kvis_pipeline.reports.published_data import PublishedWave, read_published_wave
from kvis_pipeline.reports.render import write_report

FINGERPRINTS = ".fingerprints.json"  # per family and wave: what the files on disk were rendered from


@dataclass(frozen=True)
class Job:
    family: str  # FACT_SHEETS or CLUSTER_PACKAGES
    unit: int  # specialty code or cluster id
    target: Path  # without suffix


@dataclass
class ReportSummary:
    family: str
    wave: str
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0

    @property
    def reports(self) -> int:
        return len(self.written) + self.unchanged


def render_family(
    publish_dir: Path,
    wave: str,
    family: str,
    min_cell: int,
    texts_dir: Path | None = None,
    only: list[int] | None = None,
    workers: int | None = None,
) -> ReportSummary:
    """Render every report of one family for one wave (or only the given units), reading the publication and the
    analysts' texts (texts_dir, see analyst_texts) only.

    A full render whose inputs (the wave's published rows, the wave's texts, the report code and templates,
    min_cell) are those of the files already on disk renders nothing; it also removes reports of units no longer
    published.
    """
    data = read_published_wave(publish_dir / DATABASE_NAME, wave)
    jobs = [job for job in _jobs(data, publish_dir, family) if only is None or job.unit in only]
    unknown = sorted(set(only or []) - {job.unit for job in jobs})
    if unknown:
        raise ValueError(f"wave {wave} has no published {_unit_word(family)} {', '.join(map(str, unknown))}")
    summary = ReportSummary(family, wave)
    fingerprint = _fingerprint(data, min_cell, texts_dir)
    recorded = _read_fingerprints(publish_dir)
    key = f"{family}/{wave}"
    if only is None and recorded.get(key) == fingerprint and all(_complete(job.target) for job in jobs):
        summary.unchanged = len(jobs)
        return summary
    summary.written = _render_all(publish_dir, wave, min_cell, texts_dir, jobs, workers)
    if only is None:
        _remove_unpublished(reports_dir(publish_dir, family, wave), {job.target.name for job in jobs})
        _write_fingerprint(publish_dir, key, fingerprint)
    return summary


def specialty_codes(database: Path, wave: str, names_or_codes: list[str]) -> list[int]:
    """'11', 'Psykiatri' or 'psykiatri' -> 11; an unknown one is an error that lists the published specialties."""
    specialties = read_published_wave(database, wave).specialty_response.sort_values("specialty_code")
    names = dict(zip(specialties["specialty_code"].astype(int), specialties["specialty_name"]))
    by_slug = {slugify(name): code for code, name in names.items()}
    codes = []
    for wanted in names_or_codes:
        code = int(wanted) if wanted.isdigit() else by_slug.get(slugify(wanted))
        if code not in names:
            known = ", ".join(f"{code} {name}" for code, name in names.items())
            raise ValueError(f"no published specialty {wanted!r} in wave {wave}; published: {known}")
        codes.append(code)
    return codes


def _unique_stem(slug: str, all_slugs: list[str], fallback: str) -> str:
    """The name's slug (psykiatri); with the unit's code when the slug is empty or another unit's name gives it too."""
    if slug and all_slugs.count(slug) == 1:
        return slug
    return f"{slug}-{fallback}" if slug else fallback


def _jobs(data: PublishedWave, publish_dir: Path, family: str) -> list[Job]:
    folder = reports_dir(publish_dir, family, data.wave)
    if family == FACT_SHEETS:
        rows = list(data.specialty_response.sort_values("specialty_name").itertuples())
        slugs = [slugify(row.specialty_name) for row in rows]
        return [
            Job(family, int(row.specialty_code), folder / _unique_stem(slug, slugs, f"speciale-{row.specialty_code}"))
            for row, slug in zip(rows, slugs)
        ]
    if family == CLUSTER_PACKAGES:
        return [
            Job(family, int(row.cluster_id), folder / f"{row.cluster_id:03d}-{slugify(row.cluster_name)}")
            for row in data.cluster_response.sort_values("cluster_id").itertuples()
        ]
    raise ValueError(f"unknown report family {family!r}")


def _unit_word(family: str) -> str:
    return "specialty" if family == FACT_SHEETS else "cluster"


def _render_all(
    publish_dir: Path, wave: str, min_cell: int, texts_dir: Path | None, jobs: list[Job], workers: int | None
) -> list[Path]:
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        _start_worker(publish_dir, wave, min_cell, texts_dir)
        return [path for job in jobs for path in _render(job)]
    with spawned_workers(workers, _start_worker, (publish_dir, wave, min_cell, texts_dir)) as pool:
        return [path for paths in pool.map(_render, jobs) for path in paths]


_worker: dict = {}


def _start_worker(publish_dir: Path, wave: str, min_cell: int, texts_dir: Path | None) -> None:
    _worker.update(data=read_published_wave(publish_dir / DATABASE_NAME, wave), min_cell=min_cell, texts_dir=texts_dir)


def _render(job: Job) -> list[Path]:
    data, min_cell = _worker["data"], _worker["min_cell"]
    if job.family == FACT_SHEETS:
        name = data.specialty_response.set_index("specialty_code").at[job.unit, "specialty_name"]
        texts = analyst_texts(_worker["texts_dir"], data.wave, name)
        document = fact_sheet_document(fact_sheet(data, job.unit, min_cell, texts))
    else:
        document = cluster_package_document(cluster_package(data, job.unit, min_cell))
    rendered = write_report(document, job.target)
    return [rendered.html, rendered.pdf]


def _complete(target: Path) -> bool:
    return target.with_suffix(".html").exists() and target.with_suffix(".pdf").exists()


def _remove_unpublished(folder: Path, current: set[str]) -> None:
    for path in folder.glob("*.*"):
        if path.stem not in current:
            path.unlink()


def _fingerprint(data: PublishedWave, min_cell: int, texts_dir: Path | None) -> str:
    """The wave's published rows, min_cell, the wave's texts and the report code and templates the files are
    rendered with."""
    frames = {name: value for name, value in vars(data).items() if isinstance(value, pd.DataFrame)}
    code = files_digest(
        [p for p in Path(__file__).parent.rglob("*") if p.suffix in {".py", ".j2", ".css", ".typ"}],
        Path(__file__).parent,
        by="content",
    )
    texts = "" if texts_dir is None else files_digest(wave_text_files(texts_dir, data.wave), texts_dir, by="content")
    return frames_digest(frames, str(min_cell), code, texts)


def _read_fingerprints(publish_dir: Path) -> dict:
    path = publish_dir / REPORTS / FINGERPRINTS
    return json.loads(path.read_text()) if path.exists() else {}


def _write_fingerprint(publish_dir: Path, key: str, fingerprint: str) -> None:
    path = publish_dir / REPORTS / FINGERPRINTS
    recorded = _read_fingerprints(publish_dir) | {key: fingerprint}
    write_atomically(path, json.dumps(recorded, indent=2, sort_keys=True))
