"""The data contract's row rules as a pandera schema built from the export's own Structure and Labels.

Each rule is a named pandera check. A row failing any rule goes to quarantine, one record per
failed rule, with the column and value the rule is about and a reason an operator can act on.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from kvis_pipeline.core.personal_data import shown
from kvis_pipeline.ingest.questionnaire import DURATION_VARIABLE, RESPONDENT_ID, TIMESTAMP_VARIABLES, Questionnaire

TIMESTAMP_PATTERN = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
NUMBER_PATTERN = r"\d+(\.\d+)?"

PROBLEM_COLUMNS = ["column_name", "value", "reason"]


@dataclass(frozen=True)
class RowRule:
    name: str
    column: str  # the column a failure is reported against
    explain: Callable[[pd.Series], str]  # the failing row -> the reason
    test: Callable[[pd.DataFrame], pd.Series]  # the frame -> True where the row passes
    reported_value: Callable[[pd.Series], str | None] | None = None


def build_row_rules(questionnaire: Questionnaire, roster: pd.DataFrame) -> list[RowRule]:
    rules = [
        RowRule(
            "respondentid_numeric",
            RESPONDENT_ID,
            lambda row: "respondentid is missing" if row[RESPONDENT_ID] == "" else "respondentid is not numeric",
            lambda df: df[RESPONDENT_ID].str.fullmatch(r"\d+"),
        )
    ]
    for variable in questionnaire.variables:
        name = variable.name
        if variable.is_multiple:
            allowed = sorted(variable.codes) if variable.codes else ["0", "1"]
            rules.append(
                RowRule(
                    f"multiple_choice_binary:{name}",
                    name,
                    lambda row, n=name: f"{n}: multiple-choice value {_quoted(row[n])} is not 0 or 1",
                    lambda df, n=name, a=allowed: df[n].isin(a) & df[n].isin(["0", "1"]),
                )
            )
        elif variable.is_single and name != "klynge":
            codes = list(variable.codes)
            rules.append(
                RowRule(
                    f"code_listed:{name}",
                    name,
                    lambda row, n=name, c=codes: (
                        f"{n}: code {_quoted(row[n])} is not listed in Labels for {n} "
                        f"(listed: {', '.join(c) or 'none'})"
                    ),
                    lambda df, n=name, c=codes: df[n].eq("") | df[n].isin(c),
                )
            )
        elif name in TIMESTAMP_VARIABLES:
            rules.append(_optional_pattern_rule(name, TIMESTAMP_PATTERN, "a time of the form YYYY-MM-DD HH:MM:SS"))
        elif name == DURATION_VARIABLE:
            rules.append(_optional_pattern_rule(name, NUMBER_PATTERN, "a number of seconds"))

    flags = [v.name for v in questionnaire.status_flags]
    rules.append(
        RowRule(
            "status_exactly_one",
            flags[0].rsplit("_", 1)[0],
            lambda row: (
                f"status flags {', '.join(flags)} must hold exactly one 1, found {sum(row[f] == '1' for f in flags)}"
            ),
            lambda df: df[flags].eq("1").sum(axis=1).eq(1),
            reported_value=lambda row: ",".join(row[f] for f in flags),
        )
    )

    cluster_specialty = dict(zip(roster["klynge_id"].astype(str), roster["speciale_kode"].astype(str)))
    cluster_region = dict(zip(roster["klynge_id"].astype(str), roster["region"]))
    region_labels = questionnaire.by_name["region"].codes
    rules += [
        RowRule(
            "cluster_in_roster",
            "klynge",
            lambda row: (
                "klynge is missing"
                if row["klynge"] == ""
                else f"klynge: cluster id {_quoted(row['klynge'])} is not in the roster"
            ),
            lambda df: df["klynge"].isin(cluster_specialty),
        ),
        RowRule(
            "specialty_matches_roster",
            "speciale",
            lambda row: (
                f"speciale {_quoted(row['speciale'])} contradicts the roster, which puts cluster {row['klynge']} "
                f"in specialty {cluster_specialty[row['klynge']]}"
            ),
            lambda df: ~df["klynge"].isin(cluster_specialty) | df["speciale"].eq(df["klynge"].map(cluster_specialty)),
        ),
        RowRule(
            "region_matches_roster",
            "region",
            lambda row: (
                f"region {_quoted(row['region'])} ({region_labels.get(row['region'], 'no label')}) contradicts the "
                f"roster, which puts cluster {row['klynge']} in {cluster_region[row['klynge']]}"
            ),
            lambda df: (
                ~df["klynge"].isin(cluster_region)
                | df["region"].map(region_labels).str.casefold().eq(df["klynge"].map(cluster_region).str.casefold())
            ),
        ),
        RowRule(
            "respondentid_unique",
            RESPONDENT_ID,
            lambda row: "respondentid occurs in more than one row with different content; all such rows are held back",
            lambda df: df[RESPONDENT_ID].eq("") | ~df[RESPONDENT_ID].duplicated(keep=False),
            reported_value=lambda row: None,
        ),
    ]
    return rules


def _quoted(value: str) -> str:
    """A cell as a reason quotes it: masked when it looks like personal data, cut when long."""
    return repr(shown(value))


def _optional_pattern_rule(name: str, pattern: str, expected: str) -> RowRule:
    """An open variable that may be empty but, when filled, must match `pattern`."""
    return RowRule(
        f"format:{name}",
        name,
        lambda row: f"{name}: {_quoted(row[name])} is not {expected}",
        lambda df: df[name].eq("") | df[name].str.fullmatch(pattern),
    )


def row_schema(rules: list[RowRule]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        checks=[pa.Check(rule.test, name=rule.name, ignore_na=False) for rule in rules],
        name="survey_dataset_rows",
    )


def find_row_problems(frame: pd.DataFrame, rules: list[RowRule]) -> pd.DataFrame:
    """One record per (row, failed rule), indexed like `frame`; empty when every row passes."""
    try:
        row_schema(rules).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
    else:
        return pd.DataFrame(columns=PROBLEM_COLUMNS, index=pd.Index([], dtype="int64"))
    by_name = {rule.name: rule for rule in rules}
    unexpected = failures[~failures["check"].isin(by_name)]
    if not unexpected.empty:
        raise RuntimeError(f"pandera reported failures outside the row rules: {unexpected.head().to_dict('records')}")
    broken = failures[failures["index"].isna()]
    if not broken.empty:  # a check that raised instead of judging rows: a bug, not a data problem
        raise RuntimeError(f"row rule(s) failed to run: {sorted(set(broken['check']))}")
    hits = failures[["check", "index"]].drop_duplicates()
    records = []
    for check, index in hits.itertuples(index=False):
        rule, row = by_name[check], frame.loc[index]
        value = rule.reported_value(row) if rule.reported_value else row[rule.column]
        value = None if value is None else shown(value)
        records.append((index, rule.column, value, rule.explain(row)))
    problems = pd.DataFrame.from_records(records, columns=["index", *PROBLEM_COLUMNS]).set_index("index")
    return problems.sort_index(kind="stable")
