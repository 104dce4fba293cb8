"""The determinations and chunks of one open generation, as the read side looks them up."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..determination import Determination, Issue
from ..errors import NotFound
from ..store import Store, StoredChunk


class Collection:
    """Every determination and chunk of a generation, loaded once; chunk text stays in the store."""

    def __init__(self, store: Store):
        self.store = store
        self.determinations: dict[str, Determination] = store.determinations()
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

        return Tables(self.determinations, self.chunks, citation_labels, issue_values)

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

    def issue(self, doc_id: str, index: int | None) -> Issue | None:
        issues = self.determinations[doc_id].issues
        return issues[index] if index is not None and index < len(issues) else None

    def chunk_text(self, position: int) -> str:
        return self.store.chunk_text(position)

    def counts(self) -> dict:
        return {"determinations": len(self.determinations), "chunks": len(self.chunks)}
