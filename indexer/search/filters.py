"""Filters at the level of the disputed item, and how well an item agrees with a query.

A letter with an upheld PT request and an overturned MRI passes decision=Overturned for its
MRI item only: that item's chunks pass, the letter's shared chunks (the clinical summary) pass
on its behalf, and the PT rationale does not.
"""

from __future__ import annotations

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


def allowed(collection: Collection, filters: dict
            ) -> tuple[np.ndarray | None, dict[str, set[int]] | None]:
    """Return a mask over chunk positions and, per determination, the disputed items that pass."""
    if not filters:
        return None, None
    issue_level = any(key in filters for key in ISSUE_KEYS)
    allowed: dict[str, set[int]] = {}
    for doc_id, determination in collection.determinations.items():
        if not letter_passes(determination, filters):
            continue
        passing = {i for i, issue in enumerate(determination.issues)
                   if issue_passes(issue, filters)}
        if issue_level and not passing:
            continue
        allowed[doc_id] = passing if issue_level else set(range(len(determination.issues)))
    mask = np.zeros(len(collection.chunks), dtype=bool)
    for chunk in collection.chunks:
        issues = allowed.get(chunk.doc_id)
        if issues is None:
            continue
        index = chunk.issue_index
        mask[chunk.position] = index is None or not issue_level or index in issues
    return mask, allowed


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
        per_value = np.array([key_factor(key, list(v), wanted) for v in codes.distinct] or [1.0])
        factor *= per_value[codes.codes]
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


def issue_passes(issue: Issue, filters: dict) -> bool:
    if "decision" in filters and issue.decision != filters["decision"]:
        return False
    if "treatment" in filters and issue.treatment not in vocabulary.categories_in(filters["treatment"]):
        return False
    if "reason" in filters and filters["reason"] not in issue.reasons:
        return False
    if "partial" in filters and (issue.partial is not None) != (filters["partial"] == "yes"):
        return False
    if "body_part" in filters and issue.body_part != filters["body_part"]:
        return False
    if "guideline_not" in filters and filters["guideline_not"] in issue.guidelines:
        return False
    return "guideline" not in filters or filters["guideline"] in issue.guidelines
