"""Complementary suppression against an independent oracle: exact rational elimination over the sum equations."""

from fractions import Fraction

import duckdb
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kvis_pipeline.publish.disclosure_audit import exposed_cells
from kvis_pipeline.warehouse.suppression import COMPLEMENTARY, SMALL_GROUP, TOO_FEW, suppression_pattern


def determined_cells(units: dict[tuple, dict], hidden: set[tuple]) -> set[tuple]:
    """The hidden units whose value follows from the published ones: e_x in the row space of the equations
    'parent - sum of children = published constant' restricted to hidden units (reduced row echelon form, exact)."""
    order = sorted(hidden)
    pivots, pivot_rows = _reduced_row_echelon(_sum_equations(units, order))
    return {order[pivot] for pivot, row in zip(pivots, pivot_rows) if sum(1 for value in row if value) == 1}


def _sum_equations(units: dict[tuple, dict], order: list[tuple]) -> list[list[Fraction]]:
    column = {key: i for i, key in enumerate(order)}
    rows = []
    for parent, info in units.items():
        if not info["children"]:
            continue
        row = [Fraction(0)] * len(order)
        for child in info["children"]:
            if child in column:
                row[column[child]] += 1
        if parent in column:
            row[column[parent]] -= 1
        if any(row):
            rows.append(row)
    return rows


def _reduced_row_echelon(rows: list[list[Fraction]]) -> tuple[list[int], list[list[Fraction]]]:
    pivots, pivot_rows = [], []
    for row in rows:
        for pivot, pivot_row in zip(pivots, pivot_rows):
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * b for a, b in zip(row, pivot_row)]
        lead = next((i for i, value in enumerate(row) if value), None)
        if lead is None:
            continue
        row = [value / row[lead] for value in row]
        for index, pivot_row in enumerate(pivot_rows):
            if pivot_row[lead]:
                factor = pivot_row[lead]
                pivot_rows[index] = [a - factor * b for a, b in zip(pivot_row, row)]
        pivots.append(lead)
        pivot_rows.append(row)
    return pivots, pivot_rows


def small_hidden_totals(units: dict[tuple, dict], hidden: set[tuple], min_cell: int) -> bool:
    """Some published parent's hidden children add up to fewer than min_cell valid answers (but more than none)."""
    for parent, info in units.items():
        if info["children"] and parent not in hidden:
            total = [units[child]["valid"] for child in info["children"] if child in hidden]
            if total and sum(total) < min_cell:
                return True
    return False


def tree_units(clusters: list[tuple[int, int, int, int]]) -> dict[tuple, dict]:
    units = {("national",): {"valid": 0, "children": []}}
    for specialty, cluster, valid, _ in clusters:
        skey = ("specialty", specialty)
        if skey not in units:
            units[skey] = {"valid": 0, "children": []}
            units[("national",)]["children"].append(skey)
        units[("cluster", specialty, cluster)] = {"valid": valid, "children": []}
        units[skey]["children"].append(("cluster", specialty, cluster))
        units[skey]["valid"] += valid
        units[("national",)]["valid"] += valid
    return units


@st.composite
def waves(draw):
    clusters, cluster_id = [], 1
    for specialty in range(1, draw(st.integers(1, 6)) + 1):
        for _ in range(draw(st.integers(1, 20))):
            valid = draw(st.integers(0, 20))
            clusters.append((specialty, cluster_id, valid, draw(st.integers(0, valid))))
            cluster_id += 1
    return clusters, draw(st.integers(1, 10)), draw(st.integers(1, 12))


def pattern_of(clusters, min_cell, small_group) -> pd.DataFrame:
    counts = pd.DataFrame(clusters, columns=["specialty_code", "cluster_id", "valid_answers", "positive_answers"])
    return suppression_pattern(counts.assign(wave="2025", variable="s_3"), min_cell, small_group).to_pandas()


def key_of(row) -> tuple:
    if row.level == "national":
        return ("national",)
    if row.level == "specialty":
        return ("specialty", int(row.specialty_code))
    return ("cluster", int(row.specialty_code), int(row.cluster_id))


