"""Build or update an index from letter files: incremental, deduplicated and crash-safe.

Unchanged files (same content hash) are skipped; changed ones replace their determination;
--prune drops determinations whose file is gone. Embeddings are cached by content hash, so a
chunk whose text did not change is never embedded again. All writing happens in a staging
generation that is published atomically at the end (see store.py).
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .. import near_duplicates
from ..determination import Chunk, Determination
from ..encoder import Encoder, content_hash
from ..errors import IndexUnavailable
from ..generations import REBUILD, SCHEMA_VERSION, IndexDir, Manifest, checksums, verify
from ..search.backends import keyword_backend, semantic_backend
from ..sentences import sentence_spans as sentence_spans_of
from ..settings import Settings
from ..store import Store
from . import parse
from .chunk import chunk_determination
from .faults import check_index_folder, index_writes
from .listing import Listing, list_letters
from .parse import parse_text
from .read import ReadError, read_letter

# Letters from which a build parses in a process per core: measured here, starting two spawned
# processes costs about 1 s, and parsing a letter about 7 ms.
PARALLEL_FROM = 300


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
    embedded: int = 0  # chunks run through the model (the others' vectors were cached)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, in build order

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed,
                "failed": [{"path": f.path, "error": f.error} for f in self.failed],
                "determinations": self.determinations, "chunks": self.chunks,
                "embedded": self.embedded, "stages": {k: round(v, 3) for k, v in self.stages.items()}}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage of the build (added to what the stage took before)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    def summary(self) -> str:
        return (f"{self.determinations} determinations, {self.chunks} chunks: {self.added} added, "
                f"{self.updated} updated, {self.unchanged} unchanged, {self.removed} removed, "
                f"{len(self.failed)} failed")


Vectors = dict[str, tuple[np.ndarray, np.ndarray]]  # embed hash -> chunk vector, its sentences' vectors


@dataclass
class Letters:
    """Letters read and parsed elsewhere (on a cluster): per file a Determination or why not, in the
    order asked, and the vectors of their chunks embedded there."""

    parsed: list[Determination | Failure]
    vectors: Vectors = field(default_factory=dict)


# Read, parse (and perhaps chunk and embed) the changed files; told which embed hashes are cached.
LetterReader = Callable[[list[Path], Callable[[str], bool]], Letters]


@dataclass
class _Pending:
    path: str
    content_hash: str
    determination: Determination


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(paths: list[Path], settings: Settings, prune: bool = False,
          encoder: Encoder | Callable[[], Encoder] | None = None,
          reader: LetterReader | None = None) -> BuildReport:
    """Index the letters under paths into settings.index; return what happened. A reader reads and
    parses the changed files elsewhere (and may embed their chunks); by default they are read here."""
    listing = list_letters(paths)
    if listing.missing and len(listing.missing) == len(paths):  # nothing to read: leave the index alone
        raise ReadError(f"no such file or folder: {', '.join(map(str, listing.missing))}")
    root = IndexDir(settings.index)
    check_index_folder(root.root)
    with index_writes(root.root), root.writer_lock():
        return _Build(root, settings, encoder, reader).run(listing, prune)


class _Build:
    def __init__(self, root: IndexDir, settings: Settings, encoder, reader: LetterReader | None = None):
        self.root = root
        self.settings = settings
        self._encoder = encoder
        self.reader = reader
        self.vectors: Vectors = {}  # embedded by the reader
        self.report = BuildReport()
        self.reread = False  # the parser changed: treat every known file as changed
        self.keyword = keyword_backend(settings.keyword_backend)

    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self.report.stage("model_load"):
                self._encoder = Encoder(self.settings.model, **self.settings.encoder_options())
        elif not isinstance(self._encoder, Encoder):
            with self.report.stage("model_load"):
                self._encoder = self._encoder()
        return self._encoder

    def run(self, listing: Listing, prune: bool) -> BuildReport:
        staging = self.root.start_generation()
        try:
            stage = self.report.stage
            with stage("open"):
                self.store = self._open_staging(staging)
            with stage("read_parse"):
                pending, stale = self._read_changed(self._files(listing), prune)
            with stage("chunk"):
                for doc_id in stale:
                    self.store.remove_determination(doc_id)
                added = self._add(pending)
            self.report.embedded = embed(self.store, added, self.encoder, self.settings.batch_size,
                                         self.report, self.vectors)
            with stage("near_duplicates"):
                near_duplicates.regroup(self.store, self.settings.near_duplicate_threshold)
            with stage("keyword"):
                self.keyword.write(staging / self.keyword.DIRECTORY, stale, added)
            with stage("vectors"):
                manifest = self._write_vectors(staging)
            with stage("publish"):
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
        previous, switched = None, False
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
                switched = manifest.keyword_backend != self.settings.keyword_backend
        except IndexUnavailable as problem:
            why = str(problem).removesuffix(f"; {REBUILD}")
            self.report.warnings.append(f"rebuilding from scratch: {why}")
            previous = None
        if previous is not None:
            try:
                store = Store.copy_of(previous / "store.sqlite", staging / "store.sqlite")
                if switched:  # the other backend's files, written from every stored determination
                    self.keyword.create(staging / self.keyword.DIRECTORY)
                    self.keyword.write(staging / self.keyword.DIRECTORY, [], self._stored(store))
                else:
                    shutil.copytree(previous / self.keyword.DIRECTORY, staging / self.keyword.DIRECTORY)
                return store
            except (OSError, sqlite3.DatabaseError) as problem:  # changed since it was verified
                self.report.warnings.append(f"rebuilding from scratch: the live index is unreadable "
                                            f"({problem})")
                for leftover in list(staging.iterdir()):
                    (shutil.rmtree if leftover.is_dir() else Path.unlink)(leftover)
        self.keyword.create(staging / self.keyword.DIRECTORY)
        return Store(staging / "store.sqlite")

    def _stored(self, store: Store) -> list[tuple[Determination, list[Chunk]]]:
        return [(d, chunk_determination(d, self.settings.chunk_words, self.settings.chunk_overlap))
                for d in store.determinations().values()]

    def _files(self, listing: Listing) -> list[Path]:
        """The letters found; every path given or met that is not read goes into the report's failed."""
        for path in listing.missing:
            self.report.failed.append(Failure(str(path), "no such file or folder"))
        for path, why in listing.problems:
            self.report.failed.append(Failure(str(path), why))
        return listing.files

    def _read_changed(self, files: list[Path], prune: bool) -> tuple[list[_Pending], list[str]]:
        known = self.store.sources()
        changed: list[tuple[Path, str, str]] = []  # file, resolved path, content hash
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
            changed.append((file, path, digest))
        pending: list[_Pending] = []
        for (_, path, digest), determination in zip(changed, self._parse_all(changed), strict=True):
            if isinstance(determination, Failure):
                self.report.failed.append(determination)
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

    def _parse_all(self, changed: list[tuple[Path, str, str]]) -> list[Determination | Failure]:
        files = [file for file, _, _ in changed]
        if self.reader is None or not files:
            return parse_many(files, self.settings.max_file_bytes)
        letters = self.reader(files, self.store.has_embedding)
        self.vectors = letters.vectors
        return letters.parsed

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
        embeddings = self.store.number_chunks()
        if embeddings.dimension is None:
            embeddings.dimension = self._known_dimension()
        semantic_backend.write(staging, embeddings, approximate_above=self.settings.approximate_above)
        dimension, chunks = embeddings.dimension, len(embeddings.rows)
        sources = {path: digest for path, (digest, _) in self.store.sources().items()}
        self.report.determinations = self.store.count_determinations()
        self.report.chunks = chunks
        return Manifest(SCHEMA_VERSION, self.settings.model, dimension, self.settings.chunk_words,
                        self.settings.chunk_overlap, self.report.determinations, chunks, sources,
                        parse.PARSER_VERSION, keyword_backend=self.settings.keyword_backend)

    def _known_dimension(self) -> int:
        return 384 if self._encoder is None else self.encoder().dimension


