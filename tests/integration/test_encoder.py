"""The encoder's batched, length-sorted, reduced-precision embedding against plain one-text passes.

Real MiniLM: a batch of texts of mixed lengths must give each text the vectors it gets alone (chunk
and per-sentence), bf16 must stay close to fp32, and ONNX Runtime (the CPU default) must give torch
fp32's vectors, from a model exported once and then loaded without torch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from indexer.encoder import Encoder, model_path
from indexer.errors import ModelUnavailable
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
    return Encoder(precision="fp32", runtime="torch")


@pytest.fixture(scope="module")
def onnx(tmp_path_factory) -> Encoder:
    return Encoder(precision="fp32", runtime="onnx", cache_dir=str(tmp_path_factory.mktemp("onnx")))


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
    assert bf16.runtime == "torch"
    assert next(bf16.model.parameters()).dtype == torch.bfloat16
    exact, exact_sentences, _ = embedded(fp32)
    reduced, reduced_sentences, _ = embedded(bf16)
    for row in range(len(TEXTS)):
        assert float(exact[row] @ reduced[row]) > 0.99
        assert np.all(np.sum(exact_sentences[row] * reduced_sentences[row], axis=1) > 0.97)


def test_forward_rate_is_a_rate(fp32):
    assert fp32.forward_rate(TEXTS * 4, batch_size=8) > 0


def test_onnx_runtime_gives_torch_vectors(fp32, onnx):
    assert onnx.runtime == "onnx" and fp32.runtime == "torch"
    exact, exact_sentences, _ = embedded(fp32)
    ported, ported_sentences, seen = embedded(onnx)
    assert sorted(seen) == list(range(len(TEXTS)))
    for row in range(len(TEXTS)):
        assert np.allclose(exact[row], ported[row], atol=1e-5)
        assert np.allclose(exact_sentences[row], ported_sentences[row], atol=1e-5)
    assert np.allclose(onnx.query(TEXTS[0]), fp32.query(TEXTS[0]), atol=1e-5)


def test_auto_on_a_cpu_is_onnx(onnx):
    assert Encoder(cache_dir=str(onnx.network.cache)).runtime == "onnx"


def test_an_exported_model_loads_and_answers_without_torch(onnx):
    """The server's path: with the export cached, a question is embedded with torch never imported."""
    script = ("import sys, json; from indexer.encoder import Encoder; "
              f"e = Encoder(cache_dir={str(onnx.network.cache)!r}); v = e.query({TEXTS[0]!r}); "
              "print(json.dumps({'torch': 'torch' in sys.modules, 'runtime': e.runtime, 'v': v.tolist()}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer == {**answer, "torch": False, "runtime": "onnx"}
    assert np.allclose(answer["v"], onnx.query(TEXTS[0]), atol=1e-6)
    assert done.stderr == ""  # quiet: no progress bar, no warning


def test_a_model_the_onnx_runtime_cannot_pool_falls_back_to_torch(tmp_path, onnx):
    """A model with a pooling the onnx path does not do: auto runs it in torch, onnx says why."""
    original = model_path("all-MiniLM-L6-v2")
    copy = tmp_path / "max-pooled"
    for file in [p for p in Path(original).rglob("*") if p.is_file()]:
        target = copy / file.relative_to(original)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(file)
    config = copy / "1_Pooling" / "config.json"
    pooling = json.loads(config.read_text())
    pooling.update(pooling_mode_mean_tokens=False, pooling_mode_max_tokens=True)
    config.unlink()
    config.write_text(json.dumps(pooling))
    assert Encoder(str(copy), cache_dir=str(tmp_path / "cache")).runtime == "torch"
    with pytest.raises(ModelUnavailable, match="pooling .* is not supported by the onnx runtime"):
        Encoder(str(copy), runtime="onnx", cache_dir=str(tmp_path / "cache"))
