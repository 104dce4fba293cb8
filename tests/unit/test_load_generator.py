"""The HTTP load generator: every request counted, failures and errors told apart, no question twice.

The server here is a stdlib one standing in for Precedent (the real one is driven by
tests/integration/test_bench.py), answering 500 to questions containing "fail".
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from evaluation import load


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    asked: list[str] = []
    lock = threading.Lock()

    def _answer(self, status: int) -> None:
        body = json.dumps({"ok": status == 200}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        url = urlsplit(self.path)
        question = parse_qs(url.query).get("q", [""])[0]
        if url.path == "/api/search":
            with self.lock:
                self.asked.append(question)
        known = url.path == "/api/search" or url.path.startswith(("/api/similar/", "/d/"))
        self._answer(500 if "fail" in question else 200 if known else 404)

    def do_POST(self):  # noqa: N802
        message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["message"]
        with self.lock:
            self.asked.append(message)
        self._answer(500 if "fail" in message else 200)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.asked = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_load_counts_requests_and_failures_per_kind(server):
    stream = (f"question {n}" + (" fail" if n % 4 == 0 else "") for n in itertools.count())
    result = load.run_load(server, clients=3, duration_s=1.0,
                           mix={"search": 20, "chat": 1, "similar": 1, "pages": 0.001},
                           questions=stream, doc_ids=["CM1", "CM2"])
    data = result.to_dict()
    asked = _Handler.asked
    assert data["requests"] == sum(k["count"] for k in data["by_kind"].values()) > 10
    assert set(data["by_kind"]) == {"search", "chat", "similar", "pages"}
    failing = sum("fail" in q for q in asked)
    assert data["failures"] == failing > 0
    assert data["errors"] == {"500": failing}
    assert data["by_kind"]["similar"]["failures"] == data["by_kind"]["pages"]["failures"] == 0
    assert len(asked) == len(set(asked)), "a question was asked twice"
    assert data["p50_ms"] <= data["p95_ms"] <= data["max_ms"]


def test_a_server_that_is_down_is_all_failures():
    port = load.free_port()
    result = load.run_load(f"http://127.0.0.1:{port}", clients=2, duration_s=0.3, mix={"search": 1},
                           questions=(f"q{n}" for n in itertools.count()))
    assert result.requests > 0 and result.failures == result.requests
    assert any("ConnectionRefused" in error for error in result.errors)


def test_ask_each_sends_every_request_once_in_order(server):
    requests = [load.request_for("keyword", f"q{n}") for n in range(5)]
    requests.append(load.request_for("semantic", "this one fails"))
    figures = load.ask_each(server, requests)
    assert _Handler.asked == ["q0", "q1", "q2", "q3", "q4", "this one fails"]
    assert figures["count"] == 6 and figures["failures"] == 1 and figures["errors"] == {"500": 1}


def test_bad_mixes_are_refused_before_any_request():
    with pytest.raises(ValueError, match="unknown request kind"):
        load.run_load("http://127.0.0.1:1", 1, 0.1, mix={"searching": 1})
    with pytest.raises(ValueError, match="doc_ids"):
        load.run_load("http://127.0.0.1:1", 1, 0.1, mix={"similar": 1})


def test_percentiles_take_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 0.95) == 95.0
    assert load.percentile(values, 0.5) == 50.0
    assert load.percentile([], 0.95) is None
    assert load.summary([3.0, 1.0, 2.0]) == {"count": 3, "p50_ms": 2.0, "p95_ms": 3.0, "max_ms": 3.0}
