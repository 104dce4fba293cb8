"""The JSON API: thin views over the answers module; the validation module reads every input."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, request

from . import answers, validation

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    asked = validation.search_args()
    return answers.search_answer(asked.query, asked.mode, asked.k, asked.filters)


@bp.get("/api/determinations/<path:doc_id>")
def determination(doc_id):
    query, page = validation.determination_args()
    data = answers.determination_answer(doc_id, query, similar_cases=request.args.get("similar") == "1",
                                        page=page)
    data.pop("issue_of")  # the page's lookup; the issues are in the answer already
    return data


@bp.get("/api/similar/<path:doc_id>")
def similar(doc_id):
    k, filters = validation.similar_args()
    return answers.similar_answer(doc_id=doc_id, k=k, filters=filters)


@bp.post("/api/similar")
def similar_to_text():
    asked = validation.similar_body()
    return answers.similar_answer(text=asked.text, k=asked.k, filters=asked.filters)


@bp.post("/api/chat")
def chat():
    asked = validation.chat_body()
    return answers.chat_answer(asked.conversation_id, asked.message, asked.mode)


@bp.get("/api/openapi.json")
def openapi():
    """The API described for clients and for the schemathesis test."""
    spec = Path(current_app.root_path, "openapi.json").read_bytes()
    return current_app.response_class(spec, mimetype="application/json")


@bp.get("/healthz")
def healthz():
    return answers.health()
