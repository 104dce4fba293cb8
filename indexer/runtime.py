"""How the embedding model runs: torch (CPU or GPU, any precision) or ONNX Runtime (CPU, fp32).

Both networks take one padded batch of word pieces as numpy arrays and return the pooled,
L2-normalized vectors and the token embeddings, as float32; the Encoder around them tokenizes,
batches and pools sentences the same way for either.

ONNX Runtime is the CPU default (`runtime` auto): it gives the same vectors as torch fp32 (within
1e-5) and answers a one-line question in a few milliseconds where torch spends tens on its per-call
overhead, and a server that runs it never imports torch (less memory, faster start). The ONNX file
is exported from the configured sentence-transformers model the first time (torch, a few seconds),
checked against torch on a probe text, and kept in the user's cache keyed by the model's files, so
any BERT-style model with mean or CLS pooling works; one the exporter cannot handle falls back to
torch under auto. A GPU, or bf16/fp16, runs torch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import multiprocessing
import os
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ModelUnavailable

log = logging.getLogger(__name__)


@dataclass
class Tokens:
    """One text's word pieces, unpadded: ids, type ids and each piece's character span."""

    ids: list[int]
    types: list[int]
    offsets: np.ndarray  # (pieces, 2) start, end; (0, 0) for [CLS] and [SEP]


def hf_tokens(tokenizer, texts: list[str], max_length: int) -> list[Tokens]:
    """Tokens of texts from a transformers tokenizer, truncated to max_length pieces."""
    encoded = tokenizer(texts, truncation=True, max_length=max_length, return_offsets_mapping=True,
                        return_attention_mask=False)
    types = encoded.get("token_type_ids") or [[0] * len(ids) for ids in encoded["input_ids"]]
    return [Tokens(ids, kinds, np.asarray(offsets, dtype=np.int64).reshape(-1, 2))
            for ids, kinds, offsets in zip(encoded["input_ids"], types, encoded["offset_mapping"],
                                           strict=True)]

RUNTIMES = ("auto", "torch", "onnx")
EXPORT_VERSION = 1  # bump when the exported graph changes: cached files are exported again
PROBE = "Physical therapy is not medically necessary without documented functional improvement."
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def choose_runtime(requested: str, device: str, precision: str) -> str:
    """torch or onnx: auto is ONNX Runtime on a CPU at fp32, torch otherwise."""
    if requested not in RUNTIMES:
        raise ModelUnavailable(f"unknown runtime {requested!r}: use one of {', '.join(RUNTIMES)}")
    if requested == "auto":
        return "onnx" if device == "cpu" and precision == "fp32" and _has_onnxruntime() else "torch"
    if requested == "onnx" and (device != "cpu" or precision != "fp32"):
        raise ModelUnavailable("runtime onnx runs fp32 on a CPU: use runtime torch for a GPU or bf16/fp16")
    if requested == "onnx" and not _has_onnxruntime():
        raise ModelUnavailable("runtime onnx needs the onnxruntime package")
    return requested


def _has_onnxruntime() -> bool:
    """Whether onnxruntime is installed, without importing it: importing it starts a thread, and a
    process that forks server workers after that import leaves them unable to exit (each one's
    exit joined a thread that did not exist in it: 30 s to stop, then killed)."""
    return importlib.util.find_spec("onnxruntime") is not None


def cache_dir(configured: str | None = None) -> Path:
    """Where exported models are kept: the model_cache setting, else the user's cache folder."""
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "precedent" / "onnx"


def _pooling(path: Path) -> tuple[str, int]:
    """The model's pooling (mean or cls) and its max sequence length, read from the
    sentence-transformers configuration files."""
    modules = json.loads((path / "modules.json").read_text()) if (path / "modules.json").exists() else []
    mode = "mean"
    pooling = next((m for m in modules if m.get("type", "").endswith("Pooling")), None)
    if pooling:
        config = json.loads((path / pooling.get("path", "1_Pooling") / "config.json").read_text())
        chosen = [name for name, on in config.items() if name.startswith("pooling_mode_") and on]
        if chosen == ["pooling_mode_cls_token"]:
            mode = "cls"
        elif chosen != ["pooling_mode_mean_tokens"]:
            raise ModelUnavailable(f"pooling {chosen} is not supported by the onnx runtime")
    config = path / "sentence_bert_config.json"
    max_length = json.loads(config.read_text()).get("max_seq_length", 256) if config.exists() else 256
    return mode, int(max_length)


def _fingerprint(path: Path) -> str:
    """The model's files (names, sizes, modification times) and the export version, hashed."""
    digest = hashlib.sha256(f"v{EXPORT_VERSION}".encode())
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


