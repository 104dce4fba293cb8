"""The chooser: which keyword and semantic backends the build writes and the searcher opens.

The keyword_backend setting picks what a build writes; the generation's manifest records it, and a
searcher opens whatever its generation holds.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import IndexUnavailable
from ..generations import REBUILD
from ..store import StoredChunk
from .base import KeywordIndex, SemanticIndex
from .keyword import WhooshKeywordIndex
from .matrix import MatrixKeywordIndex
from .semantic import FaissSemanticIndex

KEYWORD_BACKENDS = {"whoosh": WhooshKeywordIndex, "matrix": MatrixKeywordIndex}
semantic_backend = FaissSemanticIndex


def keyword_backend(name: str) -> type:
    """The keyword backend a setting names; a clear error for an unknown one."""
    try:
        return KEYWORD_BACKENDS[name]
    except KeyError:
        raise IndexUnavailable(f"unknown keyword backend {name!r}: set PRECEDENT_KEYWORD_BACKEND to "
                               f"{' or '.join(KEYWORD_BACKENDS)}") from None


def keyword_dir(name: str) -> str:
    """The folder of a generation that holds a keyword backend's files."""
    return keyword_backend(name).DIRECTORY


def open_keyword(generation: Path, chunks: list[StoredChunk], name: str = "whoosh") -> KeywordIndex:
    if name not in KEYWORD_BACKENDS:
        raise IndexUnavailable(f"index {generation.name} holds an unknown keyword backend {name!r}; "
                               f"{REBUILD}")
    backend = KEYWORD_BACKENDS[name]
    return backend(generation / backend.DIRECTORY, {c.chunk_id: c.position for c in chunks})


def open_semantic(generation: Path, chunks: list[StoredChunk], sentence_weight: float) -> SemanticIndex:
    return semantic_backend(generation, chunks, sentence_weight)
