"""Rank determinations by their fused chunk scores, favouring the item that agrees with the query.

A determination counts as a match when it has a real keyword match (at least KEYWORD_FLOOR of
the best one) or a close meaning; its score is its best chunk plus a share of its second best,
times how well its best-matching disputed item agrees with what the query named.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import fusion
from .base import Scores
from .collection import Collection
from .filters import UNKNOWN, agreement, agreement_factors
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
    issues = collection.outlines[doc_id].issues
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


@dataclass
class Ranking:
    """Every matching determination, best first, as arrays; Ranked objects are made for the top only."""

    collection: Collection
    docs: np.ndarray  # determination numbers (tables.py), best first
    scores: np.ndarray
    issues: np.ndarray  # the matched item's global number, -1 for none
    positions: np.ndarray  # the fused chunks and their scores
    chunk_scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)

    def top(self, k: int) -> list[Ranked]:
        """The best k as Ranked, each with its chunks best first (equal scores in position order)."""
        return self.at(np.arange(min(k, len(self.docs))))

    def at(self, rows: np.ndarray) -> list[Ranked]:
        """These rows of the ranking (indices, best first) as Ranked, each with its chunks best first."""
        tables = self.collection.tables
        chosen = self.docs[rows]
        doc = tables.chunk_doc[self.positions]
        keep = np.flatnonzero(np.isin(doc, chosen))
        order = keep[np.lexsort((self.positions[keep], -self.chunk_scores[keep]))]
        by_doc: dict[int, list[int]] = {}
        for number, position in zip(doc[order].tolist(), self.positions[order].tolist(), strict=True):
            by_doc.setdefault(number, []).append(position)
        issues = self.issues[rows]
        local = np.where(issues >= 0, tables.issue_local[np.maximum(issues, 0)], -1)
        return [Ranked(tables.doc_ids[d], s, by_doc[d], None if i < 0 else i)
                for d, s, i in zip(chosen.tolist(), self.scores[rows].tolist(), local.tolist(), strict=True)]

    def doc_ids(self) -> list[str]:
        """Every matching determination's id, best first."""
        doc_ids = self.collection.tables.doc_ids
        return [doc_ids[d] for d in self.docs.tolist()]

    def matched(self) -> list[tuple[str, int | None]]:
        """Every match as (doc_id, its matched item's index in the letter or None), best first."""
        tables = self.collection.tables
        local = np.where(self.issues >= 0, tables.issue_local[np.maximum(self.issues, 0)], -1)
        return [(tables.doc_ids[d], None if i < 0 else i)
                for d, i in zip(self.docs.tolist(), local.tolist(), strict=True)]

    def chunk_score_of(self, ranked: list[Ranked]) -> dict[int, float]:
        """The fused score of every chunk of these results."""
        keep = np.isin(self.positions, [p for r in ranked for p in r.positions])
        return dict(zip(self.positions[keep].tolist(), self.chunk_scores[keep].tolist(), strict=True))


def rank_all(collection: Collection, positions: np.ndarray, scores: np.ndarray, understood: dict,
             allowed, matched: np.ndarray, second_weight: float) -> Ranking:
    """rank() over arrays: fused chunk scores in, every matching determination out, best first.

    matched is a boolean array over determination numbers (counted_docs); allowed as filters.allowed.
    """
    tables = collection.tables
    docs, best, doc_score = best_two(tables, positions, scores, second_weight)
    keep = matched[docs]
    docs, best, doc_score = docs[keep], best[keep], doc_score[keep]

    issues, factors = _matched_issues(tables, docs, best, positions, scores, understood, allowed)
    final = doc_score * factors
    ranked = np.lexsort((docs, -final))
    return Ranking(collection, docs[ranked], final[ranked], issues[ranked], positions, scores)


