"""Cut a determination into section-level chunks, the unit both retrievers index.

A chunk is a disputed item's rationale, the clinical summary, or another section, cut at
sentence boundaries to fit the embedding model's window with a sentence of overlap. The
"how the determination was made" boilerplate is kept for display and never chunked.
"""

from __future__ import annotations

import re

from ..determination import OTHER, RATIONALE, SUMMARY, Chunk, Determination, Issue
from ..sentences import windows
from . import layouts

NOT_RETRIEVED = {"how-made", "decisions", "reviewer-qualifications", "header",
                 "medical-professional-review", "attestation"}


def chunk_determination(determination: Determination, max_words: int = 150,
                        overlap: int = 1) -> list[Chunk]:
    """Return the retrievable chunks of a determination, in reading order."""
    chunks: list[Chunk] = []
    by_section = {issue.section_id: i for i, issue in enumerate(determination.issues)}
    for section in determination.sections:
        base = re.sub(r"-\d+$", "", section.id)
        if base in NOT_RETRIEVED:
            continue
        if section.id in by_section and section.id != "rationale":
            index = by_section[section.id]
            pieces = [(index, determination.issues[index].rationale)]
            kind = RATIONALE
        elif section.id == "rationale" and determination.issues:
            shared = [(i, issue) for i, issue in enumerate(determination.issues)
                      if issue.section_id == "rationale"]
            pieces = _professional_review_pieces(shared)
            kind = RATIONALE
        else:
            kind = SUMMARY if base == "clinical-case-summary" else OTHER
            pieces = [(None, _without_boilerplate(section.text))]
        for issue_index, text in pieces:
            for window in windows(text, max_words, overlap):
                chunks.append(Chunk(
                    chunk_id=f"{determination.doc_id}/{section.id}/{len(chunks)}",
                    doc_id=determination.doc_id, section_id=section.id,
                    section_title=section.title, kind=kind, issue_index=issue_index,
                    text=window,
                ))
    return chunks


def _professional_review_pieces(issues: list[tuple[int, Issue]]) -> list[tuple[int, str]]:
    """One piece per distinct rationale of the issues that share the 'rationale' section."""
    pieces: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, issue in issues:
        if issue.rationale not in seen:
            seen.add(issue.rationale)
            pieces.append((index, issue.rationale))
    return pieces


def _without_boilerplate(text: str) -> str:
    for pattern in layouts.BOILERPLATE:
        text = pattern.sub("", text)
    return text.strip()
