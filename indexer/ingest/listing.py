"""Find the letter files under the paths given, and say why each thing that looks like one is not read.

Folders are walked recursively (hidden names skipped); a folder link is followed once, so a link loop
ends. Only regular files are ever opened: a FIFO, socket or device named like a letter is reported,
never read (reading a FIFO would wait forever).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .read import SUFFIXES

SPECIAL_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
                 stat.S_IFBLK: "a block device"}


@dataclass
class Listing:
    files: list[Path] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)  # (path, why it is not read)
    missing: list[Path] = field(default_factory=list)  # given paths that do not exist


def list_letters(paths: list[Path]) -> Listing:
    """Expand files and folders into letter files, and the reasons others are passed over."""
    listing = Listing()
    for path in paths:
        if not os.path.lexists(path):
            listing.missing.append(path)
            continue
        kind = _kind(path, listing)
        if kind == "folder":
            _walk(path, listing, set())
        elif kind == "file":
            listing.files.append(path)
    return listing


def _kind(path: Path, listing: Listing) -> str | None:
    """'file', 'folder', or None after recording why the path is neither."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        listing.problems.append((path, "broken symbolic link: its target does not exist"))
        return None
    except OSError as error:
        if error.errno == 40:  # ELOOP
            listing.problems.append((path, "symbolic link loop"))
        else:
            listing.problems.append((path, f"cannot read: {error.strerror}"))
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    listing.problems.append((path, f"not a regular file ({SPECIAL_KINDS.get(stat.S_IFMT(mode), 'special')})"))
    return None


def _walk(folder: Path, listing: Listing, visited: set[tuple[int, int]]) -> bool:
    """Add the letters under folder; return whether it held any."""
    info = folder.stat()
    if (info.st_dev, info.st_ino) in visited:
        listing.problems.append((folder, "symbolic link loop: this folder is already being read"))
        return False
    visited = visited | {(info.st_dev, info.st_ino)}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        listing.problems.append((folder, f"cannot read this folder: {error.strerror}"))
        return False
    held = False
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        looks_like_letter = path.suffix.lower() in SUFFIXES
        if not (looks_like_letter or _is_folder(entry) or _is_broken_link(entry)):
            continue  # not a letter, not a folder to look in, not a link gone wrong: nothing to say
        kind = _kind(path, listing)
        if kind == "folder":
            found = _walk(path, listing, visited)
            held = held or found
            if looks_like_letter and not found:
                listing.problems.append((path, "a folder, not a letter file"))
        elif kind == "file":
            listing.files.append(path)
            held = True
    return held


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_broken_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink() and not entry.is_dir() and not entry.is_file()
    except OSError:  # a link loop
        return True