def best_two(tables, positions: np.ndarray, scores: np.ndarray, second_weight: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """fusion.aggregate() over arrays: the determinations (numbers, ascending), each one's best chunk
    score, and its best plus second_weight times its second best. No sort of every matched chunk: a
    scatter-max for the best, the same again without one best chunk per letter for the second."""
    doc = tables.chunk_doc[positions]
    size = int(doc.max()) + 1 if len(doc) else 0
    best = np.full(size, -np.inf)
    np.maximum.at(best, doc, scores)
    tops = np.flatnonzero(scores == best[doc])
    _, first = np.unique(doc[tops], return_index=True)  # one best chunk per letter (of equal ones)
    rest = scores.astype(np.float64, copy=True)
    rest[tops[first]] = -np.inf
    second = np.full(size, -np.inf)
    np.maximum.at(second, doc, rest)
    docs = np.flatnonzero(best > -np.inf)
    best, second = best[docs], second[docs]
    return docs, best, best + second_weight * np.where(second > -np.inf, second, 0.0)


def candidates(tables, docs: np.ndarray, allowed) -> np.ndarray:
    """Over all items: those of these determinations that may be matched (the ones passing the
    filters, or all of a letter's when none of its items is named by them)."""
    wanted = np.zeros(len(tables.doc_ids), dtype=bool)
    wanted[docs] = True
    candidate = wanted[tables.issue_doc]
    if allowed:
        passing = getattr(allowed, "passing", None)
        if not isinstance(passing, np.ndarray):  # a plain {doc_id: item indexes}
            passing = np.zeros(len(tables.issues), dtype=bool)
            for doc_id, indexes in allowed.items():
                start = tables.issue_start[tables.doc_number[doc_id]]
                passing[[start + i for i in indexes]] = True
        some = np.bincount(tables.issue_doc[passing], minlength=len(tables.doc_ids)) > 0
        candidate &= passing | ~some[tables.issue_doc]
    return candidate


def _matched_issues(tables, docs: np.ndarray, letter_best: np.ndarray, positions: np.ndarray,
                    scores: np.ndarray, understood: dict, allowed) -> tuple[np.ndarray, np.ndarray]:
    """matched_issue() for many determinations: each one's item and its agreement factor."""
    count = len(tables.issues)
    candidate = candidates(tables, docs, allowed)
    own = np.full(count, -np.inf)
    issue_of = tables.chunk_issue[positions]
    has = issue_of >= 0
    np.maximum.at(own, issue_of[has], scores[has])
    best_of_doc = np.zeros(len(tables.doc_ids))
    best_of_doc[docs] = letter_best
    cand = np.flatnonzero(candidate)
    borrowed = NO_OWN_PASSAGE * best_of_doc[tables.issue_doc[cand]]
    strength = np.where(np.isfinite(own[cand]), own[cand], borrowed)
    factor = agreement_factors(tables, understood)[cand]
    value = strength * factor
    order = np.lexsort((cand, -value, tables.issue_doc[cand]))
    cand_doc = tables.issue_doc[cand][order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = cand_doc[1:] != cand_doc[:-1]
    chosen_issue = np.full(len(tables.doc_ids), -1, dtype=np.int64)
    chosen_factor = np.full(len(tables.doc_ids), UNKNOWN ** len([k for k in understood if k in ISSUE_KEYS]))
    chosen_issue[cand_doc[first]] = cand[order][first]
    chosen_factor[cand_doc[first]] = factor[order][first]
    return chosen_issue[docs], chosen_factor[docs]


def counted_docs(collection: Collection, keyword: tuple[np.ndarray, np.ndarray],
                 semantic_positions: np.ndarray) -> np.ndarray:
    """counted() as a boolean array over determination numbers."""
    tables = collection.tables
    matched = np.zeros(len(tables.doc_ids), dtype=bool)
    positions, scores = keyword
    if len(positions):
        docs = tables.chunk_doc[positions]
        best = np.zeros(len(tables.doc_ids))
        np.maximum.at(best, docs, scores)
        present = np.zeros(len(tables.doc_ids), dtype=bool)
        present[docs] = True
        matched |= present & (best >= KEYWORD_FLOOR * best[present].max())
    matched[tables.chunk_doc[semantic_positions]] = True
    return matched
