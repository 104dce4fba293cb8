"""Contrast: the nearest Upheld and the nearest Overturned determinations for the same treatment.

For a question, the treatment is the one it names (or a filter names, or else the best match's);
each side is the question searched again with that treatment and that decision as hard filters.
A decisive reason that belongs to the other side is swapped for its counterpart there ("no
functional improvement documented" becomes "functional improvement documented"), so both sides
answer the same question. For a determination, each of its treatments is compared with the cases
closest in meaning to that item's rationale and the letter's summary, excluding the letter itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import reasons
from ..contrast import Difference, differences
from ..determination import Issue
from .excerpts import result_for
from .facets import citation_label
from .filters import allowed as passing
from .query import check_filters, understand
from .results import Result
from .similar import Source, rank

SIDES = (reasons.UPHELD, reasons.OVERTURNED)
PER_SIDE = 3
MOST_TREATMENTS = 10  # a letter with many items (up to 21) is contrasted on its first ten treatments
NEAREST_CUTOFF = 0.0


@dataclass
class Contrast:
    """Both sides for one treatment, best first, and what differs between the best of each."""

    query: str
    understood: dict
    treatment: str | None
    upheld: list[Result]
    overturned: list[Result]
    differences: list[Difference]
    message: str | None
    this: dict | None = None  # on a determination page: the letter's own item being contrasted
    totals: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        data["upheld"] = [r.to_dict() for r in self.upheld]
        data["overturned"] = [r.to_dict() for r in self.overturned]
        data["differences"] = [d.to_dict() for d in self.differences]
        return data


def for_question(searcher, raw: str, filters: dict | None = None, k: int = PER_SIDE) -> Contrast:
    """The nearest Upheld and Overturned determinations for the treatment a question is about."""
    q = understand(raw, filters)
    wanted = {key: value for key, value in q.filters.items() if key != "decision"}
    treatment = wanted.get("treatment") or q.understood.get("treatment")
    if treatment is None:  # the question names none: take the best match's
        best = searcher.search(raw, k=1, filters=wanted)
        treatment = best.results[0].treatment if best.results else None
    understood = {"text": q.text, "filters": {**q.all_filters(), "treatment": treatment}}
    understood["filters"].pop("decision", None)
    if treatment is None:
        return Contrast(q.raw, understood, None, [], [], [], "No determination matches "
                        f"{q.text!r}, so there is no treatment to contrast: name one.")
    sides, totals = {}, {}
    for decision in SIDES:
        side_filters, ignore = _side(wanted, q.understood.get("reason"), decision)
        response = searcher.search(raw, k=k, filters={**side_filters, "treatment": treatment,
                                                      "decision": decision}, ignore=ignore)
        sides[decision], totals[decision] = response.results, response.total
    return Contrast(q.raw, understood, treatment, sides[reasons.UPHELD], sides[reasons.OVERTURNED],
                    _differences(searcher.collection, sides[reasons.UPHELD][:1],
                                 sides[reasons.OVERTURNED][:1]),
                    _message(searcher.collection, treatment, totals), totals=totals)


def _side(filters: dict, soft_reason: str | None, decision: str) -> tuple[dict, tuple]:
    """The filters and ignored readings for one side: a reason of the other side is swapped."""
    filters = dict(filters)
    reason = filters.get("reason")
    if reason and reasons.DECISION_OF.get(reason) != decision:
        counterpart = reasons.COUNTERPART.get(reason)
        filters.pop("reason")
        if counterpart:
            filters["reason"] = counterpart
    ignore = ("reason",) if soft_reason and reasons.DECISION_OF.get(soft_reason) != decision else ()
    return filters, ignore


def for_determination(searcher, doc_id: str, k: int = 2) -> list[Contrast]:
    """For each treatment of a determination, the closest cases of either decision but itself."""
    collection = searcher.collection
    determination = collection.determination(doc_id)
    own = collection.positions_of_doc.get(doc_id, [])
    contrasts, seen = [], set()
    for index, issue in enumerate(determination.issues):
        if not issue.treatment or issue.treatment in seen or issue.decision not in SIDES:
            continue
        seen.add(issue.treatment)
        if len(seen) > MOST_TREATMENTS:
            break
        positions = [p for p in own if collection.chunks[p].issue_index == index
                     or collection.chunks[p].kind == "summary"] or own
        if not positions:
            continue
        source = Source(f"like {doc_id}: {issue.item}", _unit_mean(searcher.semantic.vectors(positions)),
                        [issue], own)
        sides = {decision: _closest(searcher, source, {"treatment": issue.treatment, "decision": decision}, k)
                 for decision in SIDES}
        other = reasons.OVERTURNED if issue.decision == reasons.UPHELD else reasons.UPHELD
        mine = _Own(doc_id, index)
        pair = ([mine], sides[other][:1]) if issue.decision == reasons.UPHELD else (sides[other][:1], [mine])
        this = {"doc_id": doc_id, "issue_index": index, "item": issue.item, "decision": issue.decision,
                "treatment": issue.treatment}
        message = (None if sides[other] else
                   f"No other {other} determination for {issue.treatment} in the index.")
        contrasts.append(Contrast(source.label, {"text": source.label, "filters": {
            "treatment": issue.treatment}}, issue.treatment, sides[reasons.UPHELD],
            sides[reasons.OVERTURNED], _differences(collection, *pair), message, this))
    return contrasts


@dataclass
class _Own:
    """The letter's own item, standing where a result would in a pair."""

    doc_id: str
    issue_index: int


