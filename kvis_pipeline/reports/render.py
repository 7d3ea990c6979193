"""Typeset a report document as a self-contained HTML page (Jinja, charts inline as SVG) and as a tagged PDF/UA-1
(Typst, the compiler that ships in its wheel: no system library, no network), from the same document."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import typst

from kvis_pipeline.core.atomic import write_atomically
from kvis_pipeline.reports.charts import FONTS
from kvis_pipeline.reports.document import Document, to_plain

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedReport:
    html: Path
    pdf: Path


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _compiler() -> typst.Compiler:
    """One compiler per process: it keeps the template parsed and the fonts loaded between reports. Only the bundled
    fonts, so a PDF looks the same on every machine, a bare container included."""
    return typst.Compiler(
        str(TEMPLATES / "report.typ"), root=str(TEMPLATES), font_paths=[str(FONTS)], ignore_system_fonts=True
    )


def render_html(document: Document) -> str:
    return _environment().get_template("report.html.j2").render(css=_css(), doc=document)


@cache
def _css() -> str:
    return (TEMPLATES / "style.css").read_text(encoding="utf-8")


def render_pdf(document: Document) -> bytes:
    """PDF/UA-1: tagged (structure tree, reading order, headings, tables with header cells, figures with the chart's
    Danish alternative text), with the document's language (da) and title, as Danish public bodies must publish."""
    inputs = {"document": json.dumps(to_plain(document), ensure_ascii=False)}
    return _compiler().compile(sys_inputs=inputs, pdf_standards=["ua-1"])


def write_report(document: Document, target: Path) -> RenderedReport:
    """Write <target>.html and <target>.pdf; each appears whole or not at all (written aside, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = target.with_suffix(".html"), target.with_suffix(".pdf")
    write_atomically(html_path, render_html(document))
    write_atomically(pdf_path, render_pdf(document))
    return RenderedReport(html_path, pdf_path)
