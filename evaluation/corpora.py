"""Benchmark corpora: varied synthetic letters and their index, cached under .cache/bench/.

A corpus folder is written once per (size, seed, pool, generator version) and reused; its index
is built once, in a child process (so its peak memory is the build's own), and what the build
measured is kept beside it, so a second run of the bench reuses both and says so.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import random
import resource
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from . import synthetic

GENERATOR_VERSION = 1  # bump when synthetic letters change: cached corpora are regenerated
PER_FOLDER = 1000


@dataclass
class Corpus:
    size: int
    seed: int
    pool: int
    letters: Path
    index: Path
    record: Path  # what the build measured (JSON)

    @property
    def key(self) -> dict:
        return {"size": self.size, "seed": self.seed, "pool": self.pool, "version": GENERATOR_VERSION}

    def files(self) -> list[Path]:
        return sorted(self.letters.rglob("*.txt"))


def prepare(size: int, work: Path, seed: int = 1234, pool: int = 0) -> Corpus:
    """Return the corpus of size letters, writing it first unless the cached one matches."""
    name = f"{size}" + (f"-pool{pool}" if pool else "")
    corpus = Corpus(size, seed, pool, work / f"letters-{name}", work / f"index-{name}",
                    work / f"build-{name}.json")
    stamp = corpus.letters / "corpus.json"
    if stamp.exists() and json.loads(stamp.read_text()) == corpus.key:
        return corpus
    shutil.rmtree(corpus.letters, ignore_errors=True)
    shutil.rmtree(corpus.index, ignore_errors=True)
    corpus.record.unlink(missing_ok=True)
    letters = synthetic.generate_varied(size, seed=seed, prefix="bench", pool=pool)
    for number, letter in enumerate(tqdm(letters, total=size, desc=f"writing {size} letters",
                                         unit="letter", disable=None, leave=False)):
        folder = corpus.letters / f"{number // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / letter.name).write_text(letter.text)
    stamp.write_text(json.dumps(corpus.key))
    return corpus


def build_record(corpus: Corpus, rebuild: bool = False, sample: int = 512) -> dict:
    """Build the corpus's index from scratch and measure it, or reuse the record of an earlier build."""
    if not rebuild and corpus.record.exists() and current(corpus.index):
        record = json.loads(corpus.record.read_text())
        if record.get("corpus") == corpus.key:
            record["cached"] = True
            return record
    shutil.rmtree(corpus.index, ignore_errors=True)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        build, stages = child.submit(measure_build, corpus.letters, corpus.index, sample).result()
    record = {"corpus": corpus.key, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "build": build, "sample": stages}
    corpus.record.write_text(json.dumps(record, indent=1))
    record["cached"] = False
    return record


def current(index: Path) -> bool:
    """Whether the index exists and was built by this parser with today's settings (a stale one is
    rebuilt: re-reading every letter would otherwise land in the re-index figures)."""
    from indexer import settings
    from indexer.errors import IndexUnavailable
    from indexer.generations import IndexDir, Manifest
    from indexer.ingest.parse import PARSER_VERSION

    try:
        generation = IndexDir(index).current()
        if generation is None:
            return False
        manifest = Manifest.load(generation)
        manifest.check(settings.load(index=str(index)))
    except (IndexUnavailable, OSError, ValueError):
        return False
    return manifest.parser_version == PARSER_VERSION


def measure_build(letters: Path, index: Path, sample: int) -> tuple[dict, dict]:
    """(In a child process) build the index over letters: its wall time, stages and peak memory;
    then the per-stage costs on a sample of the letters (measure_stages) with the same model."""
    from indexer import settings
    from indexer.encoder import Encoder
    from indexer.generations import IndexDir
    from indexer.ingest.build import build
    from indexer.store import Store

    config = settings.load(index=str(index))
    loaded: list[Encoder] = []

    def encoder() -> Encoder:  # loaded by the build when it first needs it, as in `precedent index`
        loaded.append(Encoder(config.model))
        return loaded[0]

    started = time.perf_counter()
    report = build([letters], config, prune=True, encoder=encoder)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store = Store(IndexDir(index).require() / "store.sqlite", readonly=True)
    try:
        distinct = store.count_embeddings()
    finally:
        store.close()
    figures = {"wall_s": round(wall, 2), "determinations": report.determinations, "chunks": report.chunks,
               "distinct_chunks": distinct, "failed": len(report.failed),
               "stages": plain(getattr(report, "stages", None)), "peak_rss_mb": round(peak, 1)}
    if hasattr(report, "embedded"):  # chunks the build ran through the model (newer BuildReports)
        figures["embedded"] = report.embedded
    files = sorted(letters.rglob("*.txt"))
    return figures, measure_stages(files, sample, loaded[0] if loaded else None)


