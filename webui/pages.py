"""The pages people use: thin views that render the answers module's data."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from . import answers, validation
from .errors import BadRequest

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    asked = validation.search_args()
    if not asked.query:
        return render_template("chat.html", answers=[], conversation_id=None, mode="hybrid")
    answer = answers.search_answer(asked.query, asked.mode, asked.k, asked.filters)
    answer["message_text"] = asked.query
    return render_template("chat.html", answers=[answer], conversation_id=None, mode=asked.mode)


@bp.post("/ask")
def ask():
    """A conversation turn from the form; JavaScript asks for just the new answer card."""
    chip = validation.form_text("set", validation.MAX_VALUE_CHARS)
    set_filter = None
    if chip and ":" in chip:
        key, value = chip.split(":", 1)
        set_filter = validation.filters({key: value})
    drop = validation.form_text("drop", validation.MAX_VALUE_CHARS)
    mode = validation.form_text("mode", validation.MAX_VALUE_CHARS)
    answer = answers.chat_answer(validation.form_text("conversation_id", validation.MAX_VALUE_CHARS),
                                 validation.form_text("message"), answers.read_mode(mode) if mode else None,
                                 set_filter, drop)
    if request.headers.get("X-Requested-With") == "fetch":
        html = render_template("_answer.html", answer=answer, conversation_id=answer[
            "conversation_id"], mode=mode or "hybrid")
        return html, 200, {"X-Conversation-Id": answer["conversation_id"]}
    return redirect(url_for("pages.conversation", conversation_id=answer["conversation_id"],
                            _anchor=f"turn-{answer['turn']}"), code=303)


@bp.get("/c/<conversation_id>")
def conversation(conversation_id):
    history = answers.conversation_answers(conversation_id)
    mode = history[-1]["mode"] if history else "hybrid"
    return render_template("chat.html", answers=history, conversation_id=conversation_id,
                           mode=mode)


@bp.get("/d/<path:doc_id>")
def determination(doc_id):
    query, page = validation.determination_args()
    data = answers.determination_answer(doc_id, query, page=page)
    return render_template("determination.html", d=data, query=query or "")


@bp.route("/similar", methods=["GET", "POST"])
def similar():
    if request.method != "POST":  # GET, and HEAD (which Flask answers with GET's headers)
        return render_template("similar.html", text="", answer=None)
    text = validation.form_text("text", validation.MAX_PASTED_CHARS) or ""
    if not text.strip():
        raise BadRequest("paste a case summary or a UR denial to compare")
    answer = answers.similar_answer(text=text)
    return render_template("similar.html", text=text, answer=answer)
