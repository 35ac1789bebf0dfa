"""Benchmarks: `python -m benchmarks.scan` and friends print measured figures against goals."""
