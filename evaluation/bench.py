"""make bench: indexing throughput, query latency per mode, memory and index size.

    python -m evaluation.bench [--letters 400]

Synthetic letters are generated into .cache/bench/letters and indexed into .cache/bench/index
(incrementally: a second run re-embeds nothing). Numbers are printed, not asserted.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from indexer import settings as config
from indexer.generations import IndexDir
from indexer.ingest.build import build
from indexer.ingest.parse import parse_text
from indexer.search.query import MODES
from indexer.search.searcher import Searcher
from indexer.store import Store

from . import synthetic
from .run import load_judged

ROOT = Path(__file__).parent.parent


def size_of(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def searcher_free_unique(index: Path) -> int:
    """Count the distinct embeddings stored (synthetic letters repeat scenario text)."""
    store = Store(IndexDir(index).require() / "store.sqlite", readonly=True)
    try:
        return store.count_embeddings()
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=400)
    parser.add_argument("--workdir", default=str(ROOT / ".cache" / "bench"))
    args = parser.parse_args()
    work = Path(args.workdir)
    letters = synthetic.generate(args.letters, seed=1234, prefix="bench")
    synthetic.write(letters, work / "letters")

    started = time.perf_counter()
    for letter in letters:
        parse_text(letter.text, letter.name)
    parse_ms = (time.perf_counter() - started) * 1000 / len(letters)

    settings = config.load(index=str(work / "index"))
    started = time.perf_counter()
    report = build([work / "letters", ROOT / "corpus"], settings, prune=True)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    again = build([work / "letters", ROOT / "corpus"], settings, prune=True)
    rebuild_s = time.perf_counter() - started

    started = time.perf_counter()
    searcher = Searcher(settings)
    searcher.encoder.query("warm up")
    open_s = time.perf_counter() - started
    queries = [case["query"] for case in load_judged()]
    print(f"corpus: {report.determinations} determinations, {report.chunks} chunks "
          f"(index {size_of(work / 'index') / 2**20:.1f} MB on disk)")
    print(f"parse: {parse_ms:.2f} ms per letter")
    embedded = report.added + report.updated
    unique = searcher_free_unique(work / "index")
    print(f"build: {build_s:.1f} s for {embedded} new letters"
          + (f" ({report.chunks / build_s:.1f} chunks/s; {unique} distinct chunk texts embedded,"
             f" the rest reused by content hash)" if embedded else " (all cached)"))
    print(f"incremental rebuild with nothing changed: {rebuild_s:.2f} s "
          f"({again.unchanged} unchanged)")
    print(f"open index + load model: {open_s:.1f} s")
    print(f"{'mode':<10}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}   ({len(queries)} queries, "
          f"first run uncached, then repeated)")
    for mode in MODES:
        searcher.clear_caches()  # cold: a question nobody asked before; warm: asked again
        for label in ("cold", "warm"):
            times = []
            for query in queries:
                t = time.perf_counter()
                searcher.search(query, mode=mode)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(f"{mode + ' ' + label:<14}{statistics.median(times):>4.1f}{p95:>8.1f}"
                  f"{times[-1]:>8.1f}")
    similar = []
    for doc_id in list(searcher.determinations)[:30]:
        t = time.perf_counter()
        searcher.similar(doc_id=doc_id)
        similar.append((time.perf_counter() - t) * 1000)
    print(f"similar(doc_id) p50 {statistics.median(similar):.1f} ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (build + search): {rss:.0f} MB")


if __name__ == "__main__":
    main()
