"""The real server as a subprocess, and an HTTP load generator over it (stdlib only).

    with Server(index) as server:
        result = run_load(server.url, clients=16, duration_s=30, mix=DEFAULT_MIX,
                          questions=questions.questions(), doc_ids=ids)

Each client thread holds one keep-alive connection and sends requests drawn from the mix
(search in each mode, chat, similar cases, determination pages) until the time is up; any
answer other than 2xx, and any connection error or timeout, counts as a failure. The
reliability suite reuses run_load against its own servers.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

# kind -> weight; "search" is hybrid, the reviewer's default
DEFAULT_MIX = {"search": 5, "keyword": 1, "semantic": 1, "chat": 1, "similar": 1, "pages": 1}
KINDS = ("search", "keyword", "semantic", "hybrid", "chat", "similar", "pages", "determination")


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    body: bytes | None = None


def request_for(kind: str, question: str | None = None, doc_id: str | None = None) -> Request:
    """The HTTP request a reviewer's action sends."""
    if kind in ("search", "keyword", "semantic", "hybrid"):
        mode = "hybrid" if kind == "search" else kind
        return Request(kind, "GET", "/api/search?" + urlencode({"q": question, "mode": mode}))
    if kind == "chat":
        body = json.dumps({"conversation_id": None, "message": question}).encode()
        return Request(kind, "POST", "/api/chat", body)
    if kind == "similar":
        return Request(kind, "GET", f"/api/similar/{quote(doc_id, safe='')}")
    if kind == "pages":
        return Request(kind, "GET", f"/d/{quote(doc_id, safe='')}")
    if kind == "determination":
        return Request(kind, "GET", f"/api/determinations/{quote(doc_id, safe='')}")
    raise ValueError(f"unknown request kind {kind!r}; known: {', '.join(KINDS)}")


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects after an error."""

    def __init__(self, base_url: str, timeout: float = 120):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.connection: http.client.HTTPConnection | None = None

    def send(self, request: Request) -> tuple[int, bytes, float]:
        """Return the status (0 for a connection error), the body and the milliseconds taken."""
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            headers = {"Content-Type": "application/json"} if request.body is not None else {}
            self.connection.request(request.method, request.path, body=request.body, headers=headers)
            response = self.connection.getresponse()
            status, body = response.status, response.read()
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            status, body = 0, f"{type(error).__name__}: {error}".encode()
        return status, body, (time.perf_counter() - started) * 1000

    def get_json(self, path: str) -> dict:
        status, body, _ = self.send(Request("get", "GET", path))
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:200]!r}")
        return json.loads(body)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def percentile(values: list[float], share: float) -> float | None:
    """The share-th percentile (nearest rank), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def summary(latencies: list[float]) -> dict:
    """Count, p50, p95 and max of latencies in ms."""
    return {"count": len(latencies),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": _round(percentile(latencies, 0.95)),
            "max_ms": _round(max(latencies) if latencies else None)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class LoadResult:
    clients: int
    planned_s: float  # how long clients kept sending
    duration_s: float  # until the last answer came back
    requests: int = 0
    failures: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)  # failure -> count ("503", "timeout: ...")

    @property
    def throughput(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def to_dict(self) -> dict:
        every = [ms for values in self.latencies.values() for ms in values]
        return {"clients": self.clients, "planned_s": self.planned_s, "duration_s": round(self.duration_s, 1),
                "requests": self.requests, "failures": self.failures,
                "throughput_rps": round(self.throughput, 2), **summary(every),
                "by_kind": {kind: {**summary(values), "failures": self.failed.get(kind, 0)}
                            for kind, values in sorted(self.latencies.items())},
                "errors": dict(self.errors.most_common(10))}


def run_load(base_url: str, clients: int, duration_s: float, mix: dict[str, float] | None = None,
             questions: Iterable[str] = (), doc_ids: list[str] | None = None, seed: int = 0,
             timeout: float = 120) -> LoadResult:
    """Send the mix from clients threads for duration_s; return counts, failures and latencies.

    The first requests take each kind of the mix in turn, so every kind is sent at least once
    (given as many requests); then kinds are drawn by weight. questions is drawn from once per
    request that needs one (pass an endless iterator of new questions to avoid repeats); doc_ids
    are picked at random for similar and pages requests.
    """
    mix = mix or DEFAULT_MIX
    for kind in mix:
        request_for(kind, "check", "check")  # an unknown kind fails here, before any thread starts
    stream: Iterator[str] = iter(questions)
    draw = threading.Lock()
    result = LoadResult(clients, duration_s, duration_s)
    kinds, weights = list(mix), list(mix.values())
    ids = list(doc_ids or [])
    if any(k in ("similar", "pages", "determination") for k in kinds) and not ids:
        raise ValueError("similar and pages requests need doc_ids")
    deadline = time.perf_counter() + duration_s

    sent = itertools.count()

    def next_request(rng: random.Random) -> Request:
        number = next(sent)  # the first requests go through the mix in turn: every kind is sent
        kind = kinds[number] if number < len(kinds) else rng.choices(kinds, weights)[0]
        if kind in ("similar", "pages", "determination"):
            return request_for(kind, doc_id=rng.choice(ids))
        with draw:
            question = next(stream, None)
        return request_for(kind, question or f"question {rng.random():.6f}")

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        connection = Client(base_url, timeout)
        mine: list[tuple[str, int, bytes, float]] = []
        while time.perf_counter() < deadline:
            request = next_request(rng)
            status, body, ms = connection.send(request)
            mine.append((request.kind, status, body if status != 200 else b"", ms))
        connection.close()
        with draw:
            for kind, status, body, ms in mine:
                result.requests += 1
                result.latencies.setdefault(kind, []).append(ms)
                if not 200 <= status < 300:
                    result.failures += 1
                    result.failed[kind] = result.failed.get(kind, 0) + 1
                    result.errors[str(status) if status else body.decode(errors="replace")[:120]] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.duration_s = time.perf_counter() - started
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command(*args: str) -> list[str]:
    """The precedent command line: the console script beside this Python, else python -m indexer."""
    script = Path(sys.executable).parent / "precedent"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "indexer", *args]


