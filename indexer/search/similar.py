"""Similar cases: the determinations closest in meaning to one determination or to pasted text.

The source is a determination's clinical summary and rationales (their mean chunk vector) or the
pasted text's; filters apply as in search; a case that shares the source's treatment, body part
or decision ranks higher, and its result names what it shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import vocabulary
from ..determination import Issue
from ..encoder import Encoder
from ..errors import QueryError
from ..sentences import windows
from . import fusion
from .base import Scores, SemanticIndex, as_arrays
from .collection import Collection
from .ranking import Ranked, Ranking, best_two, candidates
from .results import Result

MAX_PASTED_CHARS = 20000
MOST_PIECES = 40  # pasted text embedded, at most, as this many windows
SHARED_BOOST = 0.1  # per shared treatment, body part or decision
SOURCE_KINDS = ("summary", "rationale")


@dataclass
class Source:
    """What similar cases are compared with."""

    label: str
    vector: np.ndarray
    issues: list[Issue]
    own_positions: list[int]


def from_determination(collection: Collection, semantic: SemanticIndex, doc_id: str) -> Source:
    """The mean vector of a determination's summary and rationale chunks (all its chunks if none)."""
    source = collection.determination(doc_id)
    own = collection.positions_of_doc.get(doc_id, [])
    positions = [p for p in own if collection.chunks[p].kind in SOURCE_KINDS] or own
    if not positions:
        raise QueryError(f"determination {doc_id!r} has no indexed text to compare")
    return Source(f"similar to {doc_id}", _mean(semantic.vectors(positions)), source.issues, own)


def from_text(text: str | None, encoder: Encoder, chunk_words: int) -> Source:
    """The mean vector of pasted text, cut into chunk-sized windows."""
    if not text or not text.strip():
        raise QueryError("paste a case summary or a UR denial to compare")
    text = text[:MAX_PASTED_CHARS]
    pieces = windows(text, chunk_words, 0)[:MOST_PIECES] or [text]
    return Source("similar to the pasted text", _mean(encoder.texts(pieces)), [issue_from_text(text)], [])


def rank(collection: Collection, scores: Scores, source: Source, allowed, second_weight: float
         ) -> tuple[list[Ranked], dict[str, list[str]]]:
    """Rank the close determinations; return them and what each shares with the source."""
    ranked, shared_by_doc = [], {}
    # What an item shares depends only on these three values: a letter disputing thousands of items
    # holds few kinds, so each candidate is compared with the kinds, not with every item.
    kinds = list({(i.treatment, i.body_part, i.decision): i for i in source.issues}.values())
    for other, (score, positions) in fusion.aggregate(scores, collection.doc_of, second_weight).items():
        index, shared = _shared(collection, other, kinds, allowed)
        shared_by_doc[other] = shared
        ranked.append(Ranked(other, score * (1 + SHARED_BOOST * len(shared)), positions, index))
    ranked.sort(key=lambda r: (-r.score, r.doc_id))
    return ranked, shared_by_doc


def mark_source_template(results: list[Result], group_of: dict[str, str], doc_id: str | None) -> None:
    """Mark the result that stands for the compared letter's own near-identical group: it stays in the
    list, because a reviewer wants to know that the letter's reasoning is a template used elsewhere."""
    group = group_of.get(doc_id) if doc_id else None
    for result in results:
        result.near_identical_to_source = group is not None and group_of.get(result.doc_id) == group


def rank_all(collection: Collection, scores: Scores, source: Source, allowed, second_weight: float
             ) -> tuple[Ranking, Callable[[str], list[str]]]:
    """rank() over arrays: every close determination best first, and what one shares with the source."""
    tables = collection.tables
    positions, chunk_scores = as_arrays(scores)
    docs, _, doc_score = best_two(tables, positions, chunk_scores, second_weight)
    common = np.zeros(len(tables.issues), dtype=np.int64)
    for issue in source.issues:
        count = np.zeros(len(tables.issues), dtype=np.int64)
        for key in ("treatment", "body_part", "decision"):
            value = getattr(issue, key)
            codes = tables.single[key]
            if value and (value,) in codes.distinct:
                count += codes.codes == codes.distinct.index((value,))
        common = np.maximum(common, count)
    cand = np.flatnonzero(candidates(tables, docs, allowed))
    order = np.lexsort((cand, -common[cand], tables.issue_doc[cand]))
    cand_doc = tables.issue_doc[cand][order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = cand_doc[1:] != cand_doc[:-1]
    chosen = np.full(len(tables.doc_ids), -1, dtype=np.int64)
    chosen[cand_doc[first]] = cand[order][first]
    issues = chosen[docs]
    shared = np.where(issues >= 0, common[np.maximum(issues, 0)], 0)
    final = doc_score * (1 + SHARED_BOOST * shared)
    ranked = np.lexsort((docs, -final))
    ranking = Ranking(collection, docs[ranked], final[ranked], issues[ranked], positions, chunk_scores)
    return ranking, lambda doc_id: _shared(collection, doc_id, source.issues, allowed)[1]


def _mean(matrix: np.ndarray) -> np.ndarray:
    vector = matrix.mean(axis=0)
    return (vector / (np.linalg.norm(vector) or 1.0)).astype(np.float32)


def _shared(collection: Collection, doc_id: str, issues: list[Issue], allowed
            ) -> tuple[int | None, list[str]]:
    """Pick the closest item of a similar case and name what it shares with the source."""
    best, best_shared = None, []
    for index, issue in enumerate(collection.outlines[doc_id].issues):
        if allowed and doc_id in allowed and allowed[doc_id] and index not in allowed[doc_id]:
            continue
        shared = []
        for source_issue in issues:
            common = [value for value, other in (
                (issue.treatment, source_issue.treatment),
                (issue.body_part, source_issue.body_part),
                (issue.decision, source_issue.decision)) if value and value == other]
            if len(common) > len(shared):
                shared = common
        if best is None or len(shared) > len(best_shared):
            best, best_shared = index, shared
    return best, best_shared


def issue_from_text(text: str) -> Issue:
    """Read the treatment, body part and decision a pasted text is about."""
    counts: dict[str, int] = {}
    for _, _, label in vocabulary.treatment_mentions(text):
        counts[label] = counts.get(label, 0) + 1
    treatment = max(counts, key=counts.get) if counts else None
    parts = vocabulary.body_parts_in(text)
    decisions = [label for _, _, label in vocabulary.decision_mentions(text)]
    return Issue(item="pasted text", decision=decisions[-1] if decisions else None,
                 treatment=treatment, body_part=parts[0] if parts else None, guidelines=[],
                 rationale="")
