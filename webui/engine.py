"""One search engine per process, opened on first use and reopened when the index changes."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from indexer.search.searcher import Searcher
from indexer.store import IndexDir


class Engine:
    """Hold the open Searcher; a lock serialises queries (Whoosh and SQLite handles are shared)."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.lock = threading.RLock()
        self._searcher: Searcher | None = None

    def searcher(self) -> Searcher:
        with self.lock:
            live = IndexDir(self.settings["index"]).require()
            if self._searcher is None or self._searcher.generation != live:
                encoder = self._searcher._encoder if self._searcher else None
                self._searcher = Searcher(self.settings, encoder=encoder)
            return self._searcher

    def run(self, method: str, *args, **kwargs):
        """Call a Searcher method under the lock."""
        with self.lock:
            return getattr(self.searcher(), method)(*args, **kwargs)


def init_app(app: Flask) -> None:
    engine = Engine(app.config["PRECEDENT"])
    app.extensions["precedent.engine"] = engine

    def warm():
        searcher = engine.searcher()
        searcher.encoder.query("warm up")  # load the model before the first question
        return searcher

    app.extensions["precedent.searcher"] = warm


def get_engine() -> Engine:
    return current_app.extensions["precedent.engine"]