class Server:
    """`precedent serve` on a free port, started and waited for (GET /healthz), stopped on exit."""

    def __init__(self, index: Path, log: Path, args: Iterable[str] = (), start_timeout: float = 900):
        self.index, self.log, self.args, self.start_timeout = index, log, list(args), start_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.start_s: float | None = None

    def __enter__(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PRECEDENT_INSTANCE": str(self.log.parent / "instance")}
        started = time.perf_counter()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command("serve", "--index", str(self.index), "--port", str(self.port), *self.args),
                stdout=log, stderr=subprocess.STDOUT, env=env)
        probe = Client(self.url, timeout=5)
        while time.perf_counter() - started < self.start_timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}): "
                                   f"{self.log.read_text(errors='replace')[-500:]}")
            status, _, _ = probe.send(Request("health", "GET", "/healthz"))
            if status == 200:
                self.start_s = time.perf_counter() - started
                probe.close()
                return self
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the server did not answer /healthz within {self.start_timeout:.0f} s")

    def memory(self) -> dict:
        """Resident memory (VmRSS) and its peak (VmHWM) in MB, of the server and its worker processes."""
        pids = _tree(self.process.pid)
        found = [_status(pid) for pid in pids]
        found = [f for f in found if f]
        return {"processes": len(found),
                "rss_mb": round(sum(f.get("VmRSS", 0) for f in found) / 1024, 1),
                "hwm_mb": round(sum(f.get("VmHWM", 0) for f in found) / 1024, 1),
                # each page shared by n processes (model, memory-mapped index) counted 1/n in each:
                # what the machine spends, where the RSS sum counts shared pages once per process
                "pss_mb": round(sum(_pss(pid) for pid in pids) / 1024, 1)}

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _tree(pid: int) -> list[int]:
    """The process and its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(p) for p in task.read_text().split())
            except OSError:
                continue
    return list(dict.fromkeys(found))


def _pss(pid: int) -> int:
    """Proportional set size in kB (/proc/<pid>/smaps_rollup); 0 when the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def _status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM... in kB from /proc/<pid>/status; {} when the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {key: int(value.split()[0]) for key, _, value in (line.partition(":") for line in lines)
            if key.startswith("Vm") and value.strip().endswith("kB")}


def ask_each(base_url: str, requests: Iterable[Request], progress: str | None = None) -> dict:
    """Send requests one after another on one connection; return their latency summary and failures."""
    from tqdm import tqdm

    connection = Client(base_url)
    latencies, failures, errors = [], 0, Counter()
    items = list(requests)
    for request in tqdm(items, desc=progress, unit="req", disable=None if progress else True, leave=False):
        status, body, ms = connection.send(request)
        latencies.append(ms)
        if status != 200:
            failures += 1
            errors[str(status) if status else body.decode(errors="replace")[:120]] += 1
    connection.close()
    return {**summary(latencies), "failures": failures, "errors": dict(errors.most_common(5))}


__all__ = ["DEFAULT_MIX", "Client", "LoadResult", "Request", "Server", "ask_each", "command",
           "free_port", "percentile", "request_for", "run_load", "summary"]
