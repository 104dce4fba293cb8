"""Bounded work at once: at most `heavy_requests` requests search or draw pages together.

Waitress answers each request on one of a fixed number of threads. Were every thread busy with a long
search or a huge page, even /healthz would queue behind them (a monitor would then restart a server
that is only busy). So a heavy request takes a slot from a semaphore smaller than the thread count,
without waiting: when none is free it is answered at once with a 503 and Retry-After, and its thread
is free again. /healthz, the API description and static files take no slot.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app, g, request

from indexer.errors import Busy

LIGHT = {"api.healthz", "api.openapi", "static"}


def init_app(app: Flask) -> None:
    slots = app.config.get("HEAVY_REQUESTS") or app.config["PRECEDENT"].heavy_requests
    app.extensions["precedent.capacity"] = threading.BoundedSemaphore(max(1, int(slots)))
    app.before_request(take_slot)
    app.teardown_request(give_slot)


def take_slot() -> None:
    if request.endpoint in LIGHT or request.endpoint is None:  # None: no route, a 404 or 405 follows
        return
    if not current_app.extensions["precedent.capacity"].acquire(blocking=False):
        raise Busy("the server is busy with other searches; try again in a moment")
    g.holds_slot = True


def give_slot(_error=None) -> None:
    if g.pop("holds_slot", False):
        current_app.extensions["precedent.capacity"].release()
