"""Outcome rates over every match: the share upheld and overturned per value, with a 95% interval.

Each matching determination counts once, under its matched item (as facets do). The interval is
Wilson's score interval, which stays honest for small counts: a rate from 4 letters spans most of
0-100%. Reasons come in pairs (no functional improvement documented / functional improvement
documented), each member only ever on one side, so a rate by reason counts a pair as one topic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .. import reasons
from ..errors import QueryError
from .collection import Collection

BY = ("treatment", "reason", "specialty", "year")
Z95 = 1.959964
UNKNOWN = "unknown"
# A pair of reasons is one topic: its denial reason on Upheld items, its approval on Overturned ones.
TOPICS = {"no functional improvement documented": "functional improvement",
          "exceeds recommended number or duration": "number or duration of care",
          "conservative or first-line care not tried": "conservative or first-line care",
          "no red flags or neurological findings": "red flags or neurological findings",
          "missing objective findings": "objective findings",
          "no risk factors": "risk factors",
          "primary request not certified": "primary request certified or not",
          "guideline criteria not met": "guideline criteria"}
TOPIC_OF = {**TOPICS, **{reasons.COUNTERPART[label]: topic for label, topic in TOPICS.items()}}


@dataclass
class RateRow:
    """How often one value's matches were upheld, with a 95% Wilson interval on that share."""

    value: str
    upheld: int = 0
    overturned: int = 0
    filters: dict[str, dict] = field(default_factory=dict)  # per side, the filter a click adds

    @property
    def total(self) -> int:
        return self.upheld + self.overturned

    def to_dict(self) -> dict:
        low, high = wilson(self.upheld, self.total)
        return {"value": self.value, "upheld": self.upheld, "overturned": self.overturned,
                "total": self.total, "upheld_rate": round(self.upheld / self.total, 4) if self.total else 0.0,
                "ci_low": round(low, 4), "ci_high": round(high, 4), "filters": self.filters}


def wilson(successes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion: (low, high); (0, 1) when there is nothing to count.

    centre = (p + z²/2n) / (1 + z²/n),  half-width = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)
    """
    if total <= 0:
        return 0.0, 1.0
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def outcome_rates(collection: Collection, matched: list[tuple[str, int | None]], by: str) -> list[RateRow]:
    """Count Upheld and Overturned matches per value of `by`, the most frequent first (years in order)."""
    rows: dict[str, RateRow] = {}
    for doc_id, issue_index in matched:
        issue = collection.issue(doc_id, issue_index)
        if issue is None or issue.decision not in (reasons.UPHELD, reasons.OVERTURNED):
            continue
        for value, filters in _values(collection, doc_id, issue, by):
            row = rows.setdefault(value, RateRow(value))
            row.filters = row.filters or filters
            if issue.decision == reasons.UPHELD:
                row.upheld += 1
            else:
                row.overturned += 1
    if by == "year":
        return sorted(rows.values(), key=lambda r: (r.value == UNKNOWN, r.value))
    return sorted(rows.values(), key=lambda r: (-r.total, r.value))


def _values(collection: Collection, doc_id: str, issue, by: str) -> list[tuple[str, dict]]:
    """The values one matched item counts under, each with the filter (per side) that selects it."""
    determination = collection.outlines[doc_id]
    if by == "treatment":
        return [(issue.treatment, _both({"treatment": issue.treatment}))] if issue.treatment else []
    if by == "specialty":
        return [(s, _both({"specialty": s})) for s in dict.fromkeys(determination.reviewer.specialty)]
    if by == "year":
        year = determination.decided_year
        if year is None:
            return [(UNKNOWN, {})]
        return [(str(year), _both({"decided_year_from": year, "decided_year_to": year}))]
    return [(TOPIC_OF.get(label, label), _reason_filters(label)) for label in dict.fromkeys(issue.reasons)]


def _reason_filters(label: str) -> dict[str, dict]:
    """Each side of a reason topic filters on its own member of the pair (both on an unpaired reason)."""
    other = reasons.COUNTERPART.get(label, label)
    if reasons.DECISION_OF.get(label) == reasons.UPHELD:
        return {"upheld": {"reason": label}, "overturned": {"reason": other}}
    return {"upheld": {"reason": other}, "overturned": {"reason": label}}


def _both(filters: dict) -> dict[str, dict]:
    return {"upheld": filters, "overturned": filters}


def check_by(value: str | None) -> str:
    """Read what to group rates by (treatment when none is given)."""
    by = (value or "treatment").strip().lower()
    if by not in BY:
        raise QueryError(f"unknown grouping {value!r}: use {', '.join(BY)}")
    return by
