"""make eval: nDCG@10, recall@10 and MRR of each retrieval mode over the judged query set.

    python -m evaluation.run            # build/refresh .cache/eval-index from corpus/, report
    python -m evaluation.run --tune     # also sweep fusion methods and weights
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path

from indexer import settings as config
from indexer.ingest.build import build
from indexer.search.query import MODES
from indexer.search.searcher import Searcher

from .baseline import NaivePeer, letters_of
from .metrics import ndcg_at, recall_at, reciprocal_rank

HERE = Path(__file__).parent
ROOT = HERE.parent


@dataclass
class Scores:
    ndcg: float
    recall: float
    mrr: float
    ndcg_paraphrase: float
    milliseconds: float


def load_judged() -> list[dict]:
    return json.loads((HERE / "judged.json").read_text())


def evaluate(searcher: Searcher, judged: list[dict], mode: str, k: int = 10) -> Scores:
    """Run every judged query in one mode and average the metrics."""
    ndcgs, recalls, rrs, paraphrase, times = [], [], [], [], []
    for case in judged:
        started = time.perf_counter()
        response = searcher.search(case["query"], mode=mode, k=k)
        times.append((time.perf_counter() - started) * 1000)
        ranked = response.letters()  # a collapsed near-identical letter is shown in its group's row
        ndcgs.append(ndcg_at(ranked, case["grades"], k))
        recalls.append(recall_at(ranked, case["grades"], k))
        rrs.append(reciprocal_rank(ranked, case["grades"]))
        if case["paraphrase"]:
            paraphrase.append(ndcgs[-1])
    return Scores(statistics.mean(ndcgs), statistics.mean(recalls), statistics.mean(rrs),
                  statistics.mean(paraphrase) if paraphrase else 0.0, statistics.median(times))


def evaluate_peer(searcher: Searcher, judged: list[dict], k: int = 10) -> float:
    """nDCG@10 of the naive peer (whole-letter BM25 + 200-word MiniLM windows + RRF)."""
    peer = NaivePeer(letters_of(searcher), searcher.encoder)
    return statistics.mean(ndcg_at(peer.search(c["query"], k), c["grades"], k) for c in judged)


def report(searcher: Searcher, judged: list[dict]) -> dict[str, Scores]:
    results = {mode: evaluate(searcher, judged, mode) for mode in MODES}
    print(f"{len(judged)} judged queries ({sum(c['paraphrase'] for c in judged)} paraphrases), "
          f"{searcher.counts()['determinations']} determinations")
    print(f"{'mode':<10}{'nDCG@10':>9}{'recall@10':>11}{'MRR':>7}{'nDCG para':>11}{'ms/query':>10}")
    for mode, s in results.items():
        print(f"{mode:<10}{s.ndcg:>9.3f}{s.recall:>11.3f}{s.mrr:>7.3f}{s.ndcg_paraphrase:>11.3f}"
              f"{s.milliseconds:>10.1f}")
    return results


def tune(searcher: Searcher, judged: list[dict]) -> None:
    """Sweep fusion settings; print the grid best first."""
    rows = []
    grid = [("convex", w, 60) for w in (0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7)]
    grid += [("rrf", w, k) for w, k in itertools.product((0.3, 0.5, 0.7), (10, 30, 60))]
    for fusion, weight, rrf_k in grid:
        tuned = replace(searcher.settings, fusion=fusion, semantic_weight=weight, rrf_k=rrf_k)
        s = evaluate(Searcher(tuned, encoder=searcher.encoder), judged, "hybrid")
        rows.append((s.ndcg, s.ndcg_paraphrase, s.mrr, fusion, weight, rrf_k))
    print("\nfusion sweep (hybrid):  nDCG@10  nDCG para  MRR   method  weight  rrf_k")
    for ndcg, para, mrr, fusion, weight, rrf_k in sorted(rows, reverse=True):
        print(f"{'':24}{ndcg:.3f}    {para:.3f}     {mrr:.3f} {fusion:<7} {weight:<7} {rrf_k}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default=str(ROOT / ".cache" / "eval-index"))
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args()
    settings = config.load(index=args.index)
    built = build([ROOT / "corpus"], settings, prune=True)
    print(f"index: {built.summary()}")
    searcher = Searcher(settings)
    judged = load_judged()
    report(searcher, judged)
    print(f"naive peer (whole-letter BM25 + MiniLM 200-word windows + RRF k=60): nDCG@10 "
          f"{evaluate_peer(searcher, judged):.3f}")
    if args.tune:
        tune(searcher, judged)


if __name__ == "__main__":
    main()
