"""The benchmark cannot rot: `bench/run.py --quick` runs end to end and reports every figure.

It asserts that each figure is measured and reported, never how fast anything was: timings on a shared
machine are noisy, and speed targets live in the benchmark itself.
"""

import json
import subprocess
import sys

import pytest

from .conftest import REUTERS, ROOT, needs_reuters


@pytest.mark.slow
@needs_reuters
def test_quick_benchmark_reports_every_figure(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--articles", "300",
                             "--corpus", str(REUTERS), "--work", str(tmp_path / "work"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: a target failed, which quick may
    data = json.loads((tmp_path / "quick.json").read_text())
    builds = data["builds"]
    assert builds["ner_floor"]["seconds"] > 0 and builds["ner_floor"]["texts"] > 250
    assert builds["cold"]["ner_articles"] > 250 and builds["warm"]["ner_articles"] == 0
    assert builds["add"]["indexed"] == 3 and builds["add"]["seconds"] > 0
    assert set(builds["cold"]["phases"]) >= {"read", "clean", "ner", "entities", "normalize", "write", "columns"}
    search = data["search"]
    assert search["queries"] >= 50
    for side in ("api", "bare_whoosh"):
        assert search[side]["samples"] == search["queries"] and search[side]["p95_ms"] > 0
    assert search["facets"]["queries"] > 5 and search["facets"]["whoosh_groupedby_ms"] > 0
    assert set(data["scaling"]) == {"1", "2"}
    for row in data["scaling"].values():
        assert row["articles"] > 0 and row["bytes_per_article"] > 0 and row["server_peak_rss_bytes"] > 0
        assert row["api"]["p95_ms"] > 0
    reported = {row["key"]: row for row in data["targets"]}
    for key in ("cold_vs_ner_floor", "warm_vs_cold", "add_vs_cold", "facet_speedup", "api_vs_bare_p95"):
        assert reported[key]["value"] > 0 and reported[key]["pass"] in (True, False)
    for line in ("| cold rebuild |", "| warm rebuild |", "| facet counting |", "| full API search p95 |",
                 "| 1× → 16×: full API p95 |"):
        assert line in result.stdout
