"""The fact sheet and the cluster package as documents: their sections in order, with eKVIS' standing texts around
the figures that fact_sheet and cluster_package compute."""

from kvis_pipeline.reports.document import (
    Analyst,
    Bullets,
    Cell,
    Document,
    Heading,
    Keep,
    Paragraph,
    Row,
    Run,
    Section,
    Table,
    figure,
    paragraphs,
)
from kvis_pipeline.reports.units import NATION

SOURCE = "eKVIS' spørgeskemaundersøgelse om klyngearbejdet blandt praktiserende speciallæger"
CLUSTER_CHART_CAPTION = (
    "Punkt: klyngens andel; vandret streg: 95 pct.-konfidensinterval; n: antal gyldige svar. Stiplede linjer: "
    "specialet og landsgennemsnittet på tværs af alle specialer. Klyngerne står i alfabetisk orden."
)


def about(min_cell: int, period: str, extra: str) -> list[str]:
    return [
        "Andele er beregnet af de gyldige svar; »Ved ikke« tæller ikke med.",
        f"Tal, der bygger på færre end {min_cell} gyldige svar, vises ikke; de står som »for få svar«.",
        "Tal, der ellers kunne regnes ud af de viste tal, eller som i en lille klynge ville vise, at alle eller alle "
        "på nær én har svaret ens, er »udeladt af hensyn til diskretion«.",
        "Derfor kan ingen enkelt besvarelse regnes ud af tallene.",
        f"»{NATION}« er alle respondenter på tværs af specialer.",
        "En forskel kaldes statistisk sikker, når 95 pct.-konfidensintervallet (Wilson) ikke rummer det tal, der "
        "sammenlignes med.",
        *([extra] if extra else []),
        f"Kilde: {SOURCE}, {period}.",
    ]


def _history_table(history: dict) -> list:
    """The figures of a history chart (trends.history_figure): a row per unit, a column per wave."""
    if not history.get("chart"):
        return []
    rows = [Row([Cell(row["name"]), *(Cell(cell) for cell in row["cells"])]) for row in history["rows"]]
    return [Table(["Andel (pct.)", *history["waves"]], rows, style="history")]


def _analyst(blocks: list) -> list:
    return [Analyst(blocks)] if blocks else []


def fact_sheet_document(content: dict) -> Document:
    texts, main = content["texts"], content["main_question"]
    total = content["cluster_total"]
    members = Table(
        ["Klynge", "Medlemmer", "Besvarelser", "Svarprocent"],
        [
            Row([Cell(row["name"]), Cell(row["members"]), Cell(row["respondents"]), Cell(row["response_rate"])])
            for row in content["cluster_table"]
        ],
        caption="Medlemmer og besvarelser pr. klynge",
        footer=Row([Cell("I alt"), Cell(total["members"]), Cell(total["respondents"]), Cell(total["response_rate"])]),
    )
    history = main["history"]
    trend = paragraphs(main["trend_text"]) + figure(history["chart"]) + _history_table(history)
    expectations = content["expectations"]
    sections = [
        Section(
            "Baggrund og formål",
            paragraphs(
                "Klyngearbejde og kvalitetsudvikling er centrale elementer i speciallægepraksis, hvor der er øget "
                "fokus på dokumentation af høj kvalitet og patientsikkerhed. Kvalitetsarbejdet er derfor også en "
                "vigtig del af overenskomstaftalen.",
                "Det centrale mål med klyngearbejdet er, at alle klyngemedlemmer får konkrete værktøjer og inspiration "
                "med hjem, som kan omsættes til forbedringer i det daglige arbejde – i sidste ende til gavn for "
                "patienterne.",
                content["survey"],
                content["background"],
            ),
        ),
        Section(
            "Deltagelse og engagement i klyngemøder",
            [
                *paragraphs(content["participation"]),
                members,
                *paragraphs(content["engagement"]["text"]),
                *figure(content["engagement"]["chart"]),
            ],
        ),
        Section(
            "Klyngernes betydning for kvalitetsarbejdet",
            [
                Keep(paragraphs(main["text"], main["text_some"])),
                *figure(main["chart"]),
                *([Keep(trend)] if trend else []),
                Keep(paragraphs(main["spread"]) + figure(main["cluster_chart"], CLUSTER_CHART_CAPTION)),
            ],
        ),
        Section(
            "Matcher klyngemøderne deltagernes forventninger?",
            [
                *_analyst(texts["expectations"]),
                *paragraphs(" ".join(filter(None, [expectations["text"], expectations["rarely"]]))),
                *figure(expectations["chart"]),
            ],
            keep=True,
        ),
        *(
            Section(heading, [*paragraphs(part["text"]), *_analyst(texts[key]), *figure(part["chart"])], keep=True)
            for heading, key in [
                ("Brug af data i klyngearbejdet", "data_use"),
                ("Konkrete forbedringer i klinikken efter klyngemøder", "improvements"),
                ("Fremtidige fokusområder for klyngearbejdet", "motivation"),
            ]
            for part in [content[key]]
        ),
        *(
            [Section("Gode råd til planlægning og gennemførelse af klyngemøder", _analyst(texts["advice"]))]
            if texts["advice"]
            else []
        ),
    ]
    extra = (
        "Om klyngerne varierer mere, end tilfældigheder kan forklare, er undersøgt med en χ²-test af, om klyngerne "
        "med viste tal har samme andel."
    )
    return Document(
        content["title"],
        content["subtitle"],
        content["period"],
        f"Faktaark om klyngearbejdet i {content['specialty'].lower()}, {content['period']}",
        sections,
        about(content["min_cell"], content["period"], extra),
    )


