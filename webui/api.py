"""The JSON API: thin views over the answers module; the validation module reads every input."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, request

from . import answers, casenote, validation
from .errors import BadRequest

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    asked = validation.search_args()
    return answers.search_answer(asked.query, asked.mode, asked.k, asked.filters, asked.offset)


@bp.get("/api/contrast")
def contrast():
    asked = validation.search_args()
    return answers.contrast_answer(asked.query, asked.filters)


@bp.get("/api/rates")
def rates():
    asked = validation.search_args()
    by = validation.text(request.args.get("by"), "by", validation.MAX_VALUE_CHARS)
    return answers.rates_answer(asked.query, by, asked.mode, asked.filters)


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


@bp.post("/api/notes.docx")
def notes_docx():
    """The notes tray as a Word document (the tray lives in the browser and posts its notes)."""
    request.max_content_length = casenote.MAX_BODY_BYTES
    try:
        notes = casenote.read_notes(validation.json_body({"notes"}), request.host_url)
    except casenote.NoteError as error:
        raise BadRequest(str(error)) from None
    return Response(casenote.document(notes), mimetype=casenote.DOCX_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="case-note.docx"'})


@bp.get("/api/saved")
def saved():
    return answers.saved_answer()


@bp.post("/api/saved")
def save():
    body = validation.json_body({"query", "filters", "mode"})
    filters = body.get("filters")
    if filters is not None and not isinstance(filters, dict):
        raise BadRequest('filters must be an object of names and values, e.g. {"decision": "Upheld"}')
    return answers.save_answer(validation.text(body.get("query"), "query", validation.MAX_QUERY_CHARS),
                               validation.filters(filters, skip=()),
                               validation.text(body.get("mode"), "mode", validation.MAX_VALUE_CHARS)), 201


@bp.delete("/api/saved/<int:search_id>")
def remove_saved(search_id):
    return answers.remove_saved_answer(search_id)


@bp.get("/healthz")
def healthz():
    return answers.health()
