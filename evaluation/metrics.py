"""Ranking metrics over graded judgments (2 = on point, 1 = partly relevant)."""

from __future__ import annotations

import math


def dcg(gains: list[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k with exponential gain; 0 when nothing is relevant."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg([grades.get(doc, 0) for doc in ranked[:k]]) / ideal if ideal else 0.0


def recall_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    relevant = {doc for doc, grade in grades.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for position, doc in enumerate(ranked, start=1):
        if grades.get(doc, 0) > 0:
            return 1 / position
    return 0.0