FACTS = [
    (
        "1. Forbedrer standardpraksis",
        "Kvalitetsklynger hjælper med at forbedre klinisk praksis, fx ved at ændre receptmønstre og diagnostiske "
        "vaner. Det sker gennem refleksion, erfaringsudveksling og integration af evidensbaseret viden i hverdagen.",
    ),
    (
        "2. Styrker professionel udvikling",
        "Deltagelse i kvalitetsklynger giver mulighed for kontinuerlig læring og udvikling af nye kompetencer. Gennem "
        "diskussioner og fælles problemløsning opbygger deltagerne viden og færdigheder, som styrker deres faglige "
        "rolle.",
    ),
    (
        "3. Øger psykologisk trivsel",
        "Kvalitetsklynger kan øge selvværd, skabe en følelse af tilhørsforhold og mindske risikoen for udbrændthed. "
        "Den sociale støtte og gensidige afhængighed i gruppen fremmer mental sundhed.",
    ),
    (
        "4. Skaber et trygt læringsmiljø",
        "Det er vigtigt, at facilitatoren sikrer, at kvalitetsklyngen bliver et sikkert rum, hvor deltagerne kan dele "
        "erfaringer, håndtere usikkerhed og modtage feedback uden frygt. Det fremmer åbenhed og læring.",
    ),
    (
        "5. Understøtter implementering af kvalitetsforbedringer",
        "Kvalitetsklynger arbejder cyklisk: idéer afprøves, justeres og gentages. Når det lykkes, øger den gentagne "
        "proces deltagernes selvtillid i kvalitetsforbedring og sikrer, at ændringer bliver en del af den daglige "
        "praksis.",
    ),
]
FACTS_SOURCE = (
    "Rohrbasser A, Wong G, Mickan S, Harris J. Understanding how and why quality circles improve standards of "
    "practice, enhance professional development and increase psychological well-being of general practitioners: a "
    "realist synthesis. BMJ Open. Maj 2022."
)


def _facts() -> Section:
    blocks = paragraphs(
        "En europæisk undersøgelse om kvalitetscirkler (kvalitetsklynger i dansk kontekst) fra 2022 viser, at "
        "klyngearbejde er værdifuldt. Her er fem centrale pointer:"
    )
    for heading, text in FACTS:
        blocks += [Heading(heading), Paragraph(text)]
    blocks.append(Paragraph([Run("Kilde:", strong=True), Run(" " + FACTS_SOURCE)], style="source"))
    return Section("Fakta", blocks)


def _reading(content: dict) -> Section:
    respondents, tests = content["respondents"], content["tests"]
    own = (
        f"I klyngen har {respondents} svaret. Med {respondents} svar svarer én person til omkring "
        f"{content['one_person']} procentpoint, så én persons svar kan flytte klyngens tal mærkbart. Læs derfor "
        f"klyngens tal sammen med specialets og landets, og læg mere vægt på mønstre end på enkelte tal."
        if respondents != "0"
        else ""
    )
    hidden = (
        f"Tal, der bygger på færre end {content['min_cell']} svar, vises ikke (»for få svar«), og nogle tal er "
        f"udeladt af hensyn til diskretion."
    )
    if tests:
        hidden += (
            f" Kolonnen »Forskel til alle specialer« siger »statistisk sikkert højere« eller »statistisk sikkert "
            f"lavere« kun, når forskellen holder, selv om klyngepakken sammenligner {tests} spørgsmål på én gang "
            f"(Holms metode). Ellers ville nogle af dem se sikre ud alene ved et tilfælde."
        )
    return Section("Sådan læser du tallene", paragraphs(own, hidden), keep=True)


