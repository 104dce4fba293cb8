"""The on-disk index: generations, the manifest, and the SQLite store (the only code that speaks SQL).

An index directory holds complete generations (gen-000001/, gen-000002/, ...) and a CURRENT
file naming the live one. A build writes a new generation beside the live one and switches
CURRENT with an atomic rename only once everything is on disk, so a build killed at any moment
leaves the previous generation complete, and readers never see a half-written one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .determination import Chunk, Determination
from .errors import IndexUnavailable
from .settings import Settings

SCHEMA_VERSION = 5
KEEP_GENERATIONS = 2
GENERATION_NAME = re.compile(r"gen-\d{6}")
REBUILD = "rebuild with 'precedent index'"
UNCHECKED = {"manifest.json"}  # the manifest holds the checksums; it is read and checked on its own


@dataclass
class Manifest:
    schema_version: int
    model: str
    dimension: int
    chunk_words: int
    chunk_overlap: int
    determinations: int
    chunks: int
    sources: dict[str, str]  # source path -> content hash
    parser_version: int = 0
    files: dict[str, str] | None = None  # every other file of the generation (relative path) -> sha256

    def save(self, directory: Path) -> None:
        _write_atomic(directory / "manifest.json", json.dumps(self.__dict__, indent=1))

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        try:
            return cls(**json.loads((directory / "manifest.json").read_text()))
        except (OSError, ValueError, TypeError):
            raise IndexUnavailable(f"index damaged: {directory.name}/manifest.json is unreadable; "
                                   f"{REBUILD}") from None

    def check(self, settings: Settings) -> None:
        """Refuse an index that this code or this model cannot read correctly."""
        model = settings.model
        if self.schema_version != SCHEMA_VERSION:
            raise IndexUnavailable(
                f"index schema {self.schema_version} does not match this version of Precedent "
                f"({SCHEMA_VERSION}): rebuild it with 'precedent index'")
        if self.model != model:
            raise IndexUnavailable(f"index was built with model {self.model!r}, not {model!r}: rebuild "
                              "it or set PRECEDENT_MODEL to match")
        if (self.chunk_words, self.chunk_overlap) != (settings.chunk_words, settings.chunk_overlap):
            raise IndexUnavailable("index was built with other chunk settings: rebuild it")


def checksums(generation: Path) -> dict[str, str]:
    """The sha256 of every file of a written generation but the manifest, by path relative to it."""
    found = {}
    for path in sorted(generation.rglob("*")):
        name = path.relative_to(generation).as_posix()
        if path.is_file() and name not in UNCHECKED:
            found[name] = _sha256(path)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Files already hashed in this process: path -> (the stat they were hashed at, their sha256). A reopen
# re-hashes only a file whose size, mtime, ctime or inode changed since.
_hashed: dict[str, tuple[tuple, str]] = {}
_hashed_lock = threading.Lock()


def _stat_key(path: Path) -> tuple:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev


def verify(generation: Path, manifest: Manifest) -> None:
    """Refuse a generation any of whose files is missing or differs from its checksum in the manifest."""
    if not manifest.files:
        raise IndexUnavailable(f"index {generation.name} has no checksums (built by an older Precedent): "
                               f"{REBUILD}")
    for name, expected in manifest.files.items():
        path = generation / name
        try:
            key = _stat_key(path)
            with _hashed_lock:
                known = _hashed.get(str(path))
            digest = known[1] if known and known[0] == key else _sha256(path)
        except OSError:
            raise IndexUnavailable(f"index damaged: {name} is missing or unreadable; {REBUILD}") from None
        with _hashed_lock:
            _hashed[str(path)] = (key, digest)
        if digest != expected:
            raise IndexUnavailable(f"index damaged: {name} does not match its checksum; {REBUILD}")


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_tree(directory: Path) -> None:
    """Flush every file and folder under directory to disk."""
    for folder, _, files in os.walk(directory):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_dir(Path(folder))


class IndexDir:
    """An index directory and its generations."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def current(self) -> Path | None:
        """Return the live generation's directory, or None when there is no index yet."""
        pointer = self.root / "CURRENT"
        if not pointer.exists():
            return None
        try:
            name = pointer.read_bytes().decode("ascii").strip()
        except (OSError, UnicodeDecodeError):
            name = ""
        if not GENERATION_NAME.fullmatch(name):
            raise IndexUnavailable(f"index damaged: CURRENT does not name a generation; {REBUILD}")
        generation = self.root / name
        if not (generation / "manifest.json").is_file():
            raise IndexUnavailable(f"index damaged: {name} is incomplete; {REBUILD}")
        return generation

    def require(self) -> Path:
        generation = self.current()
        if generation is None:
            raise IndexUnavailable(f"no index in {self.root}: build one with 'precedent index corpus/'")
        return generation

    @contextmanager
    def writer_lock(self):
        """Hold the single-writer lock; a second build waits, a killed one releases it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def start_generation(self) -> Path:
        """Clear leftovers of killed builds and return a fresh staging directory."""
        for leftover in self.root.glob(".staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        numbers = [int(p.name.split("-")[1]) for p in self.root.glob("gen-*") if p.name[4:].isdigit()]
        staging = self.root / f".staging-gen-{max(numbers, default=0) + 1:06d}"
        staging.mkdir(parents=True)
        return staging

    def publish(self, staging: Path) -> Path:
        """Make a fully written staging directory the live generation, atomically."""
        fsync_tree(staging)
        final = self.root / staging.name.removeprefix(".staging-")
        os.replace(staging, final)
        _fsync_dir(self.root)
        _write_atomic(self.root / "CURRENT", final.name)
        generations = sorted(p for p in self.root.glob("gen-*") if p != final)
        for old in generations[: max(0, len(generations) - (KEEP_GENERATIONS - 1))]:
            shutil.rmtree(old, ignore_errors=True)
        return final


SCHEMA = """
CREATE TABLE IF NOT EXISTS determinations (
    doc_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY, content_hash TEXT NOT NULL, doc_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    row INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL,
    section_id TEXT NOT NULL, section_title TEXT NOT NULL, kind TEXT NOT NULL,
    issue_index INTEGER, text TEXT NOT NULL, embed_hash TEXT NOT NULL,
    position INTEGER, sentence_start INTEGER, sentence_count INTEGER);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS chunks_position ON chunks(position);
CREATE TABLE IF NOT EXISTS embeddings (
    hash TEXT PRIMARY KEY, vector BLOB NOT NULL, sentences BLOB NOT NULL, n INTEGER NOT NULL);
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
    verify(generation, manifest)
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


def _determination(row: sqlite3.Row) -> Determination:
    return Determination.from_dict(json.loads(row["body"]))
