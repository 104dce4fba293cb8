"""The one typed way in: search, similar cases, a determination and a conversation turn.

The web views and the CLI call these methods and only translate their arguments and answers.
One Engine per process opens the index on first use, reopens it when a build publishes a new
generation, and serialises queries (the Whoosh and SQLite handles are shared).
"""

from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import replace

from .determination import Determination
from .encoder import Encoder
from .errors import Busy, IndexUnavailable, NotFound, QueryError
from .generations import IndexDir, verify
from .saved import Watchlist
from .search.contrast import PER_SIDE, Contrast, for_determination, for_question
from .search.followup import Turn, adjust, describe, refine
from .search.highlight import mark_words
from .search.rates import BY, RateRow, outcome_rates
from .search.results import SearchResponse
from .search.searcher import Searcher
from .settings import Settings
from .store import Store, open_generation

MAX_MESSAGE_CHARS = 2000
log = logging.getLogger(__name__)


def readable(text):
    """Replace what UTF-8 cannot hold (a lone surrogate from JSON or a shell) with U+FFFD, so that
    no tokenizer, database or page meets it."""
    return re.sub("[\ud800-\udfff]", "\ufffd", text) if isinstance(text, str) else text


class Engine:
    """Open the index once and answer through typed methods; a lock serialises queries."""

    def __init__(self, settings: Settings, encoder: Encoder | None = None,
                 searcher: Searcher | None = None):
        self.settings = settings
        self.lock = threading.RLock()
        self._encoder = encoder
        self._searcher = searcher
        self.problem: str | None = None  # why the live generation is not the one being served

    def searcher(self) -> Searcher:
        """The open index, reopened when a build has published a newer generation. A newer generation
        that is damaged is refused; the last good one (if any) keeps answering, and `problem` says why."""
        with self.lock:
            if self._searcher is not None:
                self._still_whole()
            try:
                live = IndexDir(self.settings.index).require()
                if self._searcher is None or self._searcher.generation != live:
                    encoder = self._searcher.loaded_encoder if self._searcher else self._encoder
                    self._searcher = Searcher(self.settings, encoder=encoder)
            except IndexUnavailable as error:
                if self._searcher is None:
                    self.problem = str(error)
                    raise
                if self.problem != str(error):
                    log.warning("%s; still serving %s", error, self._searcher.generation.name)
                self.problem = str(error)
                return self._searcher
            self.problem = None
            return self._searcher

    @contextmanager
    def _held(self):
        """Hold the engine for one query, waiting at most busy_seconds for the queries before it."""
        if not self.lock.acquire(timeout=self.settings.busy_seconds):
            raise Busy(f"the search engine stayed busy for {self.settings.busy_seconds:g} s; try again")
        try:
            yield
        finally:
            self.lock.release()

    def _still_whole(self) -> None:
        """Check the served generation's files have not changed under it (a stat each; a file whose size,
        times or inode changed is hashed again): vectors and postings are memory-mapped, so a file damaged
        in place would change answers without a word. A damaged one is dropped and refused."""
        served = self._searcher
        try:
            verify(served.generation, served.manifest)
        except IndexUnavailable as error:
            self._encoder = served.loaded_encoder or self._encoder
            self._searcher = None
            self.problem = str(error)
            log.warning("%s; the served index was damaged in place and is no longer served", error)
            raise

    def warm(self) -> None:
        """Open the index, load the model and answer one question before the first reviewer's: the
        vocabulary's patterns are compiled and the collection's tables built on first use (a first
        question at 10k letters waited 0.6-0.9 s for them, the next 27 ms)."""
        self.searcher().search("physical therapy denied for the lumbar spine", mode="hybrid", k=1)

    def search(self, query: str, mode: str = "hybrid", k: int = 10, filters: dict | None = None,
               ignore=(), offset: int = 0) -> SearchResponse:
        """The k best determinations after the first `offset` (a "show more" page keeps its ranks)."""
        with self._held():
            response = self.searcher().search(readable(query), mode=mode, k=offset + k, filters=filters,
                                              ignore=ignore)
        return replace(response, results=response.results[offset:]) if offset else response

    def similar(self, doc_id: str | None = None, text: str | None = None, k: int = 10,
                filters: dict | None = None) -> SearchResponse:
        if (doc_id is None) == (text is None):
            raise QueryError("give a determination id or a text, not both or neither")
        with self._held():
            return self.searcher().similar(doc_id=doc_id, text=readable(text) if text else text, k=k,
                                           filters=filters)

    def contrast(self, query: str, filters: dict | None = None, k: int = PER_SIDE) -> Contrast:
        """The nearest Upheld and nearest Overturned determinations for the question's treatment."""
        with self._held():
            return for_question(self.searcher(), readable(query), filters, k)

    def contrast_determination(self, doc_id: str, k: int = 2) -> list[Contrast]:
        """For each treatment of a determination, the closest cases decided either way."""
        with self._held():
            return for_determination(self.searcher(), doc_id, k)

    def rates(self, query: str, by=BY, mode: str = "hybrid", filters: dict | None = None,
              ignore=()) -> dict[str, list[RateRow]]:
        """The share upheld and overturned over every match of a question, grouped each way in `by`."""
        with self._held():
            searcher = self.searcher()
            response = searcher.search(readable(query), mode=mode, k=0, filters=filters, ignore=ignore)
            return {key: outcome_rates(searcher.collection, response.matched, key) for key in by}

    def determination(self, doc_id: str) -> Determination:
        """One determination; read straight from the store when no search has opened the index."""
        with self._held():
            if self._searcher is not None:
                return self.searcher().determination(doc_id)
        generation, _ = open_generation(self.settings, check=False)
        store = Store(generation / "store.sqlite", readonly=True)
        try:
            found = store.determination(doc_id)
        finally:
            store.close()
        if found is None:
            raise NotFound(f"no determination {doc_id!r} in the index")
        return found

    def newest(self, doc_ids: list[str], most: int | None = None) -> list[Determination]:
        """The `most` newest of these determinations (all by default), whole, newest decision first and
        undated ones last: sorted by their outlines, so only the letters returned are read whole."""
        with self._held():
            collection = self.searcher().collection
            known = [collection.outlines[d] for d in doc_ids if d in collection.outlines]
            known.sort(key=lambda d: (d.decision_date or "", d.doc_id), reverse=True)
            return [collection.determination(d.doc_id) for d in known[:most]]

    def marked_sections(self, determination: Determination, query: str | None) -> dict[str, str]:
        """Each section's HTML with the query's words marked."""
        return {s.id: mark_words(s.text, query) for s in determination.sections}

    def chat(self, previous: Turn | None, message: str | None, mode: str | None = None,
             set_filter: dict | None = None, drop: str | None = None
             ) -> tuple[Turn, str, SearchResponse]:
        """Answer one conversation turn: a new question, a follow-up, or a clicked filter chip.

        Returns the turn searched (to store), the message as the conversation shows it, and the answer.
        """
        message = readable(message) if message is not None else None
        if set_filter or drop:
            turn = adjust(previous, set_filter, drop, mode)
            message = message or describe(set_filter, drop)
        elif message is None or not str(message).strip():
            raise QueryError("empty message: type a question")
        else:
            turn = refine(previous, str(message)[:MAX_MESSAGE_CHARS], mode)
        return turn, str(message), self.replay(turn)

    def replay(self, turn: Turn, k: int = 10, offset: int = 0) -> SearchResponse:
        """Search what a stored turn asked for."""
        return self.search(turn.query, turn.mode, k, turn.filters, turn.ignore, offset)

    def counts(self) -> dict:
        with self._held():
            return self.searcher().counts()

    def health(self) -> dict:
        """The served index's counts and generation, and what is wrong with the live one (None if all is
        well); IndexUnavailable when there is nothing to serve."""
        if self.lock.acquire(timeout=0.5):
            try:
                searcher = self.searcher()
            finally:
                self.lock.release()
        else:  # a long query holds the engine: report the generation it is answering from
            searcher = self._searcher or self.searcher()
        return {**searcher.counts(), "generation": searcher.generation.name, "problem": self.problem}

    def watchlist(self) -> Watchlist:
        """The saved searches of this index, each with the letters new to it (saved.py)."""
        return Watchlist(self)
