"""Publish: the staged publication, its swap, its Great Expectations checks and the disclosure audit."""
