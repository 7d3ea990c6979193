"""A deterministic, realistic SurveyXact export for the reference wave 2025.

Answers come from an ordered-logit model with a cluster effect (clusters really differ, as the
fact sheet's 36-90 % spread shows) and a respondent effect (answers of one person hang together).
The figures of the data contract's last table are then fixed exactly: psychiatry's s_3 counts per
cluster are chosen, and a few answers elsewhere are moved one step until the national shares round
to the published ones. `check_reference_figures` proves the result.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from kvis_pipeline.devtools.export_writer import write_bundle
from kvis_pipeline.ingest.export_bundle import parse_delimited
from kvis_pipeline.ingest.roster import read_roster
from kvis_pipeline.ingest.text_decoding import decode_text

REFERENCE_WAVE = "2025"
SEED = 2025
PSYCHIATRY = 11
CREATED = "2025-08-29 08:00:00"

# Psychiatry's clusters: (respondents, s_3 answers "I meget høj grad", "I høj grad", "I nogen grad").
# 100 respondents, 64 positive, 26 "I nogen grad"; shares from 4/11 = 36 % (Amager) to 9/10 = 90 % (Ballerup).
PSYCHIATRY_S3 = {
    53: (5, 1, 2, 1),
    54: (10, 4, 5, 1),
    55: (10, 3, 4, 2),
    56: (11, 1, 3, 5),
    57: (8, 2, 3, 2),
    58: (9, 2, 4, 3),
    59: (7, 1, 3, 2),
    60: (9, 3, 4, 2),
    61: (8, 1, 3, 3),
    62: (8, 2, 3, 2),
    63: (9, 2, 4, 2),
    64: (6, 1, 3, 1),
}
PSYCHIATRY_S10_JA = 53
NATIONAL_S3_POSITIVE = 0.657  # to one decimal of a per cent
NATIONAL_S10_JA = 0.48  # to a whole per cent
PSYCHIATRY_TOP_S12 = ["s_12_1", "s_12_2", "s_12_3"]

# Item effects on the latent scale (higher = more positive answers).
ITEM_EFFECT = {
    "s_1": 0.9,
    "s_2_1": 0.8,
    "s_2_2": 0.9,
    "s_2_3": 0.1,
    "s_2_4": -0.3,
    "s_3": 0.5,
    "s_4_1": 1.6,
    "s_4_2": 0.9,
    "s_4_3": 0.7,
    "s_4_4": 1.0,
    "s_4_5": 0.2,
    "s_4_6": 0.8,
    "s_4_7": 1.4,
    "s_4_8": 0.9,
    "s_5_1": 1.2,
    "s_5_2": 0.2,
    "s_5_3": 0.0,
    "s_5_4": 0.6,
    "s_5_5": -0.9,
    "s_5_6": 0.3,
    "s_5_7": 0.9,
    "s_5_8": 0.4,
    "s_6": -1.2,
    "s_7": 0.6,
    "s_10": -0.1,
    "s_12_1": 1.9,
    "s_12_2": 1.1,
    "s_12_3": 0.8,
    "s_12_4": 0.3,
    "s_12_5": -0.4,
    "s_12_6": -0.2,
    "s_12_7": -0.5,
}
DONT_KNOW_RATE = {"s_6": 0.06, "s_7": 0.05, "s_10": 0.03, "s_3": 0.02}
DEFAULT_DONT_KNOW_RATE = 0.015
BARRIER_RATES = [0.42, 0.36, 0.3, 0.24, 0.1, 0.07]  # s_8_1..s_8_6

FIRST_NAMES = [
    "Anne",
    "Søren",
    "Mette",
    "Jørgen",
    "Åse",
    "Lærke",
    "Mads",
    "Ida",
    "Bjørn",
    "Frederik",
    "Sofie",
    "Rasmus",
    "Karen",
    "Niels",
    "Helle",
    "Thøger",
    "Birgitte",
    "Ole",
    "Signe",
    "Jens",
    "Maja",
    "Ærø",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Møller",
    "Bæk",
    "Østergaard",
    "Lund",
    "Kjær",
    "Dahl",
    "Ågård",
]
TEXT_BARRIERS = [
    "Ingen IT-understøttelse af dataudtræk",
    'Data fra "LPR" kommer for sent; vi mangler opgørelser pr. klinik.',
    "Manglende tid\ni hverdagen til at trække data",
    "Usikkert hvad vi må dele, fx om GDPR – og hvem der ejer data",
]
TEXT_IMPROVEMENTS = [
    "Struktureret autismeudredning og bedre brug af elektroniske værktøjer.",
    'Bedre kommunikation med almen praksis; vi ringer nu "samme dag".',
    "Flere tests i udredningen:\nADHD-skema og søvndagbog.",
    'Justering af journalføring, så "plan" og "mål" står øverst.',
    "Vi har indført fælles tjekliste; den bruges af hele klinikken.",
    "Bedre dokumentation af samtykke og opfølgning",
    "Faste tider til telefonkonsultation, og kortere ventetid på svar",
]
TEXT_COMMENTS = [
    'Gode møder, men "tid" er en mangelvare.',
    "Møderne er fagligt relevante; gerne flere cases.\nTak for initiativet!",
    "Mere fokus på data – ønsker klyngepakke til specialet.",
    "Det kræver, at alle er engagerede og aktive; tonen er tryg og åben.",
    "Svært at finde tid i en travl hverdag, men det er givtigt.",
]


def reference_file(name: str) -> Path:
    return Path(str(resources.files("kvis_pipeline.devtools") / "reference" / name))


def reference_questionnaire() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reference questionnaire's Structure and Labels (long names), as text."""
    structure = _read_semicolon(reference_file("structure.csv"), header=True)
    structure = structure.loc[:, ~structure.columns.str.startswith("Unnamed")]
    labels = _read_semicolon(reference_file("labels.csv"), header=False)
    labels.columns = ["variableName", "value", "label"]
    # SurveyXact does not always list codes in display order; the reference wave shows it for s_7.
    s_7 = labels["variableName"] == "s_7"
    labels = pd.concat(
        [
            labels[~s_7 & (labels.index < labels[s_7].index[0])],
            labels[s_7].iloc[::-1],
            labels[~s_7 & (labels.index > labels[s_7].index[0])],
        ],
        ignore_index=True,
    )
    return structure, labels


