"""Crashes and concurrent use: `kill -9` at every stage of a build, two builds at once, a server that keeps
answering while the index is rebuilt under it, and a bounded load test."""

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from index.build import BuildOptions, rebuild
from searcher import create_app

from .conftest import SAMPLES
from .searcher_cli import server_log, start_server, stop_server
from .searcher_cli import start_searcher as cli_process

QUERIES = [
    "q=tram",
    "q=helsinki&sort=newest",
    "q=wind+auction",
    "person=Aino+Lindqvist",
    "country=Finland",
    "",
    "q=harbour&not_country=Finland",
    "from=2024-03-01&to=2024-04-30",
    "q=%22river+tram%22",
]
NEW_STORIES = [
    (
        "Pelle Vorstrand opens a ferry line between Turku and Stockholm",
        (
            "TURKU — Pelle Vorstrand, chief executive of Ålandia Ferries, said on Tuesday the company will open a "
            "night ferry line between Turku and Stockholm in May. The Finnish Maritime Agency approved the timetable."
        ),
    ),
    (
        "Oslo tram depot reopens after repairs",
        (
            "OSLO — The Oslo tram depot at Holtet reopened on Monday after "
            "six months of repairs, said Ingrid Falkum of Sporveien Works. Trams return to Line 19 next week."
        ),
    ),
    (
        "Copenhagen harbour bath closes for the winter",
        (
            "COPENHAGEN — The harbour bath at Islands Brygge closed on "
            "Sunday, the city's leisure office said. Mayor Jens Haverkamp thanked the lifeguards."
        ),
    ),
    (
        "Riga port handles record grain",
        (
            "RIGA — The Port of Riga handled a record amount of grain in March, "
            "said Dace Ozolina of Baltic Grain Terminal. Exports went mostly to Egypt and Spain."
        ),
    ),
    (
        "Gdansk shipyard wins a ferry order",
        (
            "GDANSK — The Gdansk shipyard Remontowa North won an order for two "
            "hybrid ferries from Ålandia Ferries, its director Tomasz Wierzbicki said on Friday."
        ),
    ),
]


def write_new_stories(folder: Path, first: int = 0, last: int = len(NEW_STORIES)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, (title, body) in enumerate(NEW_STORIES[first:last], start=first):
        (folder / f"new-{n}.txt").write_text(f"{title}\n\n{body}\n")
    return folder


def answers(index_dir: Path) -> dict:
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    results = {}
    for q in QUERIES:
        data = client.get(f"/api/search?{q}").get_json()
        results[q] = (data["total"], [hit["id"] for hit in data["hits"]], data["facets"]["person"][:5])
    return results


def wait_for_line(stream, text: str, seconds: float = 180) -> None:
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"{text!r} not seen in {seconds} s: {''.join(seen)[-2000:]}")


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie left for a reaper that may never come (PID 1 of a container)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def assert_all_end(pids: set[int], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.2)
    assert not [pid for pid in pids if alive(pid)], "processes of the killed build still running"


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["ner", "write", "switch", "switched"])
def test_kill_9_at_each_stage_loses_nothing(tmp_path, sample_index, stage):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir, symlinks=True)
    new = write_new_stories(tmp_path / "new")
    before = answers(index_dir)

    # two processes: spaCy runs the new stories in two workers, which must not outlive the build
    build = cli_process(
        "index",
        "rebuild",
        str(SAMPLES),
        str(new),
        "--index-dir",
        str(index_dir),
        "--processes",
        "2",
        env={"SEARCHER_PAUSE_AT": stage},
    )
    wait_for_line(build.stderr, f"paused at {stage}")
    workers = descendants(build.pid)
    if stage == "ner":
        assert len(workers) >= 2, workers
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert_all_end(workers)

    after = answers(index_dir)
    if stage == "switched":  # killed after the switch: the new index is whole and live
        assert after[""][0] == 33 + len(NEW_STORIES)
    else:  # killed before it: the previous index answers exactly as it did
        assert after == before
    # no stray lock or half-built generation stops the next build, and it succeeds
    report = rebuild([str(SAMPLES), str(new)], index_dir, BuildOptions(progress=False))
    assert report.total_articles == 33 + len(NEW_STORIES)
    assert not list((index_dir / "generations").glob("*.partial"))
    assert answers(index_dir)[""][0] == 33 + len(NEW_STORIES)


# A build's worker pool whose parent is killed while the workers are busy.
STUCK_POOL = """
import os, time
from index.stages.workers import parallel_map

def work(item):
    print(f"working {os.getpid()}", flush=True)
    time.sleep(600)

parallel_map(work, list(range(400)), processes=2)
"""


def test_pool_workers_end_when_the_build_is_killed():
    build = subprocess.Popen([sys.executable, "-c", STUCK_POOL], stdout=subprocess.PIPE, text=True)
    try:
        wait_for_line(build.stdout, "working", seconds=60)
        workers = descendants(build.pid)
        assert len(workers) == 2, workers
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
    assert_all_end(workers)


