"""Run the reliability suites in full mode and write docs/reliability.md: each promise, the tests that
check it, and their latest figures.

    python -m evaluation.reliability                 # every promise, full mode (10 kills, 60 s of load)
    python -m evaluation.reliability --only load     # some of them; the others keep their last figures
    python -m evaluation.reliability --report        # run nothing: rewrite the doc from the last runs
    python -m evaluation.reliability --short         # the CI sizes
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts" / "reliability"
DOC = ROOT / "docs" / "reliability.md"
FULL = {"PRECEDENT_KILL_ROUNDS": "10", "PRECEDENT_LOAD_SECONDS": "60", "PRECEDENT_LOAD_CLIENTS": "16"}


@dataclass(frozen=True)
class Promise:
    name: str
    promise: str
    tests: tuple[str, ...]
    artifact: str | None = None  # a JSON file of figures the tests write under tests/artifacts/reliability/


PROMISES = [
    Promise("damaged", "A damaged index is refused in one line naming the file, never served; a server keeps "
            "its last good generation and `precedent index` rebuilds.",
            ("tests/integration/test_damaged_index.py",)),
    Promise("no500", "No input gets a 500 or a traceback: every route answers a clear 4xx in the error "
            "shape (a schemathesis run from the OpenAPI description, hostile requests), and the cleaner, "
            "parser, query understanding and follow-ups take any text (hypothesis).",
            ("tests/unit/test_properties.py", "tests/integration/test_openapi.py",
             "tests/integration/test_hostile_requests.py")),
    Promise("bounded", "Work per request is bounded: a letter with 3,000 items is drawn a page at a time; "
            "a body over 64 KiB is a 413; a busy server answers 503 at once and /healthz still answers.",
            ("tests/integration/test_long_letter.py",
             "tests/integration/test_hostile_requests.py::test_a_busy_server_answers_503_at_once_and_healthz_still_answers",
             "tests/integration/test_hostile_requests.py::test_a_search_waiting_past_busy_seconds_is_a_503_and_healthz_does_not_wait",
             "tests/integration/test_web.py::test_json_nested_deeper_than_python_recurses_is_a_400")),
    Promise("faults", "An operator's mistakes and a full or read-only disk are one line, not a traceback; "
            "the served index is untouched and no staging folder is left; odd files are listed as failed.",
            ("tests/integration/test_operator_faults.py", "tests/unit/test_listing.py")),
    Promise("access", "Off loopback the server needs a token (or refuses to start); foreign Host headers, "
            "cross-site writes and other browsers' conversations are refused; redirects name no host.",
            ("tests/integration/test_access.py",)),
    Promise("load", "16 clients mixing search, chat, similar and determination pages against `precedent "
            "serve` get no failed request and no 5xx; the server's log holds no query.",
            ("tests/integration/test_load.py",), "load.json"),
    Promise("kill9", "`precedent index` killed with SIGKILL at random moments leaves an index that opens, "
            "verifies and answers as before; the next build succeeds.",
            ("tests/integration/test_kill9.py",), "kill9.json"),
]


def run_promise(promise: Promise, env: dict) -> dict:
    """Run a promise's tests; return pass/fail counts, the time taken and its figures."""
    present = [t for t in promise.tests if (ROOT / t.split("::")[0]).exists()]
    if not present:
        return {"status": "missing", "note": "test file not on this branch yet"}
    report = ARTIFACTS / f"{promise.name}.junit.xml"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if promise.artifact:
        (ARTIFACTS / promise.artifact).unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           f"--junitxml={report}", *present], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    counts = _counts(report)
    result = {"status": "pass" if done.returncode == 0 else "FAIL", **counts,
              "seconds": round(time.perf_counter() - started), "tests": present}
    if promise.artifact and (ARTIFACTS / promise.artifact).exists():
        result["figures"] = json.loads((ARTIFACTS / promise.artifact).read_text())
    return result


def last_result(promise: Promise) -> dict:
    """The figures of the promise's latest run, read back from what it left under tests/artifacts/."""
    junit = ARTIFACTS / f"{promise.name}.junit.xml"
    if not junit.exists():
        return {"status": "not run"}
    counts = _counts(junit)
    result = {"status": "pass" if counts["failed"] == 0 and counts["passed"] else "FAIL", **counts}
    if promise.artifact and (ARTIFACTS / promise.artifact).exists():
        result["figures"] = json.loads((ARTIFACTS / promise.artifact).read_text())
    return result


def _counts(junit: Path) -> dict:
    try:
        suite = ElementTree.parse(junit).getroot()
    except (OSError, ElementTree.ParseError):
        return {"passed": 0, "failed": 0, "skipped": 0}
    suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
    total, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors",
                                                                        "skipped"))
    return {"passed": total - failures - errors - skipped, "failed": failures + errors, "skipped": skipped}


