"""A bounded load: N clients, each a browser-like session mixing search, chat, similar and determination
pages for a fixed time against a running server; counts every failure and 5xx, and the latencies."""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

QUESTIONS = ["physical therapy functional improvement", "lumbar MRI without red flags", "opioid weaning",
             "TENS unit purchase", "knee arthroscopy", "Ambien long term", "acupuncture sessions",
             "cervical epidural steroid injection"]
FOLLOW_UPS = ["only the overturned ones", "what about the knee?", "only upheld"]


@dataclass
class LoadReport:
    clients: int
    seconds: float
    requests: int = 0
    failures: list[str] = field(default_factory=list)  # what went wrong, one line each
    server_errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        ordered = sorted(self.latencies_ms) or [0.0]
        return {"clients": self.clients, "seconds": self.seconds, "requests": self.requests,
                "failed": len(self.failures), "server_errors": self.server_errors,
                "requests_per_s": round(self.requests / self.seconds, 1),
                "p50_ms": round(statistics.median(ordered), 1),
                "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
                "max_ms": round(ordered[-1], 1), "by_kind": self.by_kind,
                "first_failures": self.failures[:5]}


class Client:
    """One browser: its own connection and cookies (so its conversations are its own)."""

    def __init__(self, host: str, port: int, doc_ids: list[str], rng: random.Random):
        self.connection = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.doc_ids, self.rng = doc_ids, rng
        self.conversation: str | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, payload

    def one(self) -> tuple[str, int, bytes]:
        kind = self.rng.choice(["search", "chat", "similar", "page"])
        if kind == "search":
            query = urlencode({"q": self.rng.choice(QUESTIONS), "mode": self.rng.choice(
                ["hybrid", "keyword", "semantic"])})
            return kind, *self.request("GET", f"/api/search?{query}")
        if kind == "chat":
            follow = self.conversation is not None and self.rng.random() < 0.5
            body = {"conversation_id": self.conversation if follow else None,
                    "message": self.rng.choice(FOLLOW_UPS if follow else QUESTIONS)}
            status, payload = self.request("POST", "/api/chat", body)
            if status == 200:
                self.conversation = json.loads(payload)["conversation_id"]
            return kind, status, payload
        doc_id = quote(self.rng.choice(self.doc_ids))
        if kind == "similar":
            return kind, *self.request("GET", f"/api/similar/{doc_id}")
        return kind, *self.request("GET", f"/d/{doc_id}?q=therapy")


def run_load(host: str, port: int, doc_ids: list[str], clients: int = 16, seconds: float = 5.0,
             seed: int = 0) -> LoadReport:
    """Run `clients` sessions for `seconds`; every request answered 2xx or it is a failure."""
    report = LoadReport(clients, seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def session(number: int) -> None:
        client = Client(host, port, doc_ids, random.Random(seed * 1000 + number))
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                kind, status, _ = client.one()
                problem = None if 200 <= status < 300 else f"{kind}: HTTP {status}"
            except (OSError, http.client.HTTPException, ValueError) as error:
                kind, status, problem = "error", 0, f"{type(error).__name__}: {error}"
                client.connection.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                report.requests += 1
                report.latencies_ms.append(elapsed)
                report.by_kind[kind] = report.by_kind.get(kind, 0) + 1
                report.server_errors += status >= 500
                if problem:
                    report.failures.append(problem)
        client.connection.close()

    threads = [threading.Thread(target=session, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report
