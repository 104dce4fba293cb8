"""The SQLite store of a generation: determinations, sources, chunks and the embedding cache.

It is the only code that speaks SQL; generations, the manifest and checksums live in generations.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
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


@dataclass(frozen=True, slots=True)
class StoredChunk:
    """A chunk as the read side knows it; position is its place in chunk order (every score array's
    index). A server holds one per chunk, so slots and one string per repeated name: 382,624 chunks
    take about 105 MB."""

    position: int
    chunk_id: str
    doc_id: str
    section_id: str
    section_title: str
    kind: str
    issue_index: int | None
    sentence_start: int
    sentence_count: int


@dataclass
class Embeddings:
    """What a semantic index is written from: one row per distinct embedded text, in row order.

    rows[position] is a chunk's row; sentence_counts[row] how many sentence vectors the row has;
    blocks(batch) yields (vectors, their sentences' vectors) a batch of rows at a time, so a build
    never holds every vector at once."""

    rows: np.ndarray
    sentence_counts: np.ndarray
    dimension: int | None
    blocks: Callable[[int], Iterator[tuple[np.ndarray, np.ndarray]]]

    @classmethod
    def of(cls, vectors: Sequence[np.ndarray], sentence_blocks: Sequence[np.ndarray],
           rows: Sequence[int] | None = None) -> Embeddings:
        """Embeddings held in memory (one row per vector; rows maps chunks to them, default one each)."""
        def blocks(batch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
            for start in range(0, len(vectors), batch):
                yield (np.vstack(vectors[start:start + batch]).astype(np.float32),
                       np.vstack(sentence_blocks[start:start + batch]).astype(np.float16))
        counts = np.array([len(block) for block in sentence_blocks], dtype=np.int64)
        mapping = np.arange(len(vectors)) if rows is None else np.asarray(rows)
        return cls(mapping.astype(np.int32), counts, len(vectors[0]) if len(vectors) else None, blocks)

    @property
    def count(self) -> int:
        return len(self.sentence_counts)


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

    def outlines(self) -> dict[str, Determination]:
        """Every determination's outline (Determination.outline), read one letter at a time."""
        return {r["doc_id"]: _determination(r).outline()
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
        names: dict[str, str] = {}  # one string per distinct doc_id, section id, title and kind
        def one(name: str) -> str:
            return names.setdefault(name, name)
        return [StoredChunk(r["position"], r["chunk_id"], one(r["doc_id"]), one(r["section_id"]),
                            one(r["section_title"]), one(r["kind"]), r["issue_index"], r["sentence_start"],
                            r["sentence_count"]) for r in rows]

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

    def number_chunks(self) -> Embeddings:
        """Drop unused embeddings, number the chunks 0..n-1 and give each distinct embedded text one row:
        chunks with the same text (a templated paragraph, a letter issued twice) share its vector and its
        sentence vectors. Rows are numbered in the order of their first chunk, so a collection without
        repeated texts has row = position. The vectors themselves are read by Embeddings.blocks, a
        batch at a time."""
        self.db.execute("DELETE FROM embeddings WHERE hash NOT IN (SELECT embed_hash FROM chunks)")
        chunk_rows, row_of_hash, rows = [], {}, []
        for row, digest in self.db.execute("SELECT row, embed_hash FROM chunks ORDER BY row"):
            chunk_rows.append(row)
            rows.append(row_of_hash.setdefault(digest, len(row_of_hash)))
        self.db.execute("DROP TABLE IF EXISTS temp.vector_rows")
        self.db.execute("CREATE TEMP TABLE vector_rows (row INTEGER PRIMARY KEY, hash TEXT NOT NULL)")
        self.db.executemany("INSERT INTO temp.vector_rows VALUES (?, ?)",
                            ((row, digest) for digest, row in row_of_hash.items()))
        counts = np.fromiter((n for (n,) in self.db.execute(
            "SELECT e.n FROM temp.vector_rows v JOIN embeddings e ON e.hash = v.hash ORDER BY v.row")),
            dtype=np.int64)
        if len(counts) != len(row_of_hash):
            raise ValueError("a chunk has no embedding")
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        of_chunk = np.asarray(rows, dtype=np.int64)
        self.db.executemany(
            "UPDATE chunks SET position = ?, sentence_start = ?, sentence_count = ? WHERE row = ?",
            zip(range(len(chunk_rows)), starts[of_chunk].tolist(), counts[of_chunk].tolist(), chunk_rows,
                strict=True))
        return Embeddings(of_chunk.astype(np.int32), counts, self._dimension(), self._blocks)

    def _dimension(self) -> int | None:
        found = self.db.execute("SELECT vector FROM embeddings LIMIT 1").fetchone()
        return None if found is None else len(found["vector"]) // 4

    def _blocks(self, batch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        cursor = self.db.execute("SELECT e.vector, e.sentences FROM temp.vector_rows v "
                                 "JOIN embeddings e ON e.hash = v.hash ORDER BY v.row")
        while rows := cursor.fetchmany(batch):
            vectors = np.frombuffer(b"".join(r["vector"] for r in rows), dtype=np.float32)
            sentences = np.frombuffer(b"".join(r["sentences"] for r in rows), dtype=np.float16)
            dimension = len(rows[0]["vector"]) // 4
            yield vectors.reshape(-1, dimension), sentences.reshape(-1, dimension)

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
