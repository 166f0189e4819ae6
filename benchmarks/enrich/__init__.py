"""Enrichment throughput, start-up and memory benchmark (run: python -m benchmarks.enrich)."""
