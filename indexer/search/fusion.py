"""Fuse keyword and semantic chunk scores into one ranking, then rank determinations.

Each strategy maps plain {chunk position: score} dicts to one {chunk position: score} dict. Which
one and with what weight was chosen on the judged query set (see evaluation/run.py and the README);
the weights come from Settings, never from defaults here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def rrf(keyword: dict[int, float], semantic: dict[int, float], k: float,
        semantic_weight: float) -> dict[int, float]:
    """Reciprocal rank fusion: score(c) = (1-w) / (k + rank_kw(c)) + w / (k + rank_sem(c))."""
    fused: dict[int, float] = {}
    for scores, weight in ((keyword, 1 - semantic_weight), (semantic, semantic_weight)):
        ranked = sorted(scores, key=scores.get, reverse=True)
        for rank, position in enumerate(ranked, start=1):
            fused[position] = fused.get(position, 0.0) + weight / (k + rank)
    return fused


def convex(keyword: dict[int, float], semantic: dict[int, float], semantic_weight: float,
           floor: float) -> dict[int, float]:
    """Convex combination of normalized scores: (1-w)·kw/max(kw) + w·(sem-floor)/(max(sem)-floor).

    BM25 is divided by its best score (its scale depends on the query); cosine similarity is
    rescaled from the engine's cut-off (floor) to its best value, so both lie in [0, 1].
    """
    top_keyword = max(keyword.values(), default=0.0) or 1.0
    top_semantic = max(semantic.values(), default=floor + 1.0)
    spread = (top_semantic - floor) or 1.0
    fused: dict[int, float] = {}
    for position, score in keyword.items():
        fused[position] = (1 - semantic_weight) * score / top_keyword
    for position, score in semantic.items():
        fused[position] = fused.get(position, 0.0) + semantic_weight * max(0.0, score - floor) / spread
    return fused


def convex_arrays(keyword: tuple[np.ndarray, np.ndarray], semantic: tuple[np.ndarray, np.ndarray],
                  semantic_weight: float, floor: float, size: int) -> tuple[np.ndarray, np.ndarray]:
    """convex() over (positions, scores) arrays, the same arithmetic in the same order; size is the
    number of chunks. Returns the fused positions (ascending) and scores."""
    (kw_positions, kw_scores), (sem_positions, sem_scores) = keyword, semantic
    top_keyword = (float(kw_scores.max()) if len(kw_scores) else 0.0) or 1.0
    top_semantic = float(sem_scores.max()) if len(sem_scores) else floor + 1.0
    spread = (top_semantic - floor) or 1.0
    fused = np.zeros(size)
    present = np.zeros(size, dtype=bool)
    fused[kw_positions] = (1 - semantic_weight) * kw_scores / top_keyword
    fused[sem_positions] += semantic_weight * np.maximum(0.0, sem_scores - floor) / spread
    present[kw_positions] = True
    present[sem_positions] = True
    positions = np.flatnonzero(present)
    return positions, fused[positions]


def aggregate(chunk_scores: dict[int, float], doc_of: Callable[[int], str], second_weight: float
              ) -> dict[str, tuple[float, list[int]]]:
    """Score each determination by its best chunk plus a little of its second best.

    Returns doc_id -> (score, positions ordered best first).
    """
    positions_by_doc: dict[str, list[int]] = {}
    for position in sorted(chunk_scores, key=chunk_scores.get, reverse=True):
        positions_by_doc.setdefault(doc_of(position), []).append(position)
    scored = {}
    for doc_id, positions in positions_by_doc.items():
        best = chunk_scores[positions[0]]
        second = chunk_scores[positions[1]] if len(positions) > 1 else 0.0
        scored[doc_id] = (best + second_weight * second, positions)
    return scored
