"""The read side: open a generation once, then answer searches and similar-case lookups.

A search reads the question (understand), retrieves chunks from the keyword and semantic
indexes with the filters applied inside both (retrieve), fuses their scores (fuse), ranks
determinations by their best chunks and matched items (rank), draws highlighted excerpts for
the top results (excerpts) and counts facets over every match (facets).
"""

from __future__ import annotations

import re
import sqlite3

import numpy as np

from .. import vocabulary
from ..determination import Determination
from ..encoder import Encoder
from ..errors import IndexUnavailable
from ..generations import REBUILD
from ..settings import Settings
from ..store import Store, open_generation
from . import fusion, ranking, similar
from .backends import open_keyword, open_semantic
from .base import Scores, as_arrays
from .collapse import collapse
from .collection import Collection
from .excerpts import result_for
from .facets import Facets
from .filters import allowed as passing
from .query import Query, check_filters, check_mode, understand
from .results import SearchResponse
from .terms import is_plain, plain_words


def _only_a_decision(text: str) -> str | None:
    """The decision a question names when its words name nothing else ("Upheld", "upheld denial",
    "was the denial upheld"): such a question has nothing to rank by."""
    mentions = vocabulary.decision_mentions(text)
    rest = "".join(text[end:start] for (_, end, _), (start, _, _) in
                   zip([(0, 0, None), *mentions], [*mentions, (len(text), 0, None)], strict=True))
    if not mentions or re.search(r"\w", re.sub(r"(?i)\b(?:the|was|is|a|an)\b", " ", rest)):
        return None
    return mentions[0][2]


