"""Collapse near-identical letters in a ranking: the best of a group stands for it, the rest ride along.

Groups are computed at build time (near_duplicates.py); a collapsed letter takes no row of its own
and is named in its group's shown result as a near-duplicate. Works on the ranking's arrays, so only
the shown rows become objects, however many letters match.
"""

from __future__ import annotations

import numpy as np

from .ranking import Ranked, Ranking


def collapse(ranking: Ranking, group_code: np.ndarray, k: int) -> tuple[list[Ranked], dict[str, list[str]]]:
    """The first k rows once each group keeps only its first-ranked letter, and for each kept letter of
    a group the letters collapsed into it (in rank order). group_code: a group number per determination
    number (tables.py order), -1 for a letter in no group."""
    groups = group_code[ranking.docs] if len(group_code) else np.full(len(ranking), -1)
    if not (groups >= 0).any():
        return ranking.top(k), {}
    grouped = np.flatnonzero(groups >= 0)
    _, first = np.unique(groups[grouped], return_index=True)
    leaders = grouped[first]
    kept = np.ones(len(ranking), dtype=bool)
    kept[grouped] = False
    kept[leaders] = True
    rows = np.flatnonzero(kept)[:k]
    shown = ranking.at(rows)
    doc_ids = ranking.collection.tables.doc_ids
    collapsed: dict[str, list[str]] = {}
    for row, entry in zip(rows.tolist(), shown, strict=True):
        group = groups[row]
        if group >= 0:
            members = grouped[groups[grouped] == group]
            collapsed[entry.doc_id] = [doc_ids[ranking.docs[m]] for m in members.tolist() if m != row]
    return shown, collapsed
