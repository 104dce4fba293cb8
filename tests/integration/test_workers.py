"""`precedent serve --workers N`: several gunicorn processes over one index, a rebuild seen by all."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.paths import ROOT, SEEDS

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
START_S, SPREAD_S = 240, 90  # a loaded CI machine starts the model slowly


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str | None, dict]:
    """One request on a fresh connection: status, the worker that answered, the JSON body."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("X-Precedent-Worker"), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Precedent-Worker"), json.load(error)


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def from_every_worker(url: str, workers: int, accept) -> dict[str, dict]:
    """Ask until each worker has answered with a body that accept() takes; its last answer by worker."""
    answers: dict[str, dict] = {}
    deadline = time.monotonic() + SPREAD_S
    while time.monotonic() < deadline:
        status, worker, body = get(url)
        if status == 200 and accept(body):
            answers[worker] = body
            if len(answers) == workers:
                return answers
    pytest.fail(f"only workers {sorted(answers)} of {workers} answered {url} as expected")


@pytest.fixture
def served(tmp_path, corpus_index):
    """precedent serve --workers 2 over a copy of the session index (the copy may be rebuilt)."""
    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer", "serve", "--workers", "2", "--port", str(port),
         "--index", str(index)], env={**ENV, "PRECEDENT_INSTANCE": str(tmp_path / "instance")},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_S
    try:
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(1)
        yield base, index, server
    finally:
        try:
            os.killpg(server.pid, signal.SIGINT)  # Ctrl-C: the arbiter and every worker get it
        except ProcessLookupError:
            pass  # the test stopped it
        try:
            output = server.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            output = server.communicate()[0]
    assert "Traceback" not in output, output


@pytest.mark.slow
def test_two_workers_serve_the_index_and_both_pick_up_a_rebuild(served, tmp_path, encoder):
    from indexer import settings
    from indexer.ingest.build import build

    base, index, server = served
    deadline = time.monotonic() + START_S  # /healthz answers as soon as the first worker is up
    while len(children(server.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    workers = children(server.pid)
    assert len(workers) == 2
    before = from_every_worker(f"{base}/healthz", 2, lambda body: True)
    assert {b["generation"] for b in before.values()} == {"gen-000001"}
    assert {b["determinations"] for b in before.values()} == {50}
    found = from_every_worker(f"{base}/api/search?q=physical%20therapy&k=3", 2,
                              lambda body: len(body["results"]) == 3)
    assert len({json.dumps(b["results"]) for b in found.values()}) == 1, "workers disagree"

    letters = tmp_path / "new"
    letters.mkdir()
    new_letter = letters / "900_new_letter.txt"
    new_letter.write_text(SEEDS[1].read_text() + "\nA letter added after the server started.\n")
    assert get(f"{base}/api/determinations/{new_letter.stem}")[0] == 404
    report = build([letters], settings.load(index=str(index)), encoder=encoder)
    assert (report.added, report.determinations) == (1, 51)

    shown = from_every_worker(f"{base}/api/determinations/{new_letter.stem}", 2,
                              lambda body: body["doc_id"] == new_letter.stem)
    assert len(shown) == 2
    after = from_every_worker(f"{base}/healthz", 2, lambda body: body["generation"] == "gen-000002")
    assert {b["determinations"] for b in after.values()} == {51}
    assert children(server.pid) == workers, "a worker was restarted"


def test_bad_worker_counts_are_one_line_usage_errors(tmp_path):
    for count in ("0", "-2", "two", "1.5"):
        done = subprocess.run([sys.executable, "-m", "indexer", "serve", "--workers", count,
                               "--index", str(tmp_path)], env=ENV, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().count("\n") == 0 and "--workers" in done.stderr, done.stderr


def test_a_port_in_use_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "indexer", "serve", "--workers", "2", "--port",
                               str(port), "--index", str(tmp_path)], env=ENV, capture_output=True,
                              text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "in use" in done.stderr, done.stderr


@pytest.mark.slow
def test_keep_alive_clients_are_spread_over_both_workers_and_sigterm_stops_them(served):
    """Clients that hold their connections open (browsers, load balancers) still reach both workers: a
    worker closes each connection after its answer. SIGTERM to the arbiter alone (systemd, docker) stops
    every worker within seconds."""
    import http.client
    import threading
    from urllib.parse import urlparse

    base, _, server = served
    deadline = time.monotonic() + START_S
    while len(children(server.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    workers = children(server.pid)
    address = urlparse(base)
    answered: list[tuple[str | None, str | None]] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        for turn in range(4):
            connection.request("GET", f"/api/search?q=physical+therapy+visit+{number}+{turn}&k=3")
            response = connection.getresponse()
            response.read()
            answered.append((response.headers.get("X-Precedent-Worker"), response.headers.get("Connection")))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answered) == 32 and {connection for _, connection in answered} == {"close"}
    assert len({worker for worker, _ in answered}) == 2, answered

    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    assert time.monotonic() - started < 15
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
