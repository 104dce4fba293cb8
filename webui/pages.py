"""The pages people use: thin views that render the answers module's data."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from . import answers, feeds
from .errors import BadRequest

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    query = request.args.get("q")
    if not query:
        return render_template("chat.html", answers=[], conversation_id=None, mode="hybrid")
    mode = answers.read_mode(request.args.get("mode"))
    answer = answers.search_answer(query, mode, answers.read_k(request.args.get("k")),
                                   answers.read_filters(request.args))
    answer["message_text"] = query
    more_args = {key: value for key, value in request.args.items() if key not in ("k", "offset")}
    return render_template("chat.html", answers=[answer], conversation_id=None, mode=mode,
                           more_args=more_args)


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
    answer = answers.chat_answer(form.get("conversation_id") or None, form.get("message"), mode,
                                 set_filter, drop)
    if request.headers.get("X-Requested-With") == "fetch":
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
    data = answers.determination_answer(doc_id, request.args.get("q"))
    return render_template("determination.html", d=data, query=request.args.get("q") or "")


@bp.get("/saved")
def saved():
    return render_template("saved.html", searches=answers.saved_answer())


@bp.get("/saved/<int:search_id>")
def saved_search(search_id):
    answer = answers.look_at_saved_answer(search_id)
    return render_template("saved_search.html", answer=answer, conversation_id=None, mode=answer["mode"])


@bp.get("/saved/<int:search_id>.atom")
def saved_feed(search_id):
    search, letters = answers.saved_letters(search_id)
    return Response(feeds.atom(search, letters, request.url_root), mimetype="application/atom+xml")


@bp.route("/similar", methods=["GET", "POST"])
def similar():
    if request.method == "GET":
        return render_template("similar.html", text="", answer=None)
    text = request.form.get("text", "")
    if not text.strip():
        raise BadRequest("paste a case summary or a UR denial to compare")
    answer = answers.similar_answer(text=text)
    return render_template("similar.html", text=text, answer=answer)
