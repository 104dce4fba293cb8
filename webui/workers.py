"""Serve the web app from several gunicorn worker processes over one read-only index.

What the workers share: the embedding model, loaded once in the arbiter before the workers fork
(its weights are never written again, so their pages stay shared copy-on-write), and the index files,
which every worker maps read-only (FAISS vectors, the sentence matrix, Whoosh segments) so the page
cache holds one copy. What each worker holds alone: its SQLite handle (opened after the fork: a
connection must not cross one), the determinations and chunk tables it loads from it, and its caches.
Every worker's Engine checks CURRENT before each query, so a published rebuild reaches all of them
without a restart.
"""

from __future__ import annotations

import gc
import signal
import socket
import sys

from gunicorn.app.base import BaseApplication

from indexer.encoder import Encoder
from indexer.engine import Engine
from indexer.errors import IndexUnavailable
from indexer.settings import Settings
from indexer.store import open_generation

from .app import create_app

THREADS_PER_WORKER = 2  # queries are serialised per worker; a second thread answers pages meanwhile
WORKER_HEADER = "X-Precedent-Worker"  # which worker (1, 2, ...) answered: says nothing but the count
TIMEOUT_S = 120  # a worker silent this long is restarted


class PortInUse(OSError):
    """The address cannot be listened on."""


def listen(host: str, port: int) -> socket.socket:
    """Open the listening socket the workers will share; PortInUse (one line) when it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        raise PortInUse(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.set_inheritable(True)
    return sock


class WorkerServer(BaseApplication):
    """gunicorn over the app factory: the model loaded here, the app and the index in each worker."""

    def __init__(self, settings: Settings, sock: socket.socket, workers: int, threads: int,
                 host: str = "127.0.0.1"):
        open_generation(settings)  # refuse a missing or damaged index now, in one line
        # one thread per worker's question: N workers, N cores
        self.encoder = Encoder(settings.model, settings.query_cache, threads=1, **settings.encoder_options())
        if self.encoder.runtime == "torch":
            import torch

            torch.set_num_threads(1)
        if self.encoder.runtime == "torch":
            self.encoder.query("warm up")  # load everything lazily loaded before the fork
        # (an ONNX Runtime session is made in each worker, after the fork: see load)
        gc.freeze()  # keep the collector from writing to, and so copying, the objects the workers inherit
        self.settings, self.host = settings, host
        # No keep-alive: each request comes on its own connection, taken by whichever worker accepts
        # first, so the load is spread request by request. With keep-alive, 16 clients connecting at
        # once stayed where the kernel first put them (14 on one worker, 2 on the other, say) and two
        # workers served no more than one: 45 requests/s at 10k letters, 85 without (bench, 2 cores).
        # (Capping worker_connections at the threads would pull work to idle workers, but gthread then
        # stops reading the connections it has accepted and hangs.)
        self.options = {"bind": [f"fd://{sock.fileno()}"], "workers": workers, "threads": threads,
                        "keepalive": 0,
                        "worker_class": "gthread", "timeout": TIMEOUT_S, "loglevel": "warning",
                        "accesslog": None, "proc_name": "precedent", "post_fork": _number_worker,
                        "post_worker_init": _leave_ctrl_c_to_the_arbiter}
        self.sock = sock  # gunicorn listens on a duplicate of its descriptor: keep this one open
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """Build the app inside a worker and open its index before the first request."""
        engine = Engine(self.settings, encoder=self.encoder)
        app = create_app({"PRECEDENT": self.settings, "PRECEDENT_ENGINE": engine,
                          "PRECEDENT_HOST": self.host})
        try:
            engine.warm()  # the index, and the model's session in this worker, before the first request
        except IndexUnavailable:
            pass  # answered as a 503 by every route until a good generation is published

        @app.after_request
        def name_worker(response):
            response.headers[WORKER_HEADER] = str(_worker_number)
            return response

        return app


_worker_number = 0


def _number_worker(_arbiter, worker) -> None:
    global _worker_number
    _worker_number = worker.age  # 1..N at start, then counting up as workers are replaced


def _leave_ctrl_c_to_the_arbiter(_worker) -> None:
    """Ignore Ctrl-C in a worker: the arbiter, which gets it too, tells each worker to quit, and a
    second signal during a worker's exit would print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def serve(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    """Listen on host:port and serve from `workers` processes until interrupted."""
    sock = listen(host, port)
    server = WorkerServer(settings, sock, workers, threads, host)
    print(f"Precedent serving on http://{host}:{sock.getsockname()[1]}/ with {workers} worker processes",
          file=sys.stderr, flush=True)
    server.run()
