"""PNG previews of report pages for the README: python -m kvis_pipeline.reports.previews [publish_dir] [docs_dir].

Every page of the first wave's psychiatry fact sheet, the package of the smallest cluster with results of its own,
and, from a second wave on, the fact sheet page with the change since the previous wave."""

import sys
from pathlib import Path

import duckdb
import pypdfium2

from kvis_pipeline.publish.publication import DATABASE_NAME


def page_png(pdf: Path, page: int, target: Path, scale: float = 1.2) -> Path:
    document = pypdfium2.PdfDocument(str(pdf))
    document[page].render(scale=scale).to_pil().convert("RGB").quantize(colors=128).save(target, optimize=True)
    return target


def pages(pdf: Path) -> int:
    return len(pypdfium2.PdfDocument(str(pdf)))


def page_with(pdf: Path, text: str) -> int:
    """The first page whose text holds text (a chart's title, say)."""
    document = pypdfium2.PdfDocument(str(pdf))
    return next(i for i in range(len(document)) if text in document[i].get_textpage().get_text_range())


def smallest_cluster(publish_dir: Path, wave: str) -> int:
    with duckdb.connect(str(publish_dir / DATABASE_NAME), read_only=True) as connection:
        return connection.execute(
            "select r.cluster_id from marts.cluster_response as r where r.wave = ? and exists ("
            "select 1 from marts.cluster_results as c where c.wave = r.wave and c.cluster_id = r.cluster_id "
            "and not c.suppressed) order by r.respondents, r.cluster_id limit 1",
            [wave],
        ).fetchone()[0]


def main(publish_dir: Path = Path("data/published"), docs: Path = Path("docs")) -> None:
    reports = publish_dir / "reports"
    docs.mkdir(exist_ok=True)
    sheets = sorted((reports / "faktaark").glob("*/psykiatri.pdf"))  # the first wave's, and a later one's trends
    first = sheets[0]
    for page in range(pages(first)):
        print(page_png(first, page, docs / f"faktaark-psykiatri-side-{page + 1}.png"))
    wave = first.parent.name
    package = next((reports / "klynger" / wave).glob(f"{smallest_cluster(publish_dir, wave):03d}-*.pdf"))
    for page in range(pages(package)):
        print(page_png(package, page, docs / f"klyngepakke-lille-klynge-side-{page + 1}.png"))
    if len(sheets) > 1:
        print(page_png(sheets[-1], page_with(sheets[-1], "over tid"), docs / "faktaark-psykiatri-udvikling.png"))


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:3]))
