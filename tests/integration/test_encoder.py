"""The encoder's batched, length-sorted, reduced-precision embedding against plain one-text passes.

Real MiniLM: a batch of texts of mixed lengths must give each text the vectors it gets alone (chunk
and per-sentence), and bf16 must stay close to fp32.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from indexer.encoder import Encoder
from indexer.sentences import sentence_spans

TEXTS = [
    "Physical therapy is not medically necessary. The patient completed twelve sessions without "
    "functional improvement. Guidelines allow a home exercise program instead.",
    "MRI of the knee.",
    "The requested lumbar fusion is overturned. Imaging shows instability at L4-5. Conservative care "
    "failed over six months. The surgeon documented progressive neurological deficit. "
    "Criteria of the ACOEM guidelines are met, so the surgery is medically necessary.",
    "Tramadol is upheld as not necessary. No urine drug screen or pain contract is documented.",
]
SPANS = [sentence_spans(text) for text in TEXTS]


@pytest.fixture(scope="module")
def fp32() -> Encoder:
    return Encoder(precision="fp32")


def alone(encoder: Encoder, text: str, spans) -> tuple[np.ndarray, np.ndarray]:
    """One text through the model by itself (no padding, no batch), pooled by hand."""
    tokenizer = encoder.model.tokenizer
    encoded = tokenizer([text], return_tensors="pt", return_offsets_mapping=True)
    offsets = encoded.pop("offset_mapping")[0].numpy()
    with torch.inference_mode():
        tokens = encoder.model[0].auto_model(**encoded).last_hidden_state[0].float().numpy()
    chunk = tokens.mean(axis=0)
    sentences = []
    for start, end in spans:
        inside = [i for i, (s, e) in enumerate(offsets) if e > s and start <= s < end]
        mean = tokens[inside].mean(axis=0)
        sentences.append(mean / np.linalg.norm(mean))
    return chunk / np.linalg.norm(chunk), np.array(sentences)


def embedded(encoder: Encoder, batch_size: int = 3):
    vectors, sentences, seen = {}, {}, []
    for rows, pooled, per_sentence in encoder.chunks(TEXTS, SPANS, batch_size):
        seen.extend(rows)
        for row, vector, block in zip(rows, pooled, per_sentence, strict=True):
            vectors[row], sentences[row] = vector, block
    return vectors, sentences, seen


def test_every_text_comes_back_once_longest_first(fp32):
    _, _, seen = embedded(fp32)
    assert sorted(seen) == list(range(len(TEXTS)))
    assert seen[0] == 2 and seen[-1] == 1  # the longest text first, the shortest last


def test_batched_vectors_equal_each_text_alone(fp32):
    vectors, sentences, _ = embedded(fp32)
    for row, text in enumerate(TEXTS):
        chunk, per_sentence = alone(fp32, text, SPANS[row])
        assert np.allclose(vectors[row], chunk, atol=1e-4)
        assert sentences[row].shape == (len(SPANS[row]), fp32.dimension)
        assert np.allclose(sentences[row], per_sentence, atol=1e-4)


def test_query_and_texts_are_the_chunk_vectors(fp32):
    vectors, _, _ = embedded(fp32)
    assert np.allclose(fp32.query(TEXTS[3]), vectors[3], atol=1e-5)
    assert np.allclose(fp32.texts(TEXTS), np.stack([vectors[r] for r in range(len(TEXTS))]), atol=1e-5)
    assert fp32.texts([]).shape == (0, fp32.dimension)


def test_bf16_stays_close_to_fp32(fp32):
    bf16 = Encoder(precision="bf16")
    assert next(bf16.model.parameters()).dtype == torch.bfloat16
    exact, exact_sentences, _ = embedded(fp32)
    reduced, reduced_sentences, _ = embedded(bf16)
    for row in range(len(TEXTS)):
        assert float(exact[row] @ reduced[row]) > 0.99
        assert np.all(np.sum(exact_sentences[row] * reduced_sentences[row], axis=1) > 0.97)


def test_forward_rate_is_a_rate(fp32):
    assert fp32.forward_rate(TEXTS * 4, batch_size=8) > 0
