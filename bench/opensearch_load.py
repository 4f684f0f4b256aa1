#!/usr/bin/env python3
"""What loading into OpenSearch costs the cluster, variant by variant: JVM CPU per 1,000 articles.

    python bench/opensearch_load.py prepare --index-dir DIR [--corpus FILE]   # a warm rebuild, kept
    python bench/opensearch_load.py measure --index-dir DIR --data CLUSTER_DATA --url URLS \\
        --articles 5000 --turns 2 --variant baseline --variant title_not_indexed ...

``prepare`` rebuilds the corpus into DIR (copy a filled annotations.sqlite there first: spaCy stays
out) and keeps the prepared articles (cleaned, annotated, normalized, with their stories) in
DIR/prepared.pickle. ``measure`` loads a sample of them (every k-th article) into the cluster once per
variant and turn, in alternation, as a rebuild loads them (``OpenSearchWriter.load_new``: the new
index, the bulk requests, the words, the refresh), then waits until no merge runs; the JVMs' CPU is
the nodes' utime + stime (``/proc/PID/stat``, the pid files of ``opensearch/run-local``'s data
folder) after against before. Each variant changes one thing of the mapping, the index's settings or
the bulk requests (``VARIANTS``); the documents and the Python side are the same in all.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_CORPUS, RESULTS, log
from index.build import rebuild
from index.stages.report import BuildOptions
from searcher.opensearch_backend import OpenSearchWriter

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def jvm_cpu_seconds(data: Path) -> float:
    """The CPU the nodes started with ``data`` have used: utime + stime of each, summed."""
    total = 0
    for pid_file in sorted(data.glob("node-*.pid")):
        stat = Path(f"/proc/{int(pid_file.read_text())}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def properties_of(body: dict) -> dict:
    return body["mappings"]["properties"]


def facet_fields(body: dict, suffix: str) -> list[str]:
    return [name for name in properties_of(body) if name.endswith(suffix)]


def changed(body: dict, fields: list[str], **options: object) -> dict:
    for name in fields:
        properties_of(body)[name].update(options)
    return body


def without_keys(body: dict, fields: list[str], *keys: str) -> dict:
    for name in fields:
        for key in keys:
            properties_of(body)[name].pop(key, None)
    return body


FACETS = ("person", "place", "country", "org", "language")

# name -> (a change of the new index's body, bulk articles a request, bulk requests in flight)
VARIANTS: dict[str, tuple[Callable[[dict], dict], int | None, int | None]] = {
    "baseline": (lambda body: body, None, None),
    # one field's indexing changed at a time
    "title_not_indexed": (lambda b: changed(b, ["title"], index=False), None, None),
    # the body indexed as before 2026-11-26 (for the highlighter's postings with offsets)
    "body_indexed": (
        lambda b: without_keys(changed(b, ["body"], index_options="offsets"), ["body"], "index"),
        None,
        None,
    ),
    "body_without_stop_filter": (
        lambda b: (b["settings"]["analysis"]["analyzer"]["whoosh_stem"].update(char_filter=[]), b)[1],
        None,
        None,
    ),
    "terms_no_norms": (lambda b: changed(b, ["title_terms", "body_terms"], norms=False), None, None),
    "terms_not_indexed": (lambda b: changed(b, facet_fields(b, "_terms"), index=False), None, None),
    "words_docs_no_norms": (
        lambda b: changed(b, facet_fields(b, "_words"), index_options="docs", norms=False),
        None,
        None,
    ),
    "keys_no_doc_values": (lambda b: changed(b, facet_fields(b, "_key"), doc_values=False), None, None),
    "facets_not_indexed": (
        lambda b: changed(b, [f for f in FACETS if f in properties_of(b)], index=False),
        None,
        None,
    ),
    "small_fields_lean": (
        lambda b: changed(
            changed(changed(b, ["mentioned", "id"], doc_values=False), ["order"], index=False),
            [],
        ),
        None,
        None,
    ),
    "lean_mapping": (
        lambda b: changed(
            changed(
                changed(
                    changed(changed(b, ["title"], index=False), facet_fields(b, "_key"), doc_values=False),
                    facet_fields(b, "_words"),
                    index_options="docs",
                    norms=False,
                ),
                ["order"],
                index=False,
            ),
            ["id"],
            doc_values=False,
        ),
        None,
        None,
    ),
    "source_lean": (
        lambda b: (
            b["mappings"]["_source"]["excludes"].extend(
                ["*_key", "*_words", "mentioned", "mentioned_period"]
            ),
            b,
        )[1],
        None,
        None,
    ),
    "dynamic_false": (lambda b: (b["mappings"].update(dynamic=False), b)[1], None, None),
    # the index's settings during the load
    "translog_async": (
        lambda b: (
            b["settings"].update({"translog.durability": "async", "translog.flush_threshold_size": "1gb"}),
            b,
        )[1],
        None,
        None,
    ),
    "merge_one_thread": (
        lambda b: (b["settings"].update({"merge.scheduler.max_thread_count": 1}), b)[1],
        None,
        None,
    ),
    # the bulk requests
    "bulk_500": (lambda b: b, 500, None),
    "bulk_3000": (lambda b: b, 3000, None),
    "bulk_1_thread": (lambda b: b, None, 1),
    "bulk_2_threads": (lambda b: b, None, 2),
}


class VariantWriter(OpenSearchWriter):
    def __init__(self, urls: list[str], variant: str) -> None:
        super().__init__(urls, "newsfacets-loadbench", shards=3, replicas=1)
        self.variant = variant
        change, chunk, threads = VARIANTS[variant]
        self.change = change
        self.bulk_chunk = chunk or self.bulk_chunk
        self.bulk_threads = threads or self.bulk_threads

    def new_index_body(self, countries: dict[str, str]) -> dict:
        return self.change(copy.deepcopy(super().new_index_body(countries)))


def merges_done(writer: OpenSearchWriter, index: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        stats = writer.client.indices.stats(index=index, metric="merge")
        if stats["_all"]["total"]["merges"]["current"] == 0:
            return
        time.sleep(0.5)


def measure_variant(urls: list[str], data: Path, variant: str, prepared: list) -> dict:
    writer = VariantWriter(urls, variant)
    before, started = jvm_cpu_seconds(data), time.monotonic()
    loaded = writer.load_new(prepared)
    wall = time.monotonic() - started
    merges_done(writer, loaded)
    cpu = jvm_cpu_seconds(data) - before
    size = writer.client.indices.stats(index=loaded, metric="store")["_all"]["primaries"]["store"][
        "size_in_bytes"
    ]
    writer.discard(loaded)
    return {"jvm_cpu_s": cpu, "load_wall_s": wall, "store_bytes": size, "articles": len(prepared)}


def idle_rate(data: Path, seconds: float = 20) -> float:
    """The JVMs' CPU per second when nothing is loaded (cluster housekeeping), to read the others by."""
    before = jvm_cpu_seconds(data)
    time.sleep(seconds)
    return (jvm_cpu_seconds(data) - before) / seconds


