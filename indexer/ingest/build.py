"""Build or update an index from letter files: incremental, deduplicated and crash-safe.

Unchanged files (same content hash) are skipped; changed ones replace their determination;
--prune drops determinations whose file is gone. Embeddings are cached by content hash, so a
chunk whose text did not change is never embedded again. All writing happens in a staging
generation that is published atomically at the end (see store.py).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ..determination import Chunk, Determination
from ..encoder import Encoder, content_hash
from ..errors import IndexUnavailable
from ..generations import REBUILD, SCHEMA_VERSION, IndexDir, Manifest, checksums, verify
from ..search.backends import KEYWORD_DIR, keyword_backend, semantic_backend
from ..sentences import sentence_spans as sentence_spans_of
from ..settings import Settings
from ..store import Store
from . import parse
from .chunk import chunk_determination
from .faults import check_index_folder, index_writes
from .listing import Listing, list_letters
from .parse import parse_text
from .read import ReadError, read_letter


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


def build(paths: list[Path], settings: Settings, prune: bool = False,
          encoder: Encoder | Callable[[], Encoder] | None = None) -> BuildReport:
    """Index the letters under paths into settings.index; return what happened."""
    listing = list_letters(paths)
    if listing.missing and len(listing.missing) == len(paths):  # nothing to read: leave the index alone
        raise ReadError(f"no such file or folder: {', '.join(map(str, listing.missing))}")
    root = IndexDir(settings.index)
    check_index_folder(root.root)
    with index_writes(root.root), root.writer_lock():
        return _Build(root, settings, encoder).run(listing, prune)


class _Build:
    def __init__(self, root: IndexDir, settings: Settings, encoder):
        self.root = root
        self.settings = settings
        self._encoder = encoder
        self.report = BuildReport()
        self.reread = False  # the parser changed: treat every known file as changed

    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = Encoder(self.settings.model)
        elif not isinstance(self._encoder, Encoder):
            self._encoder = self._encoder()
        return self._encoder

    def run(self, listing: Listing, prune: bool) -> BuildReport:
        staging = self.root.start_generation()
        try:
            self.store = self._open_staging(staging)
            pending, stale = self._read_changed(self._files(listing), prune)
            for doc_id in stale:
                self.store.remove_determination(doc_id)
            added = self._add(pending)
            embed(self.store, added, self.encoder, self.settings.batch_size)
            keyword_backend.write(staging / KEYWORD_DIR, stale, added)
            manifest = self._write_vectors(staging)
            self.store.commit()
            self.store.close()
            manifest.files = checksums(staging)
            manifest.save(staging)
            self.root.publish(staging)
        except BaseException:
            if getattr(self, "store", None) is not None:
                self.store.close()
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return self.report

    def _open_staging(self, staging: Path) -> Store:
        """Start from a copy of the live generation when every file of it checks out, else from scratch
        (reusing nothing of a damaged, unverifiable or incompatible one)."""
        previous = None
        try:
            previous = self.root.current()
            if previous is not None:
                manifest = Manifest.load(previous)
                manifest.check(self.settings)
                verify(previous, manifest)
                self.reread = manifest.parser_version != parse.PARSER_VERSION
                if self.reread:
                    self.report.warnings.append(
                        "the parser changed since the last build: re-reading every letter")
        except IndexUnavailable as problem:
            why = str(problem).removesuffix(f"; {REBUILD}")
            self.report.warnings.append(f"rebuilding from scratch: {why}")
            previous = None
        if previous is not None:
            try:
                shutil.copytree(previous / KEYWORD_DIR, staging / KEYWORD_DIR)
                return Store.copy_of(previous / "store.sqlite", staging / "store.sqlite")
            except (OSError, sqlite3.DatabaseError) as problem:  # changed since it was verified
                self.report.warnings.append(f"rebuilding from scratch: the live index is unreadable "
                                            f"({problem})")
                for leftover in list(staging.iterdir()):
                    (shutil.rmtree if leftover.is_dir() else Path.unlink)(leftover)
        keyword_backend.create(staging / KEYWORD_DIR)
        return Store(staging / "store.sqlite")

    def _files(self, listing: Listing) -> list[Path]:
        """The letters found; every path given or met that is not read goes into the report's failed."""
        for path in listing.missing:
            self.report.failed.append(Failure(str(path), "no such file or folder"))
        for path, why in listing.problems:
            self.report.failed.append(Failure(str(path), why))
        return listing.files

    def _read_changed(self, files: list[Path], prune: bool) -> tuple[list[_Pending], list[str]]:
        known = self.store.sources()
        pending: list[_Pending] = []
        stale_paths: list[str] = []
        seen: set[str] = set()
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
            if path in known and known[path][0] == digest and not self.reread:
                self.report.unchanged += 1
                continue
            determination = self._parse(file)
            if determination is None:
                continue
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

    def _parse(self, file: Path) -> Determination | None:
        """Read and parse one letter; record why not and return None when it cannot be."""
        try:
            text, warnings = read_letter(file, self.settings.max_file_bytes)
            determination = parse_text(text, file.name)
        except ReadError as error:
            self.report.failed.append(Failure(str(file), str(error)))
            return None
        except (ValueError, IndexError, KeyError, RecursionError) as error:
            self.report.failed.append(Failure(str(file), f"could not parse: {error}"))
            return None
        determination.warnings.extend(warnings)
        return determination

    def _drop_sources(self, paths: list[str]) -> list[str]:
        """Forget these source files; return the determinations no file supports any more."""
        emptied: list[str] = []
        for path in paths:
            doc_id = self.store.remove_source(path)
            if doc_id is None:
                continue
            left = self.store.source_paths(doc_id)
            if not left:
                emptied.append(doc_id)
            else:
                body = self.store.determination(doc_id)
                body.sources = sorted({Path(p).name for p in left})
                body.source = body.sources[0]
                self.store.update_determination(body)
        return emptied

    def _add(self, pending: list[_Pending]) -> list[tuple[Determination, list[Chunk]]]:
        added: list[tuple[Determination, list[Chunk]]] = []
        for item in pending:
            determination = item.determination
            twin = self.store.doc_with_content(item.content_hash)
            if twin:  # the same letter under another file name: one determination, both names
                existing = self.store.determination(twin)
                existing.sources = sorted({*existing.sources, Path(item.path).name})
                note = f"same letter also indexed as {Path(item.path).name}"
                if note not in existing.warnings:
                    existing.warnings.append(note)
                self.store.update_determination(existing)
                self.store.set_source(item.path, item.content_hash, existing.doc_id)
                self.report.warnings.append(f"{item.path}: {note.replace('also', 'already')}")
                continue
            if self.store.has_determination(determination.doc_id):
                # two different letters claim one case number: keep both, apart
                determination.warnings.append(
                    f"case number {determination.doc_id} is shared with another letter")
                determination.doc_id = f"{determination.doc_id}-{Path(item.path).stem}"
            chunks = chunk_determination(determination, self.settings.chunk_words,
                                         self.settings.chunk_overlap)
            self.store.add_determination(determination, item.content_hash)
            self.store.set_source(item.path, item.content_hash, determination.doc_id)
            added.append((determination, chunks))
        return added

    def _write_vectors(self, staging: Path) -> Manifest:
        """Write the semantic index in chunk-position order; return the manifest (without checksums,
        which are taken once every file is closed)."""
        vectors, sentence_blocks = self.store.position_chunks()
        dimension = len(vectors[0]) if vectors else self._known_dimension()
        semantic_backend.write(staging, vectors, sentence_blocks, dimension)
        sources = {path: digest for path, (digest, _) in self.store.sources().items()}
        self.report.determinations = self.store.count_determinations()
        self.report.chunks = len(vectors)
        return Manifest(SCHEMA_VERSION, self.settings.model, dimension, self.settings.chunk_words,
                        self.settings.chunk_overlap, self.report.determinations, len(vectors), sources,
                        parse.PARSER_VERSION)

    def _known_dimension(self) -> int:
        return 384 if self._encoder is None else self.encoder().dimension


