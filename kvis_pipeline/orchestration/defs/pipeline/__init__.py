"""The jobs that run a wave end to end."""