def _unit_mean(matrix: np.ndarray) -> np.ndarray:
    vector = matrix.mean(axis=0)
    return (vector / (np.linalg.norm(vector) or 1.0)).astype(np.float32)


def _closest(searcher, source: Source, filters: dict, k: int) -> list[Result]:
    checked = check_filters(filters)
    mask, allowed = passing(searcher.collection, checked)
    mask = mask.copy()
    mask[source.own_positions] = False
    # Same treatment and decision is the filter already: the nearest are shown even when not close.
    scores = searcher.semantic.search(source.vector, mask, NEAREST_CUTOFF)
    ranked, shared = rank(searcher.collection, scores, source, allowed, searcher.settings.second_chunk_weight)
    results = [result_for(searcher.collection, searcher.semantic, r, number, {}, source.vector, scores,
                          shared[r.doc_id]) for number, r in enumerate(ranked[:k], start=1)]
    for result in results:  # a page holds a pair per treatment: one passage each keeps it readable
        result.excerpts = result.excerpts[:1]
    return results


def _differences(collection, upheld: list, overturned: list) -> list[Difference]:
    """What differs between the best Upheld and the best Overturned item (none if a side is empty)."""
    if not upheld or not overturned:
        return []
    left = collection.issue(upheld[0].doc_id, upheld[0].issue_index, rationale=True)
    right = collection.issue(overturned[0].doc_id, overturned[0].issue_index, rationale=True)
    if left is None or right is None:
        return []
    return differences(left, right, _citations(left), _citations(right))


def _citations(issue: Issue) -> list[str]:
    return list(dict.fromkeys(citation_label(c) for c in issue.citations)) or list(issue.guidelines)


def _message(collection, treatment: str, totals: dict) -> str | None:
    """Say plainly which side is empty, and whether the index holds any such case at all."""
    missing = [d for d in SIDES if not totals.get(d)]
    if len(missing) == 2:
        return f"No determination for {treatment} matches this question, Upheld or Overturned."
    if not missing:
        return None
    decision, there = missing[0], next(d for d in SIDES if d not in missing)
    _, allowed = passing(collection, check_filters({"treatment": treatment, "decision": decision}))
    where = "matches this question" if allowed else "is in the index"
    return f"No {decision} determination for {treatment} {where}; {totals[there]} {there} do."
