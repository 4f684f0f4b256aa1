"""A local OpenSearch cluster for the tests: started once per test run by opensearch/run-local."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUN_LOCAL = ROOT / "opensearch" / "run-local"
START_ATTEMPTS = 3


def missing_tools() -> str | None:
    """Why a local cluster cannot start here, or None."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (the OpenSearch tests need Java 17 and Maven)"
    return None


def free_port_block(count: int, start: int = 19300, stop: int = 29000) -> int:
    """A port P with P..P+count-1 and P+100..P+100+count-1 free on 127.0.0.1."""
    for port in range(start, stop, 10):
        wanted = [*range(port, port + count), *range(port + 100, port + 100 + count)]
        if all(_free(p) for p in wanted):
            return port
    raise RuntimeError("no free block of ports for a local OpenSearch cluster")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class LocalCluster:
    def __init__(self, data: Path, nodes: int) -> None:
        self.data, self.nodes = data, nodes
        self.port = free_port_block(nodes)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port + i}" for i in range(self.nodes)]

    def start(self, only: int | None = None) -> None:
        """Starts the nodes (or node ``only`` again). Another run may take the same free ports at the
        same moment: run-local then refuses the other cluster, and the whole cluster starts again on
        the next free ports, in a fresh folder."""
        for attempt in range(START_ATTEMPTS):
            command = [
                str(RUN_LOCAL),
                "start",
                "--nodes",
                str(self.nodes),
                "--port",
                str(self.port),
                "--data",
                str(self.data),
            ] + (["--only", str(only)] if only is not None else [])
            try:
                subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
                return
            except subprocess.CalledProcessError as error:
                if only is not None or attempt == START_ATTEMPTS - 1 or "ports are taken" not in error.stderr:
                    raise
                self.stop()
                self.data = self.data / "again"
                self.port = free_port_block(self.nodes, start=self.port + 10 * random.randint(1, 50))

    def pid(self, node: int) -> int:
        return int((self.data / f"node-{node}.pid").read_text())

    def stop(self) -> None:
        subprocess.run([str(RUN_LOCAL), "stop", "--data", str(self.data)], check=False, timeout=120)


def index_on_both(paths: list[str], index_dir: Path, urls: list[str], alias: str, ner_cache_of: Path) -> int:
    """``paths`` rebuilt into ``index_dir`` (the Whoosh index) and, by the OpenSearch writer, into
    ``alias`` on the cluster at ``urls`` (3 shards, 1 replica), reusing the NER cache of the index dir
    ``ner_cache_of``: the articles indexed, after checking both engines got every one of them."""
    from dataclasses import replace

    from index.build import BuildOptions, rebuild
    from searcher.opensearch_backend import OpenSearchWriter

    index_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(ner_cache_of / "annotations.sqlite", index_dir / "annotations.sqlite")
    writer = OpenSearchWriter(urls, alias, shards=3, replicas=1)
    report = rebuild(paths, index_dir, replace(BuildOptions(progress=False), also_write=writer))
    assert writer.loaded == report.indexed, report
    return report.indexed


def opensearch_config(url: str, alias: str) -> dict[str, str]:
    """An app's settings for searching ``alias`` on the cluster at ``url`` (its nodes' URLs, comma-separated)."""
    return {"BACKEND": "opensearch", "OPENSEARCH_URL": url, "OPENSEARCH_INDEX": alias}


def clients_of_both(whoosh_dir: Path, opensearch_dir: Path, url: str, alias: str) -> tuple[Any, Any]:
    """Test clients of the Whoosh index at ``whoosh_dir`` and of ``alias`` on the cluster (its readers'
    corrections read from ``opensearch_dir``)."""
    from searcher import create_app

    whoosh = create_app({"TESTING": True, "INDEX_DIR": str(whoosh_dir), "BACKEND": "whoosh"})
    opensearch = create_app(
        {"TESTING": True, "INDEX_DIR": str(opensearch_dir), **opensearch_config(url, alias)}
    )
    return whoosh.test_client(), opensearch.test_client()
