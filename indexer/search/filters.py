"""Filters at the level of the disputed item, and how well an item agrees with a query.

A letter with an upheld PT request and an overturned MRI passes decision=Overturned for its
MRI item only: that item's chunks pass, the letter's shared chunks (the clinical summary) pass
on its behalf, and the PT rationale does not.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import vocabulary
from ..determination import Determination, Issue
from .collection import Collection
from .query import ISSUE_KEYS

# How much an item that contradicts the query's own words is pushed down, per attribute
# (on the judged set: no push 0.960, these 0.973, twice as strong 0.967 nDCG@10).
MISMATCH = {"decision": 0.55, "treatment": 0.4, "body_part": 0.75, "guideline": 0.85,
            "reason": 0.7, "partial": 0.6}
SIBLING = 0.6  # another treatment of the same group (an H2 blocker for a PPI) is pushed down less
UNKNOWN = 0.85


def allowed(collection: Collection, filters: dict) -> tuple[np.ndarray | None, Allowed | None]:
    """Return a mask over chunk positions and, per determination, the disputed items that pass.

    Each filter is tried once per distinct combination of the values it reads (tables.py), not once
    per letter and item."""
    if not filters:
        return None, None
    tables = collection.tables
    issue_level = any(key in filters for key in ISSUE_KEYS)
    letters = tables.letter_test(lambda d: letter_passes(d, filters))
    items = letters[tables.issue_doc]
    for key in filters.keys() & ITEM_FILTERS.keys():
        read, test = ITEM_FILTERS[key]
        items &= tables.issue_test(key, read, lambda value, t=test, wanted=filters[key]: t(value, wanted))
    if issue_level:
        letters &= np.bincount(tables.issue_doc[items], minlength=len(tables.doc_ids)) > 0
    else:
        items = letters[tables.issue_doc]
    own_item = np.zeros(len(tables.chunk_doc), dtype=bool)
    has_item = tables.chunk_issue >= 0
    own_item[has_item] = items[tables.chunk_issue[has_item]]
    mask = letters[tables.chunk_doc] & ((tables.chunk_local < 0) | (not issue_level) | own_item)
    return mask, Allowed(tables, letters, items)


class Allowed(Mapping):
    """doc_id -> the indexes of its items that pass, for the letters that pass; also as arrays."""

    def __init__(self, tables, letters: np.ndarray, items: np.ndarray):
        self.tables, self.letters, self.passing = tables, letters, items  # over letter and item numbers
        self._dict: dict[str, set[int]] | None = None

    def _as_dict(self) -> dict[str, set[int]]:
        if self._dict is None:
            tables = self.tables
            passing: dict[str, set[int]] = {tables.doc_ids[d]: set() for d in np.flatnonzero(self.letters)}
            for number in np.flatnonzero(self.passing).tolist():
                passing[tables.doc_ids[tables.issue_doc[number]]].add(int(tables.issue_local[number]))
            self._dict = passing
        return self._dict

    def __getitem__(self, doc_id: str) -> set[int]:
        return self._as_dict()[doc_id]

    def __iter__(self):
        return iter(self._as_dict())

    def __len__(self) -> int:
        return int(self.letters.sum())


def agreement(issue: Issue, understood: dict) -> float:
    """Score how well an item agrees with what the query named: 1.0 when in every respect."""
    factor = 1.0
    for key, wanted in understood.items():
        if key in MISMATCH:
            factor *= key_factor(key, _values(issue, key), wanted)
    return factor


def key_factor(key: str, values: list, wanted) -> float:
    """How much an item with these values of one attribute agrees with the wanted value."""
    have = [h for h in values if h]
    if not have:
        # An item with no reason read is not evidence against the asked reason.
        return 1.0 if key == "reason" else UNKNOWN
    if not _matches(key, wanted, have):
        return SIBLING if key == "treatment" and _siblings(str(wanted), have) else MISMATCH[key]
    return 1.0


def agreement_factors(tables, understood: dict) -> np.ndarray:
    """agreement() of every item of the collection (tables.py), one lookup per distinct value."""
    factor = np.ones(len(tables.issues))
    for key, wanted in understood.items():
        if key not in MISMATCH:
            continue
        codes = tables.codes(key)
        remembered = (key, repr(wanted))
        if remembered not in tables.factors:
            tables.factors[remembered] = np.array([key_factor(key, list(v), wanted)
                                                   for v in codes.distinct] or [1.0])
        factor *= tables.factors[remembered][codes.codes]
    return factor


def _siblings(wanted: str, have: list[str]) -> bool:
    """Tell whether an item's treatment shares the wanted one's group (Valium for "anxiety pill")."""
    group = vocabulary.treatment_group(wanted)
    return group is not None and group != wanted and any(
        vocabulary.treatment_group(h) == group for h in have)


def issue_values(issue: Issue, key: str) -> list[str | None]:
    return _values(issue, key)


def _values(issue: Issue, key: str) -> list[str | None]:
    if key == "guideline":
        return list(issue.guidelines)
    if key == "reason":
        return list(issue.reasons)
    if key == "partial":
        return ["yes" if issue.partial else "no"]
    return [getattr(issue, key)]


def _matches(key: str, wanted, have: list[str]) -> bool:
    """Tell whether an item's values satisfy one wanted value; a treatment group holds its children."""
    if key == "treatment":
        return bool(vocabulary.categories_in(str(wanted)) & set(have))
    if key == "reason":
        wanted_all = wanted if isinstance(wanted, list | tuple) else [wanted]
        return bool(set(wanted_all) & set(have))
    return wanted in have


def letter_passes(determination: Determination, filters: dict) -> bool:
    if "specialty" in filters:
        wanted = str(filters["specialty"]).lower()
        if not any(wanted in s.lower() for s in determination.reviewer.specialty):
            return False
    year = determination.injury_year
    if "injury_year_from" in filters and (year is None or year < filters["injury_year_from"]):
        return False
    if "injury_year_to" in filters and (year is None or year > filters["injury_year_to"]):
        return False
    decided = determination.decided_year
    if "decided_year_from" in filters and (decided is None or decided < filters["decided_year_from"]):
        return False
    if "decided_year_to" in filters and (decided is None or decided > filters["decided_year_to"]):
        return False
    return True


# An item filter: what it reads of an item (hashable), and whether a value read passes the wanted one.
ITEM_FILTERS = {
    "decision": (lambda i: i.decision, lambda value, wanted: value == wanted),
    "treatment": (lambda i: i.treatment, lambda value, wanted: value in vocabulary.categories_in(wanted)),
    "reason": (lambda i: tuple(i.reasons), lambda value, wanted: wanted in value),
    "partial": (lambda i: i.partial is not None, lambda value, wanted: value == (wanted == "yes")),
    "body_part": (lambda i: i.body_part, lambda value, wanted: value == wanted),
    "guideline_not": (lambda i: tuple(i.guidelines), lambda value, wanted: wanted not in value),
    "guideline": (lambda i: tuple(i.guidelines), lambda value, wanted: wanted in value),
}


def issue_passes(issue: Issue, filters: dict) -> bool:
    return all(test(read(issue), filters[key]) for key, (read, test) in ITEM_FILTERS.items()
               if key in filters)
