"""Index generations on disk: naming, the writer lock, publishing, the manifest and its checksums.

An index directory holds complete generations (gen-000001/, gen-000002/, ...) and a CURRENT
file naming the live one. A build writes a new generation beside the live one and switches
CURRENT with an atomic rename only once everything is on disk, so a build killed at any moment
leaves the previous generation complete, and readers never see a half-written one. Every file of a
generation is checked against the sha256 its manifest records before it is served.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import IndexUnavailable
from .settings import Settings

SCHEMA_VERSION = 6  # 6: one FAISS row per distinct chunk text, vector_rows.npy maps chunks to rows
READABLE_SCHEMAS = {5, 6}  # a schema-5 generation has no row map: its rows are the chunk positions
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
    keyword_backend: str = "whoosh"  # which keyword index the generation holds (search/backends.py)

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
        if self.schema_version not in READABLE_SCHEMAS:
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


def verify(generation: Path, manifest: Manifest, complete: bool = False) -> None:
    """Refuse a generation any of whose files is missing or differs from its checksum in the manifest;
    complete (when a generation is opened): also one holding a file the manifest has no checksum for,
    so that deleting a file's entry from the manifest cannot slip a damaged file past the check."""
    if not manifest.files:
        raise IndexUnavailable(f"index {generation.name} has no checksums (built by an older Precedent): "
                               f"{REBUILD}")
    if complete:
        for path in sorted(generation.rglob("*")):
            name = path.relative_to(generation).as_posix()
            if path.is_file() and name not in UNCHECKED and name not in manifest.files:
                raise IndexUnavailable(f"index damaged: {name} has no checksum in the manifest; {REBUILD}")
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
