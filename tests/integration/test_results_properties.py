"""Property tests: on small random pairs of waves, every published count, share, interval, comparison, suppression
flag and trend row of the dbt marts equals an independent computation in plain Python from the data contract's
definitions: which trend rows exist, every number and every direction."""

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from helpers import dbt_build_as_a_run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statistics_oracle import direction, newcombe, wilson

from kvis_pipeline.warehouse.store import connect, replace_wave
from kvis_pipeline.warehouse.suppression import suppression_pattern

SMALL_GROUP = 10  # KVIS_SMALL_GROUP's default, which the dbt build here uses
DEGREE = ["I meget høj grad", "I høj grad", "I nogen grad", "I mindre grad", "Slet ikke"]


@dataclass(frozen=True)
class Item:
    variable: str
    labels: dict[int, str]  # in the order Labels lists them
    dont_know: int | None
    positive: frozenset[int]
    multiple: bool = False


@st.composite
def questionnaires(draw) -> list[Item]:
    """A degree scale whose "Ved ikke" code varies and whose Labels order is shuffled, a Ja/Nej item,
    a scale without "Ved ikke" and a multiple-choice option."""
    dont_know = draw(st.sampled_from([0, 6, 9]))
    degree = dict(zip(range(1, 6), DEGREE)) | {dont_know: "Ved ikke"}
    order = draw(st.permutations(sorted(degree)))
    return [
        Item("s_1", {code: degree[code] for code in order}, dont_know, frozenset({1, 2})),
        Item("s_2", {3: "Ved ikke", 2: "Nej", 1: "Ja"}, 3, frozenset({1})),
        Item("s_3", {1: "Altid", 2: "Ofte", 3: "Aldrig"}, None, frozenset({1, 2})),
        Item("s_4_1", {0: "Ikke valgt", 1: "Valgt"}, None, frozenset({1}), multiple=True),
    ]


@st.composite
def waves(draw, name: str) -> dict:
    items = draw(questionnaires())
    clusters = []
    for cluster_id in range(1, draw(st.integers(1, 5)) + 1):
        clusters.append(
            {
                "klynge_id": cluster_id,
                "speciale_kode": draw(st.integers(1, 3)),
                "antal_medlemmer": draw(st.integers(1, 12)),
            }
        )
    respondents, answers = [], []
    for cluster in clusters:
        for _ in range(draw(st.integers(0, cluster["antal_medlemmer"]))):
            key, row = f"{name}-{len(respondents)}", len(respondents) + 2  # the row below the header
            respondents.append({**cluster, "respondent_key": key, "statoverall": draw(st.integers(1, 5))})
            for item in items:
                codes = sorted(item.labels) + ([] if item.multiple else [None])  # None: left unanswered
                code = draw(st.sampled_from(codes))
                if code is not None:
                    answers.append({"respondent_key": key, "source_row": row, "variable": item.variable, "code": code})
    return {"items": items, "clusters": clusters, "respondents": respondents, "answers": answers}


def load_wave(con: duckdb.DuckDBPyConnection, wave: str, data: dict, started: str | None = None) -> None:
    items, clusters, respondents = data["items"], data["clusters"], data["respondents"]
    structure = [{"variable": "klynge", "question_name": "klynge", "question_type": "Closed", "sub_type": "Single"}]
    structure += [
        {
            "variable": i.variable,
            "question_name": i.variable.rsplit("_", 1)[0] if i.multiple else i.variable,
            "question_type": "Closed",
            "sub_type": "Multiple" if i.multiple else "Single",
            "question_text": f"Spørgsmål {i.variable}",
        }
        for i in items
    ]
    labels = [
        {"variable": i.variable, "code": code, "label": label + " ", "position": n}
        for i in items
        for n, (code, label) in enumerate(i.labels.items())
    ]
    replace_wave(
        con,
        wave,
        {
            "raw.cluster_roster": pd.DataFrame(
                [
                    {
                        **c,
                        "klynge_navn": f"Klynge {c['klynge_id']}",
                        "speciale": f"Speciale {c['speciale_kode']}",
                        "region": "Region",
                    }
                    for c in clusters
                ]
            ),
            "raw.survey_structure": pd.DataFrame(structure).assign(position=range(len(structure))),
            "raw.survey_labels": pd.DataFrame(labels),
            "raw.survey_respondents": pd.DataFrame(
                [
                    {
                        "respondent_key": r["respondent_key"],
                        "source_file": "dataset.csv",
                        "source_row": n + 2,
                        "klynge": r["klynge_id"],
                        "speciale": r["speciale_kode"],
                        "region": 1,
                        "statoverall": r["statoverall"],
                        "starttime": pd.Timestamp(started) if started else pd.NaT,
                    }
                    for n, r in enumerate(respondents)
                ],
                columns=[
                    "respondent_key",
                    "source_file",
                    "source_row",
                    "klynge",
                    "speciale",
                    "region",
                    "statoverall",
                    "starttime",
                ],
            ),
            "raw.survey_answers": pd.DataFrame(data["answers"], columns=["source_row", "variable", "code"]),
            "raw.load_summary": pd.DataFrame(
                [
                    {
                        "source_file": "dataset.csv",
                        "file_sha256": "0",
                        "rows_received": len(respondents),
                        "rows_accepted": len(respondents),
                        "rows_quarantined": 0,
                        "rows_duplicate": 0,
                    }
                ]
            ),
        },
    )