def reference_roster() -> pd.DataFrame:
    return read_roster(reference_file("klyngeoversigt.csv"))


def _read_semicolon(path: Path, header: bool) -> pd.DataFrame:
    return parse_delimited(path, decode_text(path).utf8, ";", header=header)


@dataclass
class Scale:
    substantive: list[str]  # codes, most positive first
    dont_know: str | None


@dataclass
class Person:
    cluster: int
    specialty: int
    region: int
    status: int
    latent: float
    answers: dict[str, str] = field(default_factory=dict)


def scales(labels: pd.DataFrame, items: list[str]) -> dict[str, Scale]:
    result = {}
    for item in items:
        rows = labels[labels["variableName"] == item]
        dont_know = rows.loc[rows["label"].str.strip() == "Ved ikke", "value"]
        substantive = sorted((v for v in rows["value"] if v not in set(dont_know)), key=int)
        result[item] = Scale(substantive, dont_know.iloc[0] if len(dont_know) else None)
    return result


@dataclass(frozen=True)
class WaveDesign:
    """What a generated wave is made of; the reference wave also has its published figures fixed exactly."""

    seed: int
    fieldwork_start: dt.datetime
    created: str
    roster: pd.DataFrame
    structure: pd.DataFrame
    labels: pd.DataFrame
    item_effect: dict[str, float]
    fixes_reference_figures: bool


def reference_design() -> WaveDesign:
    structure, labels = reference_questionnaire()
    return WaveDesign(
        SEED, dt.datetime(2025, 9, 1, 8), CREATED, reference_roster(), structure, labels, ITEM_EFFECT, True
    )


def generate_reference_wave() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Dataset, Labels, Structure (long names) and roster of the reference wave."""
    return generate_wave(reference_design())


def generate_wave(design: WaveDesign) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Dataset, Labels, Structure (long names) and roster of a generated wave."""
    rng = random.Random(design.seed)
    structure, labels, roster = design.structure, design.labels, design.roster
    region_codes = {label: code for _, code, label in labels[labels.variableName == "region"].itertuples(index=False)}
    single_items = [v for v in structure.variableName if v in design.item_effect]
    item_scales = scales(labels, single_items)

    people: list[Person] = []
    for cluster in roster.itertuples(index=False):
        people += _cluster_people(rng, cluster, region_codes[cluster.region], design.fixes_reference_figures)
    respondents = [p for p in people if p.status == 4]
    for person in people:
        if person.status in (3, 4):
            _answer(rng, person, single_items, item_scales, design.item_effect)
    if design.fixes_reference_figures:
        _fix_psychiatry_s3(rng, respondents, item_scales["s_3"])
        _fix_psychiatry_s10(rng, respondents)
        _move_to_national_share(rng, respondents, "s_3", item_scales["s_3"], NATIONAL_S3_POSITIVE, 3)
        _move_to_national_share(rng, respondents, "s_10", item_scales["s_10"], NATIONAL_S10_JA, 2)
    for person in people:
        _barriers_and_texts(rng, person)
    if design.fixes_reference_figures:
        _assert_psychiatry_s12_ranking(respondents, item_scales)

    columns = list(structure.variableName)
    rows = [
        _export_row(rng, person, columns, index, design.fieldwork_start, design.created)
        for index, person in enumerate(people)
    ]
    rng.shuffle(rows)
    dataset = pd.DataFrame(rows, columns=columns)
    return dataset, labels, structure, roster