def _results_table(content: dict, section: dict) -> Table:
    previous = content["previous_wave"]
    header = [
        "",
        *content["columns"],
        "Forskel til alle specialer",
        *([f"Klyngen siden {previous}"] if previous else []),
    ]
    rows = [
        Row(
            [
                Cell(row["label"], note="" if section["question"] else row["answer"]),
                *(Cell(cell["text"], suppressed=cell["suppressed"]) for cell in row["cells"]),
                Cell(row["vs_national"]),
                *([Cell(row["since_previous"])] if previous else []),
            ],
            key=row["variable"],
        )
        for row in section["rows"]
    ]
    return Table(header, rows)


def cluster_package_document(content: dict) -> Document:
    trend, history = content["trend"], content["trend"]["history"]
    sections = [
        Section(
            "Baggrund",
            [
                *paragraphs(
                    f"I {content['period']} gennemførte eKVIS en spørgeskemaundersøgelse om kvalitetsklynger i "
                    f"speciallægepraksis. Undersøgelsen havde til formål at indsamle viden om praktiserende "
                    f"speciallægers oplevelser med klyngemøder – både hvad angår indhold, facilitering, stemning og "
                    f"det udbytte, møderne giver.",
                    "Formålet med denne klyngepakke er at få en drøftelse af klyngens indsats med udgangspunkt i data "
                    "fra spørgeskemaundersøgelsen og få fokus på kvalitetsarbejdet: hvad forventningerne til møderne "
                    "er, hvordan I i fællesskab kan skabe eller fastholde fagligt relevante møder med fokus på "
                    "kvalitet – og hvordan møderne bidrager til kvalitetsudvikling og forbedringer i egen klinik.",
                    content["participation"],
                ),
                *paragraphs(
                    "Klyngen har for få svar til, at dens egne resultater kan vises. Tabellerne viser specialets og "
                    "landets resultater til sammenligning."
                    if content["all_suppressed"]
                    else "",
                    style="note",
                ),
            ],
        ),
        _facts(),
        Section(
            "Forberedelse",
            paragraphs(
                "Læs denne klyngepakke inden mødet, og gennemse evt. præsentationen med data, hvis du har modtaget "
                "den fra klyngekoordinatoren."
            ),
        ),
        _reading(content),
    ]
    if history.get("chart") or trend["text"]:
        sections.append(
            Section(
                f"Udvikling siden {content['previous_wave']}",
                [Keep(paragraphs(trend["text"]) + figure(history.get("chart"))), *_history_table(history)],
            )
        )
    for section in content["sections"]:
        question = f"{section['question']} {section['answer']}." if section["question"] else ""
        sections.append(
            Section(
                section["heading"],
                [*paragraphs(question, style="question"), _results_table(content, section), *figure(section["chart"])],
            )
        )
    expectations = content["expectations"]
    sections += [
        Section(
            "Matcher møderne det, I finder vigtigt?",
            paragraphs(expectations["text"]) + figure(expectations["chart"]),
            keep=True,
        ),
        Section(
            "Drøftelser i klyngen",
            [
                *paragraphs(
                    "På mødet drøfter I resultaterne fra spørgeskemaundersøgelsen. Med udgangspunkt i jeres egne "
                    "erfaringer kan I sammen planlægge klyngemøder, der er relevante, inspirerende og udviklende, og "
                    "som bidrager til faglig sparring, idéudveksling og konkrete forbedringer i klinikken – til gavn "
                    "for både jer og patienterne.",
                    "Dataindsamlingen er ikke en evaluering af klyngekoordinatoren, men en mulighed for at tale om, "
                    "hvordan I som gruppe kan bidrage til indholdet og skabe udbytterige møder.",
                ),
                Bullets(
                    [
                        *content["questions"],
                        "Hvad overrasker jer i resultaterne, og hvad genkender I?",
                        "Hvilke data kan I inddrage, og hvad skal der til for at bruge dem?",
                    ]
                ),
            ],
        ),
        Section(
            "Opfølgning",
            paragraphs(
                "Saml op på konklusionerne på de efterfølgende klyngemøder for at sikre fremdrift i de indsatser og "
                "forbedringer i afholdelsen af klyngemøderne, I aftaler."
            ),
        ),
    ]
    tests = content["tests"]
    extra = (
        f"Sammenligningen med alle specialer er justeret efter Holms metode, fordi klyngepakken sammenligner {tests} "
        f"spørgsmål på én gang; en forskel kaldes kun statistisk sikker, når den holder efter justeringen."
        if tests
        else ""
    )
    return Document(
        content["title"],
        content["subtitle"],
        content["period"],
        content["subtitle"],
        sections,
        about(content["min_cell"], content["period"], extra),
    )
