"""Benchmarks (``make bench``). Never imported by the test suite."""
