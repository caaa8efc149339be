"""Benchmarks reachable as `edgepos bench NAME`; each prints one JSON object as its last line."""
