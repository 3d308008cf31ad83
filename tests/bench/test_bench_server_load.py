"""`make bench` entry for the server load benchmark (tests/bench/bench_server_load.py)."""

from __future__ import annotations

from bench_server_load import run


def test_bench_server_load() -> None:
    figures = run(n_clients=200, per_client=500, batch=100, workers=2)
    assert figures["server_changes"] == 100_000 + 45  # the clients' changes and the seeded areas
    assert figures["lost"] == 0 and figures["duplicated"] == 0