def prepare(args: argparse.Namespace) -> None:
    captured: list = []
    options = BuildOptions(progress=False, also_write=lambda prepared, *rest: captured.extend(prepared))
    report = rebuild([str(args.corpus)], args.index_dir, options)
    log(f"rebuilt {len(captured):,} articles in {report.seconds:.1f} s: {report.phases}")
    with open(args.index_dir / "prepared.pickle", "wb") as out:
        pickle.dump(captured, out, protocol=pickle.HIGHEST_PROTOCOL)


def measure(args: argparse.Namespace) -> None:
    with open(args.index_dir / "prepared.pickle", "rb") as found:
        everything = pickle.load(found)
    step = max(1, len(everything) // args.articles) if args.articles else 1
    prepared = everything[::step][: args.articles] if args.articles else everything
    urls = args.url.split(",")
    data = args.data.resolve()
    idle = idle_rate(data)
    log(f"{len(prepared):,} articles; the JVMs idle at {idle:.3f} CPU s/s")
    variants = args.variant or list(VARIANTS)
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    for turn in range(args.turns):
        order = variants if turn % 2 == 0 else list(reversed(variants))
        for name in order:
            run = measure_variant(urls, data, name, prepared)
            run["load_avg"] = os.getloadavg()[0]
            runs[name].append(run)
            log(
                f"turn {turn + 1} {name}: {run['jvm_cpu_s'] / len(prepared) * 1000:.2f} JVM CPU s per 1,000, "
                f"wall {run['load_wall_s']:.1f} s, {run['store_bytes'] / 2**20:.1f} MiB"
            )
    summary = {
        name: {
            "jvm_cpu_s_per_1000": statistics.median(r["jvm_cpu_s"] / r["articles"] * 1000 for r in found),
            "load_wall_s": statistics.median(r["load_wall_s"] for r in found),
            "store_mib": statistics.median(r["store_bytes"] for r in found) / 2**20,
        }
        for name, found in runs.items()
    }
    result = {"articles": len(prepared), "idle_jvm_cpu_s_per_s": idle, "runs": runs, "median": summary}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(result, indent=2))
    print("| variant | JVM CPU s per 1,000 articles (median) | load wall (s) | primaries' size (MiB) |")
    print("| --- | --- | --- | --- |")
    for name, row in summary.items():
        print(
            f"| {name} | {row['jvm_cpu_s_per_1000']:.2f} | {row['load_wall_s']:.1f} | {row['store_mib']:.1f} |"
        )


