"""make bench: what a reviewer waits for, at 1,000 and 10,000 letters, measured over HTTP.

    python -m evaluation.bench                      # 1k and 10k letters (make bench)
    python -m evaluation.bench --sizes 1000,10000,100000
    python -m evaluation.bench --short              # 60 letters, a few seconds of load (CI)

For each size: varied synthetic letters (cached under .cache/bench/), the index build (time,
throughput, stages, the embedding rate of the pipeline against the bare model), the real
server (`precedent serve`) as a subprocess, latency p50/p95 per mode for questions never asked
before and for the same questions asked again, similar cases, 16 concurrent clients for 30 s,
the server's memory, index size per letter, re-indexing one changed letter, and the start-up
time of single commands. Results go to bench/results/<date>.json and .md (and are printed).
Nothing is asserted: these are measurements.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import corpora, load, questions

ROOT = Path(__file__).parent.parent
MODES = ("keyword", "semantic", "hybrid")


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    questions: int  # new questions per mode (then each asked again)
    similar: int  # new doc ids for similar cases
    clients: int
    duration_s: float
    repeats: int  # runs of each single command
    sample: int  # chunks in the embedding-rate sample
    pool: int  # > 0: letters beyond 10,000 reuse the clinical text of this many cases
    workers: int  # > 1: the concurrent load again against `serve --workers N` (0: not)


CORES = len(os.sched_getaffinity(0))
FULL = Plan((1000, 10000), 200, 100, 16, 30.0, 3, 512, 4000, max(2, CORES))
SHORT = Plan((60,), 30, 10, 4, 5.0, 1, 64, 0, 2)


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor() or None)
    memory = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal")), 0)
    return {"cpu": model, "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "memory_gb": round(memory / 2**20, 1), "platform": platform.platform(),
            "python": platform.python_version(), "load_average_at_start": list(os.getloadavg())}


def git() -> dict:
    def run(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""
    return {"commit": run("rev-parse", "HEAD") or None, "branch": run("rev-parse", "--abbrev-ref", "HEAD"),
            "dirty": bool(run("status", "--porcelain", "--untracked-files=no"))}


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _timed(args: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    return time.perf_counter() - started, done


def process_start(index: Path, letter: Path, doc_id: str, asked: list[str], repeats: int) -> dict:
    """Wall time of single commands, start to exit (median of repeats); search asks a new question."""
    runs = {"parse": lambda _: ["parse", str(letter)],
            "show": lambda _: ["show", doc_id, "--index", str(index)],
            "search": lambda n: ["search", asked[n], "--index", str(index)]}
    out = {}
    for name, args in runs.items():
        times = []
        for n in range(repeats):
            seconds, done = _timed(load.command(*args(n)))
            if done.returncode != 0:
                raise RuntimeError(f"precedent {name} failed: {done.stderr.strip()[-300:]}")
            times.append(seconds)
        out[f"{name}_s"] = round(statistics.median(times), 2)
    return out


def reindex_one(corpus: corpora.Corpus, letter: Path) -> dict:
    """Wall time of `precedent index <folder>` after touching one letter, editing it, and reverting it."""
    original = letter.read_bytes()
    index = ["index", str(corpus.letters), "--index", str(corpus.index), "--json"]
    out = {}
    try:
        for step, content in (("touched", original),
                              ("edited", original + b"\nAddendum: the reviewer also read a later progress "
                                                    b"report, which does not change the determination.\n"),
                              ("reverted", original)):
            letter.write_bytes(content)
            os.utime(letter)
            seconds, done = _timed(load.command(*index))
            if done.returncode != 0:
                raise RuntimeError(f"precedent index failed: {done.stderr.strip()[-300:]}")
            report = json.loads(done.stdout)
            out[f"{step}_s"] = round(seconds, 2)
            out[f"{step}_updated"] = report["updated"]
    finally:
        letter.write_bytes(original)
    return out


def vector_recall(generation: Path, asked: list[str], k: int = 10) -> dict:
    """Recall@k against exact search of the vector index in use, and of an HNSW graph (the index above
    approximate_above) built over the same vectors, for new questions; and each one's search time."""
    import faiss

    from indexer.encoder import Encoder
    from indexer.search import semantic

    index = faiss.read_index(str(generation / semantic.VECTORS))
    queries = Encoder().texts(asked)
    out = {"index": "hnsw" if semantic.is_approximate(index) else "flat", "vectors": index.ntotal,
           "recall_at_10": round(semantic.recall_at(index, queries, k), 4),
           "search_ms": _search_ms(index, queries)}
    if not semantic.is_approximate(index) and index.ntotal:
        started = time.perf_counter()
        graph = semantic.build_index(index.reconstruct_n(0, index.ntotal), approximate_above=0)
        out.update(hnsw_build_s=round(time.perf_counter() - started, 1),
                   hnsw_recall_at_10=round(semantic.recall_at(graph, queries, k), 4),
                   hnsw_search_ms=_search_ms(graph, queries))
    return out