def embed(store: Store, added: list[tuple[Determination, list[Chunk]]], encoder: Callable[[], Encoder],
          batch_size: int) -> None:
    """Record every chunk; embed those whose text has no cached embedding (loading the model only then)."""
    todo: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for determination, chunks in added:
        for chunk in chunks:
            text = chunk.embedding_text(determination)
            digest = content_hash(text)
            store.add_chunk(chunk, digest)
            if digest not in todo and not store.has_embedding(digest):
                todo[digest] = (text, sentence_spans(text, chunk.text))
    if not todo:
        return
    hashes = list(todo)
    texts = [todo[h][0] for h in hashes]
    spans = [todo[h][1] for h in hashes]
    done = 0
    with tqdm(total=len(texts), desc="embedding", unit="chunk", disable=None) as bar:
        for vectors, sentence_vectors in encoder().chunks(texts, spans, batch_size):
            for vector, per_sentence in zip(vectors, sentence_vectors, strict=True):
                store.save_embedding(hashes[done], vector, per_sentence)
                done += 1
            bar.update(len(vectors))


def sentence_spans(embedded_text: str, chunk_text: str) -> list[tuple[int, int]]:
    """Return the character spans, in the embedded text, of the chunk's sentences."""
    offset = len(embedded_text) - len(chunk_text)
    return [(offset + start, offset + end) for start, end in sentence_spans_of(chunk_text)]
