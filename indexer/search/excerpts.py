"""Turn a ranked determination into a Result: its matched item, permalink and best passages."""

from __future__ import annotations

from urllib.parse import quote

import numpy as np

from .base import Scores, SemanticIndex
from .collection import Collection
from .highlight import Excerpt, excerpt
from .ranking import Ranked
from .results import Result

MOST_EXCERPTS = 3
EXCERPT_SHARE = 0.5  # a passage scoring under this share of the best one is not shown


def result_for(collection: Collection, semantic: SemanticIndex, ranked: Ranked, rank: int,
               terms: dict[str, float], vector: np.ndarray | None, fused: Scores,
               shared: list[str] | None = None, near_duplicates: list[str] | None = None) -> Result:
    """Build one result, its excerpts drawn for these query terms and this query vector."""
    determination = collection.outlines[ranked.doc_id]
    issue = collection.issue(ranked.doc_id, ranked.issue_index)
    excerpts = [_excerpt(collection, semantic, position, terms, vector)
                for position in best_passages(collection, ranked, fused)]
    anchor = excerpts[0].section_id if excerpts else (issue.section_id if issue else "")
    return Result(
        doc_id=determination.doc_id, source=determination.source, score=ranked.score,
        rank=rank, decision=issue.decision if issue else None,
        treatment=issue.treatment if issue else None, item=issue.item if issue else None,
        url=f"/d/{quote(determination.doc_id)}" + (f"#{anchor}" if anchor else ""),
        excerpts=excerpts, body_part=issue.body_part if issue else None,
        guidelines=list(issue.guidelines) if issue else [],
        specialty=list(determination.reviewer.specialty), issue_index=ranked.issue_index,
        shared=shared or [], treatment_group=issue.treatment_group if issue else None,
        reasons=list(issue.reasons) if issue else [], near_duplicates=near_duplicates or [])


def best_passages(collection: Collection, ranked: Ranked, fused: Scores) -> list[int]:
    """The 1-3 best chunks, from different sections where possible, the matched item's first."""
    positions = ranked.positions
    if ranked.issue_index is not None:
        positions = sorted(positions, key=lambda p: collection.chunks[p].issue_index != ranked.issue_index)
    best = fused[ranked.positions[0]]
    chosen: list[int] = []
    for position in positions:
        if len(chosen) == MOST_EXCERPTS or (chosen and fused[position] < EXCERPT_SHARE * best):
            break
        section = collection.chunks[position].section_id
        if any(collection.chunks[c].section_id == section for c in chosen):
            continue
        chosen.append(position)
    return chosen


def _excerpt(collection: Collection, semantic: SemanticIndex, position: int, terms: dict[str, float],
             vector: np.ndarray | None) -> Excerpt:
    chunk = collection.chunks[position]
    similarity = semantic.sentence_similarity(position, vector) if vector is not None else None
    return excerpt(collection.chunk_text(position), terms, chunk.section_title, chunk.section_id,
                   similarity, chunk.chunk_id)
