"""The SQLite store of a generation: determinations, sources, chunks and the embedding cache.

It is the only code that speaks SQL; generations, the manifest and checksums live in generations.py.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .determination import Chunk, Determination
from .generations import IndexDir, Manifest, verify
from .settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS determinations (
    doc_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY, content_hash TEXT NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS determinations_content ON determinations(content_hash);
CREATE INDEX IF NOT EXISTS sources_doc ON sources(doc_id);
CREATE TABLE IF NOT EXISTS chunks (
    row INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL,
    section_id TEXT NOT NULL, section_title TEXT NOT NULL, kind TEXT NOT NULL,
    issue_index INTEGER, text TEXT NOT NULL, embed_hash TEXT NOT NULL,
    position INTEGER, sentence_start INTEGER, sentence_count INTEGER);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS chunks_position ON chunks(position);
CREATE TABLE IF NOT EXISTS embeddings (
    hash TEXT PRIMARY KEY, vector BLOB NOT NULL, sentences BLOB NOT NULL, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS signatures (
    doc_id TEXT PRIMARY KEY, outcome TEXT NOT NULL, minhash BLOB);
CREATE TABLE IF NOT EXISTS near_duplicates (doc_id TEXT PRIMARY KEY, group_id TEXT NOT NULL);
"""


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as the read side knows it; position is its place in FAISS and in chunk order."""

    position: int
    chunk_id: str
    doc_id: str
    section_id: str
    section_title: str
    kind: str
    issue_index: int | None
    sentence_start: int
    sentence_count: int


def open_generation(settings: Settings, check: bool = True) -> tuple[Path, Manifest]:
    """Find the live generation and read its manifest, refusing one this code cannot read (check) and
    one whose files do not match their checksums (always)."""
    generation = IndexDir(settings.index).require()
    manifest = Manifest.load(generation)
    if check:
        manifest.check(settings)
    verify(generation, manifest, complete=True)
    return generation, manifest


class Store:
    """One generation's SQLite store: determinations, their sources, chunks and cached embeddings."""

    def __init__(self, path: Path, readonly: bool = False):
        if readonly:
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.db = sqlite3.connect(path)
            self.db.executescript(SCHEMA)
        self.db.row_factory = sqlite3.Row

    @classmethod
    def copy_of(cls, previous: Path, path: Path) -> Store:
        """Open a writable store at path holding a copy of a previous generation's store."""
        store = cls(path)
        source = sqlite3.connect(f"file:{previous}?mode=ro", uri=True)
        source.backup(store.db)
        source.close()
        store.db.executescript(SCHEMA)  # tables newer than the previous generation's
        return store

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    # --- determinations ---------------------------------------------------------------

    def determination(self, doc_id: str) -> Determination | None:
        row = self.db.execute("SELECT body FROM determinations WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if row is None else _determination(row)

    def determinations(self) -> dict[str, Determination]:
        return {r["doc_id"]: _determination(r)
                for r in self.db.execute("SELECT doc_id, body FROM determinations")}

    def count_determinations(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM determinations").fetchone()[0]

    def add_determination(self, determination: Determination, digest: str) -> None:
        self.db.execute("INSERT INTO determinations VALUES (?, ?, ?)",
                        (determination.doc_id, digest, json.dumps(determination.to_dict())))

    def update_determination(self, determination: Determination) -> None:
        self.db.execute("UPDATE determinations SET body = ? WHERE doc_id = ?",
                        (json.dumps(determination.to_dict()), determination.doc_id))

    def remove_determination(self, doc_id: str) -> None:
        """Forget a determination and its chunks."""
        self.db.execute("DELETE FROM determinations WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM signatures WHERE doc_id = ?", (doc_id,))

    def doc_with_content(self, digest: str) -> str | None:
        row = self.db.execute("SELECT doc_id FROM determinations WHERE content_hash = ?",
                              (digest,)).fetchone()
        return row["doc_id"] if row else None

    def has_determination(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM determinations WHERE doc_id = ?",
                               (doc_id,)).fetchone() is not None

    # --- source files -----------------------------------------------------------------

    def sources(self) -> dict[str, tuple[str, str]]:
        """Every indexed source file: path -> (content hash, doc_id)."""
        return {r["path"]: (r["content_hash"], r["doc_id"])
                for r in self.db.execute("SELECT * FROM sources")}

    def set_source(self, path: str, digest: str, doc_id: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", (path, digest, doc_id))

    def remove_source(self, path: str) -> str | None:
        """Forget a source file; return the determination it supported."""
        row = self.db.execute("SELECT doc_id FROM sources WHERE path = ?", (path,)).fetchone()
        self.db.execute("DELETE FROM sources WHERE path = ?", (path,))
        return row["doc_id"] if row else None

    def source_paths(self, doc_id: str) -> list[str]:
        return [r["path"] for r in self.db.execute("SELECT path FROM sources WHERE doc_id = ?",
                                                   (doc_id,))]

    # --- chunks and embeddings --------------------------------------------------------

    def add_chunk(self, chunk: Chunk, embed_hash: str) -> None:
        self.db.execute(
            "INSERT INTO chunks (chunk_id, doc_id, section_id, section_title, kind, "
            "issue_index, text, embed_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (chunk.chunk_id, chunk.doc_id, chunk.section_id, chunk.section_title, chunk.kind,
             chunk.issue_index, chunk.text, embed_hash))

    def chunks(self) -> list[StoredChunk]:
        """Every chunk, in position order."""
        rows = self.db.execute(
            "SELECT position, chunk_id, doc_id, section_id, section_title, kind, issue_index, "
            "sentence_start, sentence_count FROM chunks ORDER BY position")
        return [StoredChunk(**dict(r)) for r in rows]

    def chunk_text(self, position: int) -> str:
        found = self.db.execute("SELECT text FROM chunks WHERE position = ?", (position,)).fetchone()
        return found["text"] if found else ""

    def has_embedding(self, digest: str) -> bool:
        return self.db.execute("SELECT 1 FROM embeddings WHERE hash = ?", (digest,)).fetchone() is not None

    def count_embeddings(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]

    def save_embedding(self, digest: str, vector: np.ndarray, sentences: np.ndarray) -> None:
        self.db.execute("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)",
                        (digest, vector.astype(np.float32).tobytes(),
                         sentences.astype(np.float16).tobytes(), len(sentences)))

    def position_chunks(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Drop unused embeddings, number the chunks 0..n-1 and return their vectors in that order:
        one vector per chunk and one block of sentence vectors per chunk."""
        self.db.execute("DELETE FROM embeddings WHERE hash NOT IN (SELECT embed_hash FROM chunks)")
        ordered = self.db.execute(
            "SELECT c.row, e.vector, e.sentences, e.n FROM chunks c JOIN embeddings e "
            "ON e.hash = c.embed_hash ORDER BY c.row").fetchall()
        vectors, sentence_blocks, start = [], [], 0
        for position, row in enumerate(ordered):
            vector = np.frombuffer(row["vector"], dtype=np.float32)
            vectors.append(vector)
            sentence_blocks.append(np.frombuffer(row["sentences"], dtype=np.float16)
                                   .reshape(row["n"], len(vector)))
            self.db.execute("UPDATE chunks SET position = ?, sentence_start = ?, sentence_count = ? "
                            "WHERE row = ?", (position, start, row["n"], row["row"]))
            start += row["n"]
        return vectors, sentence_blocks


    # --- near-identical letters (see near_duplicates.py) -------------------------------

    def unsigned(self) -> list[str]:
        """Determinations without a signature yet (added, or indexed before signatures existed)."""
        return [r["doc_id"] for r in self.db.execute(
            "SELECT doc_id FROM determinations WHERE doc_id NOT IN (SELECT doc_id FROM signatures)")]

    def save_signature(self, doc_id: str, outcome: str, minhash: np.ndarray | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)",
                        (doc_id, outcome, None if minhash is None else minhash.astype(np.uint64).tobytes()))

    def signatures(self) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """Every comparable letter's MinHash signature, and every letter's outcome."""
        minhashes, outcomes = {}, {}
        for row in self.db.execute("SELECT * FROM signatures"):
            outcomes[row["doc_id"]] = row["outcome"]
            if row["minhash"] is not None:
                minhashes[row["doc_id"]] = np.frombuffer(row["minhash"], dtype=np.uint64)
        return minhashes, outcomes

    def save_near_duplicates(self, group_of: dict[str, str]) -> None:
        self.db.execute("DELETE FROM near_duplicates")
        self.db.executemany("INSERT INTO near_duplicates VALUES (?, ?)", sorted(group_of.items()))

    def near_duplicates(self) -> dict[str, str]:
        """doc_id -> its near-identical group's id, for letters in a group ({} for an older index)."""
        try:
            rows = self.db.execute("SELECT doc_id, group_id FROM near_duplicates").fetchall()
        except sqlite3.OperationalError:  # built before near-duplicate groups existed
            return {}
        return {r["doc_id"]: r["group_id"] for r in rows}


def _determination(row: sqlite3.Row) -> Determination:
    return Determination.from_dict(json.loads(row["body"]))
