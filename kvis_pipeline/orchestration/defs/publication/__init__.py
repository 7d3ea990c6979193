"""The marts published as DuckDB and Parquet, checked by Great Expectations before the swap."""
