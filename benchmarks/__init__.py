"""Benchmarks and the synthetic dump generator they (and some tests) use."""
