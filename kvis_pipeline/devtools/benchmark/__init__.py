"""The benchmark: kvis against a hand-written DuckDB floor on synthetic waves."""
