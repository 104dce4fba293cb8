"""Rank determinations by their fused chunk scores, favouring the item that agrees with the query.

A determination counts as a match when it has a real keyword match (at least KEYWORD_FLOOR of
the best one) or a close meaning; its score is its best chunk plus a share of its second best,
times how well its best-matching disputed item agrees with what the query named.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import fusion
from .base import Scores
from .collection import Collection
from .filters import UNKNOWN, agreement
from .query import ISSUE_KEYS

KEYWORD_FLOOR = 0.15  # a keyword match below this share of the best one is not counted
NO_OWN_PASSAGE = 0.8  # an item without passages of its own borrows this share of the letter's best


@dataclass
class Ranked:
    """A determination's place in a ranking before its excerpts are drawn."""

    doc_id: str
    score: float
    positions: list[int]
    issue_index: int | None


def counted(collection: Collection, keyword_scores: Scores, semantic_scores: Scores) -> set[str]:
    """Determinations that count as matches: a real keyword match or a close meaning."""
    best: dict[str, float] = {}
    for position, score in keyword_scores.items():
        doc_id = collection.doc_of(position)
        best[doc_id] = max(best.get(doc_id, 0.0), score)
    top = max(best.values(), default=0.0)
    matches = {d for d, s in best.items() if s >= KEYWORD_FLOOR * top}
    matches.update(collection.doc_of(position) for position in semantic_scores)
    return matches


def rank(collection: Collection, fused: Scores, understood: dict, allowed, matches: set[str],
         second_weight: float) -> list[Ranked]:
    """Rank the matching determinations, best first."""
    ranked = []
    for doc_id, (score, positions) in fusion.aggregate(fused, collection.doc_of, second_weight).items():
        if doc_id not in matches:
            continue
        issue_index, factor = matched_issue(collection, doc_id, positions, fused, understood, allowed)
        ranked.append(Ranked(doc_id, score * factor, positions, issue_index))
    ranked.sort(key=lambda r: (-r.score, r.doc_id))
    return ranked


def matched_issue(collection: Collection, doc_id: str, positions: list[int], fused: Scores,
                  understood: dict, allowed) -> tuple[int | None, float]:
    """Pick the disputed item whose passages matched best, favouring the query's words."""
    issues = collection.determinations[doc_id].issues
    candidates = sorted(allowed[doc_id]) if allowed and doc_id in allowed and allowed[doc_id] \
        else list(range(len(issues)))
    if not candidates:
        return None, UNKNOWN ** len([k for k in understood if k in ISSUE_KEYS])
    letter_best = max(fused[p] for p in positions)
    own_best: dict[int | None, float] = {}  # each item's best passage, in one pass: 1000s of items
    for p in positions:
        index = collection.chunks[p].issue_index
        own_best[index] = max(own_best.get(index, fused[p]), fused[p])
    best = (None, -1.0, 1.0)
    for index in candidates:
        strength = own_best[index] if index in own_best else NO_OWN_PASSAGE * letter_best
        factor = agreement(issues[index], understood)
        if strength * factor > best[1]:
            best = (index, strength * factor, factor)
    return best[0], best[2]
