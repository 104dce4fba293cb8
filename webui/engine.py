"""One Engine per app, opened on first use: the views' only way into the search core."""

from __future__ import annotations

from flask import Flask, current_app

from indexer.engine import Engine


def init_app(app: Flask) -> None:
    """Use the engine the caller gave (PRECEDENT_ENGINE, e.g. a test's), or make one."""
    engine = app.config.get("PRECEDENT_ENGINE") or Engine(app.config["PRECEDENT"])
    app.extensions["precedent.engine"] = engine


def get_engine() -> Engine:
    return current_app.extensions["precedent.engine"]
