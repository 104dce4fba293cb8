"""The collection as arrays, built once per open generation: what ranking and facets read per chunk and
per disputed item without a Python loop over every match.

Determinations are numbered in doc_id order (so ordering by number breaks ties as ordering by doc_id
does), disputed items are numbered letter by letter ("global issue" numbers), and each chunk knows its
determination's and its item's number. An item's attribute (its decision, its reasons...) is a code
into the distinct values found, so a query's agreement factor or a facet count is a lookup per value
and an array gather, not a call per item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..determination import Issue

SINGLE_FACETS = ("decision", "treatment", "treatment_group", "body_part")
LIST_FACETS = ("reason", "guideline", "citation")


class Codes:
    """One attribute of every item, as codes into the distinct values (tuples of values)."""

    def __init__(self, values: Sequence[tuple]):
        self.distinct: list[tuple] = []
        seen: dict[tuple, int] = {}
        codes = np.empty(len(values), dtype=np.int64)
        for number, value in enumerate(values):
            if value not in seen:
                seen[value] = len(self.distinct)
                self.distinct.append(value)
            codes[number] = seen[value]
        self.codes = codes


class Lists:
    """A list-valued facet of every item (its reasons, guidelines or citation labels) as codes."""

    def __init__(self, values: Sequence[Sequence[str]]):
        self.names: list[str] = []
        seen: dict[str, int] = {}
        flat: list[int] = []
        starts = [0]
        for items in values:
            for value in items:
                if not value:
                    continue
                if value not in seen:
                    seen[value] = len(self.names)
                    self.names.append(value)
                flat.append(seen[value])
            starts.append(len(flat))
        self.flat = np.array(flat, dtype=np.int64)
        self.starts = np.array(starts, dtype=np.int64)

    def gather(self, issues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The value codes of these items, and for each code the order it was met in."""
        lengths = self.starts[issues + 1] - self.starts[issues]
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        offsets = np.repeat(self.starts[issues] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        places = np.arange(total, dtype=np.int64) + offsets
        return self.flat[places], np.arange(total, dtype=np.int64)


class Tables:
    """Per chunk, per determination and per item arrays of one collection."""

    def __init__(self, determinations: dict, chunks: list, citation_labels: Callable[[Issue], set[str]],
                 issue_values: Callable[[Issue, str], list]):
        self.doc_ids = sorted(determinations)
        self.doc_number = {doc_id: n for n, doc_id in enumerate(self.doc_ids)}
        self.issues: list[Issue] = []
        starts = [0]
        for doc_id in self.doc_ids:
            self.issues.extend(determinations[doc_id].issues)
            starts.append(len(self.issues))
        self.issue_start = np.array(starts, dtype=np.int64)
        self.issue_count = np.diff(self.issue_start)
        self.issue_doc = np.repeat(np.arange(len(self.doc_ids), dtype=np.int64), self.issue_count)
        self.issue_local = np.arange(len(self.issues), dtype=np.int64) - self.issue_start[self.issue_doc]
        self.chunk_doc = np.array([self.doc_number[c.doc_id] for c in chunks], dtype=np.int64)
        local = np.array([-1 if c.issue_index is None else c.issue_index for c in chunks], dtype=np.int64)
        valid = (local >= 0) & (local < self.issue_count[self.chunk_doc] if len(chunks) else local >= 0)
        self.chunk_issue = np.where(valid, self.issue_start[self.chunk_doc] + local, -1)
        self.chunk_local = local  # the chunk's issue_index as stored (-1 for none)
        self._issue_values = issue_values
        self._determinations = [determinations[doc_id] for doc_id in self.doc_ids]
        self._letters: Codes | None = None
        self._read: dict[str, Codes] = {}  # what one item filter reads of every item, coded
        self._agreement: dict[str, Codes] = {}
        self.factors: dict[tuple, np.ndarray] = {}  # (key, wanted) -> agreement factor per distinct value
        self.single = {key: Codes([(getattr(i, key),) for i in self.issues]) for key in SINGLE_FACETS}
        self.lists = {"reason": Lists([i.reasons for i in self.issues]),
                      "guideline": Lists([i.guidelines for i in self.issues]),
                      "citation": Lists([sorted(citation_labels(i)) for i in self.issues])}

    def letter_test(self, test: Callable) -> np.ndarray:
        """test(determination) for every letter, tried once per distinct specialty and years."""
        if self._letters is None:
            self._letters = Codes([(tuple(d.reviewer.specialty), d.injury_year, d.decided_year)
                                   for d in self._determinations])
            self._letter_example = {}
            for d, code in zip(self._determinations, self._letters.codes.tolist(), strict=True):
                self._letter_example.setdefault(code, d)
        answers = np.array([test(self._letter_example[c]) for c in range(len(self._letters.distinct))]
                           or [False], dtype=bool)
        return answers[self._letters.codes]

    def issue_test(self, name: str, read: Callable, test: Callable) -> np.ndarray:
        """test(read(item)) for every item, tried once per distinct value read (kept by name): one
        filter reads one attribute, whose values repeat far more than whole items do."""
        if name not in self._read:
            self._read[name] = Codes([(read(i),) for i in self.issues])
        codes = self._read[name]
        answers = np.array([test(value) for value, in codes.distinct] or [False], dtype=bool)
        return answers[codes.codes]

    def codes(self, key: str) -> Codes:
        """An agreement attribute (filters._values) of every item, coded."""
        if key not in self._agreement:
            self._agreement[key] = Codes([tuple(self._issue_values(i, key)) for i in self.issues])
        return self._agreement[key]

    def facet_counts(self, issues: np.ndarray, keys: Sequence[str]) -> dict[str, dict[str, int]]:
        """Count facet values over these items (in ranking order), most frequent first; equal counts in
        the order the ranking meets them."""
        counts: dict[str, dict[str, int]] = {}
        for key in keys:
            if key in self.single:
                table = self.single[key]
                codes, order = table.codes[issues], np.arange(len(issues), dtype=np.int64)
                names = [value[0] for value in table.distinct]
            else:
                table = self.lists[key]
                codes, order = table.gather(issues)
                names = table.names
            counts[key] = _counted(codes, order, names)
        return counts


def _counted(codes: np.ndarray, order: np.ndarray, names: list) -> dict[str, int]:
    if not len(codes):
        return {}
    tally = np.bincount(codes, minlength=len(names))
    first = np.full(len(names), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, order)
    present = np.flatnonzero(tally)
    present = present[np.lexsort((first[present], -tally[present]))]
    return {names[c]: int(tally[c]) for c in present.tolist() if names[c]}
