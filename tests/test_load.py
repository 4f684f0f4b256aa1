"""Expensive queries under load on a real Reuters index: no single request may cost the server so much
that everyone else waits."""

import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from .searcher_cli import server_log, start_server, stop_server

# each of these once walked every posting or every word of the index (seconds on Reuters)
EXPENSIVE = ["*", "oil -*", "mentioned:1987-*", "* OR *", "-*", "a* b* c* d* e*", '"the company said"', "s*"]
CHEAP = "oil"


def timed_get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


@pytest.mark.slow
def test_expensive_queries_do_not_starve_cheap_ones(reuters_slice_index):
    server, base = start_server(reuters_slice_index)
    cheap_url = f"{base}/api/search?q={CHEAP}"
    try:
        for _ in range(3):
            timed_get(cheap_url)  # warm
        alone = [timed_get(cheap_url)[1] for _ in range(20)]
        for query in EXPENSIVE:
            status, _ = timed_get(f"{base}/api/search?q={quote(query)}")
            assert status == 200, query
        stop = threading.Event()
        expensive_results: list[tuple[int, float]] = []

        def flood(n: int) -> None:
            i = n
            while not stop.is_set():
                expensive_results.append(
                    timed_get(f"{base}/api/search?q={quote(EXPENSIVE[i % len(EXPENSIVE)])}")
                )
                i += 1

        threads = [threading.Thread(target=flood, args=(n,), daemon=True) for n in range(4)]
        for thread in threads:
            thread.start()
        under_load = [timed_get(cheap_url) for _ in range(20)]
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        stop_server(server)
    assert {status for status, _ in expensive_results} == {200}, server_log(server)
    assert {status for status, _ in under_load} == {200}, server_log(server)
    ratio = p95([s for _, s in under_load]) / p95(alone)
    worst = max(s for _, s in expensive_results) / p95(alone)
    print(
        f"\n'{CHEAP}' p95 alone {p95(alone) * 1000:.0f} ms, beside 4 clients of expensive queries "
        f"{p95([s for _, s in under_load]) * 1000:.0f} ms ({ratio:.1f}x); slowest expensive query {worst:.1f}x; "
        f"{len(expensive_results)} expensive requests"
    )
    # four busy clients on two cores may slow a cheap query a few times, never by orders of magnitude
    assert ratio < 25 and worst < 60, (ratio, worst)
