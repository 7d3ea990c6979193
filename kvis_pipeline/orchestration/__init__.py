"""Wiring: the only package that imports Dagster and dbt's Python API; run locks and run state for the CLI."""
