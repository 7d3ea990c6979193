"""Development tools, not pipeline code: the reference-wave generator, an export writer and the benchmark."""