def parse_letter(file: Path, max_bytes: int) -> Determination | Failure:
    """Read and parse one letter, or say why it cannot be."""
    try:
        text, warnings = read_letter(file, max_bytes)
        determination = parse_text(text, file.name)
    except ReadError as error:
        return Failure(str(file), str(error))
    except (ValueError, IndexError, KeyError, RecursionError) as error:
        return Failure(str(file), f"could not parse: {error}")
    determination.warnings.extend(warnings)
    return determination


def parse_many(files: list[Path], max_bytes: int, parallel_from: int = PARALLEL_FROM
               ) -> list[Determination | Failure]:
    """parse_letter for each file, in order: in one process per core when there are parallel_from files
    or more (parsing is pure Python, so one core each; fewer files do not repay starting processes)."""
    cores = len(os.sched_getaffinity(0))
    with tqdm(total=len(files), desc="parsing", unit="file", disable=None, leave=False) as progress:
        if cores < 2 or len(files) < parallel_from:
            parsed = []
            for file in files:
                parsed.append(parse_letter(file, max_bytes))
                progress.update()
            return parsed
        # spawned, not forked: the parent may hold threads (a loaded model, a server) a fork would break
        with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("spawn")) as pool:
            parsed = []
            for determination in pool.map(functools.partial(parse_letter, max_bytes=max_bytes), files,
                                          chunksize=16):
                parsed.append(determination)
                progress.update()
            return parsed