# The independent computation, straight from the data contract's definitions.


def cell(answers: list[int], item: Item, reason: str | None) -> dict:
    valid = [a for a in answers if a != item.dont_know]
    positive = sum(a in item.positive for a in valid)
    if reason is not None:
        return {
            "suppressed": True,
            "suppression": reason,
            "n_valid": None,
            "n_dont_know": None,
            "n_positive": None,
            "share_positive": None,
            "ci_low": None,
            "ci_high": None,
        }
    low, high = wilson(positive, len(valid))
    return {
        "suppressed": False,
        "suppression": None,
        "n_valid": len(valid),
        "n_dont_know": len(answers) - len(valid),
        "n_positive": positive,
        "share_positive": positive / len(valid),
        "ci_low": low,
        "ci_high": high,
    }


def compare(unit: dict, reference: dict) -> str | None:
    if unit["suppressed"] or reference["suppressed"]:
        return None
    if unit["ci_low"] > reference["share_positive"]:
        return "above"
    if unit["ci_high"] < reference["share_positive"]:
        return "below"
    return "not_different"


def distribution(answers: list[int], item: Item, reason: str | None) -> dict[int, tuple]:
    valid = [a for a in answers if a != item.dont_know]
    published = reason is None
    return {
        code: (
            answers.count(code) if published else None,
            answers.count(code) / len(valid) if published and code != item.dont_know else None,
            not published,
            reason,
        )
        for code in item.labels
    }


def hidden_cells(items: list[Item], clusters: list[dict], answers, units, min_cell: int) -> dict:
    """Which cells are hidden and why, by the suppression rule (itself checked against an exact oracle in
    test_suppression); everything else here is computed independently of the pipeline."""
    rows = []
    for item in items:
        for c in clusters:
            valid = [a for a in answers(item, units[("cluster", c["klynge_id"])]) if a != item.dont_know]
            rows.append(
                {
                    "wave": "w",
                    "variable": item.variable,
                    "specialty_code": c["speciale_kode"],
                    "cluster_id": c["klynge_id"],
                    "valid_answers": len(valid),
                    "positive_answers": sum(a in item.positive for a in valid),
                }
            )
    pattern = suppression_pattern(pd.DataFrame(rows), min_cell, SMALL_GROUP).to_pandas()
    reasons = {}
    for row in pattern.itertuples():
        unit = {
            "cluster": ("cluster", row.cluster_id),
            "specialty": ("specialty", row.specialty_code),
            "national": ("national", None),
        }[row.level]
        unit = (unit[0], None if unit[1] is None or pd.isna(unit[1]) else int(unit[1]))
        reasons[(unit, row.variable)] = (row.suppression, row.distribution_suppression)
    return reasons


