"""The pages people use: thin views that render the answers module's data."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from . import answers, feeds, validation
from .errors import BadRequest

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    asked = validation.search_args()
    if not asked.query:
        return render_template("chat.html", answers=[], conversation_id=None, mode="hybrid")
    answer = answers.search_answer(asked.query, asked.mode, asked.k, asked.filters)
    answer.update(answers.panels(asked.query, asked.mode, asked.filters), message_text=asked.query)
    more_args = {key: value for key, value in request.args.items() if key not in ("k", "offset")}
    return render_template("chat.html", answers=[answer], conversation_id=None, mode=asked.mode,
                           more_args=more_args)


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
    fetched = request.headers.get("X-Requested-With") == "fetch"
    answer = answers.chat_answer(validation.form_text("conversation_id", validation.MAX_VALUE_CHARS),
                                 validation.form_text("message"), answers.read_mode(mode) if mode else None,
                                 set_filter, drop, panels=fetched)
    if fetched:
        html = render_template("_answer.html", answer=answer, conversation_id=answer[
            "conversation_id"], mode=mode or "hybrid")
        return html, 200, {"X-Conversation-Id": answer["conversation_id"]}
    return redirect(url_for("pages.conversation", conversation_id=answer["conversation_id"],
                            _anchor=f"turn-{answer['turn']}"), code=303)


@bp.get("/c/<conversation_id>")
def conversation(conversation_id):
    shown = None
    if request.args.get("turn"):  # "show more" without JavaScript: this turn shows more results
        shown = {answers.read_offset(request.args["turn"], "turn"):
                 max(1, answers.read_offset(request.args.get("shown"), "shown"))}
    history = answers.conversation_answers(conversation_id, shown)
    mode = history[-1]["mode"] if history else "hybrid"
    return render_template("chat.html", answers=history, conversation_id=conversation_id,
                           mode=mode)


@bp.get("/more")
def more():
    """The next results of a question or a conversation turn, as list items for the chat to append."""
    answer = answers.more_answer(request.args)
    more_args = {key: value for key, value in request.args.items() if key not in ("k", "offset")}
    return render_template("_more_page.html", answer=answer, more_args=more_args,
                           conversation_id=answer.get("conversation_id"))


@bp.get("/d/<path:doc_id>")
def determination(doc_id):
    query, page = validation.determination_args()
    data = answers.determination_answer(doc_id, query, page=page)
    return render_template("determination.html", d=data, query=query or "")


@bp.get("/saved")
def saved():
    return render_template("saved.html", searches=answers.saved_answer())


@bp.get("/saved/<int:search_id>")
def saved_search(search_id):
    answer = answers.look_at_saved_answer(search_id)
    return render_template("saved_search.html", answer=answer, conversation_id=None, mode=answer["mode"])


@bp.get("/saved/<int:search_id>.atom")
def saved_feed(search_id):
    search, letters = answers.saved_letters(search_id, feeds.MOST_ENTRIES)
    return Response(feeds.atom(search, letters, request.url_root), mimetype="application/atom+xml")


@bp.get("/contrast")
def contrast():
    asked = validation.search_args()
    if not asked.query:
        return render_template("contrast.html", query="", contrast=None)
    data = answers.contrast_answer(asked.query, asked.filters)
    return render_template("contrast.html", query=asked.query, contrast=data)


@bp.route("/similar", methods=["GET", "POST"])
def similar():
    if request.method != "POST":  # GET, and HEAD (which Flask answers with GET's headers)
        return render_template("similar.html", text="", answer=None)
    text = validation.form_text("text", validation.MAX_PASTED_CHARS) or ""
    if not text.strip():
        raise BadRequest("paste a case summary or a UR denial to compare")
    answer = answers.similar_answer(text=text)
    return render_template("similar.html", text=text, answer=answer)
