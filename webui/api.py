"""The JSON API: thin views over the answers module."""

from __future__ import annotations

from flask import Blueprint, request

from . import answers
from .errors import BadRequest

bp = Blueprint("api", __name__)


def _json_body() -> dict:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # JSON nested deeper than Python recurses, yet under the size limit
        raise BadRequest("request body is nested too deeply") from None
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    return body


def _filters(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str | int) for v in value.values()):
        raise BadRequest('filters must be an object of names and values, e.g. {"decision": "Upheld"}')
    return answers.read_filters(value)


@bp.get("/api/search")
def search():
    args = request.args
    return answers.search_answer(args.get("q"), answers.read_mode(args.get("mode")),
                                 answers.read_k(args.get("k")), answers.read_filters(args))


@bp.get("/api/contrast")
def contrast():
    return answers.contrast_answer(request.args.get("q"), answers.read_filters(request.args))


@bp.get("/api/rates")
def rates():
    args = request.args
    return answers.rates_answer(args.get("q"), args.get("by"), answers.read_mode(args.get("mode")),
                                answers.read_filters(args))


@bp.get("/api/determinations/<path:doc_id>")
def determination(doc_id):
    return answers.determination_answer(doc_id, request.args.get("q"),
                                        similar_cases=request.args.get("similar") == "1")


@bp.get("/api/similar/<path:doc_id>")
def similar(doc_id):
    args = request.args
    return answers.similar_answer(doc_id=doc_id, k=answers.read_k(args.get("k")),
                                  filters=answers.read_filters(args))


@bp.post("/api/similar")
def similar_to_text():
    body = _json_body()
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("give the text to compare as {\"text\": ...}")
    return answers.similar_answer(text=text, k=answers.read_k(body.get("k")),
                                  filters=_filters(body.get("filters")))


@bp.post("/api/chat")
def chat():
    body = _json_body()
    conversation_id, message = body.get("conversation_id"), body.get("message")
    if conversation_id is not None and not isinstance(conversation_id, str):
        raise BadRequest("conversation_id must be a string or null")
    if not isinstance(message, str):
        raise BadRequest("message must be a string")
    mode = answers.read_mode(body["mode"]) if body.get("mode") else None
    return answers.chat_answer(conversation_id, message, mode)


@bp.get("/healthz")
def healthz():
    return answers.health()
