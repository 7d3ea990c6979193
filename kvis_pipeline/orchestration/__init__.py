"""Wiring: the only package that imports Dagster and dbt's Python API; run locks and run state for the CLI."""

from kvis_pipeline.orchestration.dbt_core_hidden import hide_dbt_core_from_dagster_dbt

hide_dbt_core_from_dagster_dbt()
