"""Turn a report's content into a self-contained HTML file (charts inline as SVG) and a PDF (WeasyPrint)."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import weasyprint

from kvis_pipeline.core.atomic import write_atomically
from kvis_pipeline.reports.units import NATION

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


def render_html(template: str, content: dict) -> str:
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    return _environment().get_template(template).render(css=css, nation=NATION, **content)


def write_report(html: str, target: Path) -> RenderedReport:
    """Write <target>.html and <target>.pdf; each appears whole or not at all (written aside, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = target.with_suffix(".html"), target.with_suffix(".pdf")
    write_atomically(html_path, html)
    # PDF/UA-1: tagged (structure tree, reading order, tables with header cells, figures with their <title> as
    # alternative text), with the HTML's language and title, as Danish public bodies must publish
    pdf = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_variant="pdf/ua-1")
    write_atomically(pdf_path, pdf)
    return RenderedReport(html_path, pdf_path)
