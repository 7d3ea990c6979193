"""Per wave, item and unit (cluster, specialty, nation): why its cell is hidden in the results and in the
distributions, or NULL where it is published. Primary, small-group and complementary suppression; the rule lives
in kvis_pipeline.warehouse.suppression, written once and tested there against an independent oracle."""

import os


def setting(value, variable: str, default: str) -> int:
    """A var as configured; dbt hands a Python model a project var's default unrendered, so read the environment
    as the var itself would (KVIS_MIN_CELL, KVIS_SMALL_GROUP)."""
    text = str(value)
    return int(text) if text.isdigit() else int(os.environ.get(variable, default))


def model(dbt, session):
    dbt.config(materialized="table")
    from kvis_pipeline.warehouse.suppression import suppression_pattern

    # wave and variable as categories: a Python string per row of text held hundreds of megabytes at 10^6
    counts = dbt.ref("int_cluster_item_counts").to_arrow_table().to_pandas(strings_to_categorical=True)
    return suppression_pattern(
        counts,
        setting(dbt.config.get("min_cell"), "KVIS_MIN_CELL", "5"),
        setting(dbt.config.get("small_group"), "KVIS_SMALL_GROUP", "10"),
    )
