"""Collapse near-identical letters in a ranking: the best of a group stands for it, the rest ride along.

Groups are computed at build time (near_duplicates.py); a collapsed letter takes no row of its own
and is named in its group's shown result as a near-duplicate. Works on the ranking's arrays, so only
the shown rows become objects, however many letters match.
"""

from __future__ import annotations

import numpy as np

from .ranking import Ranked, Ranking


def shown_rows(groups: np.ndarray, k: int) -> tuple[np.ndarray, dict[int, list[int]]]:
    """Given each ranked letter's group number (best first, -1 for none): the first k rows once a group
    keeps only its first-ranked letter, and for each kept row of a group the rows collapsed into it."""
    grouped = np.flatnonzero(groups >= 0)
    if not len(grouped):
        return np.arange(min(k, len(groups))), {}
    _, first = np.unique(groups[grouped], return_index=True)
    kept = np.ones(len(groups), dtype=bool)
    kept[grouped] = False
    kept[grouped[first]] = True
    rows = np.flatnonzero(kept)[:k]
    members = {row: [m for m in grouped[groups[grouped] == groups[row]].tolist() if m != row]
               for row in rows.tolist() if groups[row] >= 0}
    return rows, members


def collapse(ranking: Ranking, group_code: np.ndarray, k: int) -> tuple[list[Ranked], dict[str, list[str]]]:
    """The shown results of a ranking and, for each, the doc ids collapsed into it (in rank order).
    group_code: a group number per determination number (tables.py order), -1 for none."""
    groups = group_code[ranking.docs] if len(group_code) else np.full(len(ranking), -1)
    rows, members = shown_rows(groups, k)
    shown = ranking.at(rows)
    doc_ids = ranking.collection.tables.doc_ids
    collapsed = {entry.doc_id: [doc_ids[ranking.docs[m]] for m in members[row]]
                 for row, entry in zip(rows.tolist(), shown, strict=True) if row in members}
    return shown, collapsed
