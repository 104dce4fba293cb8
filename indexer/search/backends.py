"""The chooser: which keyword and semantic backends the build writes and the searcher opens."""

from __future__ import annotations

from pathlib import Path

from ..store import StoredChunk
from .base import KeywordIndex, SemanticIndex
from .keyword import WhooshKeywordIndex
from .semantic import FaissSemanticIndex

KEYWORD_DIR = "whoosh"
keyword_backend = WhooshKeywordIndex
semantic_backend = FaissSemanticIndex


def open_keyword(generation: Path, chunks: list[StoredChunk]) -> KeywordIndex:
    return keyword_backend(generation / KEYWORD_DIR, {c.chunk_id: c.position for c in chunks})


def open_semantic(generation: Path, chunks: list[StoredChunk], sentence_weight: float) -> SemanticIndex:
    return semantic_backend(generation, chunks, sentence_weight)