def tree_cpu_seconds(root: int) -> float:
    """The CPU a process and its descendants have used, with the children they have reaped."""
    parents, times = {}, {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_file.read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(stat_file.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    total = 0
    for pid, ticks in times.items():
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            total += ticks
    return total / CLOCK_TICKS


def busy(args: argparse.Namespace) -> None:
    """A warm rebuild's cores in use, second by second: where a core is idle for the load to use."""
    command = [sys.executable, "-m", "searcher", "index", "rebuild", str(args.corpus)]
    command += ["--index-dir", str(args.index_dir), "--json", "--quiet"]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    samples, last = [], 0.0
    while process.poll() is None:
        time.sleep(1)
        used = tree_cpu_seconds(process.pid)
        samples.append((round(time.monotonic() - started, 1), round(used - last, 2), os.getloadavg()[0]))
        last = max(last, used)
    report = json.loads(process.stdout.read())
    result = {"phases": report["phases"], "seconds": report.get("seconds"), "samples": samples}
    (RESULTS / args.out).write_text(json.dumps(result, indent=1))
    log(f"rebuilt in {time.monotonic() - started:.0f} s; phases {report['phases']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    preparing = commands.add_parser("prepare", help="rebuild the corpus and keep its prepared articles")
    preparing.add_argument("--index-dir", type=Path, required=True)
    preparing.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    measuring = commands.add_parser("measure", help="load the prepared articles once per variant and turn")
    measuring.add_argument("--index-dir", type=Path, required=True)
    measuring.add_argument("--url", required=True, help="the cluster's node URLs, comma-separated")
    measuring.add_argument("--data", type=Path, required=True, help="the cluster's run-local data folder")
    measuring.add_argument("--articles", type=int, default=5000, help="every k-th article, so many (0: all)")
    measuring.add_argument("--turns", type=int, default=2)
    measuring.add_argument("--variant", action="append", choices=sorted(VARIANTS))
    measuring.add_argument("--out", default="opensearch-load-variants.json")
    busying = commands.add_parser("busy", help="a rebuild's CPU use, second by second")
    busying.add_argument("--index-dir", type=Path, required=True)
    busying.add_argument("--corpus", type=Path, required=True)
    busying.add_argument("--out", default="opensearch-rebuild-busy.json")
    args = parser.parse_args(argv)
    {"prepare": prepare, "measure": measure, "busy": busy}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
