"""Collapse near-identical letters in a ranking: the best of a group stands for it, the rest ride along.

Groups are computed at build time (near_duplicates.py); a collapsed letter takes no row of its own
and is named in its group's shown result as a near-duplicate.
"""

from __future__ import annotations

from .ranking import Ranked


def collapse(ranked: list[Ranked], group_of: dict[str, str]) -> tuple[list[Ranked], dict[str, list[str]]]:
    """Keep the first-ranked letter of each group; return the kept ranking and, for each kept letter,
    the letters collapsed into it (in rank order)."""
    kept: list[Ranked] = []
    shown_for: dict[str, str] = {}  # group id -> the doc_id standing for it
    collapsed: dict[str, list[str]] = {}
    for entry in ranked:
        group = group_of.get(entry.doc_id)
        if group is None:
            kept.append(entry)
        elif group in shown_for:
            collapsed[shown_for[group]].append(entry.doc_id)
        else:
            shown_for[group] = entry.doc_id
            collapsed[entry.doc_id] = []
            kept.append(entry)
    return kept, collapsed
