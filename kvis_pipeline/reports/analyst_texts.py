"""What the data cannot say: the analysts' own texts for a specialty's fact sheet in one wave (summaries of the
free-text answers, eKVIS' statements, advice), one Markdown file per wave and specialty, in sections by heading."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from slugify import slugify

from kvis_pipeline.reports.document import Bullets, Heading, Paragraph, Run

# the level-2 headings a text file may have, and the part of the fact sheet each belongs to
SECTIONS = {
    "Forventninger": "expectations",
    "Brug af data": "data_use",
    "Forbedringer": "improvements",
    "Fokusområder": "motivation",
    "Gode råd": "advice",
}


@cache
def _markdown():
    """Raw HTML in a text file stays text: the file is the analysts' words, never markup that reaches the page as
    is. Imported here, not at the top: the run state lists the text files at every `kvis run` start."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class AnalystTexts:
    """A section's text as document blocks, or [] where the file or the section is absent."""

    sections: dict[str, list]
    source: Path | None = None

    def __getitem__(self, section: str) -> list:
        return self.sections.get(section, [])


def text_file(texts_dir: Path, wave: str, specialty_name: str) -> Path:
    """data/report_texts/2025/psykiatri.md"""
    return texts_dir / wave / f"{slugify(specialty_name)}.md"


def wave_text_files(texts_dir: Path, wave: str) -> list[Path]:
    """Every text file of the wave (what the reports of the wave depend on), in name order."""
    return sorted((texts_dir / wave).glob("*.md"))


def analyst_texts(texts_dir: Path | None, wave: str, specialty_name: str) -> AnalystTexts:
    if texts_dir is None:
        return AnalystTexts({})
    path = text_file(texts_dir, wave, specialty_name)
    if not path.exists():
        return AnalystTexts({})
    return AnalystTexts(_sections(path), path)


def _sections(path: Path) -> dict[str, list]:
    """'## Gode råd' starts the section advice; text before the first heading is an error, as is an unknown heading."""
    sections: dict[str, list[str]] = {}
    current = None
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad and Word save UTF-8 with a byte order mark
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}, byte {error.start}: not UTF-8 text; save the file as UTF-8") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            heading = line[3:].strip()
            if heading not in SECTIONS:
                known = ", ".join(f"'## {name}'" for name in SECTIONS)
                raise ValueError(f"{path}, line {number}: unknown section '## {heading}'; a text file has {known}")
            current = SECTIONS[heading]
            sections[current] = []
        elif current is None:
            if line.strip():
                raise ValueError(f"{path}, line {number}: text before the first section heading (e.g. '## Gode råd')")
        else:
            sections[current].append(line)
    return {
        name: _blocks(_markdown().parse("\n".join(lines))) for name, lines in sections.items() if "".join(lines).strip()
    }


def _blocks(tokens: list) -> list:
    """Markdown's paragraphs, lists (nested ones flattened into their parent) and ### headings as document blocks;
    links keep their words only, code its text."""
    blocks: list = []
    lists: list[tuple[list, bool]] = []  # the items of each open list, and whether it is numbered
    heading = False
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(([], token.type == "ordered_list_open"))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            items, numbered = lists.pop()
            if lists:
                lists[-1][0].extend(items)
            else:
                blocks.append(Bullets(items, numbered))
        elif token.type == "heading_open":
            heading = True
        elif token.type == "inline":
            runs = _runs(token.children or [])
            if heading:
                blocks.append(Heading("".join(run.text for run in runs)))
            elif lists:
                lists[-1][0].append(runs)
            else:
                blocks.append(Paragraph(runs))
            heading = False
        elif token.type in ("fence", "code_block"):
            blocks.append(Paragraph(token.content.strip()))
    return blocks


def _runs(children: list) -> list[Run]:
    runs: list[Run] = []
    strong = emph = False
    for child in children:
        if child.type in ("strong_open", "strong_close"):
            strong = child.type == "strong_open"
        elif child.type in ("em_open", "em_close"):
            emph = child.type == "em_open"
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(Run(" ", strong, emph))
        elif child.content:
            runs.append(Run(child.content, strong, emph))
    return runs
