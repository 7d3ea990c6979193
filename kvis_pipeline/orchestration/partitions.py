"""Waves as Dagster's dynamic partitions."""

import dagster as dg

# A wave is one run of the survey (one landing folder); waves are added as their folders appear.
wave_partitions = dg.DynamicPartitionsDefinition(name="wave")
