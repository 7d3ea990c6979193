"""Fact sheets and cluster packages: rendered by `kvis run` from the publication, in Danish, HTML and PDF."""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import pypdfium2
import pytest
from conftest import reference_site
from slugify import slugify

from kvis_pipeline.reports.danish import listing, pct
from kvis_pipeline.reports.units import answer_sides

SEED_FIGURES = [
    "organiseret i 12 klynger med i alt 151 medlemmer",
    "har 100 ud af 151 medlemmer besvaret spørgeskemaet",
    "svarprocent på 66,2 pct.",
    "64 pct. af respondenterne vurderer, at klyngearbejdet i høj eller meget høj grad understøtter",
    "med variation mellem klyngerne fra 36 til 90 pct.",
    "Landsgennemsnittet ligger på tværs af alle specialer på 65,7 pct.",
    "26 pct. af respondenterne i psykiatri vurderer, at klyngearbejdet i nogen grad",
    "53 pct. af respondenterne har som følge af klyngemøderne indført konkrete forbedringer",
    "mod landsgennemsnittet på tværs af alle specialer på 48 pct.; forskellen er ikke statistisk sikker",
    "særligt erfaringsudveksling med kolleger, gennemgang og drøftelse af nye kliniske retningslinjer samt faglige "
    "oplæg fra eksterne oplægsholdere, der scorer højest",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict:
    """One `kvis run` of the whole pipeline, reports included, as an operator runs it."""
    root = tmp_path_factory.mktemp("reports")
    env = reference_site(root)
    run = kvis(env, "run")
    assert run.returncode == 0, run.stderr
    return {"root": root, "env": env, "run": run, "published": root / "published"}


def kvis(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kvis_pipeline.cli", *args], env=env, capture_output=True, text=True, timeout=900
    )


def published(site: dict, sql: str) -> list[tuple]:
    with duckdb.connect(str(site["published"] / "kvis.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


class _Text(HTMLParser):
    """The words a reader sees in the HTML, without markup, styles or the charts' SVG."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in {"style", "svg", "title"}

    def handle_endtag(self, tag):
        self._hidden -= tag in {"style", "svg", "title"}

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def pdf_text(path: Path) -> str:
    pdf = pypdfium2.PdfDocument(str(path))
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    return " ".join(text.split())


def test_the_reference_wave_yields_a_fact_sheet_per_specialty_and_a_package_per_cluster(site):
    specialties = published(site, "SELECT count(*) FROM marts.specialty_response WHERE wave = '2025'")[0][0]
    clusters = published(site, "SELECT count(*) FROM marts.cluster_response WHERE wave = '2025'")[0][0]
    assert (specialties, clusters) == (14, 73)
    for family, expected in (("faktaark", 14), ("klynger", 73)):
        folder = site["published"] / "reports" / family / "2025"
        html, pdf = sorted(folder.glob("*.html")), sorted(folder.glob("*.pdf"))
        assert len(html) == len(pdf) == expected
        assert [p.stem for p in html] == [p.stem for p in pdf]
        for path in pdf:
            document = pypdfium2.PdfDocument(str(path))
            assert len(document) >= 2 and path.read_bytes().startswith(b"%PDF")
    assert "14 faktaark and 73 klynger" in site["run"].stdout


def test_the_psychiatry_fact_sheet_states_the_seed_figures_in_html_and_pdf(site):
    sheet = site["published"] / "reports" / "faktaark" / "2025" / "psykiatri"
    for text in (html_text(sheet.with_suffix(".html")), pdf_text(sheet.with_suffix(".pdf"))):
        missing = [figure for figure in SEED_FIGURES if figure not in text]
        assert not missing, missing
        assert "Klyngearbejdet i Psykiatri" in text
    assert re.search(
        r"Side 1 af \d", pdf_text(sheet.with_suffix(".pdf"))
    )  # the page footer: the style sheet took effect
    assert 'font-family: "Liberation Sans"' in sheet.with_suffix(".html").read_text(encoding="utf-8")  # not escaped


def test_every_fact_sheet_states_its_own_specialty_figures(site):
    rows = published(
        site,
        """
        SELECT s.specialty_name, s.members, s.respondents, s.response_rate, r.share_positive
        FROM marts.specialty_response s JOIN marts.specialty_results r USING (wave, specialty_code)
        WHERE s.wave = '2025' AND r.variable = 's_3' AND NOT r.suppressed""",
    )
    assert len(rows) == 14
    for name, members, respondents, rate, share in rows:
        text = html_text(_sheet(site, name))
        assert f"har {respondents} ud af {members} medlemmer besvaret" in text
        assert f"svarprocent på {pct(rate, 1)}" in text
        assert f"{pct(share)} af respondenterne vurderer" in text


def _sheet(site: dict, specialty: str) -> Path:
    return site["published"] / "reports" / "faktaark" / "2025" / f"{slugify(specialty)}.html"


def test_a_suppressed_cluster_cell_shows_no_number(site):
    cluster_id, variable = published(
        site,
        """
        SELECT cluster_id, min(variable) FILTER (WHERE suppressed) FROM marts.cluster_results WHERE wave = '2025'
        GROUP BY cluster_id HAVING bool_or(suppressed) AND NOT bool_and(suppressed) ORDER BY cluster_id LIMIT 1""",
    )[0]
    package = next((site["published"] / "reports" / "klynger" / "2025").glob(f"{cluster_id:03d}-*.html"))
    row = re.search(rf'<tr data-variable="{variable}">(.*?)</tr>', package.read_text(encoding="utf-8"), re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[0] == "for få svar"  # the cluster's own cell
    assert not re.search(r"\d", cells[0])
    assert all("pct." in cell for cell in cells[1:3])  # specialty and nation are shown
    assert cells[3] == "–"  # no comparison for a suppressed cell
    assert "for få svar" in pdf_text(package.with_suffix(".pdf"))

    hidden = published(
        site,
        """
        SELECT count(*) FROM marts.cluster_results WHERE suppressed AND share_positive IS NOT NULL""",
    )[0][0]
    assert hidden == 0  # the publication holds no number to leak in the first place


def test_a_pdf_page_renders_to_a_picture_that_is_not_blank(site):
    pdf = pypdfium2.PdfDocument(str(site["published"] / "reports" / "faktaark" / "2025" / "psykiatri.pdf"))
    for index in (0, 1):
        image = pdf[index].render(scale=1).to_pil().convert("RGB")
        pixels = list(image.getdata())
        inked = sum(1 for p in pixels if sum(p) < 600) / len(pixels)
        assert inked > 0.01, f"page {index + 1} is blank"
    chart_page = pdf[1].render(scale=1).to_pil().convert("RGB")
    assert any(b > r + 60 for r, g, b in chart_page.getdata()), "no chart colour on page 2"


def test_reports_read_the_publication_only_and_one_unit_can_be_asked_for(site):
    folder = site["published"] / "reports"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*.*")}
    warehouse = Path(site["env"]["KVIS_WAREHOUSE"])
    hidden = warehouse.with_name("elsewhere.duckdb")
    warehouse.rename(hidden)
    try:
        result = kvis(site["env"], "report", "--specialty", "Psykiatri", "--cluster", "5")
    finally:
        hidden.rename(warehouse)
    assert result.returncode == 0, result.stderr
    written = {Path(line) for line in result.stdout.split()}
    assert sorted(p.name for p in written) == sorted(
        ["psykiatri.html", "psykiatri.pdf"] + [p.name for p in folder.glob("klynger/2025/005-*")]
    )
    changed = {p for p, mtime in before.items() if p.stat().st_mtime_ns != mtime}
    assert changed == written


def test_asking_for_an_unknown_specialty_says_which_exist(site):
    result = kvis(site["env"], "report", "--specialty", "Tandlæge")
    assert result.returncode == 2
    assert "no published specialty 'Tandlæge' in wave 2025" in result.stderr and "11 Psykiatri" in result.stderr


def test_running_again_with_nothing_changed_rewrites_no_report(site):
    folder = site["published"] / "reports"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*.*")}
    result = kvis(site["env"], "run")  # a new publication of the same rows, as the daily schedule makes
    assert result.returncode == 0, result.stderr
    assert "14 faktaark and 73 klynger" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*.*")} == before


def test_report_assets_follow_the_publication_and_stay_out_of_the_wave_job():
    from kvis_pipeline.orchestration.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    published_key = dg.AssetKey(["published", "kvis_marts"])
    for name in ("faktaark", "klyngepakker"):
        key = dg.AssetKey(["reports", name])
        assert graph.get(key).parent_keys == {published_key}
        assert graph.get(key).automation_condition is not None
    wave_job = definitions.resolve_job_def("wave_job")
    report_job = definitions.resolve_job_def("report_job")
    assert not {k for k in wave_job.asset_layer.executable_asset_keys if k.path[0] == "reports"}
    assert {k.path[0] for k in report_job.asset_layer.executable_asset_keys} == {"reports"}
    assert definitions.resolve_sensor_def("reports_after_publication") is not None


@pytest.mark.parametrize(
    ("share", "decimals", "text"),
    [
        (0.6574074, 1, "65,7 pct."),
        (0.4799383, 1, "48 pct."),
        (0.64, 0, "64 pct."),
        (0.645, 0, "65 pct."),
        (0.005, 0, "1 pct."),
        (0.6622517, 1, "66,2 pct."),
        (1.0, 0, "100 pct."),
    ],
)
def test_shares_are_written_as_danish_percentages_rounded_half_up(share, decimals, text):
    assert pct(share, decimals) == text


def test_lists_and_scale_sides_read_as_danish():
    assert listing(["a", "b", "c"], last="samt") == "a, b samt c"
    assert listing(["a", "b"]) == "a og b"
    assert answer_sides(
        ["I meget høj grad", "I høj grad", "I nogen grad", "I mindre grad", "Slet ikke"],
        ["I meget høj grad", "I høj grad"],
    ) == ["positive", "positive", "neutral", "negative", "negative"]
    assert answer_sides(["Ja, ofte", "Ja, enkelte gange", "Nej"], ["Ja, ofte", "Ja, enkelte gange"]) == [
        "positive",
        "positive",
        "negative",
    ]


SEED_SECTIONS = [
    "Baggrund og formål",
    "Deltagelse og engagement i klyngemøder",
    "Klyngernes betydning for kvalitetsarbejdet",
    "Matcher klyngemøderne deltagernes forventninger?",
    "Brug af data i klyngearbejdet",
    "Konkrete forbedringer i klinikken efter klyngemøder",
    "Fremtidige fokusområder for klyngearbejdet",
    "Gode råd til planlægning og gennemførelse af klyngemøder",
]
# a phrase from each section of data/report_texts/2025/psykiatri.md, and from the text written from the data
ANALYST_PHRASES = [
    "rimelig god overensstemmelse",
    "eKVIS arbejder på at udvikle og udbrede klyngepakker",
    "strukturerede autisme- og ADHD-udredninger",
    "tryg og åben tone præget af tillid og respekt",
    "Genbesøg regelmæssigt opsamlinger",
]


def test_the_psychiatry_fact_sheet_has_every_seed_section_and_the_analysts_texts(site):
    sheet = site["published"] / "reports" / "faktaark" / "2025" / "psykiatri"
    for text in (html_text(sheet.with_suffix(".html")), pdf_text(sheet.with_suffix(".pdf"))):
        assert [s for s in SEED_SECTIONS if s not in text] == []
        assert [p for p in ANALYST_PHRASES if p not in text] == []
        assert "I september 2025 gennemførte eKVIS en spørgeskemaundersøgelse" in text  # from the export's dates
        assert "sjældent« eller »aldrig«, gælder" in text


def test_a_specialty_without_a_text_file_leaves_those_parts_out_cleanly(site):
    folder = site["published"] / "reports" / "faktaark" / "2025"
    others = [p for p in folder.glob("*.html") if p.stem != "psykiatri"]
    assert len(others) == 13
    for sheet in others:
        text, html = html_text(sheet), sheet.read_text(encoding="utf-8")
        assert [s for s in SEED_SECTIONS[:-1] if s not in text] == []
        assert SEED_SECTIONS[-1] not in text and 'class="analyst"' not in html
        assert not any(phrase in text for phrase in ANALYST_PHRASES)


def test_the_fact_sheet_says_whether_clusters_differ_more_than_chance_as_scipy_computes_it(site):
    from scipy.stats import chi2_contingency

    from kvis_pipeline.reports.danish import decimal_number
    from kvis_pipeline.reports.fact_sheet import p_text

    counts = published(
        site,
        """
        SELECT n_positive, n_valid FROM marts.cluster_results
        WHERE wave = '2025' AND specialty_name = 'Psykiatri' AND variable = 's_3' AND NOT suppressed""",
    )
    positive, valid = zip(*counts)
    statistic, p_value, df, _ = chi2_contingency([positive, [n - k for k, n in zip(positive, valid)]], correction=False)
    expected = f"χ² = {decimal_number(statistic, 1)} med {df} frihedsgrader, {p_text(p_value)}"
    assert expected == "χ² = 8,4 med 11 frihedsgrader, p = 0,67"  # the reading of the seed's clusters
    sheet = site["published"] / "reports" / "faktaark" / "2025" / "psykiatri"
    for text in (html_text(sheet.with_suffix(".html")), pdf_text(sheet.with_suffix(".pdf"))):
        assert f"Med {min(valid)} til {max(valid)} svar pr. klynge er forskellene mellem klyngerne ikke større" in text
        assert expected in text


def test_ekvis_keeps_its_spelling_and_no_style_uppercases_text(site):
    reports = site["published"] / "reports"
    documents = [reports / "faktaark" / "2025" / "psykiatri.html", next((reports / "klynger" / "2025").glob("*.html"))]
    for html in documents:
        for text in (html_text(html), pdf_text(html.with_suffix(".pdf"))):
            assert "eKVIS" in text and "EKVIS" not in text
        assert "uppercase" not in html.read_text(encoding="utf-8")


def test_clusters_are_listed_in_danish_alphabetical_order(site):
    html = (site["published"] / "reports" / "faktaark" / "2025" / "psykiatri.html").read_text(encoding="utf-8")
    table = html[html.index("<caption>Medlemmer og besvarelser pr. klynge</caption>") :]
    names = re.findall(r'<tr><th scope="row">(Psyk[^<]*)</th>', table[: table.index("</tbody>")])
    assert len(names) == 12
    # Danish: ... Midt – Øvrige before Midt – Århus/Djurs (æ, ø, å after z), Syd – Vestlig before Syd – Østlig
    assert names.index("Psyk – Midt – Øvrige") == names.index("Psyk – Midt – Århus/Djurs") - 1
    assert names.index("Psyk – Syd – Vestlig") == names.index("Psyk – Syd – Østlig") - 1
    assert names[:5] == sorted(names[:5]) and all(name.startswith("Psyk – Hovedstad") for name in names[:5])


def test_likert_segments_add_up_to_the_share_the_text_prints(site):
    from kvis_pipeline.reports.charts import _diverging_positions
    from kvis_pipeline.reports.danish import percent
    from kvis_pipeline.reports.published_data import read_published_wave
    from kvis_pipeline.reports.units import likert_rows, specialty

    data = read_published_wave(site["published"] / "kvis.duckdb", "2025")
    checked = 0
    for code in data.specialty_response["specialty_code"]:
        unit = specialty(data, int(code))
        for variable in data.variables("s_2_") + data.variables("s_3"):
            rows = likert_rows(data, [(unit.name, unit, variable)])
            if rows.empty:
                continue
            segments = _diverging_positions(rows)
            shown = segments.loc[segments["side"] == "positive", "label_percent"].sum()
            assert shown == int(percent(unit.share(variable))), (unit.name, variable)
            checked += 1
    assert checked >= 14 * 5 - 5


def test_every_chart_in_the_psychiatry_sheet_prints_at_8_pt_or_more_with_a_title(site):
    html = (site["published"] / "reports" / "faktaark" / "2025" / "psykiatri.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) >= 7
    for svg in svgs:
        assert float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg).group(1)) <= 670
        assert min(float(size) for size in re.findall(r'font-size="([0-9.]+)px"', svg)) * 0.75 >= 8
        assert 'font-weight="bold"' in svg  # the chart's title


def test_a_cluster_package_has_the_introductions_sections_and_questions_from_its_own_results(site):
    cluster_id, respondents = published(
        site,
        "SELECT cluster_id, respondents FROM marts.cluster_response WHERE wave = '2025' AND respondents >= 5 "
        "ORDER BY respondents, cluster_id LIMIT 1",
    )[0]
    package = next((site["published"] / "reports" / "klynger" / "2025").glob(f"{cluster_id:03d}-*.html"))
    for text in (html_text(package), pdf_text(package.with_suffix(".pdf"))):
        for heading in ("Baggrund", "Fakta", "Forberedelse", "Sådan læser du tallene", "Drøftelser i klyngen"):
            assert heading in text
        assert "Rohrbasser A, Wong G, Mickan S, Harris J." in text
        assert f"I klyngen har {respondents} svaret. Med {respondents} svar svarer én person til omkring " in text
        assert "Forskel til alle specialer" in text and "sikkert under" not in text
    rows = published(
        site,
        "SELECT variable, vs_national_holm FROM marts.cluster_results "
        f"WHERE wave = '2025' AND cluster_id = {cluster_id}",
    )
    html = package.read_text(encoding="utf-8")
    words = {"above": "statistisk sikkert højere", "below": "statistisk sikkert lavere"}
    for variable, flag in rows:
        row = re.search(rf'<tr data-variable="{variable}">(.*?)</tr>', html, re.S).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert cells[3] == words.get(flag, "ingen statistisk sikker forskel" if flag else "–"), variable


def test_discussion_questions_name_the_clusters_largest_gaps(site):
    """Each package asks about its own largest gaps between what members find important and what they get."""
    from kvis_pipeline.reports.cluster_package import discussion_questions
    from kvis_pipeline.reports.danish import lower_first
    from kvis_pipeline.reports.fact_sheet import priority_gaps, priority_pairs
    from kvis_pipeline.reports.published_data import read_published_wave
    from kvis_pipeline.reports.units import cluster, specialty

    data = read_published_wave(site["published"] / "kvis.duckdb", "2025")
    asked = 0
    for row in data.cluster_response.itertuples():
        own, its_specialty = cluster(data, row.cluster_id), specialty(data, row.specialty_code)
        questions = discussion_questions(data, own, its_specialty)
        gaps = priority_gaps(own, priority_pairs(data))
        for gap, label, *_ in gaps[:2]:
            mentioned = any(f"»{lower_first(label)}« meget vigtigt eller vigtigt" in q for q in questions)
            assert mentioned == (gap >= 0.10), (row.cluster_id, label)
            asked += mentioned
    assert asked > 50


def _figures(node, found: list) -> list:
    import pikepdf

    if isinstance(node, pikepdf.Dictionary):
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            _figures(kid, found)
    return found


def test_every_pdf_is_tagged_pdf_ua_in_danish_with_a_title_and_alt_text_per_chart_and_the_html_its_figures(site):
    import pikepdf

    pdfs = sorted((site["published"] / "reports").glob("*/2025/*.pdf"))
    assert len(pdfs) == 87
    for path in pdfs:
        html = path.with_suffix(".html").read_text(encoding="utf-8")
        with pikepdf.open(path) as pdf:
            assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root
            assert str(pdf.Root.Lang) == "da"
            with pdf.open_metadata() as meta:
                assert meta.get("pdfuaid:part") == "1"
                assert meta.get("dc:title") == re.search(r"<title>(.*?)</title>", html).group(1).replace("&amp;", "&")
            assert str(pdf.docinfo.get("/Author")) == "eKVIS"
            alts = _figures(pdf.Root.StructTreeRoot, [])
        charts = re.findall(r"<svg[^>]*>\s*<title>(.*?)</title>", html)
        assert len(alts) == len(charts) == html.count("<svg") > 0, path.name
        figures = re.findall(r'<details class="figures"><summary>Tallene bag figuren</summary>\s*<table>', html)
        assert len(figures) == len(charts), path.name
        assert all(alt and re.search(r"\d+ pct\.|for få svar|udeladt", alt) for alt in alts), path.name
        assert not re.search(r"\d,\d{4,}|\d\.\d{4,}", " ".join(alts))  # numbers as printed, no raw decimals
