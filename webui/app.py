"""The Flask app factory: settings, the search engine accessor, blueprints, headers, errors."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask

from indexer import settings as config

from . import access, api, capacity, conversations, engine, errors, pages

MAX_BODY_BYTES = 64 * 1024

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults, then instance/config.py, then the caller's overrides."""
    instance = os.environ.get("PRECEDENT_INSTANCE")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance) if instance else None)  # Flask wants it absolute
    app.config.from_mapping(
        PRECEDENT=config.load(),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        CONVERSATIONS=str(Path(app.instance_path) / "conversations.sqlite"),
        JSON_SORT_KEYS=False,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.update(test_config)
    Path(app.config["CONVERSATIONS"]).parent.mkdir(parents=True, exist_ok=True)

    access.init_app(app)
    engine.init_app(app)
    conversations.init_app(app)
    errors.init_app(app)
    capacity.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)

    @app.template_filter("with_query")
    def with_query(url: str, query: str | None) -> str:
        """Add ?q= to a link (before its #anchor) so the page can highlight the query."""
        if not query:
            return url
        path, _, anchor = url.partition("#")
        return f"{path}?{urlencode({'q': query})}" + (f"#{anchor}" if anchor else "")

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
