"""A report as a tree of plain blocks (sections, paragraphs, tables, figures), the one content from which both the
HTML (Jinja) and the PDF (Typst) are typeset, so the two never say different things. Every text is data: the
templates place it as text, never as markup."""

from dataclasses import dataclass, field, fields, is_dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style."""

    text: str
    strong: bool = False
    emph: bool = False
    kind: ClassVar[str] = "run"


Text = str | list[Run]


@dataclass(frozen=True)
class Paragraph:
    text: Text
    style: str = ""  # "" | "question" | "note" | "source"
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Heading:
    """A heading inside a section (the section's own is Section.heading)."""

    text: str
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True)
class Bullets:
    items: list[Text]
    numbered: bool = False
    kind: ClassVar[str] = "bullets"


@dataclass(frozen=True)
class Cell:
    text: str
    suppressed: bool = False
    note: str = ""  # a second, smaller line (the answer a share counts)
    kind: ClassVar[str] = "cell"


@dataclass(frozen=True)
class Row:
    """The first cell is the row's header."""

    cells: list[Cell]
    key: str = ""  # the item the row shows, for readers of the HTML
    kind: ClassVar[str] = "row"


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[Row]
    caption: str = ""
    footer: Row | None = None
    style: str = ""  # "" | "history" (a narrow table of figures beside a chart)
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Chart:
    """A rendered chart: its SVG, its Danish alternative text, its width in CSS pixels, and its figures as a table
    (the HTML offers it under the chart)."""

    svg: str
    alt: str
    width: float
    figures: Table | None = None
    kind: ClassVar[str] = "chart"

    def __html__(self) -> str:  # Jinja places the SVG as markup
        return self.svg


@dataclass(frozen=True)
class Figure:
    chart: Chart
    caption: str = ""
    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class Keep:
    """Blocks kept on one page."""

    blocks: list
    kind: ClassVar[str] = "keep"


@dataclass(frozen=True)
class Analyst:
    """An analyst's own text (analyst_texts), set apart from what the data says."""

    blocks: list
    kind: ClassVar[str] = "analyst"


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: list
    keep: bool = False
    kind: ClassVar[str] = "section"


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    period: str
    description: str
    sections: list[Section]
    about: list[str] = field(default_factory=list)  # sentences of the closing "Om tallene"
    kind: ClassVar[str] = "document"


def to_plain(value):
    """The document as JSON-ready dicts and lists, each block with its kind."""
    if is_dataclass(value):
        return {"kind": value.kind} | {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return value


def figure(chart: Chart | None, caption: str = "") -> list:
    """A figure block where there is a chart, none where there is not."""
    return [Figure(chart, caption)] if chart else []


def paragraphs(*texts: str, style: str = "") -> list:
    """A paragraph for each non-empty text."""
    return [Paragraph(text, style) for text in texts if text]
