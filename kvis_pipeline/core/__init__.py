"""Shared by every stage: settings, errors, personal-data masking, atomic writes, fingerprints, stage timings."""
