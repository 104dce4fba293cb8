"""The on-disk index: generations, the manifest, and the SQLite store of determinations.

An index directory holds complete generations (gen-000001/, gen-000002/, ...) and a CURRENT
file naming the live one. A build writes a new generation beside the live one and switches
CURRENT with an atomic rename only once everything is on disk, so a build killed at any moment
leaves the previous generation complete, and readers never see a half-written one.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 5
KEEP_GENERATIONS = 2


class IndexUnavailable(Exception):
    """The index is missing, corrupt, or was built by other code or another model."""


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

    def save(self, directory: Path) -> None:
        _write_atomic(directory / "manifest.json", json.dumps(self.__dict__, indent=1))

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        try:
            return cls(**json.loads((directory / "manifest.json").read_text()))
        except (OSError, ValueError, TypeError) as error:
            raise IndexUnavailable(f"index manifest in {directory} is unreadable ({error})") from None

    def check(self, model: str, chunk_words: int, chunk_overlap: int) -> None:
        """Refuse an index that this code or this model cannot read correctly."""
        if self.schema_version != SCHEMA_VERSION:
            raise IndexUnavailable(
                f"index schema {self.schema_version} does not match this version of Precedent "
                f"({SCHEMA_VERSION}): rebuild it with 'precedent index'")
        if self.model != model:
            raise IndexUnavailable(f"index was built with model {self.model!r}, not {model!r}: rebuild "
                              "it or set PRECEDENT_MODEL to match")
        if (self.chunk_words, self.chunk_overlap) != (chunk_words, chunk_overlap):
            raise IndexUnavailable("index was built with other chunk settings: rebuild it")


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
        generation = self.root / pointer.read_text().strip()
        if not (generation / "manifest.json").exists():
            raise IndexUnavailable(f"index in {self.root} is corrupt: {generation.name} is incomplete")
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


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """Open the store; read-only connections never write (and never take a write lock)."""
    if readonly:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        connection = sqlite3.connect(path)
        connection.executescript(SCHEMA)
    connection.row_factory = sqlite3.Row
    return connection
