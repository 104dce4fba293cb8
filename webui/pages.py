"""The pages people use: thin views that render the answers module's data."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from . import answers
from .errors import BadRequest

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    query = request.args.get("q")
    if not query:
        return render_template("chat.html", answers=[], conversation_id=None, mode="hybrid")
    mode = answers.read_mode(request.args.get("mode"))
    filters = answers.read_filters(request.args)
    answer = answers.search_answer(query, mode, answers.read_k(request.args.get("k")), filters)
    answer.update(answers.panels(query, mode, filters), message_text=query)
    return render_template("chat.html", answers=[answer], conversation_id=None, mode=mode)


@bp.post("/ask")
def ask():
    """A conversation turn from the form; JavaScript asks for just the new answer card."""
    form = request.form
    set_filter = None
    if form.get("set") and ":" in form["set"]:
        key, value = form["set"].split(":", 1)
        set_filter = answers.read_filters({key: value})
    drop = form.get("drop") or None
    mode = answers.read_mode(form.get("mode")) if form.get("mode") else None
    fetched = request.headers.get("X-Requested-With") == "fetch"
    answer = answers.chat_answer(form.get("conversation_id") or None, form.get("message"), mode,
                                 set_filter, drop, panels=fetched)
    if fetched:
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
    data = answers.determination_answer(doc_id, request.args.get("q"))
    return render_template("determination.html", d=data, query=request.args.get("q") or "")


@bp.get("/contrast")
def contrast():
    query = request.args.get("q")
    if not query:
        return render_template("contrast.html", query="", contrast=None)
    data = answers.contrast_answer(query, answers.read_filters(request.args))
    return render_template("contrast.html", query=query, contrast=data)


@bp.route("/similar", methods=["GET", "POST"])
def similar():
    if request.method == "GET":
        return render_template("similar.html", text="", answer=None)
    text = request.form.get("text", "")
    if not text.strip():
        raise BadRequest("paste a case summary or a UR denial to compare")
    answer = answers.similar_answer(text=text)
    return render_template("similar.html", text=text, answer=answer)