class Searcher:
    """An open index: load once per process, then search many times."""

    def __init__(self, settings: Settings, encoder: Encoder | None = None):
        self.settings = settings
        self.generation, self.manifest = open_generation(settings)  # every file checked against its sha256
        try:
            self.collection = Collection(Store(self.generation / "store.sqlite", readonly=True))
            self.keyword = open_keyword(self.generation, self.collection.chunks,
                                        self.manifest.keyword_backend)
            self.semantic = open_semantic(self.generation, self.collection.chunks,
                                          settings.sentence_weight)
        except (sqlite3.DatabaseError, OSError, RuntimeError, ValueError) as error:  # changed since
            raise IndexUnavailable(f"index damaged: {self.generation.name} cannot be opened "
                                   f"({type(error).__name__}); {REBUILD}") from None
        self._encoder = encoder
        self.facets = Facets(self.collection)

    @property
    def encoder(self) -> Encoder:
        """The embedding model, loaded on first use."""
        if self._encoder is None:
            self._encoder = Encoder(self.settings.model, self.settings.query_cache,
                                    **self.settings.encoder_options())
        return self._encoder

    @property
    def loaded_encoder(self) -> Encoder | None:
        """The embedding model if it is loaded already (a reopened index keeps it)."""
        return self._encoder

    @property
    def determinations(self) -> dict[str, Determination]:
        return self.collection.determinations

    def clear_caches(self) -> None:
        """Forget cached query embeddings and keyword scores (for honest benchmarks)."""
        self.keyword.clear_cache()
        self.encoder.clear_cache()

    def counts(self) -> dict:
        return self.collection.counts()

    def determination(self, doc_id: str) -> Determination:
        return self.collection.determination(doc_id)

    def search(self, raw: str, mode: str = "hybrid", k: int = 10, filters: dict | None = None,
               ignore=()) -> SearchResponse:
        """Answer a query: ranked determinations with facets, excerpts and a message."""
        mode = check_mode(mode)
        q = understand(raw, filters, ignore)
        response = self._run(q, mode, k)
        if response.total == 0 and mode != "semantic" and not is_plain(q.keyword_text):
            # Quotes or operators found nothing: the words alone may.
            loose = understand(plain_words(raw) or raw, filters, ignore)
            relaxed = self._run(loose, mode, k)
            if relaxed.total:
                relaxed.message = (f"No letter matches {q.keyword_text!r} exactly; showing "
                                   f"matches for the words {loose.keyword_text!r}.")
                relaxed.query = q.raw
                return relaxed
        if response.total == 0 and q.filters:
            relaxed = self._run(understand(raw, {}), mode, 0)
            wanted = ", ".join(f"{key}={value}" for key, value in q.filters.items())
            response.message = (
                f"No determination matches {wanted}"
                + (f"; {relaxed.total} match without that filter." if relaxed.total else ".")
            )
        elif response.total == 0 and (decision := _only_a_decision(q.text)):
            response.message = (f"{q.text!r} names a decision, not what was decided: add the treatment or "
                                f"the reason, e.g. \"{decision.lower()} lumbar MRI\".")
        elif response.total == 0:
            response.message = (f"Nothing matched {q.text!r}: try other words"
                                + (" or the semantic mode." if mode == "keyword" else "."))
        if q.notes:
            response.message = "; ".join([*q.notes, *([response.message] if response.message else [])])
        return response

    def _run(self, q: Query, mode: str, k: int) -> SearchResponse:
        """Retrieve, fuse, rank, draw excerpts and count facets for one reading of a question."""
        ranked, vector = self._ranked(q, mode)
        top, collapsed = collapse(ranked, self.collection.group_code, k)
        fused = ranked.chunk_score_of(top)
        terms = q.term_weights()
        results = [result_for(self.collection, self.semantic, r, rank, terms, vector, fused,
                              near_duplicates=collapsed.get(r.doc_id))
                   for rank, r in enumerate(top, start=1)]
        return SearchResponse(
            query=q.raw, mode=mode, understood={"text": q.text, "filters": q.all_filters()},
            total=len(ranked), facets=self.facets.count_items(ranked.issues), message=None,
            results=results, ranking=ranked)

    def _fuse(self, mode: str, keyword, semantic, keyword_scores: Scores, semantic_scores: Scores):
        """Fused chunk scores as (positions, scores) arrays."""
        if mode == "keyword":
            return keyword
        if mode == "semantic":
            return semantic
        if self.settings.fusion == "rrf":
            return as_arrays(fusion.rrf(keyword_scores, semantic_scores, self.settings.rrf_k,
                                        self.settings.semantic_weight))
        return fusion.convex_arrays(keyword, semantic, self.settings.semantic_weight,
                                    self.settings.similarity_cutoff, len(self.collection.chunks))

    def matching(self, raw: str, mode: str = "hybrid", filters: dict | None = None) -> list[str]:
        """Every determination a search counts as a match (near-identical ones included), best first."""
        return self._ranked(understand(raw, filters), check_mode(mode))[0].doc_ids()

    def _ranked(self, q: Query, mode: str) -> tuple[ranking.Ranking, np.ndarray | None]:
        """Retrieve, fuse and rank every match; return the ranking and the query vector."""
        mask, allowed = passing(self.collection, q.filters)
        keyword_scores = self.keyword.search(q, mask) if mode != "semantic" else {}
        vector = self.encoder.query(q.semantic_text) if mode != "keyword" else None
        semantic_scores = ({} if vector is None else
                           self.semantic.search(vector, mask, self.settings.similarity_cutoff))
        keyword, semantic = as_arrays(keyword_scores), as_arrays(semantic_scores)
        positions, scores = self._fuse(mode, keyword, semantic, keyword_scores, semantic_scores)
        matches = ranking.counted_docs(self.collection, keyword, semantic[0])
        ranked = ranking.rank_all(self.collection, positions, scores, q.understood, allowed, matches,
                                  self.settings.second_chunk_weight)
        return ranked, vector

    def similar(self, doc_id: str | None = None, text: str | None = None, k: int = 10,
                filters: dict | None = None) -> SearchResponse:
        """Find the determinations closest to one determination or to pasted text."""
        checked = check_filters(filters or {})
        if doc_id is not None:
            source = similar.from_determination(self.collection, self.semantic, doc_id)
        else:
            source = similar.from_text(text, self.encoder, self.settings.chunk_words)
        mask, allowed = passing(self.collection, checked)
        if source.own_positions:  # never the source itself
            mask = mask.copy() if mask is not None else self._everything()
            mask[source.own_positions] = False
        scores = self.semantic.search(source.vector, mask, self.settings.similarity_cutoff)
        ranked, shared = similar.rank_all(self.collection, scores, source, allowed,
                                          self.settings.second_chunk_weight)
        top, collapsed = collapse(ranked, self.collection.group_code, k)
        fused = ranked.chunk_score_of(top)
        results = [result_for(self.collection, self.semantic, r, rank, {}, source.vector, fused,
                              shared(r.doc_id), collapsed.get(r.doc_id))
                   for rank, r in enumerate(top, start=1)]
        similar.mark_source_template(results, self.collection.group_of, doc_id)
        return SearchResponse(
            query=source.label, mode="semantic", understood={"text": source.label, "filters": checked},
            total=len(ranked), facets=self.facets.count_items(ranked.issues),
            message=None if ranked else "No determination is close enough to compare.",
            results=results)

    def _everything(self) -> np.ndarray:
        return np.ones(len(self.collection.chunks), dtype=bool)