def _search_ms(index, queries) -> float:
    """Median time of the server's vector search for one question (semantic.within: every chunk above
    the cut-off from a flat index, the best up to RANGE_LIMIT from a graph), on one thread."""
    import faiss

    from indexer import settings
    from indexer.search import semantic

    faiss.omp_set_num_threads(1)
    cutoff = settings.load().similarity_cutoff
    times = []
    for vector in queries:
        started = time.perf_counter()
        semantic.within(index, vector, cutoff, None)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3) if times else 0.0


def measure_size(size: int, plan: Plan, work: Path, rebuild: bool, server_args: list[str]) -> dict:
    pool = plan.pool if size > 10000 else 0
    corpus = corpora.prepare(size, work, pool=pool)
    print(f"[{size} letters] building the index (or reusing the cached one)", file=sys.stderr)
    record = corpora.build_record(corpus, rebuild=rebuild, sample=plan.sample)
    generation = (corpus.index / (corpus.index / "CURRENT").read_text().strip())
    on_disk = corpora.size_on_disk(generation)
    ids = corpora.doc_ids(corpus.index)
    stream = questions.questions(seed=1)  # the same questions at every size
    result = {"letters": size, "pool": pool, "build": record["build"], "sample": record["sample"],
              "build_cached": record["cached"], "build_measured_at": record["measured_at"],
              "index": {"bytes": on_disk, "bytes_per_letter": round(on_disk / size)}}
    print(f"[{size} letters] starting the server", file=sys.stderr)
    with load.Server(corpus.index, work / "logs" / f"serve-{size}.log", server_args) as server:
        result["server"] = {"start_s": round(server.start_s, 1)}
        latency = {}
        for mode in MODES:
            asked = [next(stream) for _ in range(plan.questions)]
            requests = [load.request_for(mode, q) for q in asked]
            latency[mode] = {"new": load.ask_each(server.url, requests, f"{mode}, new"),
                             "repeated": load.ask_each(server.url, requests, f"{mode}, repeated")}
        result["latency"] = latency
        similar_ids = [doc_id for doc_id, _ in ids[:: max(1, len(ids) // plan.similar)]][: plan.similar]
        result["similar"] = load.ask_each(server.url, [load.request_for("similar", doc_id=d)
                                                       for d in similar_ids], "similar")
        print(f"[{size} letters] {plan.clients} clients for {plan.duration_s:.0f} s", file=sys.stderr)
        result["load"] = load.run_load(server.url, plan.clients, plan.duration_s, load.DEFAULT_MIX,
                                       stream, [d for d, _ in ids], seed=size).to_dict()
        result["server"].update(server.memory())
    if plan.workers > 1:
        workers = [*server_args, "--workers", str(plan.workers)]
        print(f"[{size} letters] {plan.clients} clients for {plan.duration_s:.0f} s, {plan.workers} workers",
              file=sys.stderr)
        with load.Server(corpus.index, work / "logs" / f"serve-{size}-workers.log", workers) as server:
            result["load_workers"] = {"workers": plan.workers, **load.run_load(
                server.url, plan.clients, plan.duration_s, load.DEFAULT_MIX, stream, [d for d, _ in ids],
                seed=size + 1).to_dict(), "memory": server.memory(), "start_s": round(server.start_s, 1)}
    result["vectors"] = vector_recall(generation, [next(stream) for _ in range(100)])
    doc_id, path = ids[len(ids) // 2]
    result["process_start"] = process_start(corpus.index, Path(path), doc_id,
                                            [next(stream) for _ in range(plan.repeats)], plan.repeats)
    result["reindex_one"] = reindex_one(corpus, Path(path))
    if pool:
        result["spread"] = measure_spread(corpus, plan, work, stream, ids, server_args)
    return result


def measure_spread(corpus: corpora.Corpus, plan: Plan, work: Path, stream, ids: list[tuple[str, str]],
                   server_args: list[str]) -> dict:
    """The server again over a copy of a pooled index in which every chunk has its own vector
    (corpora.spread): new questions per mode, similar cases, the concurrent load on one process, its
    memory and the vector index's recall, at the number of vectors a real collection of this size has."""
    size = corpus.size
    print(f"[{size} letters] every chunk its own vector: writing the copy", file=sys.stderr)
    started = time.perf_counter()
    index, written = corpora.spread(corpus)
    out = {"noise": corpora.SPREAD_NOISE, "write_s": round(time.perf_counter() - started, 1),
           "reused": not written}
    with load.Server(index, work / "logs" / f"serve-{size}-spread.log", server_args) as server:
        out["start_s"] = round(server.start_s, 1)
        out["latency"] = {mode: load.ask_each(server.url, [load.request_for(mode, next(stream))
                                                           for _ in range(plan.questions)], f"{mode}, new")
                          for mode in MODES}
        picked = ids[1:: max(1, len(ids) // plan.similar)][: plan.similar]
        out["similar"] = load.ask_each(server.url, [load.request_for("similar", doc_id=d) for d, _ in picked],
                                       "similar")
        out["load"] = load.run_load(server.url, plan.clients, plan.duration_s, load.DEFAULT_MIX, stream,
                                    [d for d, _ in ids], seed=size + 2).to_dict()
        out["memory"] = server.memory()
    generation = index / (index / "CURRENT").read_text().strip()
    out["vectors"] = vector_recall(generation, [next(stream) for _ in range(100)])
    return out


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def rows(size: dict) -> list[tuple[str, str]]:
    """One size's figures as (what, value) lines of the Markdown table."""
    build, sample, load_ = size["build"], size["sample"], size["load"]
    wall = build["wall_s"] or 1
    out = [("chunks (distinct ones embedded)", f"{_fmt(build['chunks'])} ({_fmt(build['distinct_chunks'])})"),
           ("build wall time" + (" (cached)" if size["build_cached"] else ""), _fmt(build["wall_s"], " s")),
           ("build throughput", f"{size['letters'] / wall:,.1f} letters/s, "
                                f"{build['distinct_chunks'] / wall:,.1f} embedded chunks/s"),
           ("build peak memory", _fmt(build["peak_rss_mb"], " MB"))]
    stages = build.get("stages")
    if isinstance(stages, dict) and stages:
        out += [(f"build stage: {name}", _fmt(value, " s") if isinstance(value, int | float) else str(value))
                for name, value in stages.items()]
        embed_s = stages.get("embed")
        if isinstance(embed_s, int | float) and embed_s > 0 and build.get("embedded"):
            out.append(("embedding in the build", f"{build['embedded'] / embed_s:,.1f} chunks/s"))
    elif stages:
        out.append(("build stages", json.dumps(stages)[:200]))
    else:
        out.append(("build stages", "not reported by this build"))
    rates = [sample["bare_chunks_per_s"], sample["pipeline_chunks_per_s"]]
    out += [("read+parse / chunk (sample)", f"{sample['read_parse_ms_per_letter']} / "
                                           f"{sample['chunk_ms_per_letter']} ms per letter"),
            ("embedding (sample): bare model.encode / pipeline"
             + (" / forward passes only" if "forward_chunks_per_s" in sample else ""),
             " / ".join(_fmt(r) for r in [*rates, sample.get("forward_chunks_per_s")] if r is not None)
             + " chunks/s"),
            ("index on disk", f"{size['index']['bytes'] / 2**20:,.1f} MB, "
                              f"{size['index']['bytes_per_letter'] / 1024:,.1f} KB per letter"),
            ("server start (to /healthz)", _fmt(size["server"]["start_s"], " s"))]
    for mode, runs in size["latency"].items():
        for kind in ("new", "repeated"):
            run = runs[kind]
            out.append((f"{mode}, {kind} questions p50 / p95",
                        f"{_fmt(run['p50_ms'])} / {_fmt(run['p95_ms'])} ms"
                        + (f" ({run['failures']} failed)" if run["failures"] else "")))
    similar = size["similar"]
    out += [("similar cases p50 / p95", f"{_fmt(similar['p50_ms'])} / {_fmt(similar['p95_ms'])} ms"),
            (f"{load_['clients']} clients for {load_['planned_s']:.0f} s: throughput",
             f"{load_['throughput_rps']:,.2f} requests/s"),
            (f"{load_['clients']} clients: p50 / p95",
             f"{_fmt(load_['p50_ms'])} / {_fmt(load_['p95_ms'])} ms"),
            (f"{load_['clients']} clients: failures", f"{load_['failures']} of {load_['requests']}"),
            ("server memory after load (RSS / peak / PSS)",
             f"{_fmt(size['server']['rss_mb'])} / {_fmt(size['server']['hwm_mb'])} / "
             f"{_fmt(size['server'].get('pss_mb'))} MB")]
    workers = size.get("load_workers")
    if workers:
        n, memory = workers["workers"], workers["memory"]
        out += [(f"{workers['clients']} clients, `serve --workers {n}`: throughput",
                 f"{workers['throughput_rps']:,.2f} requests/s"),
                (f"{workers['clients']} clients, `serve --workers {n}`: p50 / p95",
                 f"{_fmt(workers['p50_ms'])} / {_fmt(workers['p95_ms'])} ms"),
                (f"{workers['clients']} clients, `serve --workers {n}`: failures",
                 f"{workers['failures']} of {workers['requests']}"),
                (f"`serve --workers {n}` memory after load ({memory['processes']} processes: RSS sum / PSS)",
                 f"{_fmt(memory['rss_mb'])} / {_fmt(memory.get('pss_mb'))} MB")]
    vectors = size.get("vectors")
    if vectors:
        out.append(("vector index in use (one vector per distinct chunk text): recall@10 against exact, "
                    "search ms",
                    f"{vectors['index']} over {vectors['vectors']:,}: {vectors['recall_at_10']:.3f}, "
                    f"{vectors['search_ms']} ms"))
        if "hnsw_recall_at_10" in vectors:
            out.append(("HNSW (M=32) over the same vectors: recall@10, search ms, build",
                        f"{vectors['hnsw_recall_at_10']:.3f}, {vectors['hnsw_search_ms']} ms, "
                        f"{vectors['hnsw_build_s']} s"))
    reindex, start = size["reindex_one"], size["process_start"]
    out += [("re-index after touching / editing / reverting one letter",
             f"{reindex['touched_s']} / {reindex['edited_s']} / {reindex['reverted_s']} s"),
            ("`precedent parse` / `show` / `search`", f"{start['parse_s']} / {start['show_s']} / "
                                                       f"{start['search_s']} s")]
    spread = size.get("spread")
    if spread:
        vectors, memory, load_ = spread["vectors"], spread["memory"], spread["load"]
        every = "every chunk its own vector"
        reused = spread.get("reused", spread["write_s"] < 1)  # before the flag: writing one takes minutes
        out += [(f"{every}: the copy (noise {spread['noise']}) written in",
                 "reused from an earlier run" if reused else _fmt(spread["write_s"], " s")),
                (f"{every}: vector index, recall@10 against exact, search ms",
                 f"{vectors['index']} over {vectors['vectors']:,}: {vectors['recall_at_10']:.3f}, "
                 f"{vectors['search_ms']} ms")]
        out += [(f"{every}: {mode}, new questions p50 / p95",
                 f"{_fmt(run['p50_ms'])} / {_fmt(run['p95_ms'])} ms"
                 + (f" ({run['failures']} failed)" if run["failures"] else ""))
                for mode, run in spread["latency"].items()]
        out += [(f"{every}: similar cases p50 / p95",
                 f"{_fmt(spread['similar']['p50_ms'])} / {_fmt(spread['similar']['p95_ms'])} ms"),
                (f"{every}: {load_['clients']} clients, one process: throughput, p95, failures",
                 f"{load_['throughput_rps']:,.2f} requests/s, {_fmt(load_['p95_ms'])} ms, "
                 f"{load_['failures']} of {load_['requests']}"),
                (f"{every}: server memory after load (RSS / peak / PSS)",
                 f"{_fmt(memory['rss_mb'])} / {_fmt(memory['hwm_mb'])} / {_fmt(memory.get('pss_mb'))} MB"),
                (f"{every}: server start (to /healthz)", _fmt(spread["start_s"], " s"))]
    return out


def markdown(results: dict) -> str:
    sizes = results["sizes"]
    m, g = results["machine"], results["git"]
    lines = [f"# Precedent benchmark, {results['date']}", "",
             f"{m['cpu']}, {m['usable_cores']} cores, {m['memory_gb']} GB; load average "
             f"{m['load_average_at_start'][0]:.2f} at the start, "
             f"{m['load_average_at_end'][0]:.2f} at the end; "
             f"commit {(g['commit'] or '?')[:10]}{' (dirty)' if g['dirty'] else ''}"
             + (" — SHORT run" if results["short"] else ""), "",
             "| | " + " | ".join(f"{s['letters']:,} letters" for s in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    table = [dict(rows(s)) for s in sizes]
    for what in dict.fromkeys(label for t in table for label in t):  # every line, in order
        lines.append(f"| {what} | " + " | ".join(t.get(what, "–") for t in table) + " |")
    lines += ["", "New questions are asked once per server lifetime; repeated ones are the same questions "
                  "asked again (caches warm). Latency is over HTTP, one client, /api/search with excerpts, "
                  "from `precedent serve` (one process); the concurrent load is the mix of searches, chat, "
                  "similar cases and determination pages, all with new questions, against one process and "
                  "then against `serve --workers N`. PSS counts a page shared by n processes (the "
                  "memory-mapped index, the model) 1/n in each: what the machine spends; the RSS sum counts "
                  "shared pages once per process."]
    for s in sizes:
        if s["pool"]:
            lines.append(f"At {s['letters']:,} letters the clinical text of each letter is one of "
                         f"{s['pool']:,} cases, under its own header, so only "
                         f"{s['build']['distinct_chunks']:,} distinct chunks were embedded; "
                         f"the index holds all {s['build']['chunks']:,} chunks and one vector per "
                         f"distinct text. A real collection repeats almost no chunk text, so the rows "
                         f"\"every chunk its own vector\" serve a copy of the index in which each chunk's "
                         f"vector (and its sentences') is the shared one moved by random noise "
                         f"(corpora.spread): the real number of vectors, for memory, latency and recall.")
    return "\n".join(lines) + "\n"


def write(results: dict, out: Path) -> str:
    """Write results as JSON and as the Markdown table; return the table."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{results['date']}.json").write_text(json.dumps(results, indent=1))
    table = markdown(results)
    (out / f"{results['date']}.md").write_text(table)
    return table


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", help="letters per corpus, comma-separated (default 1000,10000)")
    parser.add_argument("--letters", type=int, help="one corpus of this many letters (= --sizes N)")
    parser.add_argument("--short", action="store_true", help="60 letters, 30 questions, 4 clients x 5 s (CI)")
    parser.add_argument("--questions", type=int, help="new questions per mode (default 200)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 16)")
    parser.add_argument("--duration", type=float, help="seconds of concurrent load (default 30)")
    parser.add_argument("--workers", type=int,
                        help=f"the load again against serve --workers N (default {FULL.workers}; 0: not)")
    parser.add_argument("--rebuild", action="store_true", help="build the indexes again even when cached")
    parser.add_argument("--server-args", default="",
                        help='extra `precedent serve` options, e.g. "--threads 8"')
    parser.add_argument("--workdir", default=str(ROOT / ".cache" / "bench"), help="corpora and indexes")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"), help="where results are written")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    plan = SHORT if args.short else FULL
    if args.letters and not args.sizes:
        args.sizes = str(args.letters)
    try:
        sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else plan.sizes
    except ValueError:
        sys.exit(f"--sizes takes whole numbers separated by commas, not {args.sizes!r}")
    if any(s < 10 for s in sizes):
        sys.exit("--sizes: each corpus needs at least 10 letters")
    plan = Plan(sizes, args.questions or plan.questions, plan.similar, args.clients or plan.clients,
                args.duration or plan.duration_s, plan.repeats, plan.sample, plan.pool,
                plan.workers if args.workers is None else args.workers)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    started = time.perf_counter()
    results = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "started_at":
               datetime.now(UTC).isoformat(timespec="seconds"), "short": args.short,
               "plan": plan.__dict__ | {"sizes": list(plan.sizes)}, "machine": machine(), "git": git(),
               "sizes": []}
    work, out = Path(args.workdir), Path(args.out)
    for size in plan.sizes:
        results["sizes"].append(measure_size(size, plan, work, args.rebuild, args.server_args.split()))
        results["machine"]["load_average_at_end"] = list(os.getloadavg())
        results["wall_s"] = round(time.perf_counter() - started, 1)
        table = write(results, out)  # after each size, so an interrupted run keeps what it measured
    print(table)
    print(f"written to {out / results['date']}.json and .md", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