def figure(promise: Promise, result: dict) -> str:
    if result["status"] == "missing":
        return f"not run: {result['note']}"
    if result["status"] == "not run":
        return "not run yet"
    line = f"{result['status']}: {result['passed']} passed, {result['failed']} failed"
    line += f", {result['skipped']} skipped" if result["skipped"] else ""
    found = result.get("figures")
    if promise.name == "load" and found:
        line += (f"; {found['clients']} clients × {found['seconds']:.0f} s: {found['requests']} requests, "
                 f"{found['failed']} failed, {found['server_errors']} 5xx, {found['requests_per_s']} req/s, "
                 f"p50 {found['p50_ms']:.0f} ms, p95 {found['p95_ms']:.0f} ms")
    if promise.name == "kill9" and found:
        line += (f"; {found['kills']} kills, {found['survived']} survived ({found['killed_mid_build']} "
                 f"before publishing); kill moments drawn within {found['build_seconds']} s (one build)")
    return line


def write_doc(results: dict[str, dict], mode: str) -> None:
    rows = []
    for promise in PROMISES:
        result = results[promise.name]
        tests = "<br>".join(f"`{t}`" for t in promise.tests)
        rows.append(f"| {promise.promise} | {tests} | {figure(promise, result)} |")
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(f"""# Reliability: what Precedent promises, and the test that checks each

Generated by `python -m evaluation.reliability` ({mode} mode) on {time.strftime('%Y-%m-%d %H:%M UTC',
time.gmtime())}, {platform.machine()}, {os.cpu_count()} cores. Do not edit by hand: rerun it.
CI runs the same tests in short mode (`make test`: 3 kills, 16 clients × 5 s); the full mode here takes
10 kills and 60 s of load (`PRECEDENT_KILL_ROUNDS`, `PRECEDENT_LOAD_SECONDS`, `PRECEDENT_LOAD_CLIENTS`).
Timings depend on the machine and on what else runs on it.

| promise | checked by | latest figure |
|---|---|---|
""" + "\n".join(rows) + "\n" + NOTES)


NOTES = """
## How each is kept

- **Access control.** Bound to loopback, the server answers local clients only. Bound anywhere else,
  `precedent serve` refuses to start unless `PRECEDENT_TOKEN` is set; then every route but `/healthz`,
  `/login` and static files needs it: `Authorization: Bearer <token>` for scripts, or a cookie
  (HttpOnly, SameSite=Strict, derived from the token, never the token itself) that a browser gets once from
  the login form or a `?token=` link. The token is compared in constant time. A Host header that is not the
  server's address, an IP address, localhost or a name in `PRECEDENT_ALLOWED_HOSTS` is a 400 (DNS
  rebinding). A POST whose Origin or Referer names another site is a 403, and the JSON API takes only JSON
  bodies (a cross-site form cannot send one). Redirects are relative and never built from the Host header.
  A conversation belongs to the browser that started it (an HttpOnly owner cookie); another browser
  holding its id gets a 404. Neither waitress nor Precedent logs queries or letter text at the default
  level.
- **Operator faults.** A full disk, a file size limit or a read-only index folder stops `precedent index`
  with one line naming the index and what to do; the staging generation is removed and the live one is
  still served. `--index` at or under a file, a missing input folder (no index is created), a port in use,
  `--port` outside 1–65535 and `--threads` below 1 are one line with exit status 1 or 2. FIFOs, sockets,
  devices, broken links, link loops, unreadable folders and a folder named like a letter are listed in the
  report's `failed` with the reason; a FIFO is never opened.
- **kill -9.** A build writes a new generation beside the live one and switches `CURRENT` atomically, so a
  build killed at any moment leaves the previous generation complete and verified.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=[p.name for p in PROMISES])
    parser.add_argument("--short", action="store_true", help="the CI sizes instead of the full run")
    parser.add_argument("--report", action="store_true", help="rewrite the doc from the last runs")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", **({} if args.short else FULL)}
    results = {}
    for promise in PROMISES:
        if args.report or (args.only and promise.name not in args.only):
            results[promise.name] = last_result(promise)
            continue
        print(f"{promise.name}: running {', '.join(promise.tests)}", file=sys.stderr, flush=True)
        results[promise.name] = run_promise(promise, env)
        print(f"{promise.name}: {figure(promise, results[promise.name])}", file=sys.stderr, flush=True)
    write_doc(results, "short" if args.short else "full")
    print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0 if all(r["status"] in ("pass", "missing", "not run") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
