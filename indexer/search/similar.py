"""Similar cases: the determinations closest in meaning to one determination or to pasted text.

The source is a determination's clinical summary and rationales (their mean chunk vector) or the
pasted text's; filters apply as in search; each result names the treatment, body part and
decision it shares with the source and shows its closest passages.
"""

from __future__ import annotations

import numpy as np

from .. import vocabulary
from ..determination import Issue
from ..ingest.chunk import windows
from . import fusion
from .filters import allowed as passing
from .query import QueryError, check_filters
from .results import Ranked, SearchResponse

MAX_PASTED_CHARS = 20000


def similar(searcher, doc_id: str | None = None, text: str | None = None, k: int = 10,
            filters: dict | None = None) -> SearchResponse:
    """Find the determinations closest to one determination or to pasted text."""
    checked = check_filters(filters or {})
    if doc_id is not None:
        source = searcher.determination(doc_id)
        rows = [r for r in searcher.rows_of_doc.get(doc_id, [])
                if searcher.chunks[r]["kind"] in ("summary", "rationale")]
        rows = rows or searcher.rows_of_doc.get(doc_id, [])
        if not rows:
            raise QueryError(f"determination {doc_id!r} has no indexed text to compare")
        matrix = np.vstack([searcher.vectors.reconstruct(int(r)) for r in rows])
        issues = source.issues
        label = f"similar to {doc_id}"
    else:
        if not text or not text.strip():
            raise QueryError("paste a case summary or a UR denial to compare")
        text = text[:MAX_PASTED_CHARS]
        pieces = windows(text, int(searcher.settings["chunk_words"]), 0)[:40] or [text]
        matrix = searcher.encoder.texts(pieces)
        issues = [issue_from_text(text)]
        label = "similar to the pasted text"
    vector = matrix.mean(axis=0)
    vector = (vector / (np.linalg.norm(vector) or 1.0)).astype(np.float32)
    mask, allowed = passing(searcher.determinations, searcher.chunks, checked)
    if doc_id is not None:
        own = np.ones(len(searcher.chunks), dtype=bool) if mask is None else mask.copy()
        own[searcher.rows_of_doc.get(doc_id, [])] = False
        mask = own
    scores = searcher.semantic_scores(vector, mask, 0.2)
    ranked, shared_by_doc = [], {}
    for other, (score, rows) in fusion.aggregate(scores, searcher.doc_of_row.__getitem__).items():
        index, shared = _shared(searcher, other, issues, allowed)
        shared_by_doc[other] = shared
        # A case that shares the treatment, body part or decision is a closer precedent.
        ranked.append(Ranked(other, score * (1 + 0.1 * len(shared)), rows, index))
    ranked.sort(key=lambda r: (-r.score, r.doc_id))
    results = [searcher.result_for(r, rank, None, vector, scores, shared_by_doc[r.doc_id])
               for rank, r in enumerate(ranked[:k], start=1)]
    return SearchResponse(
        query=label, mode="semantic", understood={"text": label, "filters": checked},
        total=len(ranked), facets=searcher.facets(ranked),
        message=None if ranked else "No determination is close enough to compare.",
        results=results)


def _shared(searcher, doc_id: str, issues: list[Issue], allowed) -> tuple[int | None, list[str]]:
    """Pick the closest item of a similar case and name what it shares with the source."""
    candidates = searcher.determinations[doc_id].issues
    best, best_shared = None, []
    for index, issue in enumerate(candidates):
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
