"""Dagster definitions by area, loaded by folder: ingestion, transformation, publication, reports, automation."""
