"""Dagster project of this data product (generated: the `orchestrator` answer is dagster)."""
