"""The disclosure audit: can any hidden cell of a publication be worked out from the published ones?

Per wave and item (and, in the distributions, per answer code) every parent is the sum of its children: the nation
of its specialties, a specialty of its clusters. With the published cells known, each such equation constrains the
hidden ones. A hidden cell is determined exactly when its unit vector lies in the row space of those equations
restricted to the hidden cells; this is tested with an orthonormal basis of the row space (a singular value
decomposition), one small matrix per wave and item: it has a row per parent only.
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
    equations = _sum_equations(units["level"].to_numpy(), units["specialty_code"].to_numpy(), is_hidden)
    if not len(equations):
        return []
    _, singular, basis = np.linalg.svd(equations, full_matrices=False)
    basis = basis[singular > TOLERANCE * max(singular.max(), 1.0)]
    in_row_space = (basis**2).sum(axis=0) > 1 - 1e-6
    return [int(position) for position in np.flatnonzero(is_hidden)[in_row_space]]


def _sum_equations(levels: np.ndarray, specialty_codes: np.ndarray, is_hidden: np.ndarray) -> np.ndarray:
    """One row per parent (the nation, then each specialty), one column per hidden unit: +1 for a hidden child,
    -1 for the parent itself when hidden; rows without a hidden unit left out."""
    hidden_positions = np.flatnonzero(is_hidden)
    specialties = np.flatnonzero(levels == "specialty")
    parent_row = {code: 1 + index for index, code in enumerate(specialty_codes[specialties].tolist())}
    matrix = np.zeros((1 + len(specialties), len(hidden_positions)))
    for column, position in enumerate(hidden_positions.tolist()):
        level = levels[position]
        if level == "national":
            matrix[0, column] = -1.0
        elif level == "specialty":
            matrix[0, column] = 1.0
            matrix[parent_row[specialty_codes[position]], column] = -1.0
        elif specialty_codes[position] in parent_row:  # a cluster: a child of its specialty
            matrix[parent_row[specialty_codes[position]], column] = 1.0
    return matrix[matrix.any(axis=1)]


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
