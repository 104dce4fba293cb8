"""Facets over all matches: each determination counted once, under its matched item's values."""

from __future__ import annotations

import re

from ..determination import Citation, Issue
from .collection import Collection
from .ranking import Ranked

FACET_KEYS = ("decision", "treatment", "treatment_group", "reason", "guideline", "body_part", "citation")


class Facets:
    """Count facet values; remembers each issue's citation labels (they are costly to read)."""

    def __init__(self, collection: Collection):
        self.collection = collection
        self._labels: dict[int, set[str]] = {}

    def count_items(self, issues) -> dict[str, dict[str, int]]:
        """count() for the matched items (global numbers, tables.py) of a ranking, best first."""
        return self.collection.tables.facet_counts(issues[issues >= 0], FACET_KEYS)

    def count(self, ranked: list[Ranked]) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {key: {} for key in FACET_KEYS}
        for r in ranked:
            issue = self.collection.issue(r.doc_id, r.issue_index)
            if issue is None:
                continue
            for key, values in (("decision", [issue.decision]), ("treatment", [issue.treatment]),
                                ("treatment_group", [issue.treatment_group]), ("reason", issue.reasons),
                                ("guideline", issue.guidelines), ("body_part", [issue.body_part]),
                                ("citation", self._citation_labels(issue))):
                for value in values:
                    if value:
                        facets[key][value] = facets[key].get(value, 0) + 1
        return {k: dict(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in facets.items()}

    def _citation_labels(self, issue: Issue) -> set[str]:
        key = id(issue)
        if key not in self._labels:
            self._labels[key] = {citation_label(c) for c in issue.citations}
        return self._labels[key]


def citation_labels(issue: Issue) -> set[str]:
    return {citation_label(c) for c in issue.citations}


def citation_label(citation: Citation) -> str:
    """Name a citation briefly: "MTUS Chronic Pain, Physical Medicine p. 98-99"."""
    text = re.sub(r"(?i)pages?\(?s?\)?\s*:?.*$", "", citation.text)
    text = re.sub(r"(?i)\b(?:medical\s+)?treatment\s+guidelines?\b|\bnon-mtus\s+citation\b|"
                  r"\(effective[^)]*\)", "", text)
    text = re.sub(r"(?i)\bguidelines?\b", " ", text)
    words: list[str] = []
    for word in text.split():
        if word.upper() == "MTUS" and "MTUS" in words:
            continue
        words.append(word.upper() if word.upper() in ("MTUS", "ODG", "ACOEM") else
                     word[:1].upper() + word[1:] if len(word) > 3 else word)
    text = " ".join(words).strip(" ,.;")
    return f"{text} p. {citation.pages}" if citation.pages else text