def expected_marts(wave: str, data: dict, min_cell: int) -> dict[str, dict]:
    items, clusters = data["items"], data["clusters"]
    completed = {r["respondent_key"]: r for r in data["respondents"] if r["statoverall"] == 4}
    given = {(a["respondent_key"], a["variable"]): a["code"] for a in data["answers"]}

    def answers(item: Item, keep) -> list[int]:
        return [
            given[(key, item.variable)] for key, r in completed.items() if keep(r) and (key, item.variable) in given
        ]

    units = {("cluster", c["klynge_id"]): (lambda r, c=c: r["klynge_id"] == c["klynge_id"]) for c in clusters}
    units |= {
        ("specialty", s): (lambda r, s=s: r["speciale_kode"] == s) for s in {c["speciale_kode"] for c in clusters}
    }
    units[("national", None)] = lambda r: True
    reasons = hidden_cells(items, clusters, answers, units, min_cell)
    cells = {
        (unit, i.variable): cell(answers(i, keep), i, reasons[(unit, i.variable)][0])
        for unit, keep in units.items()
        for i in items
    }
    marts: dict[str, dict] = {
        "cluster_results": {},
        "specialty_results": {},
        "national_results": {},
        "cluster_distribution": {},
        "specialty_distribution": {},
        "national_distribution": {},
        "cluster_response": {},
    }
    specialty_of = {c["klynge_id"]: c["speciale_kode"] for c in clusters}
    for (level, unit), variable in cells:
        row = dict(cells[((level, unit), variable)])
        national = cells[(("national", None), variable)]
        if level == "cluster":
            row["vs_specialty"] = compare(row, cells[(("specialty", specialty_of[unit]), variable)])
            row["vs_national"] = compare(row, national)
        if level == "specialty":
            shares = [
                cells[(("cluster", c), variable)]["share_positive"]
                for c, s in specialty_of.items()
                if s == unit and not cells[(("cluster", c), variable)]["suppressed"]
            ]
            row |= {
                "clusters_published": len(shares),
                "cluster_min": min(shares, default=None),
                "cluster_max": max(shares, default=None),
                "vs_national": compare(row, national),
            }
        marts[f"{level}_results"][(wave, unit, variable)] = row
    for (level, unit), keep in units.items():
        for item in items:
            reason = reasons[((level, unit), item.variable)][1]
            for code, (n, share, suppressed, why) in distribution(answers(item, keep), item, reason).items():
                marts[f"{level}_distribution"][(wave, unit, item.variable, code)] = {
                    "n": n,
                    "share": share,
                    "suppressed": suppressed,
                    "suppression": why,
                    "label": item.labels[code].strip(),
                    "is_dont_know": code == item.dont_know,
                }
    for c in clusters:
        rows = [r for r in data["respondents"] if r["klynge_id"] == c["klynge_id"]]
        marts["cluster_response"][(wave, c["klynge_id"])] = {
            "members": c["antal_medlemmer"],
            "invited": sum(r["statoverall"] in (2, 3, 4, 5) for r in rows),
            "respondents": sum(r["statoverall"] == 4 for r in rows),
            "partial": sum(r["statoverall"] == 3 for r in rows),
            "response_rate": sum(r["statoverall"] == 4 for r in rows) / c["antal_medlemmer"],
        }
    return marts


KEYS = {
    "cluster_results": ["wave", "cluster_id", "variable"],
    "specialty_results": ["wave", "specialty_code", "variable"],
    "national_results": ["wave", "variable"],
    "cluster_response": ["wave", "cluster_id"],
    "cluster_distribution": ["wave", "cluster_id", "variable", "code"],
    "specialty_distribution": ["wave", "specialty_code", "variable", "code"],
    "national_distribution": ["wave", "variable", "code"],
}


def published_marts(warehouse: Path) -> dict[str, dict]:
    marts = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table, keys in KEYS.items():
            frame = con.execute(f"SELECT * FROM marts.{table}").df().astype(object)
            frame = frame.where(frame.notna(), None)
            if table == "national_results" or table == "national_distribution":
                frame.insert(1, "unit", None)
                keys = keys[:1] + ["unit"] + keys[1:]
            marts[table] = {tuple(row[k] for k in keys): row for row in frame.to_dict("records")}
    return marts


def assert_same(expected: dict, actual: dict) -> None:
    for table, rows in expected.items():
        assert set(actual[table]) == set(rows), table
        for key, row in rows.items():
            for column, value in row.items():
                got = actual[table][key][column]
                where = f"{table}{key}.{column}: expected {value!r}, published {got!r}"
                if isinstance(value, float):
                    assert got is not None and math.isclose(got, value, rel_tol=0, abs_tol=1e-12), where
                else:
                    assert got == value, where


