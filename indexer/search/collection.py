"""The determinations and chunks of one open generation, as the read side looks them up.

Every letter's outline (its header, reviewer and disputed items, without the text) is held in memory:
ranking, filters, facets, rates and excerpts read it for every match. The whole letter, sections and
rationales, is five sixths of a real letter's size and is read from the store when a determination page,
a feed, a similar-case source or a contrast asks for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from functools import cached_property

import numpy as np

from ..determination import Determination, Issue
from ..errors import NotFound
from ..store import Store, StoredChunk

CACHED_LETTERS = 256  # whole letters kept after they were read: a page of results and their neighbours


class Letters(Mapping):
    """Every whole determination of a generation by doc_id, read from the store when asked for; the last
    CACHED_LETTERS read are kept."""

    def __init__(self, store: Store, doc_ids: list[str]):
        self.store, self._doc_ids, self._known = store, doc_ids, set(doc_ids)
        self._read: OrderedDict[str, Determination] = OrderedDict()
        self._lock = threading.Lock()  # the engine serialises queries; this keeps the cache whole anyway

    def __getitem__(self, doc_id: str) -> Determination:
        with self._lock:
            if doc_id in self._read:
                self._read.move_to_end(doc_id)
                return self._read[doc_id]
            found = self.store.determination(doc_id) if doc_id in self._known else None
            if found is None:
                raise KeyError(doc_id)
            self._read[doc_id] = found
            if len(self._read) > CACHED_LETTERS:
                self._read.popitem(last=False)
            return found

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._doc_ids)

    def __len__(self) -> int:
        return len(self._doc_ids)


class Collection:
    """Every determination's outline and every chunk of a generation, loaded once; whole letters and chunk
    text stay in the store."""

    def __init__(self, store: Store):
        self.store = store
        self.outlines: dict[str, Determination] = store.outlines()
        self.determinations = Letters(store, list(self.outlines))
        self.chunks: list[StoredChunk] = store.chunks()
        self.positions_of_doc: dict[str, list[int]] = {}
        for chunk in self.chunks:
            self.positions_of_doc.setdefault(chunk.doc_id, []).append(chunk.position)
        self.group_of: dict[str, str] = store.near_duplicates()  # near-identical letters' group ids

    @cached_property
    def tables(self):
        """The collection as arrays (tables.py), for ranking and facets over every match."""
        from .facets import citation_labels
        from .filters import issue_values
        from .tables import Tables

        return Tables(self.outlines, self.chunks, citation_labels, issue_values)

    @cached_property
    def group_code(self) -> np.ndarray:
        """Each determination's near-identical group as a number (tables.py order), -1 for none."""
        names = {group: n for n, group in enumerate(sorted(set(self.group_of.values())))}
        return np.array([names.get(self.group_of.get(doc_id), -1) for doc_id in self.tables.doc_ids],
                        dtype=np.int64)

    def doc_of(self, position: int) -> str:
        return self.chunks[position].doc_id

    def determination(self, doc_id: str) -> Determination:
        try:
            return self.determinations[doc_id]
        except KeyError:
            raise NotFound(f"no determination {doc_id!r} in the index") from None

    def issue(self, doc_id: str, index: int | None, rationale: bool = False) -> Issue | None:
        """A disputed item as its outline holds it, or whole (with its rationale) when asked."""
        issues = (self.determinations if rationale else self.outlines)[doc_id].issues
        return issues[index] if index is not None and index < len(issues) else None

    def chunk_text(self, position: int) -> str:
        return self.store.chunk_text(position)

    def counts(self) -> dict:
        return {"determinations": len(self.determinations), "chunks": len(self.chunks)}
