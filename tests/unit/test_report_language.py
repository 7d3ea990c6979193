"""The reports' Danish: rounding whose parts add up, Danish alphabetical order, answers in »…«, the survey's
month, and the analysts' text files."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pypdfium2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvis_pipeline.reports.analyst_texts import SECTIONS, analyst_texts, text_file
from kvis_pipeline.reports.danish import danish_order, quoted_answers, rounded_parts, survey_period
from kvis_pipeline.reports.document import Analyst, Bullets, Document, Paragraph, Run, Section
from kvis_pipeline.reports.render import render_html, render_pdf


def half_up(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6), st.integers(min_value=1, max_value=3))
def test_rounded_parts_add_up_to_the_total_as_printed_and_stay_within_a_point(counts, extra):
    valid = sum(counts) + extra  # the parts are some of the answers, as one side of a scale is
    shares = [count / valid for count in counts]
    total = sum(counts) / valid
    parts = rounded_parts(shares, total)
    assert sum(parts) == half_up(total * 100)
    assert all(abs(part - share * 100) < 1 for part, share in zip(parts, shares))


def test_the_largest_remainder_gets_the_point_left_over():
    # 41.4 + 22.6 = 64.0: rounded one by one the segments show 41 + 23 = 64; 0.4 + 0.3 + 0.3 = 1 point short
    assert rounded_parts([0.414, 0.226], 0.64) == [41, 23]
    assert rounded_parts([0.334, 0.333, 0.333], 1.0) == [34, 33, 33]
    assert rounded_parts([0.225, 0.445], 0.67) == [22, 45]  # 22.5 + 44.5: 67 as the sentence says, not 66 or 68


def test_names_sort_in_danish_alphabetical_order():
    names = ["Psyk – Syd – Østlig", "Psyk – Midt – Århus/Djurs", "Psyk – Syd – Vestlig", "Psyk – Midt – Øvrige"]
    assert danish_order(names) == [
        "Psyk – Midt – Øvrige",
        "Psyk – Midt – Århus/Djurs",
        "Psyk – Syd – Vestlig",
        "Psyk – Syd – Østlig",
    ]
    assert danish_order(["Aalborg", "Ærø", "Zealand", "Odense", "Åbenrå"]) == [
        "Odense",
        "Zealand",
        "Ærø",
        "Åbenrå",
        "Aalborg",  # aa is å, and ål- comes after åb-
    ]


def test_answers_are_named_in_guillemets_inside_a_sentence():
    assert quoted_answers("I meget høj grad + I høj grad") == "»i meget høj grad« eller »i høj grad«"
    assert quoted_answers("Altid + Ofte") == "»altid« eller »ofte«"


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        ((2025, 9, 1), (2025, 9, 26), "september 2025"),
        ((2025, 9, 15), (2025, 10, 3), "september–oktober 2025"),
        ((2025, 12, 1), (2026, 1, 10), "december 2025–januar 2026"),
    ],
)
def test_the_survey_period_is_the_month_of_the_fieldwork(start, end, text):
    assert survey_period(datetime.date(*start), datetime.date(*end)) == text


def test_an_analyst_text_file_gives_its_sections_and_markup_stays_text_in_html_and_pdf(tmp_path):
    path = text_file(tmp_path, "2025", "Oto-rhino-laryngologi")
    path.parent.mkdir(parents=True)
    path.write_text(
        "## Gode råd\n\n- Aftal **data**\n- <script>alert(1)</script>\n- #pagebreak() [x] $y$\n\n"
        "## Forbedringer\n\nBedre dokumentation.\n",
        encoding="utf-8",
    )
    texts = analyst_texts(tmp_path, "2025", "Oto-rhino-laryngologi")
    assert path.name == "oto-rhino-laryngologi.md"
    assert texts["advice"] == [
        Bullets(
            [
                [Run("Aftal "), Run("data", strong=True)],
                [Run("<script>alert(1)</script>")],
                [Run("#pagebreak() [x] $y$")],
            ]
        )
    ]
    assert texts["improvements"] == [Paragraph([Run("Bedre dokumentation.")])]
    assert texts["expectations"] == []  # a section the file does not have
    document = Document(
        "Titel", "Undertitel", "september 2025", "Om", [Section("Gode råd", [Analyst(texts["advice"])])]
    )
    html = render_html(document)
    assert "<li>Aftal <strong>data</strong></li>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    pdf = pypdfium2.PdfDocument(render_pdf(document))
    assert len(pdf) == 1  # #pagebreak() stayed text
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "Aftal data" in text and "<script>alert(1)</script>" in text and "#pagebreak() [x] $y$" in text


def test_without_a_text_file_every_section_is_empty(tmp_path):
    texts = analyst_texts(tmp_path, "2025", "Psykiatri")
    assert all(texts[section] == [] for section in SECTIONS.values())
    assert analyst_texts(None, "2025", "Psykiatri").sections == {}


def test_an_unknown_heading_names_the_file_the_line_and_the_headings_allowed(tmp_path):
    path = text_file(tmp_path, "2025", "Psykiatri")
    path.parent.mkdir(parents=True)
    path.write_text("## Gode råd\n\ntekst\n\n## Godt råd\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"psykiatri\.md, line 5: unknown section '## Godt råd'.*'## Gode råd'"):
        analyst_texts(tmp_path, "2025", "Psykiatri")


def test_a_text_file_saved_on_windows_reads_and_a_wrong_encoding_is_named(tmp_path):
    path = text_file(tmp_path, "2025", "Psykiatri")
    path.parent.mkdir(parents=True)
    path.write_bytes("\ufeff## Gode råd\r\n\r\n- Aftal data\r\n".encode())  # a byte order mark and CRLF
    assert analyst_texts(tmp_path, "2025", "Psykiatri")["advice"] == [Bullets([[Run("Aftal data")]])]
    path.write_bytes("## Gode råd\n\nSkab tryghed\n".encode("cp1252"))
    with pytest.raises(ValueError, match=r"psykiatri\.md, byte \d+: not UTF-8 text; save the file as UTF-8"):
        analyst_texts(tmp_path, "2025", "Psykiatri")