def _cluster_people(rng: random.Random, cluster, region: str, fixed_psychiatry: bool) -> list[Person]:
    members = cluster.antal_medlemmer
    effect = rng.gauss(0, 0.75)
    if fixed_psychiatry and cluster.speciale_kode == PSYCHIATRY:
        n, very, high, _ = PSYCHIATRY_S3[cluster.klynge_id]
        share = (very + high) / n
        effect = math.log(share / (1 - share)) - math.log(0.64 / 0.36)
        respondents = n
    else:
        rate = min(0.92, max(0.3, rng.gauss(0.63, 0.13)))
        respondents = max(1, round(members * rate))
    rest = members - respondents
    partial = min(rest, rng.choice([0, 0, 1, 1, 2]))
    declined = min(rest - partial, rng.choice([0, 1, 1, 2]))
    new = 1 if cluster.speciale_kode != PSYCHIATRY and rest - partial - declined > 2 and rng.random() < 0.1 else 0
    statuses = [4] * respondents + [3] * partial + [5] * declined + [1] * new
    statuses += [2] * (members - len(statuses))
    return [
        Person(cluster.klynge_id, cluster.speciale_kode, int(region), status, effect + rng.gauss(0, 1.0))
        for status in statuses
    ]


def _answer(
    rng: random.Random, person: Person, items: list[str], item_scales: dict[str, Scale], item_effect: dict[str, float]
) -> None:
    stop = len(items) if person.status == 4 else rng.randint(2, len(items) // 2)
    for item in items[:stop]:
        scale = item_scales[item]
        if scale.dont_know and rng.random() < DONT_KNOW_RATE.get(item, DEFAULT_DONT_KNOW_RATE):
            person.answers[item] = scale.dont_know
            continue
        person.answers[item] = _ordered_logit(rng, item_effect[item] + person.latent, scale.substantive)


def _ordered_logit(rng: random.Random, eta: float, codes: list[str]) -> str:
    k = len(codes)
    cuts = [(-1.2 + 2.6 * i / max(1, k - 2)) if k > 2 else 0.0 for i in range(k - 1)]
    draw = rng.random()
    for code, cut in zip(codes, cuts):
        if draw < 1 / (1 + math.exp(-(cut + eta))):
            return code
    return codes[-1]


def _ranked(people: list[Person], rng: random.Random) -> list[Person]:
    """Most positive first, with noise so that items do not move in lockstep."""
    return sorted(people, key=lambda p: -(p.latent + rng.gauss(0, 0.6)))


def _fix_psychiatry_s3(rng: random.Random, respondents: list[Person], scale: Scale) -> None:
    for cluster, (n, very, high, some) in PSYCHIATRY_S3.items():
        members = _ranked([p for p in respondents if p.cluster == cluster], rng)
        assert len(members) == n
        low = n - very - high - some
        codes = [scale.substantive[0]] * very + [scale.substantive[1]] * high + [scale.substantive[2]] * some
        codes += [scale.substantive[3] if i % 4 else scale.substantive[4] for i in range(low)]
        for person, code in zip(members, codes):
            person.answers["s_3"] = code


def _fix_psychiatry_s10(rng: random.Random, respondents: list[Person]) -> None:
    psychiatry = _ranked([p for p in respondents if p.specialty == PSYCHIATRY], rng)
    for rank, person in enumerate(psychiatry):
        person.answers["s_10"] = "1" if rank < PSYCHIATRY_S10_JA else "2"


def _move_to_national_share(
    rng: random.Random, respondents: list[Person], item: str, scale: Scale, target: float, decimals: int
) -> None:
    """Move non-psychiatry answers one step across the positive boundary until the national share rounds to target."""
    top = set(scale.substantive[:2]) if len(scale.substantive) > 2 else {scale.substantive[0]}
    above, below = scale.substantive[1 if len(top) == 2 else 0], scale.substantive[len(top)]
    valid = [p for p in respondents if p.answers.get(item) in scale.substantive]
    wanted = round(target * len(valid))
    assert round(wanted / len(valid), decimals) == target, (item, wanted, len(valid))
    others = [p for p in valid if p.specialty != PSYCHIATRY]
    rng.shuffle(others)
    positive = sum(p.answers[item] in top for p in valid)
    for person in others:
        if positive == wanted:
            break
        if positive < wanted and person.answers[item] == below:
            person.answers[item], positive = above, positive + 1
        elif positive > wanted and person.answers[item] == above:
            person.answers[item], positive = below, positive - 1
    assert positive == wanted, (item, positive, wanted)


def _assert_psychiatry_s12_ranking(respondents: list[Person], item_scales: dict[str, Scale]) -> None:
    psychiatry = [p for p in respondents if p.specialty == PSYCHIATRY]
    shares = {}
    for item in (i for i in item_scales if i.startswith("s_12_")):
        answers = [p.answers[item] for p in psychiatry if p.answers.get(item) in item_scales[item].substantive]
        shares[item] = sum(a in item_scales[item].substantive[:2] for a in answers) / len(answers)
    ranking = sorted(shares, key=shares.get, reverse=True)
    assert ranking[:3] == PSYCHIATRY_TOP_S12, f"psychiatry's s_12 ranking came out {ranking}"


def _barriers_and_texts(rng: random.Random, person: Person) -> None:
    answered = person.status == 4 or (person.status == 3 and "s_7" in person.answers)
    for option, rate in enumerate(BARRIER_RATES, start=1):
        person.answers[f"s_8_{option}"] = "1" if answered and rng.random() < rate else "0"
    if person.answers["s_8_6"] == "1":
        person.answers["s_9"] = rng.choice(TEXT_BARRIERS)
    if person.answers.get("s_10") == "1" and rng.random() < 0.6:
        person.answers["s_11"] = rng.choice(TEXT_IMPROVEMENTS)
    if person.status == 4 and rng.random() < 0.2:
        person.answers["s_13"] = rng.choice(TEXT_COMMENTS)


def _export_row(
    rng: random.Random, person: Person, columns: list[str], index: int, fieldwork_start: dt.datetime, created: str
) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    row = dict.fromkeys(columns, "")
    row.update(person.answers)
    start = fieldwork_start + dt.timedelta(days=rng.randint(0, 25), minutes=rng.randint(0, 540))
    seconds = rng.randint(240, 1800)
    row.update(
        respondentid=str(824_000_000 + index * 97 + rng.randint(0, 96)),
        created=created,
        email=f"{first}.{last}{rng.randint(1, 99)}@speciallaege.dk".lower(),
        navn=f"{first} {last}",
        ydernr=str(rng.randint(100_000, 999_999)),
        lang="1",
        klynge=str(person.cluster),
        speciale=str(person.specialty),
        region=str(person.region),
    )
    if person.status == 4:
        close = start + dt.timedelta(seconds=seconds)
        row.update(starttime=_ts(start), closetime=_ts(close), modified=_ts(close), difftime=str(seconds))
    elif person.status == 3:
        row.update(starttime=_ts(start), modified=_ts(start + dt.timedelta(seconds=seconds // 3)))
    elif person.status == 5:
        row.update(modified=_ts(start))
    for status in range(1, 6):
        row[f"statoverall_{status}"] = "1" if status == person.status else "0"
    return row


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def short_names() -> dict[str, str]:
    table = _read_semicolon(reference_file("short_names.csv"), header=True)
    return dict(zip(table.variableName, table.shortName))


def write_reference_wave(wave_dir: Path, form: str = "eu") -> list[Path]:
    return write_wave(wave_dir, reference_design(), form)


def write_wave(wave_dir: Path, design: WaveDesign, form: str = "eu") -> list[Path]:
    dataset, labels, structure, roster = generate_wave(design)
    wave_dir.mkdir(parents=True, exist_ok=True)
    roster_path = wave_dir / "klyngeoversigt.csv"
    # the roster as eKVIS delivers it: UTF-8 with a byte order mark, semicolons, CRLF
    roster_path.write_bytes(roster.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig"))
    for stale in (wave_dir / "survey").glob("*") if (wave_dir / "survey").is_dir() else []:
        stale.unlink()
    return [roster_path, *write_bundle(wave_dir / "survey", dataset, labels, structure, form, short_names())]