class OnnxNetwork:
    """The model's transformer as an ONNX graph, run by ONNX Runtime; pooling (and L2 normalization,
    always, as on the torch path) done here."""

    def __init__(self, path: str, threads: int | None = None, cache: str | None = None):
        self.path = Path(path)
        self.cache = cache_dir(cache)
        self.mode, self.max_length = _pooling(self.path)
        if not (self.path / "tokenizer.json").exists():
            raise ModelUnavailable(f"{path} has no tokenizer.json for the onnx runtime")
        from tokenizers import Tokenizer  # the Rust tokenizer itself: transformers would import torch

        self._pieces = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        self._pieces.enable_truncation(self.max_length)
        self._pieces.no_padding()
        self.file = self._exported()
        shape = json.loads(self.file.with_suffix(".json").read_text())
        self.dimension, self.input_names = int(shape["dimension"]), list(shape["inputs"])
        self.uses_types = "token_type_ids" in self.input_names
        self.threads = threads
        # made at the first question, in the process that asks it: ONNX Runtime's process-wide state
        # made before a fork leaves a forked worker unable to exit (it hung 30 s on SIGTERM)
        self._session = None
        self._pid = 0

    def tokenize(self, texts: list[str]) -> list[Tokens]:
        return [Tokens(e.ids, e.type_ids, np.asarray(e.offsets, dtype=np.int64).reshape(-1, 2))
                for e in self._pieces.encode_batch(texts)]

    @property
    def session(self):
        """The ONNX Runtime session of this process (made again after a fork: its threads do not
        survive one)."""
        if self._session is None or self._pid != os.getpid():
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.intra_op_num_threads = self.threads or len(os.sched_getaffinity(0))
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # no busy-waiting between calls: a server's other threads need the cores
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._session = ort.InferenceSession(str(self.file), options, providers=["CPUExecutionProvider"])
            self._pid = os.getpid()
        return self._session

    def forward(self, features: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        feed = {name: features.get(name, np.zeros_like(features["input_ids"])) for name in self.input_names}
        tokens = self.session.run(None, feed)[0].astype(np.float32, copy=False)
        mask = features["attention_mask"][:, :, None].astype(np.float32)
        if self.mode == "cls":
            pooled = tokens[:, 0].copy()
        else:
            pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)  # as torch's path does
        return pooled, tokens

    def _exported(self) -> Path:
        """The cached ONNX file of this model (and its shape beside it, .json), exported first if there
        is none: in a child process, so the torch it takes and ONNX Runtime's state stay out of this one."""
        folder = self.cache
        file = folder / f"{self.path.name}-{_fingerprint(self.path)}.onnx"
        if file.exists() and file.with_suffix(".json").exists():
            return file
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, suffix=".partial", delete=False) as handle:
                partial = Path(handle.name)
        except OSError as error:
            raise ModelUnavailable(f"cannot write the exported model to {folder}: {error.strerror}") from None
        try:
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
                shape = child.submit(export_checked, self.path, partial).result()
            partial.chmod(0o644)
            file.with_suffix(".json").write_text(json.dumps(shape))
            os.replace(partial, file)  # whole or absent: a second process may be exporting too
        except BaseException as error:  # Ctrl-C included: no partial file is left behind
            partial.unlink(missing_ok=True)
            if isinstance(error, ModelUnavailable) or not isinstance(error, Exception):
                raise
            raise ModelUnavailable(f"the model cannot run on onnx: {type(error).__name__}: "
                                   f"{str(error).splitlines()[0] if str(error) else ''}") from None
        return file


def export_checked(path: Path, target: Path) -> dict:
    """Export the model to target, check it gives torch's token embeddings on a probe text, and return
    its shape: the graph's input names and the width of its output."""
    export(path, target)
    import onnxruntime as ort
    import torch
    from transformers import AutoModel, AutoTokenizer

    encoded = AutoTokenizer.from_pretrained(str(path))([PROBE], return_tensors="np")
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    got = session.run(None, {n: encoded[n].astype(np.int64) for n in names})[0]
    model = AutoModel.from_pretrained(str(path)).eval()
    with torch.inference_mode():
        inputs = {n: torch.from_numpy(encoded[n].astype(np.int64)) for n in names}
        want = model(**inputs).last_hidden_state.numpy()
    if got.shape != want.shape or float(np.abs(got - want).max()) > 1e-3:
        raise ModelUnavailable("the exported model disagrees with torch on a probe text")
    return {"inputs": names, "dimension": int(got.shape[-1])}


def export(path: Path, target: Path) -> None:
    """Export the model's transformer (token embeddings out) to an ONNX file with dynamic batch and
    sequence length."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(path)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    encoded = tokenizer([PROBE, "MRI of the knee."], return_tensors="pt", padding=True)
    names = [n for n in INPUTS if n in encoded]

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs, strict=True))).last_hidden_state

    axes = {name: {0: "batch", 1: "sequence"} for name in [*names, "token_embeddings"]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on Python control flow it froze
        torch.onnx.export(TokenEmbeddings(model), tuple(encoded[n] for n in names), str(target),
                          input_names=names, output_names=["token_embeddings"], dynamic_axes=axes,
                          opset_version=17, dynamo=False)


class TorchNetwork:
    """The sentence-transformers model in torch, on a CPU or a GPU, at fp32, bf16 or fp16."""

    def __init__(self, path: str, device: str, precision: str):
        import torch
        from sentence_transformers import SentenceTransformer

        try:
            self.model = SentenceTransformer(path, device=device)
        except (OSError, ValueError, RuntimeError) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ModelUnavailable(f"embedding model {path} cannot be loaded: {first}") from None
        self.model.eval()
        self.model.to({"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[precision])
        self.device = device
        self.tokenizer = self.model.tokenizer
        self.max_length = int(self.model.max_seq_length)
        self.uses_types = "token_type_ids" in self.tokenizer.model_input_names
        dimension = (getattr(self.model, "get_embedding_dimension", None)
                     or self.model.get_sentence_embedding_dimension)
        self.dimension = int(dimension())

    def tokenize(self, texts: list[str]) -> list[Tokens]:
        return hf_tokens(self.tokenizer, texts, self.max_length)

    def forward(self, features: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        import torch

        tensors = {name: torch.from_numpy(array).to(self.device) for name, array in features.items()}
        with torch.inference_mode():
            output = self.model.forward(tensors)
            pooled = torch.nn.functional.normalize(output["sentence_embedding"].float(), dim=1)
            tokens = output["token_embeddings"].float()
        return pooled.cpu().numpy(), tokens.cpu().numpy()