@pytest.mark.slow
def test_two_rebuilds_at_once_one_refuses_and_the_index_stays_whole(tmp_path, sample_index):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir, symlinks=True)
    new = write_new_stories(tmp_path / "new")
    first = cli_process(
        "index",
        "rebuild",
        str(SAMPLES),
        str(new),
        "--index-dir",
        str(index_dir),
        env={"SEARCHER_PAUSE_AT": "write"},
    )
    wait_for_line(first.stderr, "paused at write")
    second = cli_process("index", "rebuild", str(SAMPLES), "--index-dir", str(index_dir))
    _, err = second.communicate(timeout=120)
    assert second.returncode == 1
    assert "another rebuild or add is running" in err
    workers = descendants(first.pid)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert_all_end(workers)
    assert answers(index_dir)[""][0] == 33
    third = cli_process("index", "rebuild", str(SAMPLES), str(new), "--index-dir", str(index_dir))
    third.communicate(timeout=300)
    assert third.returncode == 0
    assert answers(index_dir)[""][0] == 38


class Hammer:
    """Clients asking a real server the query mix in a loop, keeping every status and latency."""

    def __init__(self, base: str, clients: int) -> None:
        self.base, self.clients = base, clients
        self.results: list[tuple[int, float, int | None]] = []  # status, seconds, total
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(clients)]

    def run(self, n: int) -> None:
        i = n
        while not self.stop.is_set():
            q = QUERIES[i % len(QUERIES)]
            path = f"/api/search?{q}" if i % 3 else f"/?{q}"  # pages and facet clicks as well as the API
            started = time.perf_counter()
            total = None
            try:
                with urllib.request.urlopen(self.base + path, timeout=60) as response:
                    status = response.status
                    body = response.read()
                    if path.startswith("/api/") and q == "":
                        total = json.loads(body)["total"]
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = -1
            self.results.append((status, time.perf_counter() - started, total))
            i += self.clients

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def latest_total(self) -> int | None:
        totals = [t for _, _, t in self.results if t is not None]
        return totals[-1] if totals else None


@pytest.mark.slow
def test_server_answers_through_rebuild_and_add_and_picks_up_the_new_index(tmp_path, sample_index):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir, symlinks=True)
    new = write_new_stories(tmp_path / "new", 0, 3)
    more = write_new_stories(tmp_path / "more", 3)  # the other two stories
    server, base = start_server(index_dir)
    try:
        with Hammer(base, 4) as hammer:
            time.sleep(1)
            build = cli_process("index", "rebuild", str(SAMPLES), str(new), "--index-dir", str(index_dir))
            assert build.wait(timeout=300) == 0, build.stderr.read()
            deadline = time.monotonic() + 20
            while hammer.latest_total() != 36 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert hammer.latest_total() == 36  # the new index, without a restart
            update = cli_process("index", "add", str(more), "--index-dir", str(index_dir))
            assert update.wait(timeout=300) == 0, update.stderr.read()
            deadline = time.monotonic() + 20
            while hammer.latest_total() != 38 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert hammer.latest_total() == 38
        statuses = [status for status, _, _ in hammer.results]
        assert len(statuses) > 50
        assert set(statuses) == {200}, ({s: statuses.count(s) for s in set(statuses)}, server_log(server))
    finally:
        stop_server(server)


@pytest.mark.slow
def test_load_eight_clients_for_thirty_seconds_without_an_error(sample_index):
    seconds = float(os.environ.get("SEARCHER_LOAD_SECONDS", "30"))
    server, base = start_server(sample_index)
    try:
        started = time.perf_counter()
        with Hammer(base, 8) as hammer:
            time.sleep(seconds)
        elapsed = time.perf_counter() - started
    finally:
        stop_server(server)
    statuses = [status for status, _, _ in hammer.results]
    latencies = sorted(seconds for _, seconds, _ in hammer.results)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"\nload: {len(statuses)} requests in {elapsed:.1f} s from 8 clients = {len(statuses) / elapsed:.0f} "
        f"requests/s, p95 {p95 * 1000:.0f} ms, errors {sum(s != 200 for s in statuses)}"
    )
    assert statuses and set(statuses) == {200}, (
        {s: statuses.count(s) for s in set(statuses)},
        server_log(server),
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_work_done_meanwhile_runs_once_beside_the_workers(processes):
    """``parallel_map``'s ``meanwhile`` (a build loads the next stage's model there) runs once, in the
    building process, and the results are the workers' in the items' order."""
    import os

    from index.stages.workers import parallel_map

    ran_in: list[int] = []
    results = parallel_map(
        lambda n: (n * n, os.getpid()),
        list(range(1000)),
        processes,
        chunksize=100,
        meanwhile=lambda: ran_in.append(os.getpid()),
    )
    assert ran_in == [os.getpid()]
    assert [square for square, _ in results] == [n * n for n in range(1000)]
    assert (len({pid for _, pid in results} - {os.getpid()}) > 0) == (processes > 1)
