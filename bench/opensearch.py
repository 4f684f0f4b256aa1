#!/usr/bin/env python3
"""The OpenSearch backend beside the Whoosh one, in one run: loading and search latency.

    python bench/opensearch.py                    # Reuters-21578 at 1x and 4x, a local 3-node cluster
    python bench/opensearch.py --scale 1 --scale 4   # 1x and 4x (the default), 16x with --scale 16
    python bench/run.py --backend opensearch       # the same, from the main benchmark
    python bench/opensearch.py --articles 2000 --url http://127.0.0.1:9200   # an existing cluster
    python bench/opensearch.py --compare-code /tmp/old --url URLS --index-dir DIR --opensearch-index NAME
        # one loaded index served in turn by an older checkout's code (git archive) and this one's
        # add --against-whoosh to also compare both codes' counts with the Whoosh backend's

Measured: a warm Whoosh rebuild against the same warm rebuild that also loads the cluster (what loading
adds), bulk-load articles per second, the benchmark's query mix through `searcher serve` on each backend
(p50/p95 over the timed rounds, and apart the queries without words: the facets' time, and the first
pass, before any cache holds a query's answer), and the memory of the server and
the JVMs. Every answer's counts are kept: for each query where the two engines differ, the result
holds both totals and every facet value counted differently (``differing_counts``). The
NER cache is filled by a cold rebuild first (its time is reported, not judged). Results go to
bench/results/opensearch-<scale>x.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (
    DEFAULT_CORPUS,
    RESULTS,
    WORK,
    cli,
    latency_summary,
    log,
    query_mix,
    replicate,
    rss_of,
)
from index import store
from tests.opensearch_cluster import free_port_block
from tests.searcher_cli import server_log, start_server, stop_server

TARGET_P95_RATIO = 0.5  # OpenSearch's full API p95 against Whoosh's, at 16x
TARGET_LOAD_OVERHEAD = 0.10  # what loading the cluster adds to a warm rebuild
NO_LATENCY = {"p50_ms": float("nan"), "p95_ms": float("nan")}  # a result file made before first passes


def serve_and_measure(index_dir: Path, env: dict, queries: list[str], rounds: int) -> dict:
    """The query mix through `searcher serve` on one backend: every query's time, and apart the time of
    the queries without words (browsing by facets and dates: the time is the facets' counting)."""
    server, base = start_server(index_dir, env=env, seconds=120)
    try:
        first_pass = []  # each query once, before any cache holds it: reported, not judged
        for query in queries:
            started = time.perf_counter()
            urllib.request.urlopen(f"{base}/api/search?{query}", timeout=120).read()
            first_pass.append(time.perf_counter() - started)
        samples, facet_samples, totals = [], [], {}
        for _ in range(rounds):
            for query in queries:
                started = time.perf_counter()
                try:
                    reply = urllib.request.urlopen(f"{base}/api/search?{query}", timeout=120).read()
                except urllib.error.HTTPError as error:  # say why, from the server's own log
                    raise SystemExit(
                        f"{query}: HTTP {error.code}; the server said: {server_log(server)}"
                    ) from None
                answer = json.loads(reply)
                samples.append(time.perf_counter() - started)
                if not dict(urllib.parse.parse_qsl(query)).get("q"):
                    facet_samples.append(samples[-1])
                totals[query] = answer_counts(answer)
        memory = rss_of(server.pid)
    finally:
        stop_server(server)
    return {
        "api": latency_summary(samples),
        "facets_only": latency_summary(facet_samples),
        "first_pass": latency_summary(first_pass),
        "server_rss_bytes": memory["server_rss_bytes"],
        "totals": totals,
    }


def answer_counts(answer: dict) -> dict:
    """What an API answer counts: its total, its articles, and every facet's values with their counts
    (the histogram's periods as the facet "published")."""
    return {
        "total": answer["total"],
        "articles": answer.get("articles"),
        "facets": {
            facet: {item["value"]: item["count"] for item in items}
            for facet, items in answer.get("facets", {}).items()
        },
    }


def count_differences(whoosh: dict, opensearch: dict) -> dict:
    """Where two engines' ``answer_counts`` of one query differ: both totals (and articles) when they
    differ, and each facet value counted differently (a value one engine lists and the other does
    not counts 0 there), leaving out values tied at a list's cut: listed by one engine only, with as
    many as the last the other lists (each engine breaks such ties its own way)."""
    found: dict = {}
    for key in ("total", "articles"):
        if whoosh.get(key) != opensearch.get(key):
            found[key] = {"whoosh": whoosh.get(key), "opensearch": opensearch.get(key)}
    facets = {}
    for facet in sorted(set(whoosh["facets"]) | set(opensearch["facets"])):
        on_whoosh, on_opensearch = whoosh["facets"].get(facet, {}), opensearch["facets"].get(facet, {})
        values = {
            value: {"whoosh": on_whoosh.get(value, 0), "opensearch": on_opensearch.get(value, 0)}
            for value in sorted(set(on_whoosh) | set(on_opensearch))
            if on_whoosh.get(value, 0) != on_opensearch.get(value, 0)
            and not tied_at_cut(value, on_whoosh, on_opensearch)
        }
        if values:
            facets[facet] = values
    if facets:
        found["facets"] = facets
    return found


def tied_at_cut(value: str, first: dict[str, int], second: dict[str, int]) -> bool:
    """Whether ``value``, listed by one of two lists of a facet's values and not by the other, has as
    many as the last value the other lists: a tie at the lists' cut, which either could keep."""
    listed, other = (first, second) if value in first else (second, first)
    return value not in other and bool(other) and listed[value] == min(other.values())


def differing_counts(whoosh: dict[str, dict], opensearch: dict[str, dict]) -> dict[str, dict]:
    """Each query whose counts differ between the engines, with what differs (``count_differences``)."""
    differing = {}
    for query in sorted(whoosh):
        if query not in opensearch:
            differing[query] = {"missing": "no answer from OpenSearch"}
            continue
        found = count_differences(whoosh[query], opensearch[query])
        if found:
            differing[query] = found
    return differing


def jvm_rss(data: Path) -> list[int]:
    sizes = []
    for pid_file in sorted(data.glob("node-*.pid")):
        status = Path(f"/proc/{int(pid_file.read_text())}/status")
        if status.exists():
            sizes.append(
                next(
                    int(line.split()[1]) * 1024
                    for line in status.read_text().splitlines()
                    if line.startswith("VmRSS")
                )
            )
    return sizes


def measure_scale(
    scale: int,
    lines: list[str],
    work: Path,
    urls: str,
    rounds: int,
    cache: Path | None,
    one_rebuild: bool = False,
    index_prefix: str = "newsfacets-bench",
) -> dict:
    """One scaling step: the corpus replicated ``scale`` times, a warm Whoosh rebuild beside the same
    rebuild loading the cluster, then the query mix on both backends. With ``one_rebuild``, only the
    rebuild that loads the cluster runs, and what loading adds is its load stage against the rest of
    it (the load is a stage of its own, after the Whoosh write)."""
    work.mkdir(parents=True, exist_ok=True)
    corpus = replicate(lines, range(scale), work / "corpus.jsonl")
    index_dir = work / "index"
    index_dir.mkdir(exist_ok=True)
    if cache is not None and cache.exists() and not (index_dir / "annotations.sqlite").exists():
        shutil.copy(cache, index_dir / "annotations.sqlite")  # the texts are the same: NER stays out
    index_name = f"{index_prefix}-{scale}x"
    result: dict = {"articles_in_corpus": len(lines) * scale, "scale": scale}
    if not (index_dir / "annotations.sqlite").exists():
        log(f"{scale}x: cold rebuild of {len(lines) * scale:,} articles (fills the NER cache)")
        _, result["cold_s"], _ = cli(
            "index", "rebuild", str(corpus), "--index-dir", str(index_dir), "--json", "--quiet"
        )
    if not one_rebuild:
        log(f"{scale}x: warm rebuild, Whoosh only")
        warm, result["warm_s"], _ = cli(
            "index", "rebuild", str(corpus), "--index-dir", str(index_dir), "--json", "--quiet"
        )
    log(f"{scale}x: warm rebuild, Whoosh and OpenSearch")
    both, result["warm_with_opensearch_s"], _ = cli(
        "index",
        "rebuild",
        str(corpus),
        "--index-dir",
        str(index_dir),
        "--json",
        "--quiet",
        "--backend",
        "opensearch",
        "--opensearch-url",
        urls,
        "--opensearch-index",
        index_name,
    )
    waiting = both["phases"].get("also_write", 0.0)  # the load's part the Whoosh write did not hide
    loading = both["phases"].get("also_write_beside", waiting)  # the load itself, in its thread
    result["articles"] = both["articles"]
    result["load_s"] = loading
    result["load_not_hidden_s"] = waiting
    result["load_articles_per_s"] = both["articles"] / loading if loading else None
    if one_rebuild:  # the same rebuild without the load's unhidden part stands for the Whoosh-only one
        result["warm_s"] = result["warm_with_opensearch_s"] - waiting
        result["load_overhead_from"] = (
            "the load's part after the Whoosh write against the rest of one rebuild: a lower bound, "
            "the load's thread also slows the write it runs beside"
        )
    else:
        result["warm_phases"] = warm["phases"]
    result["load_overhead"] = result["warm_with_opensearch_s"] / result["warm_s"] - 1
    result["warm_with_opensearch_phases"] = both["phases"]

    generation = store.current_generation(index_dir)
    vocabulary = json.loads((generation / "vocabulary.json").read_text())
    meta = json.loads((generation / "meta.json").read_text())
    queries = [q.query_string for q in query_mix(vocabulary, meta["published_first"], meta["published_last"])]
    log(f"{scale}x: {len(queries)} queries x {rounds} rounds on Whoosh")
    whoosh = serve_and_measure(index_dir, {"SEARCHER_BACKEND": "whoosh"}, queries, rounds)
    log(f"{scale}x: {len(queries)} queries x {rounds} rounds on OpenSearch")
    os_env = {
        "SEARCHER_BACKEND": "opensearch",
        "SEARCHER_OPENSEARCH_URL": urls,
        "SEARCHER_OPENSEARCH_INDEX": index_name,
    }
    opensearch = serve_and_measure(index_dir, os_env, queries, rounds)
    result["whoosh"] = {k: v for k, v in whoosh.items() if k != "totals"}
    result["opensearch"] = {k: v for k, v in opensearch.items() if k != "totals"}
    result["differing_counts"] = differing_counts(whoosh["totals"], opensearch["totals"])
    result["differing_totals"] = sorted(
        q for q, found in result["differing_counts"].items() if "total" in found
    )
    result["p95_ratio"] = opensearch["api"]["p95_ms"] / whoosh["api"]["p95_ms"]
    return result


def rows_for(result: dict) -> list[tuple[str, str]]:
    scale = result["scale"]
    return [
        (f"{scale}x: articles", f"{result['articles']:,}"),
        (
            f"{scale}x: warm rebuild, Whoosh only / + OpenSearch (s)",
            f"{result['warm_s']:.1f} / {result['warm_with_opensearch_s']:.1f}",
        ),
        (f"{scale}x: loading adds (target ≤ {TARGET_LOAD_OVERHEAD:.0%})", f"{result['load_overhead']:+.1%}"),
        (
            f"{scale}x: bulk load (s), articles/s",
            f"{result['load_s']:.1f}, {result['load_articles_per_s'] or 0:,.0f}",
        ),
        (
            f"{scale}x: API p50 / p95 (ms), Whoosh",
            "{p50_ms:.1f} / {p95_ms:.1f}".format(**result["whoosh"]["api"]),
        ),
        (
            f"{scale}x: API p50 / p95 (ms), OpenSearch",
            "{p50_ms:.1f} / {p95_ms:.1f}".format(**result["opensearch"]["api"]),
        ),
        (
            f"{scale}x: facets only (queries without words) p50 / p95 (ms), Whoosh / OpenSearch",
            "{p50_ms:.1f} / {p95_ms:.1f}".format(**result["whoosh"]["facets_only"])
            + " / "
            + "{p50_ms:.1f} / {p95_ms:.1f}".format(**result["opensearch"]["facets_only"]),
        ),
        (
            f"{scale}x: first pass (each query once, no cache) p50 / p95 (ms), Whoosh / OpenSearch",
            "{p50_ms:.1f} / {p95_ms:.1f}".format(**result["whoosh"].get("first_pass", NO_LATENCY))
            + " / "
            + "{p50_ms:.1f} / {p95_ms:.1f}".format(**result["opensearch"].get("first_pass", NO_LATENCY)),
        ),
        (
            f"{scale}x: p95 OpenSearch / Whoosh (target ≤ {TARGET_P95_RATIO} at 16x)",
            f"{result['p95_ratio']:.2f}",
        ),
        (f"{scale}x: queries whose totals differ", str(len(result["differing_totals"]))),
        (
            f"{scale}x: queries whose totals or counts differ",
            str(len(result.get("differing_counts", result["differing_totals"]))),
        ),
        (
            f"{scale}x: server RSS, Whoosh / OpenSearch (MiB)",
            f"{result['whoosh']['server_rss_bytes'] / 2**20:.0f} / {result['opensearch']['server_rss_bytes'] / 2**20:.0f}",
        ),
        (
            f"{scale}x: JVM RSS (MiB)",
            ", ".join(f"{r / 2**20:.0f}" for r in result.get("jvm_rss_bytes", [])) or "-",
        ),
    ]


def compare_code(
    old_checkout: Path,
    index_dir: Path,
    urls: str,
    index_name: str,
    rounds: int,
    turns: int,
    whoosh_too: bool = False,
) -> dict:
    """The query mix on one OpenSearch index, served in turn by the code of ``old_checkout`` (a copy of
    an older commit, e.g. ``git archive``) and by this checkout's, ``turns`` times each, the shards'
    request cache cleared before each: a change's effect as a ratio within one run on a loaded
    machine, where two runs minutes apart are not comparable. The totals must agree; with
    ``whoosh_too`` both codes' counts are also compared with the Whoosh backend's over the same
    index dir (where the two codes differ, which one is right)."""
    generation = store.current_generation(index_dir)
    vocabulary = json.loads((generation / "vocabulary.json").read_text())
    meta = json.loads((generation / "meta.json").read_text())
    queries = [q.query_string for q in query_mix(vocabulary, meta["published_first"], meta["published_last"])]
    env = {
        "SEARCHER_BACKEND": "opensearch",
        "SEARCHER_OPENSEARCH_URL": urls,
        "SEARCHER_OPENSEARCH_INDEX": index_name,
    }
    # PYTHONSAFEPATH: `python -m searcher` must not import the current directory's code first
    code = {"old": {**env, "PYTHONPATH": str(old_checkout.resolve()), "PYTHONSAFEPATH": "1"}, "new": env}
    runs: dict[str, list] = {"old": [], "new": []}
    totals: dict[str, dict] = {}
    for turn in range(turns):
        for name in ("old", "new") if turn % 2 == 0 else ("new", "old"):
            clear = urllib.request.Request(
                f"{urls.split(',')[0]}/{index_name}/_cache/clear?request=true", method="POST"
            )
            urllib.request.urlopen(clear, timeout=60).read()
            log(f"{name} code, turn {turn + 1} of {turns}: {len(queries)} queries x {rounds} rounds")
            measured = serve_and_measure(index_dir, code[name], queries, rounds)
            totals[name] = measured.pop("totals")
            runs[name].append(measured)
    differing = differing_counts(totals["old"], totals["new"])  # "whoosh" there is the old code
    result = {"queries": len(queries), "rounds": rounds, "runs": runs, "differing_counts": differing}
    if whoosh_too:  # the Whoosh backend over the same index dir: which code tells the truth
        whoosh = serve_and_measure(index_dir, {"SEARCHER_BACKEND": "whoosh"}, queries, 1)["totals"]
        result["differing_from_whoosh"] = {
            name: differing_counts(whoosh, totals[name]) for name in ("old", "new")
        }
    result["differing_totals"] = sorted(q for q, found in differing.items() if "total" in found)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=None, help="use only the first N articles")
    parser.add_argument(
        "--scale",
        type=int,
        action="append",
        metavar="N",
        help="the corpus replicated N times (repeat: 1 and 4 by default)",
    )
    parser.add_argument("--url", default=None, help="an existing cluster (default: start 3 local nodes)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--one-rebuild",
        action="store_true",
        help="skip the Whoosh-only rebuild: loading's share is read from the one rebuild's stages",
    )
    parser.add_argument(
        "--index-prefix",
        default="newsfacets-bench",
        help="the cluster's index names start so (two runs on one cluster need two prefixes)",
    )
    parser.add_argument("--port", type=int, default=None, help="the local nodes' first HTTP port")
    parser.add_argument("--work", type=Path, default=WORK / "opensearch")
    parser.add_argument(
        "--cache", type=Path, default=None, help="an annotations.sqlite to start from (a warm NER cache)"
    )
    parser.add_argument(
        "--compare-code",
        type=Path,
        default=None,
        metavar="OLD_CHECKOUT",
        help="serve an existing index (--url, --index-dir, --opensearch-index) in turn with OLD_CHECKOUT's "
        "code and this one's, and compare their latency",
    )
    parser.add_argument("--index-dir", type=Path, default=None, help="with --compare-code")
    parser.add_argument("--opensearch-index", default=None, help="with --compare-code")
    parser.add_argument("--turns", type=int, default=3, help="with --compare-code: runs of each code")
    parser.add_argument(
        "--against-whoosh",
        action="store_true",
        help="with --compare-code: also compare each code's counts with the Whoosh backend's",
    )
    args = parser.parse_args(argv)
    if args.compare_code is not None:
        if not (args.url and args.index_dir and args.opensearch_index):
            parser.error("--compare-code needs --url, --index-dir and --opensearch-index")
        result = compare_code(
            args.compare_code,
            args.index_dir,
            args.url,
            args.opensearch_index,
            args.rounds,
            args.turns,
            args.against_whoosh,
        )
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "opensearch-compare-code.json").write_text(json.dumps(result, indent=2))
        print(
            "| code | API p50 / p95 (ms) | without words p50 / p95 | first pass p50 / p95 |\n| --- | --- | --- | --- |"
        )
        for name, runs in result["runs"].items():
            for run in runs:
                cells = [
                    "{p50_ms:.0f} / {p95_ms:.0f}".format(**run[part])
                    for part in ("api", "facets_only", "first_pass")
                ]
                print(f"| {name} | {' | '.join(cells)} |")
        print(f"totals that differ between the two: {len(result['differing_totals'])} of {result['queries']}")
        print(f"queries whose counts differ between the two: {len(result['differing_counts'])}")
        for name, differing in result.get("differing_from_whoosh", {}).items():
            print(f"{name} code: queries whose counts differ from Whoosh's: {len(differing)}")
        return 0
    if not args.corpus.exists():
        parser.error(f"corpus not found: {args.corpus}")

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    lines = args.corpus.read_text(encoding="utf-8").splitlines()[: args.articles]
    data = work / "cluster"
    started_cluster = args.url is None
    if started_cluster:
        log("starting 3 local OpenSearch nodes")
        urls = subprocess.run(
            [
                str(ROOT / "opensearch" / "run-local"),
                "start",
                "--nodes",
                "3",
                "--port",
                str(args.port or free_port_block(3, start=19500)),
                "--data",
                str(data),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    else:
        urls = args.url
    cache = args.cache
    results = []
    try:
        for scale in sorted(set(args.scale or [1, 4])):
            result = measure_scale(
                scale,
                lines,
                work / f"{scale}x",
                urls,
                args.rounds,
                cache,
                args.one_rebuild,
                args.index_prefix,
            )
            if started_cluster:
                result["jvm_rss_bytes"] = jvm_rss(data)
            result["cluster"] = urls
            results.append(result)
            cache = work / f"{scale}x" / "index" / "annotations.sqlite"  # the next scale starts warm
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / f"opensearch-{scale}x.json").write_text(json.dumps(result, indent=2, default=str))
            print("| figure | value |\n| --- | --- |")
            for name, value in rows_for(result):
                print(f"| {name} | {value} |", flush=True)
    finally:
        if started_cluster:
            subprocess.run([str(ROOT / "opensearch" / "run-local"), "stop", "--data", str(data)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
