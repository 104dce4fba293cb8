"""One error shape: {"error": msg} with a 4xx status for the API, a page for people."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import Busy, IndexUnavailable, NotFound, QueryError


class BadRequest(Exception):
    status = 400

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _respond(message: str, status: int):
    if request.path.startswith("/api/") or request.path == "/healthz":
        return {"error": message}, status
    return render_template("error.html", message=message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(BadRequest)
    def bad_request(error):
        return _respond(str(error), error.status)

    @app.errorhandler(QueryError)
    def bad_query(error):
        return _respond(str(error), 400)

    @app.errorhandler(NotFound)
    def not_found(error):
        return _respond(str(error), 404)

    @app.errorhandler(IndexUnavailable)
    def no_index(error):
        return _respond(str(error), 503)

    @app.errorhandler(Busy)
    def busy(error):
        response = app.make_response(_respond(str(error), 503))
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error):
        limit = (request.max_content_length or 0) // 1024
        messages = {413: f"request body too large ({limit} KiB at most)",
                    405: f"{request.method} is not allowed here",
                    404: "no such page"}
        return _respond(messages.get(error.code, error.description or error.name), error.code)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unexpected error")
        return _respond("something went wrong on our side; the request was not completed", 500)
