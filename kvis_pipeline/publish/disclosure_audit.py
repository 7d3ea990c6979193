"""The disclosure audit: can any hidden cell of a publication be worked out from the published ones?

Per wave and item (and, in the distributions, per answer code) every parent is the sum of its children: the nation
of its specialties, a specialty of its clusters. With the published cells known, each such equation constrains the
hidden ones. A hidden cell is determined exactly when its unit vector lies in the row space of those equations
restricted to the hidden cells: when the diagonal entry of the projection onto that row space is 1. One small
matrix per wave and item, a row per parent only; its columns (one per hidden cell) take few distinct values, since
the hidden clusters of one specialty all have the same column, so the singular value decomposition is taken over
the distinct columns, each weighted by the square root of how often it occurs. That matrix has the same Gram matrix,
hence the same singular values and the same projection, and its size does not grow with the clusters.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

TOLERANCE = 1e-9


@dataclass(frozen=True)
class ExposedCell:
    table: str
    wave: str
    variable: str
    level: str
    specialty_code: int | None
    cluster_id: int | None


def exposed_in_tree(hidden: pd.DataFrame) -> list[int]:
    """hidden: one row per unit of one wave and item, columns level, specialty_code, cluster_id, suppressed.
    Returns the positions (in `hidden`) of hidden cells the published ones determine."""
    units = hidden.reset_index(drop=True)
    is_hidden = units["suppressed"].to_numpy(dtype=bool)
    if not is_hidden.any():
        return []
    equations, of_cell, counts = _sum_equations(
        units["level"].to_numpy(), units["specialty_code"].to_numpy(), is_hidden
    )
    if not len(equations):
        return []
    left, singular, _ = np.linalg.svd(equations * np.sqrt(counts), full_matrices=False)
    kept = singular > TOLERANCE * max(singular.max(), 1.0)
    # the projection's diagonal entry for a column a: |S^-1 U^T a|^2 over the kept singular values
    projection = (((left[:, kept].T @ equations) / singular[kept, None]) ** 2).sum(axis=0)
    in_row_space = projection[of_cell] > 1 - 1e-6
    return [int(position) for position in np.flatnonzero(is_hidden)[in_row_space]]


NATIONAL, SPECIALTY, CLUSTER, ORPHAN = range(4)  # the kinds of column a hidden unit has


def _sum_equations(
    levels: np.ndarray, specialty_codes: np.ndarray, is_hidden: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per parent (the nation, then each specialty; rows without a hidden unit left out) and one column per
    distinct column of the hidden units: +1 for a hidden child, -1 for the parent itself when hidden. Also which of
    them each hidden unit has, and how many have each."""
    hidden_positions = np.flatnonzero(is_hidden)
    specialties = np.flatnonzero(levels == "specialty")
    parent_rows = 1 + len(specialties)
    level = levels[hidden_positions]
    parent_row = 1 + pd.Index(specialty_codes[specialties]).get_indexer(specialty_codes[hidden_positions])
    kind = np.select(
        [level == "national", level == "specialty", (level == "cluster") & (parent_row > 0)],
        [NATIONAL, SPECIALTY, CLUSTER],
        ORPHAN,  # a cluster whose specialty is not among the units: no equation holds it
    )
    keys = kind * parent_rows + np.where(np.isin(kind, [SPECIALTY, CLUSTER]), parent_row, 0)
    distinct, of_cell, counts = np.unique(keys, return_inverse=True, return_counts=True)
    kinds, rows = np.divmod(distinct, parent_rows)
    columns = np.arange(len(distinct))
    matrix = np.zeros((parent_rows, len(distinct)))
    matrix[0, columns[kinds == NATIONAL]] = -1.0
    matrix[0, columns[kinds == SPECIALTY]] = 1.0
    matrix[rows[kinds == SPECIALTY], columns[kinds == SPECIALTY]] = -1.0
    matrix[rows[kinds == CLUSTER], columns[kinds == CLUSTER]] = 1.0
    return matrix[matrix.any(axis=1)], of_cell.ravel(), counts


def audit_publication(levels: dict[str, pd.DataFrame], table: str) -> list[ExposedCell]:
    """levels: the cluster, specialty and national frames of one family of marts (results or distributions), each
    with wave, variable, suppressed and its unit keys (distributions: also code). Every hidden cell is tested."""
    frames = []
    for level, frame in levels.items():
        frame = frame.assign(level=level)
        for key in ("specialty_code", "cluster_id"):
            if key not in frame:
                frame[key] = pd.NA
        frames.append(frame)
    cells = pd.concat(frames, ignore_index=True)
    groups = ["wave", "variable"] + (["code"] if "code" in cells else [])
    exposed = []
    for _, tree in cells.groupby(groups, sort=True):
        tree = tree.reset_index(drop=True)
        for position in exposed_in_tree(tree):
            cell = tree.iloc[position]
            exposed.append(
                ExposedCell(
                    table,
                    str(cell.wave),
                    str(cell.variable),
                    str(cell.level),
                    None if pd.isna(cell.specialty_code) else int(cell.specialty_code),
                    None if pd.isna(cell.cluster_id) else int(cell.cluster_id),
                )
            )
    return exposed
