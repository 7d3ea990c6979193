"""PNG previews of report pages for the README: python -m kvis_pipeline.reports.previews [publish_dir] [docs_dir]."""

import sys
from pathlib import Path

import pypdfium2


def page_png(pdf: Path, page: int, target: Path, scale: float = 1.4) -> Path:
    document = pypdfium2.PdfDocument(str(pdf))
    document[page].render(scale=scale).to_pil().convert("RGB").save(target, optimize=True)
    return target


def main(publish_dir: Path = Path("data/published"), docs: Path = Path("docs")) -> None:
    reports = publish_dir / "reports"
    docs.mkdir(exist_ok=True)
    sheets = sorted((reports / "faktaark").glob("*/psykiatri.pdf"))  # the first wave's, and a later one's trends
    package = sorted((reports / "klynger").glob("*/*.pdf"))[0]
    print(page_png(sheets[0], 0, docs / "faktaark-psykiatri-side-1.png"))
    print(page_png(sheets[0], 1, docs / "faktaark-psykiatri-side-2.png"))
    print(page_png(package, 0, docs / "klyngepakke-side-1.png"))
    if len(sheets) > 1:
        print(page_png(sheets[-1], 1, docs / "faktaark-psykiatri-udvikling.png"))


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:3]))
