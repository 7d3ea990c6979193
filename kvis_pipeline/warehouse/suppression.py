"""Which published cells are hidden, and why: primary, small-group and complementary suppression.

Per wave and item the units form a two-level tree of sums: the nation is the sum of its specialties, a specialty
the sum of its clusters. A cell is hidden

- `too_few_answers`: it rests on fewer than `min_cell` valid answers;
- `small_group` (clusters only): fewer than `small_group` valid answers of which all, or all but one, fall on the
  same side (0, 1, n-1 or n positive); cluster distributions are moreover shown only from `small_group` answers;
- `complementary`: hidden in addition, because the published cells would otherwise determine a hidden one.

Written by hand: no maintained Python library does cell suppression (tau-ARGUS and R's GaussSuppression are not
Python). For a tree of sums a hidden cell is determined exactly when (see `exposed_units`):

- it is the only hidden child of a published parent, or the only hidden cell left in the nation's equations;
- it is a hidden parent all of whose children are published (it is their sum);
- it is a hidden specialty that is the only hidden cell besides its own hidden clusters on the nation's side.

Besides exact disclosure, hidden children of a published parent whose valid answers add up to fewer than
`min_cell` are protected too, since their small total would be published in effect. The fix is always to hide the
published sibling with the fewest valid answers (ties: lowest code), repeated until nothing is exposed; then each
complementary cell that can be published again without exposing anything is published again.
"""

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

NATIONAL = ("national",)
TOO_FEW = "too_few_answers"
SMALL_GROUP = "small_group"
COMPLEMENTARY = "complementary"


@dataclass
class Unit:
    key: tuple  # ("national",), ("specialty", code) or ("cluster", code, cluster_id)
    valid: int
    parent: tuple | None
    reason: str | None = None

    @property
    def hidden(self) -> bool:
        return self.reason is not None


class Tree:
    """One wave and item: the nation, its specialties and their clusters, with what is hidden."""

    def __init__(
        self, clusters: list[tuple[int, int, int, int]], min_cell: int, small_group: int, distribution: bool = False
    ):
        """clusters: (specialty_code, cluster_id, valid answers, positive answers)."""
        self.min_cell = min_cell
        self.units: dict[tuple, Unit] = {("national",): Unit(("national",), 0, None)}
        self.children: dict[tuple, list[tuple]] = {("national",): []}
        for specialty, cluster, valid, positive in sorted(clusters):
            skey, ckey = ("specialty", specialty), ("cluster", specialty, cluster)
            if skey not in self.units:
                self.units[skey] = Unit(skey, 0, ("national",))
                self.children[skey] = []
                self.children[("national",)].append(skey)
            self.units[ckey] = Unit(ckey, valid, skey)
            self.children[skey].append(ckey)
            self.units[skey].valid += valid
            self.units[("national",)].valid += valid
            if valid < small_group and positive in (0, 1, valid - 1, valid) or distribution and valid < small_group:
                self.units[ckey].reason = SMALL_GROUP
        for unit in self.units.values():
            if unit.valid < min_cell:
                unit.reason = TOO_FEW

    def suppress(self) -> dict[tuple, str | None]:
        """Hide complementary cells until no hidden cell is exposed, then publish again those not needed."""
        added: list[tuple] = []
        for specialty in self.children[NATIONAL]:
            self._fix(specialty, added)
        self._fix(NATIONAL, added)
        for key in reversed(added):
            self.units[key].reason = None
            if any(self._exposed(parent) for parent in self._equations_of(key)):
                self.units[key].reason = COMPLEMENTARY
        return {key: unit.reason for key, unit in self.units.items()}

    def _fix(self, parent: tuple, added: list[tuple]) -> None:
        while self._exposed(parent):
            key = self._next_to_hide(parent)
            self.units[key].reason = COMPLEMENTARY
            added.append(key)
            if key[0] == "specialty" and key != parent:
                self._fix(key, added)  # a newly hidden specialty must not be the sum of published clusters

    def _exposed(self, parent: tuple) -> bool:
        """Whether the equation `parent = sum of its children` determines a hidden cell (or publishes a small
        total of hidden ones)."""
        hidden = [k for k in self.children[parent] if self.units[k].hidden]
        if self.units[parent].hidden:
            return not hidden  # the sum of published children
        if len(hidden) == 1:
            return True  # the published parent less the published children
        return bool(hidden) and sum(self.units[k].valid for k in hidden) < self.min_cell

    def _next_to_hide(self, parent: tuple) -> tuple:
        """The published child with the fewest valid answers (ties: lowest code); the parent itself when every
        child is hidden (a specialty with a single cluster equals it)."""
        published = [k for k in self.children[parent] if not self.units[k].hidden]
        if not published:
            return parent
        return min(published, key=lambda k: (self.units[k].valid, k))

    def _equations_of(self, key: tuple) -> list[tuple]:
        """The equations a cell appears in: its parent's, and its own when it has children."""
        return [k for k in (self.units[key].parent, key) if k is not None and k in self.children]


PATTERN_SCHEMA = pa.schema(
    [
        ("level", pa.string()),
        ("wave", pa.string()),
        ("specialty_code", pa.int64()),
        ("cluster_id", pa.int64()),
        ("variable", pa.string()),
        ("suppression", pa.string()),
        ("distribution_suppression", pa.string()),
    ]
)


def suppression_pattern(counts: pd.DataFrame, min_cell: int, small_group: int) -> pa.Table:
    """counts: one row per wave, specialty_code, cluster_id and variable with valid_answers and positive_answers.

    Returns per level, wave, specialty_code, cluster_id (NULL above clusters) and variable the reason each cell is
    hidden in the results (`suppression`) and in the distributions (`distribution_suppression`), NULL where shown.
    Built as Arrow columns one wave and item at a time: a Python row per cell held gigabytes at 10^6 respondents.
    Wave and variable may be categorical; only the pairs present are trees.
    """
    batches = []
    for (wave, variable), group in counts.groupby(["wave", "variable"], sort=True, observed=True):
        clusters = list(
            zip(
                group.specialty_code.astype(int),
                group.cluster_id.astype(int),
                group.valid_answers.astype(int),
                group.positive_answers.astype(int),
            )
        )
        results = Tree(clusters, min_cell, small_group).suppress()
        distributions = Tree(clusters, min_cell, small_group, distribution=True)
        for key, reason in results.items():  # a cell hidden in the results is hidden in the distribution too
            if reason is not None and not distributions.units[key].hidden:
                distributions.units[key].reason = reason
        shown = distributions.suppress()
        keys = list(results)
        batches.append(
            pa.record_batch(
                [
                    pa.array([key[0] for key in keys]),
                    pa.array([wave] * len(keys)),
                    pa.array([key[1] if key[0] != "national" else None for key in keys], pa.int64()),
                    pa.array([key[2] if key[0] == "cluster" else None for key in keys], pa.int64()),
                    pa.array([variable] * len(keys)),
                    pa.array(list(results.values()), pa.string()),
                    pa.array([shown[key] for key in keys], pa.string()),
                ],
                schema=PATTERN_SCHEMA,
            )
        )
    return pa.Table.from_batches(batches, schema=PATTERN_SCHEMA)
