"""A bounded load against `precedent serve` as `make run` starts it: 16 clients mixing search, chat, similar
and determination pages; no request fails, none is a 5xx, and the server's log holds no query.
PRECEDENT_LOAD_SECONDS sets the duration (5 by default, 60 in the full run)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import pytest

from evaluation.reliability_load import QUESTIONS, run_load
from tests.paths import ROOT

SECONDS = float(os.environ.get("PRECEDENT_LOAD_SECONDS", "5"))
CLIENTS = int(os.environ.get("PRECEDENT_LOAD_CLIENTS", "16"))
ARTIFACT = ROOT / "tests" / "artifacts" / "reliability" / "load.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(corpus_index, tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
           "PRECEDENT_INSTANCE": str(tmp_path / "instance")}
    log = open(tmp_path / "server.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--index", str(corpus_index),
                                "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {(tmp_path / 'server.log').read_text()}")
                time.sleep(0.5)
        yield port, tmp_path / "server.log"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def search(port: int, question: str) -> list[dict]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q={quote(question)}") as response:
        return json.load(response)["results"]


def test_sixteen_clients_get_no_failures_and_no_5xx(server):
    port, log = server
    doc_ids = sorted({result["doc_id"] for question in QUESTIONS[:3] for result in search(port, question)})
    report = run_load("127.0.0.1", port, doc_ids, clients=CLIENTS, seconds=SECONDS).to_dict()
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, indent=1))
    assert report["requests"] >= CLIENTS
    assert report["failed"] == 0 and report["server_errors"] == 0, report["first_failures"]
    assert set(report["by_kind"]) == {"search", "chat", "similar", "page"}
    logged = log.read_text()
    assert not any(question in logged for question in QUESTIONS), "a query reached the server's log"