@settings(max_examples=150, deadline=None)
@given(wave=waves())
# hidden in the results for the nation's sake, but not needed by the distributions' own sums, which hide more
@example(wave=([(1, 1, 4, 2), (2, 2, 0, 0), (2, 3, 1, 0), (3, 4, 0, 0)], 1, 5))
def test_no_hidden_cell_is_determined_and_every_complementary_cell_is_needed(wave):
    clusters, min_cell, small_group = wave
    units = tree_units(clusters)
    pattern = pattern_of(clusters, min_cell, small_group)
    positives = {("cluster", s, c): p for s, c, _, p in clusters}
    results = {key_of(r) for r in pattern.itertuples() if r.suppression is not None}
    for column in ("suppression", "distribution_suppression"):
        reasons = {key_of(row): getattr(row, column) for row in pattern.itertuples()}
        hidden = {key for key, reason in reasons.items() if reason is not None}
        assert determined_cells(units, hidden) == set(), column
        assert not small_hidden_totals(units, hidden, min_cell), column
        for key, reason in reasons.items():
            valid = units[key]["valid"]
            small = (
                key[0] == "cluster"
                and valid < small_group
                and (column == "distribution_suppression" or positives[key] in (0, 1, valid - 1, valid))
            )
            if valid < min_cell:
                assert reason == TOO_FEW
            elif small:
                assert reason in (SMALL_GROUP, TOO_FEW)
            elif reason is not None and column == "suppression":
                assert reason == COMPLEMENTARY
            # needed: publishing it again exposes a cell or a small total, or (in the distributions) it is hidden
            # in the results, whose hidden cells a distribution's counts would otherwise give away
            if reason == COMPLEMENTARY and not (column == "distribution_suppression" and key in results):
                rest = hidden - {key}
                assert determined_cells(units, rest) or small_hidden_totals(units, rest, min_cell), key
    distributions = {key_of(r) for r in pattern.itertuples() if r.distribution_suppression is not None}
    assert results <= distributions


@settings(max_examples=100, deadline=None)
@given(wave=waves(), data=st.data())
def test_the_pipelines_audit_agrees_with_the_oracle_on_any_pattern(wave, data):
    clusters, _, _ = wave
    units = tree_units(clusters)
    hidden = {key for key in units if data.draw(st.booleans())}
    cells = pd.DataFrame(
        [
            {
                "level": key[0],
                "specialty_code": key[1] if len(key) > 1 else None,
                "cluster_id": key[2] if len(key) > 2 else None,
                "suppressed": key in hidden,
            }
            for key in units
        ]
    ).assign(wave="2025", variable="s_3", code=1)
    exposed = exposed_cells(publication_of(cells), "results", ["2025"])
    # the audit names columns (the nation, a specialty, the clusters of a specialty); a column's cells go together
    columns = {
        (row.kind, None if pd.isna(row.specialty_code) else int(row.specialty_code)) for row in exposed.itertuples()
    }
    column_of = {("national",): ("national", None)}
    column_of |= {key: (key[0], key[1]) for key in units if len(key) > 1}
    determined = determined_cells(units, hidden)
    assert {key for key in hidden if column_of[key] in columns} == determined
    assert exposed.hidden_cells.sum() == len(determined)


def publication_of(cells: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """The results and distribution marts of a publication, as the audit reads them, from one frame of cells
    (level, wave, variable, code, specialty_code, cluster_id, suppressed)."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    for level, keys in (("cluster", "specialty_code, cluster_id"), ("specialty", "specialty_code"), ("national", "")):
        rows = cells[cells.level == level]
        con.register("rows", rows)
        for family, code in (("results", ""), ("distribution", ", code")):
            con.execute(
                f"CREATE TABLE marts.{level}_{family} AS SELECT wave, {keys + ', ' if keys else ''}"
                f"variable{code}, suppressed FROM rows"
            )
        con.unregister("rows")
    return con


def test_a_specialty_with_one_cluster_is_hidden_with_it_and_the_nation_protected():
    # specialty 1: one cluster of 8 answers, all positive (small group); specialty 2 and 3 published
    clusters = [(1, 1, 8, 8), (2, 2, 30, 10), (2, 3, 25, 12), (3, 4, 12, 6), (3, 5, 40, 20)]
    by_key = {key_of(r): r.suppression for r in pattern_of(clusters, 5, 10).itertuples()}
    assert by_key[("cluster", 1, 1)] == SMALL_GROUP
    assert by_key[("specialty", 1)] == COMPLEMENTARY  # it equals its only cluster
    assert by_key[("specialty", 3)] == COMPLEMENTARY  # the smallest other specialty, so the nation hides neither
    assert by_key[("cluster", 3, 4)] == COMPLEMENTARY  # a hidden specialty is not the sum of published clusters
    assert by_key[("national",)] is None


def test_the_publication_audit_finds_a_cell_the_published_ones_determine():
    from kvis_pipeline.publish.expectations import _disclosure_audit

    clusters = [(1, 1, 8, 8), (2, 2, 30, 10), (2, 3, 25, 12), (3, 4, 12, 6), (3, 5, 40, 20)]
    pattern = pattern_of(clusters, 5, 10)
    con = publication_of(pattern.assign(suppressed=lambda f: f.suppression.notna(), code=1))
    assert _disclosure_audit(con, ["2025"]).exposed_cells.sum() == 0
    con.execute("UPDATE marts.cluster_results SET suppressed = false WHERE cluster_id = 4")  # complementary
    exposed = _disclosure_audit(con, ["2025"])
    # specialty 3 is now the sum of published clusters, so the nation gives specialty 1, which is cluster 1
    assert exposed.set_index("family").exposed_cells.to_dict() == {"results": 3, "distribution": 0}
