"""The disclosure audit: can any hidden cell of a publication be worked out from the published ones?

Per wave and item (and, in the distributions, per answer code) every parent is the sum of its children: the nation
of its specialties, a specialty of its clusters. With the published cells known, each such equation constrains the
hidden ones. A hidden cell is determined exactly when its unit vector lies in the row space of those equations
restricted to the hidden cells: when the diagonal entry of the projection onto that row space is 1.

Hidden cells with the same column in those equations are determined together, and there are few such columns: the
nation, each hidden specialty, the hidden clusters of each specialty (one column for all of them), and clusters whose
specialty has no row in the tree (no equation holds them). DuckDB counts the hidden cells of each column, so the
audit never reads the cells themselves; the singular value decomposition is taken over the distinct columns, each
weighted by the square root of how many cells have it. That matrix has the same Gram matrix as the one with a column
per cell, hence the same singular values and the same projection.
"""

import duckdb
import numpy as np
import pandas as pd

TOLERANCE = 1e-9
FAMILIES = {"results": [], "distribution": ["code"]}  # each family of marts and what it adds to wave and item
NATIONAL, SPECIALTY, CLUSTER, ORPHAN = "national", "specialty", "cluster", "orphan"  # the kinds of column


def tree_keys(family: str) -> list[str]:
    """The columns that name one tree of sums in a family of marts."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    return ["wave", "variable", *FAMILIES[family]]


def hidden_columns(con: duckdb.DuckDBPyConnection, family: str, waves: list[str]) -> pd.DataFrame:
    """One row per tree (wave, variable and, in the distributions, code) and distinct column of its hidden cells:
    the tree's keys, kind, specialty_code (of a specialty or a cluster) and hidden_cells, how many have it."""
    tree = ", ".join(tree_keys(family))
    # family is one of FAMILIES, never input: the table names are the marts'
    query = f"""
        SELECT {tree}, '{NATIONAL}' AS kind, NULL::INTEGER AS specialty_code, count(*) AS hidden_cells
        FROM marts.national_{family} WHERE suppressed AND list_contains($waves, wave) GROUP BY ALL
        UNION ALL
        SELECT {tree}, '{SPECIALTY}', specialty_code, count(*)
        FROM marts.specialty_{family} WHERE suppressed AND list_contains($waves, wave) GROUP BY ALL
        UNION ALL
        SELECT {tree}, CASE WHEN s.has_row THEN '{CLUSTER}' ELSE '{ORPHAN}' END, c.specialty_code,
            count(*)
        FROM marts.cluster_{family} AS c
        LEFT JOIN (SELECT {tree}, specialty_code, true AS has_row FROM marts.specialty_{family}) AS s
            USING ({tree}, specialty_code)
        WHERE c.suppressed AND list_contains($waves, wave) GROUP BY ALL
    """
    return con.execute(query, {"waves": waves}).df()


def exposed_columns(kinds: np.ndarray, specialty_codes: np.ndarray, hidden_cells: np.ndarray) -> np.ndarray:
    """The distinct columns of one tree's hidden cells, as arrays: kind, specialty_code and hidden_cells.
    Returns which of them the published cells determine."""
    national, specialty, cluster = (kinds == NATIONAL), (kinds == SPECIALTY), (kinds == CLUSTER)
    in_tree = specialty | cluster
    specialties, specialty_row = np.unique(specialty_codes[in_tree], return_inverse=True)
    rows = np.zeros(len(kinds), dtype=int)
    rows[in_tree] = 1 + specialty_row  # the nation's equation, then each specialty's
    matrix = np.zeros((1 + len(specialties), len(kinds)))
    at = np.arange(len(kinds))
    matrix[0, at[national]] = -1.0
    matrix[0, at[specialty]] = 1.0
    matrix[rows[specialty], at[specialty]] = -1.0
    matrix[rows[cluster], at[cluster]] = 1.0
    matrix = matrix[matrix.any(axis=1)]
    if not len(matrix):
        return np.zeros(len(kinds), dtype=bool)
    weights = np.sqrt(hidden_cells.astype(float))
    left, singular, _ = np.linalg.svd(matrix * weights, full_matrices=False)
    kept = singular > TOLERANCE * max(singular.max(), 1.0)
    # the projection's diagonal entry for a column a: |S^-1 U^T a|^2 over the kept singular values
    projection = (((left[:, kept].T @ matrix) / singular[kept, None]) ** 2).sum(axis=0)
    return projection > 1 - 1e-6


def exposed_cells(con: duckdb.DuckDBPyConnection, family: str, waves: list[str]) -> pd.DataFrame:
    """The hidden columns (as hidden_columns) whose cells the published ones determine; none, in a sound
    publication."""
    columns = hidden_columns(con, family, waves)
    kinds, codes = columns["kind"].to_numpy(), columns["specialty_code"].to_numpy()
    cells = columns["hidden_cells"].to_numpy()
    exposed = np.zeros(len(columns), dtype=bool)
    # each tree's rows as arrays: a DataFrame per tree cost more than the audit itself
    for rows in columns.groupby(tree_keys(family), sort=False, dropna=False).indices.values():
        exposed[rows] = exposed_columns(kinds[rows], codes[rows], cells[rows])
    return columns[exposed].reset_index(drop=True)
