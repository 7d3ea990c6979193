"""Newcombe's interval as the trends publish it: the plain-Python oracle reproduces the paper's worked examples, and
the dbt unit test of national_trends expects exactly the oracle's values for them."""

from pathlib import Path

import pytest
import yaml
from statistics_oracle import direction, newcombe

MARTS_YAML = Path(__file__).parents[2] / "dbt_project" / "models" / "marts" / "_marts.yml"

# Newcombe RG. Interval estimation for the difference between independent proportions: comparison of eleven
# methods. Statistics in Medicine 1998;17:873-890, Table II, method 10: (k1, n1, k0, n0) -> lower, upper of p1 - p0.
TABLE_II = {
    "a": ((56, 70, 48, 80), (0.0524, 0.3339)),
    "b": ((9, 10, 3, 10), (0.1705, 0.8090)),
    "c": ((6, 7, 2, 7), (0.0582, 0.8062)),
    "d": ((5, 56, 0, 29), (-0.0381, 0.1926)),
    "e": ((0, 10, 0, 20), (-0.1611, 0.2775)),
    "f": ((0, 10, 0, 10), (-0.2775, 0.2775)),
    "g": ((10, 10, 0, 20), (0.6791, 1.0)),
    "h": ((10, 10, 0, 10), (0.6075, 1.0)),
}


@pytest.mark.parametrize("example", sorted(TABLE_II))
def test_oracle_reproduces_newcombe_table_ii(example):
    counts, published = TABLE_II[example]
    change, low, high = newcombe(*counts)
    assert (round(low, 4), round(high, 4)) == published
    assert change == round(counts[0] / counts[1] - counts[2] / counts[3], 12)


def test_dbt_unit_test_expects_the_published_examples():
    unit_tests = {t["name"]: t for t in yaml.safe_load(MARTS_YAML.read_text(encoding="utf-8"))["unit_tests"]}
    test = unit_tests["newcombe_interval_reproduces_published_examples"]
    given = {
        (row["wave"], row["variable"]): (row["n_positive"], row["n_valid"])
        for row in next(g for g in test["given"] if g["input"] == "ref('national_results')")["rows"]
    }
    expected = {row["variable"]: row for row in test["expect"]["rows"]}
    assert set(expected) == {f"newcombe_{name}" for name in TABLE_II} | {"newcombe_a_reversed"}
    for variable, row in expected.items():
        counts = (*given[("2026", variable)], *given[("2025", variable)])
        change, low, high = newcombe(*counts)
        assert (row["change"], row["change_ci_low"], row["change_ci_high"]) == (change, low, high), variable
        assert row["change_direction"] == direction(low, high)
        name = variable.removeprefix("newcombe_")
        if name in TABLE_II:
            assert TABLE_II[name][0] == counts
            assert (round(low, 4), round(high, 4)) == TABLE_II[name][1]
    reversed_row = expected["newcombe_a_reversed"]
    assert reversed_row["change_direction"] == "down"
    assert (reversed_row["change_ci_low"], reversed_row["change_ci_high"]) == (
        -expected["newcombe_a"]["change_ci_high"],
        -expected["newcombe_a"]["change_ci_low"],
    )
