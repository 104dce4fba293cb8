"""Build or update an index from letter files: incremental, deduplicated and crash-safe.

Unchanged files (same content hash) are skipped; changed ones replace their determination;
--prune drops determinations whose file is gone. Embeddings are cached by content hash, so a
chunk whose text did not change is never embedded again. All writing happens in a staging
generation that is published atomically at the end (see store.py).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from ..determination import Determination
from ..encoder import Encoder, content_hash
from ..search import keyword
from ..store import SCHEMA_VERSION, IndexDir, IndexUnavailable, Manifest, connect
from . import parse
from .chunk import Chunk, chunk_determination
from .parse import parse_text
from .read import ReadError, letter_files, read_letter


@dataclass
class Failure:
    path: str
    error: str


@dataclass
class BuildReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[Failure] = field(default_factory=list)
    determinations: int = 0
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed,
                "failed": [{"path": f.path, "error": f.error} for f in self.failed],
                "determinations": self.determinations, "chunks": self.chunks}

    def summary(self) -> str:
        return (f"{self.determinations} determinations, {self.chunks} chunks: {self.added} added, "
                f"{self.updated} updated, {self.unchanged} unchanged, {self.removed} removed, "
                f"{len(self.failed)} failed")


@dataclass
class _Pending:
    path: str
    content_hash: str
    determination: Determination


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(paths: list[Path], settings: dict, prune: bool = False,
          encoder: Encoder | Callable[[], Encoder] | None = None) -> BuildReport:
    """Index the letters under paths into settings['index']; return what happened."""
    root = IndexDir(settings["index"])
    with root.writer_lock():
        return _Build(root, settings, encoder).run(paths, prune)


class _Build:
    def __init__(self, root: IndexDir, settings: dict, encoder):
        self.root = root
        self.settings = settings
        self._encoder = encoder
        self.report = BuildReport()
        self.reread = False  # the parser changed: treat every known file as changed

    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = Encoder(self.settings["model"])
        elif not isinstance(self._encoder, Encoder):
            self._encoder = self._encoder()
        return self._encoder

    def run(self, paths: list[Path], prune: bool) -> BuildReport:
        staging = self.root.start_generation()
        try:
            self.db = self._open_staging(staging)
            files = self._files(paths)
            pending, stale = self._read_changed(files, prune)
            self._remove(stale)
            added = self._add(pending)
            keyword.write(staging / "whoosh", stale, added)
            self._write_vectors(staging)
            self.db.commit()
            self.db.close()
            self.root.publish(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return self.report

    def _open_staging(self, staging: Path) -> sqlite3.Connection:
        previous = None
        try:
            previous = self.root.current()
            if previous is not None:
                manifest = Manifest.load(previous)
                manifest.check(self.settings["model"], self.settings["chunk_words"],
                               self.settings["chunk_overlap"])
                self.reread = manifest.parser_version != parse.PARSER_VERSION
                if self.reread:
                    self.report.warnings.append(
                        "the parser changed since the last build: re-reading every letter")
        except IndexUnavailable as problem:
            self.report.warnings.append(f"rebuilding from scratch: {problem}")
            previous = None
        db = connect(staging / "store.sqlite")
        if previous is None:
            keyword.create(staging / "whoosh")
            return db
        source = sqlite3.connect(f"file:{previous / 'store.sqlite'}?mode=ro", uri=True)
        source.backup(db)
        source.close()
        shutil.copytree(previous / "whoosh", staging / "whoosh")
        return db

    def _files(self, paths: list[Path]) -> list[Path]:
        found: list[Path] = []
        for path in paths:
            try:
                found.extend(letter_files([path]))
            except ReadError as error:
                self.report.failed.append(Failure(str(path), str(error)))
        return found

    def _read_changed(self, files: list[Path], prune: bool) -> tuple[list[_Pending], list[str]]:
        known = {row["path"]: row for row in self.db.execute("SELECT * FROM sources")}
        pending: list[_Pending] = []
        stale_paths: list[str] = []
        seen: set[str] = set()
        max_bytes = int(self.settings["max_file_mb"] * 2**20)
        for file in tqdm(files, desc="reading", unit="file", disable=None, leave=False):
            path = str(file.resolve())
            if path in seen:
                continue
            seen.add(path)
            try:
                data = file.read_bytes()
            except OSError as error:
                self.report.failed.append(Failure(str(file), f"cannot read: {error.strerror}"))
                continue
            digest = sha256(data)
            if path in known and known[path]["content_hash"] == digest and not self.reread:
                self.report.unchanged += 1
                continue
            try:
                text, warnings = read_letter(file, max_bytes)
                determination = parse_text(text, file.name)
            except ReadError as error:
                self.report.failed.append(Failure(str(file), str(error)))
                continue
            except (ValueError, IndexError, KeyError, RecursionError) as error:
                self.report.failed.append(Failure(str(file), f"could not parse: {error}"))
                continue
            determination.warnings.extend(warnings)
            if path in known:
                stale_paths.append(path)
                self.report.updated += 1
            else:
                self.report.added += 1
            pending.append(_Pending(path, digest, determination))
        if prune:
            gone = [p for p in known if p not in seen and not Path(p).exists()]
            stale_paths.extend(gone)
            self.report.removed += len(gone)
        return pending, self._drop_sources(stale_paths)

    def _drop_sources(self, paths: list[str]) -> list[str]:
        """Forget these source files; return the determinations no file supports any more."""
        emptied: list[str] = []
        for path in paths:
            row = self.db.execute("SELECT doc_id FROM sources WHERE path = ?", (path,)).fetchone()
            self.db.execute("DELETE FROM sources WHERE path = ?", (path,))
            if row is None:
                continue
            doc_id = row["doc_id"]
            left = self.db.execute("SELECT path FROM sources WHERE doc_id = ?", (doc_id,)).fetchall()
            if not left:
                emptied.append(doc_id)
            else:
                body = self._load(doc_id)
                body.sources = sorted({Path(r["path"]).name for r in left})
                body.source = body.sources[0]
                self._save(body, None)
        return emptied

    def _remove(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.db.execute("DELETE FROM determinations WHERE doc_id = ?", (doc_id,))
            self.db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))

    def _load(self, doc_id: str) -> Determination:
        row = self.db.execute("SELECT body FROM determinations WHERE doc_id = ?", (doc_id,)).fetchone()
        return Determination.from_dict(json.loads(row["body"]))

    def _save(self, determination: Determination, digest: str | None) -> None:
        body = json.dumps(determination.to_dict())
        if digest is None:
            self.db.execute("UPDATE determinations SET body = ? WHERE doc_id = ?",
                            (body, determination.doc_id))
        else:
            self.db.execute("INSERT INTO determinations VALUES (?, ?, ?)",
                            (determination.doc_id, digest, body))

    def _add(self, pending: list[_Pending]) -> list[tuple[Determination, list[Chunk]]]:
        added: list[tuple[Determination, list[Chunk]]] = []
        for item in pending:
            determination = item.determination
            twin = self.db.execute("SELECT doc_id FROM determinations WHERE content_hash = ?",
                                   (item.content_hash,)).fetchone()
            if twin:  # the same letter under another file name: one determination, both names
                existing = self._load(twin["doc_id"])
                existing.sources = sorted({*existing.sources, Path(item.path).name})
                note = f"same letter also indexed as {Path(item.path).name}"
                if note not in existing.warnings:
                    existing.warnings.append(note)
                self._save(existing, None)
                self.db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                                (item.path, item.content_hash, existing.doc_id))
                self.report.warnings.append(f"{item.path}: {note.replace('also', 'already')}")
                continue
            taken = self.db.execute("SELECT 1 FROM determinations WHERE doc_id = ?",
                                    (determination.doc_id,)).fetchone()
            if taken:  # two different letters claim one case number: keep both, apart
                stem = Path(item.path).stem
                determination.warnings.append(
                    f"case number {determination.doc_id} is shared with another letter")
                determination.doc_id = f"{determination.doc_id}-{stem}"
            chunks = chunk_determination(determination, self.settings["chunk_words"],
                                         self.settings["chunk_overlap"])
            self._save(determination, item.content_hash)
            self.db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                            (item.path, item.content_hash, determination.doc_id))
            added.append((determination, chunks))
        self._embed(added)
        return added

    def _embed(self, added: list[tuple[Determination, list[Chunk]]]) -> None:
        """Embed the chunks whose text has no cached embedding, then record every chunk."""
        todo: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        rows = []
        for determination, chunks in added:
            for chunk in chunks:
                text = chunk.embedding_text(determination)
                digest = content_hash(text)
                rows.append((chunk, digest))
                cached = self.db.execute("SELECT 1 FROM embeddings WHERE hash = ?", (digest,))
                if digest not in todo and cached.fetchone() is None:
                    todo[digest] = (text, sentence_spans(text, chunk.text))
        if todo:
            encoder = self.encoder()
            hashes = list(todo)
            texts = [todo[h][0] for h in hashes]
            spans = [todo[h][1] for h in hashes]
            batch = int(self.settings["batch_size"])
            done = 0
            with tqdm(total=len(texts), desc="embedding", unit="chunk", disable=None) as bar:
                for vectors, sentence_vectors in encoder.chunks(texts, spans, batch):
                    for vector, per_sentence in zip(vectors, sentence_vectors, strict=True):
                        self.db.execute(
                            "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)",
                            (hashes[done], vector.astype(np.float32).tobytes(),
                             per_sentence.astype(np.float16).tobytes(), len(per_sentence)))
                        done += 1
                    bar.update(len(vectors))
        for chunk, digest in rows:
            self.db.execute(
                "INSERT INTO chunks (chunk_id, doc_id, section_id, section_title, kind, "
                "issue_index, text, embed_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (chunk.chunk_id, chunk.doc_id, chunk.section_id, chunk.section_title, chunk.kind,
                 chunk.issue_index, chunk.text, digest))

    def _write_vectors(self, staging: Path) -> None:
        """Write the FAISS index and sentence vectors in chunk-row order, and the manifest."""
        self.db.execute("DELETE FROM embeddings WHERE hash NOT IN (SELECT embed_hash FROM chunks)")
        ordered = self.db.execute(
            "SELECT c.row, e.vector, e.sentences, e.n FROM chunks c JOIN embeddings e "
            "ON e.hash = c.embed_hash ORDER BY c.row").fetchall()
        dimension = None
        vectors, sentence_blocks, start = [], [], 0
        for position, row in enumerate(ordered):
            vector = np.frombuffer(row["vector"], dtype=np.float32)
            dimension = len(vector)
            vectors.append(vector)
            sentence_blocks.append(np.frombuffer(row["sentences"], dtype=np.float16)
                                   .reshape(row["n"], dimension))
            self.db.execute("UPDATE chunks SET position = ?, sentence_start = ?, sentence_count = ? "
                            "WHERE row = ?", (position, start, row["n"], row["row"]))
            start += row["n"]
        if dimension is None:
            dimension = self._known_dimension()
        matrix = np.vstack(vectors) if vectors else np.zeros((0, dimension), dtype=np.float32)
        index = faiss.IndexFlatIP(dimension)
        index.add(matrix)
        faiss.write_index(index, str(staging / "vectors.faiss"))
        sentence_matrix = (np.vstack(sentence_blocks) if sentence_blocks
                           else np.zeros((0, dimension), dtype=np.float16))
        np.save(staging / "sentences.npy", sentence_matrix)
        sources = {r["path"]: r["content_hash"] for r in self.db.execute("SELECT * FROM sources")}
        determinations = self.db.execute("SELECT COUNT(*) FROM determinations").fetchone()[0]
        self.report.determinations = determinations
        self.report.chunks = len(vectors)
        Manifest(SCHEMA_VERSION, self.settings["model"], dimension,
                 int(self.settings["chunk_words"]), int(self.settings["chunk_overlap"]),
                 determinations, len(vectors), sources, parse.PARSER_VERSION).save(staging)

    def _known_dimension(self) -> int:
        return 384 if self._encoder is None else self.encoder().dimension


def sentence_spans(embedded_text: str, chunk_text: str) -> list[tuple[int, int]]:
    """Return the character spans, in the embedded text, of the chunk's sentences."""
    offset = len(embedded_text) - len(chunk_text)
    return [(offset + start, offset + end) for start, end in parse.sentence_spans(chunk_text)]
