"""Team metrics: pure computation over rows the store reads (see `metrics`)."""
