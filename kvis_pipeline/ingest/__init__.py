"""Ingest: read a landing wave (decoding, export forms, roster, questionnaire), apply the row rules, pseudonymise
and load it."""
