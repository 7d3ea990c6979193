"""Great Expectations on a staged publication, before it is swapped in; Data Docs go next to the publication.

GX 1.x cannot validate DuckDB through SQLAlchemy, so each published table is read from the staged file into a
DataFrame and validated there.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no telemetry from an unattended pipeline

import duckdb  # noqa: E402
import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.row_conditions import Column  # noqa: E402

MAX_ROWS_PER_PART = 2_000_000
UNIT_KEYS = {"cluster": ["wave", "cluster_id"], "specialty": ["wave", "specialty_code"], "national": ["wave"]}
LEVELS = list(UNIT_KEYS)


@dataclass(frozen=True)
class ExpectationOutcome:
    frame: str
    expectation: str
    column: str
    success: bool
    unexpected_count: int
    examples: list


def _fraction(column: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1)


def _results_suite(level: str) -> list[gxe.Expectation]:
    keys = UNIT_KEYS[level] + ["variable"]
    return [
        _unique(keys),
        *(_fraction(c) for c in ["share_positive", "ci_low", "ci_high"]),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="share_positive", column_B="ci_low", or_equal=True,
                                                    ignore_row_if="either_value_is_missing"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ci_high", column_B="share_positive", or_equal=True,
                                                    ignore_row_if="either_value_is_missing"),
        *(gxe.ExpectColumnValuesToBeNull(column=c, row_condition=Column("suppressed") == True)
          for c in ["n_valid", "n_dont_know", "n_positive", "share_positive", "ci_low", "ci_high"]),
        gxe.ExpectColumnValuesToNotBeNull(column="share_positive", row_condition=Column("suppressed") == False),
    ]


def _distribution_suite(level: str) -> list[gxe.Expectation]:
    return [
        _unique(UNIT_KEYS[level] + ["variable", "code"]),
        _fraction("share"),
        gxe.ExpectColumnValuesToBeNull(column="n", row_condition=Column("suppressed") == True),
    ]


def _unique(keys: list[str]) -> gxe.Expectation:
    if len(keys) == 1:
        return gxe.ExpectColumnValuesToBeUnique(column=keys[0])
    return gxe.ExpectCompoundColumnsToBeUnique(column_list=keys)


def _response_suite(level: str) -> list[gxe.Expectation]:
    return [
        _unique(UNIT_KEYS[level]),
        _fraction("response_rate"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="members", column_B="respondents", or_equal=True),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="invited", column_B="respondents", or_equal=True),
    ]


def suites() -> dict[str, list[gxe.Expectation]]:
    """The expectations per frame: the published tables, and two frames derived from them (see below)."""
    return {
        **{f"{level}_results": _results_suite(level) for level in LEVELS},
        **{f"{level}_distribution": _distribution_suite(level) for level in LEVELS},
        **{f"{level}_response": _response_suite(level) for level in LEVELS},
        "load_summary": [_unique(["wave", "source_file"])],
        # the roster's clusters and the published ones, as a frame rather than a value set: GX copies an
        # expectation's configuration thousands of times, which took 19 s with 74 000 clusters in the set
        "roster_coverage": [gxe.ExpectColumnValuesToBeNull(column=c) for c in ["missing_from_results", "not_in_roster"]],
        # the disclosure audit: per results or distribution family, wave and item, the hidden cells the published
        # ones determine (see disclosure_audit); none may be
        "disclosure_audit": [gxe.ExpectColumnValuesToBeBetween(column="exposed_cells", min_value=0, max_value=0)],
        "level_totals": [
            gxe.ExpectColumnPairValuesToBeEqual(column_A=f"{measure}_{a}", column_B=f"{measure}_{b}")
            for measure in ["members", "respondents", "n_valid", "n_positive"]
            for a, b in [("cluster", "specialty"), ("specialty", "national")]
        ],
    }


# The columns each frame's expectations read: a frame holds no more, at 10^6 respondents cluster_distribution alone
# has 14 million rows.
_RESULT_COLUMNS = ["variable", "n_valid", "n_dont_know", "n_positive", "share_positive", "ci_low", "ci_high", "suppressed"]
_DISTRIBUTION_COLUMNS = ["variable", "code", "n", "share", "suppressed"]
_RESPONSE_COLUMNS = ["members", "invited", "respondents", "response_rate"]


def _frame_queries() -> dict[str, str]:
    """Per frame, the query giving the rows of the waves being published ($waves)."""
    def of(table: str, columns: list[str]) -> str:
        return f"SELECT {', '.join(columns)} FROM marts.{table} WHERE list_contains($waves, wave)"

    return {
        **{f"{level}_results": of(f"{level}_results", UNIT_KEYS[level] + _RESULT_COLUMNS) for level in LEVELS},
        **{f"{level}_distribution": of(f"{level}_distribution", UNIT_KEYS[level] + _DISTRIBUTION_COLUMNS)
           for level in LEVELS},
        **{f"{level}_response": of(f"{level}_response", UNIT_KEYS[level] + _RESPONSE_COLUMNS) for level in LEVELS},
        "load_summary": of("load_summary", ["wave", "source_file"]),
        # The clusters with results (compared with the roster's in roster_coverage).
        "published_clusters": "SELECT DISTINCT wave || ':' || cluster_id AS wave_cluster FROM marts.cluster_results "
                              "WHERE list_contains($waves, wave)",
        # Counts add up across levels (summed over published and suppressed cells alike, from the response
        # tables and, for items, from the cells nobody suppressed at any level).
        "level_totals": _LEVEL_TOTALS,
    }


def _roster_coverage(roster_clusters: set[str], published: pd.DataFrame) -> pd.DataFrame:
    """Every roster cluster has results and every cluster with results is in the roster: one row per cluster of
    either, naming it in the column for the side it is missing from."""
    published_clusters = set(published["wave_cluster"].astype(str))
    clusters = pd.Series(sorted(roster_clusters | published_clusters), dtype=object)
    return pd.DataFrame({
        "missing_from_results": clusters.where(~clusters.isin(published_clusters)),
        "not_in_roster": clusters.where(~clusters.isin(roster_clusters)),
    })


def _frames_by_cluster(con: duckdb.DuckDBPyConnection, name: str, query: str,
                       waves: list[str]) -> Iterator[pd.DataFrame]:
    """A frame whole, or a frame keyed by cluster in parts of at most MAX_ROWS_PER_PART rows, split by cluster id.
    Every key holds the cluster id, so rows in different parts never share a key and each expectation judged per
    part is judged whole. GX on pandas needs about nine times a frame's memory: 3.4 GB for 14 million rows."""
    if not name.startswith("cluster_"):  # the other frames are small: a specialty, the nation, or one row per wave
        yield _frame(con, query, waves)
        return
    rows = con.execute(f"SELECT count(*) FROM ({query})", {"waves": waves}).fetchone()[0]
    parts = max(1, -(-rows // MAX_ROWS_PER_PART))
    for part in range(parts):
        yield _frame(con, f"SELECT * FROM ({query}) WHERE cluster_id % {parts} = {part}", waves)


def _frame(con: duckdb.DuckDBPyConnection, query: str, waves: list[str]) -> pd.DataFrame:
    """A frame whose text columns are pandas categories: one Python string per distinct value, not per row."""
    table = con.execute(query, {"waves": waves}).arrow().read_all()
    for position, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            table = table.set_column(position, field.name, table.column(position).dictionary_encode())
    return table.to_pandas()


_LEVEL_TOTALS = """
WITH items AS (
    SELECT n.wave, n.variable FROM marts.national_results AS n
    WHERE NOT EXISTS (SELECT 1 FROM marts.cluster_results AS c WHERE c.wave = n.wave AND c.variable = n.variable
                      AND c.suppressed)
)
SELECT
    r.wave,
    (SELECT sum(members) FROM marts.cluster_response AS c WHERE c.wave = r.wave) AS members_cluster,
    (SELECT sum(members) FROM marts.specialty_response AS s WHERE s.wave = r.wave) AS members_specialty,
    r.members AS members_national,
    (SELECT sum(respondents) FROM marts.cluster_response AS c WHERE c.wave = r.wave) AS respondents_cluster,
    (SELECT sum(respondents) FROM marts.specialty_response AS s WHERE s.wave = r.wave) AS respondents_specialty,
    r.respondents AS respondents_national,
    (SELECT coalesce(sum(n_valid), 0) FROM marts.cluster_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_valid_cluster,
    (SELECT coalesce(sum(n_valid), 0) FROM marts.specialty_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_valid_specialty,
    (SELECT coalesce(sum(n_valid), 0) FROM marts.national_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_valid_national,
    (SELECT coalesce(sum(n_positive), 0) FROM marts.cluster_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_positive_cluster,
    (SELECT coalesce(sum(n_positive), 0) FROM marts.specialty_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_positive_specialty,
    (SELECT coalesce(sum(n_positive), 0) FROM marts.national_results JOIN items USING (wave, variable)
     WHERE wave = r.wave) AS n_positive_national
FROM marts.national_response AS r
WHERE list_contains($waves, r.wave)
"""


def _disclosure_audit(con: duckdb.DuckDBPyConnection, waves: list[str]) -> pd.DataFrame:
    """One row per family (results, distribution), wave and item: how many hidden cells can be worked out."""
    from kvis_pipeline.lib.disclosure_audit import audit_publication

    rows = []
    for family, extra in (("results", []), ("distribution", ["code"])):
        keys = {"cluster": ["wave", "specialty_code", "cluster_id"], "specialty": ["wave", "specialty_code"],
                "national": ["wave"]}  # a cluster with its specialty: the tree of sums
        levels = {level: con.execute(
            f"SELECT {', '.join(keys[level] + ['variable', *extra, 'suppressed'])} FROM marts.{level}_{family} "
            "WHERE list_contains($waves, wave)", {"waves": waves}).df() for level in LEVELS}
        exposed = audit_publication(levels, family)
        counts = pd.Series([(c.wave, c.variable) for c in exposed], dtype=object).value_counts()
        for (wave, variable), _ in levels["national"].groupby(["wave", "variable"]):
            rows.append({"family": family, "wave": wave, "variable": variable,
                         "exposed_cells": int(counts.get((wave, variable), 0))})
    return pd.DataFrame(rows, columns=["family", "wave", "variable", "exposed_cells"])


def validate_publication(database: Path, roster_clusters: set[str], docs_dir: Path,
                         waves: list[str]) -> list[ExpectationOutcome]:
    """Run one GX checkpoint per frame over the rows of `waves`, the waves this run publishes anew (the rest are
    copied unchanged and were validated when they were published); Data Docs (rebuilt each time) go to docs_dir."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    shutil.rmtree(docs_dir, ignore_errors=True)
    context.add_data_docs_site(site_name="kvis", site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    source = context.data_sources.add_pandas("publication")
    queries = _frame_queries()
    outcomes: list[ExpectationOutcome] = []
    with duckdb.connect(str(database), read_only=True) as con:
        for name, expectations in suites().items():
            checkpoint = _checkpoint(context, source, name, expectations)
            if name == "roster_coverage":
                frames = [_roster_coverage(roster_clusters, _frame(con, queries["published_clusters"], waves))]
            elif name == "disclosure_audit":
                frames = [_disclosure_audit(con, waves)]
            else:
                frames = _frames_by_cluster(con, name, queries[name], waves)
            for frame in frames:
                outcomes += _outcomes(name, checkpoint.run(batch_parameters={"dataframe": frame}))
    context.build_data_docs(site_names=["kvis"])  # once for all checkpoints, not once per checkpoint
    return _merged(outcomes)


def _checkpoint(context, source, name: str, expectations: list[gxe.Expectation]) -> gx.Checkpoint:
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("whole")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    return context.checkpoints.add(gx.Checkpoint(name=f"publication_{name}", validation_definitions=[definition]))


def _outcomes(name: str, result) -> list[ExpectationOutcome]:
    outcomes = []
    for validation in result.run_results.values():
        for check in validation.results:
            kwargs = check.expectation_config.kwargs
            outcomes.append(ExpectationOutcome(
                frame=name,
                expectation=check.expectation_config.type,
                column=str(kwargs.get("column") or kwargs.get("column_list")
                           or f"{kwargs.get('column_A')} vs {kwargs.get('column_B')}"),
                success=bool(check.success),
                unexpected_count=int(check.result.get("unexpected_count") or 0),
                examples=[str(v) for v in (check.result.get("partial_unexpected_list") or [])[:5]],
            ))
    return outcomes


def _merged(outcomes: list[ExpectationOutcome]) -> list[ExpectationOutcome]:
    """One outcome per frame and expectation, over the parts a frame was validated in."""
    merged: dict[tuple[str, str, str], ExpectationOutcome] = {}
    for o in outcomes:
        key = (o.frame, o.expectation, o.column)
        seen = merged.get(key)
        merged[key] = o if seen is None else ExpectationOutcome(
            o.frame, o.expectation, o.column, seen.success and o.success, seen.unexpected_count + o.unexpected_count,
            (seen.examples + o.examples)[:5])
    return list(merged.values())