def plain(value):
    """The build's stage timings as JSON, whatever shape the BuildReport gives them."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "to_dict"):
        return plain(value.to_dict())
    if dataclasses.is_dataclass(value):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


def measure_stages(files: list[Path], sample: int, encoder=None) -> dict:
    """Per-stage costs on a sample of letters, measured here, not by the build:
    read+parse and chunk per letter, and the embedding rate of the bare model (model.encode) against
    the pipeline's Encoder.chunks (which also pools per-sentence vectors) on the same chunks, and of
    the forward passes alone where the Encoder offers forward_rate."""
    from indexer import settings
    from indexer.encoder import Encoder
    from indexer.ingest.build import sentence_spans
    from indexer.ingest.chunk import chunk_determination
    from indexer.ingest.parse import parse_text
    from indexer.ingest.read import read_letter

    config = settings.load()
    picked = random.Random(0).sample(files, min(len(files), max(20, sample // 3)))
    started = time.perf_counter()
    parsed = []
    for file in picked:
        text, _ = read_letter(file, config.max_file_bytes)
        parsed.append(parse_text(text, file.name))
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    chunked = [(d, chunk_determination(d, config.chunk_words, config.chunk_overlap)) for d in parsed]
    chunk_s = time.perf_counter() - started
    texts: dict[str, list[tuple[int, int]]] = {}
    for determination, chunks in chunked:
        for chunk in chunks:
            text = chunk.embedding_text(determination)
            texts.setdefault(text, sentence_spans(text, chunk.text))
    chosen = list(texts)[:sample]
    encoder = encoder or Encoder(config.model)
    encoder.model.encode(chosen[:8], batch_size=config.batch_size)  # warm up
    started = time.perf_counter()
    encoder.model.encode(chosen, batch_size=config.batch_size, normalize_embeddings=True)
    bare_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in encoder.chunks(chosen, [texts[t] for t in chosen], config.batch_size):
        pass
    pipeline_s = time.perf_counter() - started
    figures = {"letters": len(picked), "read_parse_ms_per_letter": round(parse_s * 1000 / len(picked), 2),
               "chunk_ms_per_letter": round(chunk_s * 1000 / len(picked), 2),
               "chunks_per_letter": round(sum(len(c) for _, c in chunked) / len(picked), 2),
               "embedded_chunks": len(chosen),
               "bare_chunks_per_s": round(len(chosen) / bare_s, 1),
               "pipeline_chunks_per_s": round(len(chosen) / pipeline_s, 1)}
    forward = getattr(encoder, "forward_rate", None)  # the model's forward passes alone, where offered
    if forward:
        figures["forward_chunks_per_s"] = round(forward(chosen, config.batch_size), 1)
    return figures


def doc_ids(index: Path) -> list[tuple[str, str]]:
    """(doc_id, source path) of every indexed letter, in a stable order."""
    from indexer.generations import IndexDir
    from indexer.store import Store

    store = Store(IndexDir(index).require() / "store.sqlite", readonly=True)
    try:
        return [(row[0], row[1]) for row in
                store.db.execute("SELECT doc_id, MIN(path) FROM sources GROUP BY doc_id ORDER BY doc_id")]
    finally:
        store.close()


def size_on_disk(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


SPREAD_NOISE = 0.33  # the noise's length beside a unit vector: each copy is ~0.95 similar to its original


def spread(corpus: Corpus, noise: float = SPREAD_NOISE, seed: int = 0) -> tuple[Path, bool]:
    """A copy of a pooled corpus's index in which every chunk has a vector of its own, as a real
    collection's chunks have (194 real letters: 1,101 chunks, 1,100 distinct texts).

    A pooled corpus repeats each clinical text ~25 times, and the index keeps one vector per distinct
    text, so its vector index is ~23x smaller than a real collection's of the same size. Here each
    chunk's vector, and each of its sentences', is the shared one plus random noise of length `noise`,
    normalized again: the real number of vectors, crowded the way templated letters are. It measures
    memory, latency and the approximate index at that size, not ranking quality. Reused while the
    corpus's index is unchanged; returns the copy's index folder and whether it was written now."""
    import faiss
    import numpy as np

    from indexer.generations import IndexDir, Manifest, checksums
    from indexer.search import semantic
    from indexer.search.base import ranges
    from indexer.store import Embeddings, Store

    source = IndexDir(corpus.index).require()
    target = corpus.index.with_name(corpus.index.name + "-spread")
    stamp = {"source": source.name, "built": (source / "manifest.json").stat().st_mtime, "noise": noise,
             "seed": seed}
    if (target / "spread.json").exists() and json.loads((target / "spread.json").read_text()) == stamp:
        return target, False
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(corpus.index, target, ignore=shutil.ignore_patterns(".lock", ".staging*"))
    generation = IndexDir(target).require()
    distinct = faiss.read_index(str(generation / semantic.VECTORS))
    distinct = distinct.reconstruct_n(0, distinct.ntotal)
    rows_file = generation / semantic.ROWS
    sentences = np.load(generation / semantic.SENTENCES)  # read whole: the file is about to be rewritten
    store = Store(generation / "store.sqlite")
    layout = np.array(store.db.execute("SELECT sentence_start, sentence_count FROM chunks ORDER BY position")
                      .fetchall(), dtype=np.int64).reshape(-1, 2)
    rows = np.load(rows_file) if rows_file.exists() else np.arange(len(layout))
    starts, counts = layout[:, 0], layout[:, 1]
    rng = np.random.default_rng(seed)

    def jitter(vectors: np.ndarray) -> np.ndarray:
        shake = rng.normal(size=vectors.shape)
        shake *= noise / np.linalg.norm(shake, axis=1, keepdims=True)
        moved = vectors + shake
        return moved / np.linalg.norm(moved, axis=1, keepdims=True)

    def blocks(batch: int):
        for start in range(0, len(rows), batch):
            chunk = np.arange(start, min(len(rows), start + batch))
            block = sentences[ranges(starts[chunk], counts[chunk])].astype(np.float32)
            yield (jitter(distinct[rows[chunk]]).astype(np.float32),
                   (jitter(block) if len(block) else block).astype(np.float16))

    own = Embeddings(np.arange(len(rows), dtype=np.int32), counts, distinct.shape[1], blocks)
    semantic.FaissSemanticIndex.write(generation, own)
    new_starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    store.db.executemany("UPDATE chunks SET sentence_start = ? WHERE position = ?",
                         zip(new_starts.tolist(), range(len(rows)), strict=True))
    store.commit()
    store.close()
    manifest = Manifest.load(generation)
    manifest.files = checksums(generation)
    manifest.save(generation)
    (target / "spread.json").write_text(json.dumps(stamp))
    return target, True
