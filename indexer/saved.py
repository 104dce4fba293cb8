"""Saved searches and the letters each has already shown, in SQLite beside the index's generations.

The file lives in the index directory (or where the saved_searches setting says), outside every
generation: a build replaces generations, never this file, and the CLI and the server both find it
from the index they share. A search's "new" letters are its matches that were not among its matches
when it was last looked at (the seen doc ids are stored, so a letter removed and indexed again under
its case number is not new again).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .determination import Determination
from .errors import NotFound, QueryError
from .search.query import check_filters, check_mode
from .search.results import SearchResponse

if TYPE_CHECKING:  # the engine holds a watchlist and a watchlist asks the engine: types only
    from .engine import Engine

FILE_NAME = "saved.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT, query TEXT NOT NULL, mode TEXT NOT NULL,
    filters TEXT NOT NULL, created TEXT NOT NULL, looked TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (
    search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL, PRIMARY KEY (search_id, doc_id));
"""


@dataclass
class SavedSearch:
    id: int
    query: str
    mode: str
    filters: dict[str, str]
    looked: str  # when it was last looked at (UTC, ISO 8601)
    new: list[str] = field(default_factory=list)  # matching letters not seen when last looked at

    def to_dict(self) -> dict:
        return {"id": self.id, "query": self.query, "filters": self.filters, "new": self.new,
                "mode": self.mode, "looked": self.looked}


def location(index: str, configured: str = "") -> Path:
    """The saved-search file: the configured path, else saved.sqlite in the index directory."""
    return Path(configured) if configured else Path(index) / FILE_NAME


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class SavedSearches:
    """The saved searches of one index: add, list, remove, and record what each has shown."""

    def __init__(self, path: Path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=10, check_same_thread=False)
            self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise QueryError(f"cannot open the saved searches at {path}: {error}") from None
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")

    def close(self) -> None:
        self.db.close()

    def add(self, query: str, mode: str, filters: dict[str, str], matches: list[str]) -> SavedSearch:
        """Save a search; its present matches count as seen."""
        looked = now()
        cursor = self.db.execute(
            "INSERT INTO saved_searches (query, mode, filters, created, looked) VALUES (?, ?, ?, ?, ?)",
            (query, mode, json.dumps(filters, sort_keys=True), looked, looked))
        self.mark_seen(cursor.lastrowid, matches)
        return self.get(cursor.lastrowid)

    def all(self) -> list[SavedSearch]:
        return [_saved(row) for row in self.db.execute("SELECT * FROM saved_searches ORDER BY id")]

    def get(self, search_id: int) -> SavedSearch:
        _known_id(search_id)
        row = self.db.execute("SELECT * FROM saved_searches WHERE id = ?", (search_id,)).fetchone()
        if row is None:
            raise NotFound(f"no saved search {search_id}")
        return _saved(row)

    def remove(self, search_id: int) -> None:
        _known_id(search_id)
        if self.db.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,)).rowcount == 0:
            raise NotFound(f"no saved search {search_id}")
        self.db.commit()

    def seen(self, search_id: int) -> set[str]:
        return {r["doc_id"] for r in self.db.execute("SELECT doc_id FROM seen WHERE search_id = ?",
                                                      (search_id,))}

    def mark_seen(self, search_id: int, doc_ids: list[str]) -> None:
        """Record that the search has shown these letters, now."""
        self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)",
                            [(search_id, doc_id) for doc_id in doc_ids])
        self.db.execute("UPDATE saved_searches SET looked = ? WHERE id = ?", (now(), search_id))
        self.db.commit()


class Watchlist:
    """Saved searches answered over the engine's open index: which matching letters are new to each."""

    def __init__(self, engine: Engine):
        self.engine = engine
        settings = engine.settings
        self.path = location(settings.index, settings.saved_searches)

    def _store(self) -> SavedSearches:
        return SavedSearches(self.path)

    def _matches(self, search: SavedSearch) -> list[str]:
        with self.engine.lock:
            return self.engine.searcher().matching(search.query, search.mode, search.filters)

    def all(self) -> list[SavedSearch]:
        """Every saved search with its new letters."""
        store = self._store()
        try:
            return [_with_new(search, self._matches(search), store.seen(search.id)) for search in store.all()]
        finally:
            store.close()

    def add(self, query: str, filters: dict | None = None, mode: str = "hybrid") -> SavedSearch:
        """Save a question with its filters; what it matches now counts as seen."""
        query = str(query or "").strip()
        if not query:
            raise QueryError("empty question: type what to save")
        search = SavedSearch(0, query, check_mode(mode), check_filters(filters or {}), now())
        matches = self._matches(search)
        store = self._store()
        try:
            return store.add(search.query, search.mode, search.filters, matches)
        finally:
            store.close()

    def remove(self, search_id: int) -> None:
        store = self._store()
        try:
            store.remove(search_id)
        finally:
            store.close()

    def look(self, search_id: int, k: int = 10) -> tuple[SavedSearch, SearchResponse]:
        """Answer a saved search, naming its new letters, then count every match as seen."""
        store = self._store()
        try:
            search = store.get(search_id)
            matches = self._matches(search)
            search = _with_new(search, matches, store.seen(search_id))
            response = self.engine.search(search.query, search.mode, k, search.filters)
            store.mark_seen(search_id, matches)
            return search, response
        finally:
            store.close()

    def letters(self, search_id: int, most: int | None = None) -> tuple[SavedSearch, list[Determination]]:
        """A saved search and the `most` newest letters it matches (all by default), newest decision
        first (undated ones last)."""
        store = self._store()
        try:
            search = store.get(search_id)
        finally:
            store.close()
        return search, self.engine.newest(self._matches(search), most)


def _with_new(search: SavedSearch, matches: list[str], seen: set[str]) -> SavedSearch:
    search.new = [doc_id for doc_id in matches if doc_id not in seen]
    return search


def _saved(row: sqlite3.Row) -> SavedSearch:
    return SavedSearch(row["id"], row["query"], row["mode"], json.loads(row["filters"]), row["looked"])


def _known_id(search_id: int) -> None:
    """An id SQLite could hold (a 64-bit integer above 0); any other names no saved search."""
    if not 0 < search_id < 2**63:
        raise NotFound(f"no saved search {search_id}")