def embedding_input(determination: Determination, chunk: Chunk) -> tuple[str, str, list[tuple[int, int]]]:
    """What a chunk is embedded from: its embed hash, the text, and its sentences' spans in that text."""
    text = chunk.embedding_text(determination)
    return content_hash(text), text, sentence_spans(text, chunk.text)


def embed(store: Store, added: list[tuple[Determination, list[Chunk]]], encoder: Callable[[], Encoder],
          batch_size: int, report: BuildReport | None = None, vectors: Vectors | None = None) -> int:
    """Record every chunk; save the vectors given (a cluster embedded them), and embed those whose text
    has neither a cached nor a given embedding (loading the model only then). Return how many were
    embedded; time the stages "chunk" (recording), "model_load" and "embed"."""
    report = report or BuildReport()
    todo: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    with report.stage("chunk"):
        for determination, chunks in added:
            for chunk in chunks:
                digest, text, spans = embedding_input(determination, chunk)
                store.add_chunk(chunk, digest)
                if digest in todo or store.has_embedding(digest):
                    continue
                if vectors and digest in vectors:
                    store.save_embedding(digest, *vectors[digest])
                else:
                    todo[digest] = (text, spans)
    if not todo:
        return 0
    hashes = list(todo)
    texts = [todo[h][0] for h in hashes]
    spans = [todo[h][1] for h in hashes]
    model = encoder()
    with report.stage("embed"), tqdm(total=len(texts), desc="embedding", unit="chunk",
                                     disable=None) as bar:
        for rows, vectors, sentence_vectors in model.chunks(texts, spans, batch_size):
            for row, vector, per_sentence in zip(rows, vectors, sentence_vectors, strict=True):
                store.save_embedding(hashes[row], vector, per_sentence)
            bar.update(len(rows))
    return len(texts)


def sentence_spans(embedded_text: str, chunk_text: str) -> list[tuple[int, int]]:
    """Return the character spans, in the embedded text, of the chunk's sentences."""
    offset = len(embedded_text) - len(chunk_text)
    return [(offset + start, offset + end) for start, end in sentence_spans_of(chunk_text)]
