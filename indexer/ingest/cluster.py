"""Build an index on a Ray cluster: letters read, parsed, chunked and embedded by Ray Data.

The driver does what a local build does about which files changed (every file is hashed here and the
unchanged ones are skipped), then hands the changed ones to the cluster: tasks read, parse and chunk
the letters, and a pool of embedding actors (one model each, on a GPU where the cluster has GPUs)
embeds the chunks whose text has no cached vector. Determinations and vectors come back to the driver,
which writes the very same generation as a local build (store, Whoosh, FAISS, manifest, checksums,
atomic publish) through build.py.
"""

from __future__ import annotations

import functools
import json
import logging
import socket
import tempfile
from pathlib import Path

import numpy as np
import ray
import ray.data
import ray.exceptions

from ..determination import Determination
from ..encoder import Encoder
from ..settings import Settings
from .build import BuildReport, Failure, Letters, Vectors, build, embedding_input, parse_letter
from .chunk import chunk_determination

LOCAL = "local"  # --ray without an address: start a cluster on this machine for the build
CONNECT_S = 10  # Ray itself retries an unreachable address for minutes


class ClusterError(Exception):
    """The Ray cluster cannot be started or reached, or failed the work it was given."""


def build_on_ray(paths: list[Path], settings: Settings, prune: bool = False,
                 address: str = LOCAL) -> BuildReport:
    """Index the letters under paths into settings.index, reading and embedding them on Ray (joined
    only when some file changed)."""
    try:
        return build(paths, settings, prune, reader=functools.partial(read_on_ray, settings, address))
    finally:
        if ray.is_initialized():
            ray.shutdown()


def connect(address: str) -> None:
    """Start a local Ray cluster, or join the one at address."""
    logging.getLogger("ray").setLevel(logging.ERROR)  # its start-up notices are not the build's
    if address != LOCAL:
        _check_reachable(address)
    try:
        ray.init(address=None if address == LOCAL else address, include_dashboard=False,
                 logging_level=logging.ERROR, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        where = "a local Ray cluster" if address == LOCAL else f"the Ray cluster at {address}"
        raise ClusterError(f"cannot start or reach {where}: {error}") from None
    context = ray.data.DataContext.get_current()  # no progress bars: the build prints its own summary
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)


def _check_reachable(address: str) -> None:
    """Refuse at once a HOST:PORT (or ray://HOST:PORT) that nothing answers on."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", or a form Ray reads itself
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_S).close()
    except OSError as error:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: "
                                 f"{error.strerror or error}") from None


def read_on_ray(settings: Settings, address: str, files: list[Path], cached) -> Letters:
    """Parse and chunk the files on the cluster, then embed the chunks no cached vector covers.

    The files travel as bytes, so the nodes need no shared file system."""
    connect(address)
    letters = [{"order": n, "path": str(f), "data": f.read_bytes()} for n, f in enumerate(files)]
    try:
        rows = ray.data.from_items(letters).map(functools.partial(_parse_row, settings)).take_all()
        parsed, todo = _collect(rows, cached)
        return Letters(parsed, _embed_on_ray(settings, todo))
    except ray.exceptions.RayError as error:  # a task or actor failed, or a node was lost
        cause = getattr(error, "cause", None) or error
        first_line = (str(cause).strip().splitlines() or [""])[0][:200]
        raise ClusterError(f"the build failed on the Ray cluster: {type(cause).__name__}: "
                                 f"{first_line}") from None


def _collect(rows: list[dict], cached) -> tuple[list[Determination | Failure], list[dict]]:
    """The parsed letters in the order asked, and the chunks still to embed (each text once)."""
    rows.sort(key=lambda row: row["order"])  # Ray gives rows back in any order
    parsed: list[Determination | Failure] = []
    todo: dict[str, dict] = {}
    for row in rows:
        if row["error"] is not None:
            parsed.append(Failure(row["path"], row["error"]))
            continue
        parsed.append(Determination.from_dict(json.loads(row["determination"])))
        for digest, text, spans in json.loads(row["chunks"]):
            if digest not in todo and not cached(digest):
                todo[digest] = {"hash": digest, "text": text, "spans": json.dumps(spans)}
    return parsed, list(todo.values())


def _parse_row(settings: Settings, row: dict) -> dict:
    """One letter: its determination (JSON) and its chunks' embedding inputs, or why it failed."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / Path(row["path"]).name  # the name is the letter's source and its type
        copy.write_bytes(row["data"])
        found = parse_letter(copy, settings.max_file_bytes)
    answer = {"order": row["order"], "path": row["path"]}
    if isinstance(found, Failure):
        return {**answer, "error": found.error, "determination": None, "chunks": None}
    chunks = chunk_determination(found, settings.chunk_words, settings.chunk_overlap)
    return {**answer, "error": None, "determination": json.dumps(found.to_dict()),
            "chunks": json.dumps([embedding_input(found, chunk) for chunk in chunks])}


class _Embedder:
    """A Ray Data actor: load the model once, then embed batches of chunks."""

    def __init__(self, model: str, device: str):
        self.encoder = Encoder(model, device=device)

    def __call__(self, batch: dict) -> dict:
        spans = [[tuple(span) for span in json.loads(s)] for s in batch["spans"]]
        rows, vectors, sentences = next(self.encoder.chunks(list(batch["text"]), spans, len(spans)))
        order = np.argsort(rows)  # batches come longest first: back to the batch's order
        vectors, sentences = vectors[order], [sentences[i] for i in order]
        return {"hash": batch["hash"], "vector": [v.astype(np.float32).tobytes() for v in vectors],
                "sentences": [s.astype(np.float16).tobytes() for s in sentences],
                "count": [len(s) for s in sentences]}


def _embed_on_ray(settings: Settings, todo: list[dict]) -> Vectors:
    if not todo:
        return {}
    gpus = int(ray.cluster_resources().get("GPU", 0))
    actors = gpus or max(1, min(4, int(ray.cluster_resources().get("CPU", 1)) // 2))
    embedded = ray.data.from_items(todo).map_batches(
        _Embedder, fn_constructor_kwargs={"model": settings.model, "device": "cuda" if gpus else "cpu"},
        batch_size=settings.batch_size, batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=actors),
        num_gpus=1 if gpus else 0).take_all()
    vectors: Vectors = {}
    for row in embedded:
        vector = np.frombuffer(row["vector"], dtype=np.float32)
        vectors[row["hash"]] = (vector, np.frombuffer(row["sentences"], dtype=np.float16)
                                .reshape(row["count"], len(vector)))
    return vectors