def expected_trends(waves: dict[str, dict], marts: dict[str, dict]) -> dict[str, dict]:
    """Trend rows between the later and the earlier wave: comparable items (same variable, texts and scale) whose
    cell is published in both waves, for units in both waves with the same keys; response rates likewise."""
    (earlier, before), (later, after) = waves.items()
    scale = {
        wave: {i.variable: (sorted(i.labels.items()), i.dont_know, i.positive, i.multiple) for i in data["items"]}
        for wave, data in waves.items()
    }
    comparable = [v for v in scale[later] if scale[earlier].get(v) == scale[later][v]]
    trends: dict[str, dict] = {f"{level}_trends": {} for level in ("cluster", "specialty", "national")}
    trends |= {f"{level}_response_trends": {} for level in ("cluster", "specialty", "national")}

    def units(wave: str, level: str) -> dict:
        if level == "cluster":
            return {c["klynge_id"]: c["speciale_kode"] for c in waves[wave]["clusters"]}
        if level == "specialty":
            return {c["speciale_kode"]: None for c in waves[wave]["clusters"]}
        return {None: None}

    def add(table: str, key: tuple, values: dict, k1: int, n1: int, k0: int, n0: int) -> None:
        change, low, high = newcombe(k1, n1, k0, n0)
        trends[table][key] = values | {
            "change": change,
            "change_ci_low": low,
            "change_ci_high": high,
            "change_direction": direction(low, high),
        }

    for level in ("cluster", "specialty", "national"):
        now, then = units(later, level), units(earlier, level)
        for unit in (u for u in now if u in then and now[u] == then[u]):
            for variable in comparable:
                cell, previous = (marts[f"{level}_results"][(w, unit, variable)] for w in (later, earlier))
                if cell["suppressed"] or previous["suppressed"]:
                    continue
                add(
                    f"{level}_trends",
                    (later, earlier, unit, variable),
                    {"share_positive": cell["share_positive"], "previous_share_positive": previous["share_positive"]},
                    cell["n_positive"],
                    cell["n_valid"],
                    previous["n_positive"],
                    previous["n_valid"],
                )
            counts = {}
            for wave in (later, earlier):
                clusters = [
                    c
                    for c in waves[wave]["clusters"]
                    if level == "national" or (c["klynge_id"] if level == "cluster" else c["speciale_kode"]) == unit
                ]
                ids = {c["klynge_id"] for c in clusters}
                respondents = sum(r["statoverall"] == 4 and r["klynge_id"] in ids for r in waves[wave]["respondents"])
                counts[wave] = (respondents, sum(c["antal_medlemmer"] for c in clusters))
            add(
                f"{level}_response_trends",
                (later, earlier, unit),
                {
                    "response_rate": counts[later][0] / counts[later][1],
                    "previous_response_rate": counts[earlier][0] / counts[earlier][1],
                },
                *counts[later],
                *counts[earlier],
            )
    return trends


def published_trends(warehouse: Path) -> dict[str, dict]:
    unit_key = {"cluster": "cluster_id", "specialty": "specialty_code", "national": None}
    trends = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for level, key in unit_key.items():
            for table, item in ((f"{level}_trends", True), (f"{level}_response_trends", False)):
                frame = con.execute(f"SELECT * FROM marts.{table}").df().astype(object)
                frame = frame.where(frame.notna(), None)
                trends[table] = {
                    (r["wave"], r["previous_wave"], r[key] if key else None, *([r["variable"]] if item else [])): r
                    for r in frame.to_dict("records")
                }
    return trends


def published_questionnaire_changes(warehouse: Path) -> set[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return set(
            con.execute("SELECT wave, previous_wave, variable, change FROM marts.questionnaire_changes").fetchall()
        )


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(first=waves("2025"), second=waves("2026"), min_cell=st.integers(1, 6), fieldwork_reversed=st.booleans())
def test_marts_equal_an_independent_computation(first, second, min_cell, fieldwork_reversed):
    # waves follow each other in fieldwork order, whatever their names: here 2026's fieldwork may come first
    started = {"2025": "2025-09-01 08:00", "2026": "2024-09-01 08:00" if fieldwork_reversed else "2026-09-01 08:00"}
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "kvis.duckdb"
        with connect(warehouse) as con:
            load_wave(con, "2025", first, started["2025"])
            load_wave(con, "2026", second, started["2026"])
        dbt_build_as_a_run(warehouse, {"min_cell": min_cell})
        expected = expected_marts("2025", first, min_cell)
        for table, rows in expected_marts("2026", second, min_cell).items():
            expected[table] |= rows
        assert_same(expected, published_marts(warehouse))
        # a wave without respondents has no start time and comes after the dated ones, then by name
        data = {"2025": first, "2026": second}
        start = {w: started[w] if data[w]["respondents"] else None for w in data}
        in_order = {w: data[w] for w in sorted(data, key=lambda w: (start[w] is None, start[w] or "", w))}
        trends = expected_trends(in_order, expected)
        assert_same(trends, published_trends(warehouse))
        (earlier, before), (later, after) = in_order.items()
        rescaled = {
            (later, earlier, i.variable, "rescaled")
            for i, j in zip(after["items"], before["items"])
            if (sorted(i.labels.items()), i.dont_know) != (sorted(j.labels.items()), j.dont_know)
        }
        assert published_questionnaire_changes(warehouse) == rescaled
