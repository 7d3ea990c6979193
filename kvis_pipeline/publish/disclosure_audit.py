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
    columns = {position: index for index, position in enumerate(np.flatnonzero(is_hidden))}
    parents = [("national", None)] + [
        ("specialty", code) for code in units.loc[units.level == "specialty", "specialty_code"].tolist()
    ]
    rows = []
    for level, code in parents:
        row = np.zeros(len(columns))
        if level == "national":
            parent = units.index[units.level == "national"]
            children = units.index[units.level == "specialty"]
        else:
            parent = units.index[(units.level == "specialty") & (units.specialty_code == code)]
            children = units.index[(units.level == "cluster") & (units.specialty_code == code)]
        for position in children:
            if position in columns:
                row[columns[position]] = 1.0
        for position in parent:
            if position in columns:
                row[columns[position]] = -1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    _, singular, basis = np.linalg.svd(np.vstack(rows), full_matrices=False)
    basis = basis[singular > TOLERANCE * max(singular.max(), 1.0)]
    in_row_space = (basis**2).sum(axis=0) > 1 - 1e-6
    return [position for position, index in columns.items() if in_row_space[index]]


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
