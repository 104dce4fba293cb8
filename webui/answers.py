"""Plain data for each page and its JSON twin, built in one place from the engine's answers."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app, url_for

from indexer.errors import IndexUnavailable, QueryError
from indexer.search.query import check_k, check_mode
from indexer.search.rates import BY, check_by
from indexer.search.similar import MAX_PASTED_CHARS

from . import charts, conversations, paging, validation
from .engine import get_engine
from .errors import BadRequest

RATE_TITLES = {"treatment": "Upheld and overturned by treatment", "reason": "By decisive reason",
               "specialty": "By reviewer specialty", "year": "By year of decision"}
DEFAULT_K = 10
PAGE = 10  # results per "show more"
MOST_SHOWN = validation.MOST_SHOWN
read_mode = check_mode
read_k = check_k


def read_filters(args) -> dict[str, str]:
    """Take filter parameters from a request's query string or a dict (validation.filters checks them)."""
    return validation.filters(args)


def read_offset(value, name: str = "offset") -> int:
    """How many results come before a "show more" page (0 to MOST_SHOWN); also a turn's number."""
    return validation.whole_number(value, name, MOST_SHOWN)


def summary_line(answer: dict) -> str:
    """One line over all matches: 14 determinations · 12 upheld · 2 overturned · most cite ..."""
    total = answer["total"]
    parts = [f"{total} determination{'s' if total != 1 else ''}"]
    decisions = answer["facets"].get("decision", {})
    for decision in ("Upheld", "Overturned"):
        if decisions.get(decision):
            parts.append(f"{decisions[decision]} {decision.lower()}")
    citations = answer["facets"].get("citation", {})
    if citations:
        label, count = next(iter(citations.items()))
        if count * 2 >= total and total > 1:
            parts.append(f"most cite {label}")
        elif count > 1:
            parts.append(f"{count} cite {label}")
    return " · ".join(parts)


def search_answer(query: str | None, mode: str, k: int, filters: dict, offset: int = 0) -> dict:
    response = get_engine().search(query, mode=mode, k=k, filters=filters, offset=offset)
    return {**_answer(response.to_dict(), filters), "offset": offset}


def _answer(answer: dict, explicit: dict) -> dict:
    answer["summary"] = summary_line(answer)
    answer["chips"] = [{"key": key, "value": value, "explicit": key in explicit,
                        "label": f"{'not ' if key.endswith('_not') else ''}{value}"}
                       for key, value in answer["understood"]["filters"].items()]
    return answer


def chat_answer(conversation_id: str | None, message: str | None, mode: str | None = None,
                set_filter: dict | None = None, drop: str | None = None, panels: bool = False) -> dict:
    """Run one conversation turn: a new question or a refinement of the previous one."""
    if conversation_id:
        if not conversations.exists(conversation_id):
            raise BadRequest(f"no conversation {conversation_id!r}", 404)
        history = conversations.turns(conversation_id)
    else:
        history = []
    previous = history[-1][1] if history else None
    turn, message, response = get_engine().chat(previous, message, mode, set_filter, drop)
    conversation_id, number = conversations.record(conversation_id, message, turn)
    answer = {**_answer(response.to_dict(), turn.filters), "conversation_id": conversation_id,
              "turn": number, "message_text": message}
    return {**answer, **(turn_panels(turn) if panels else {})}


def conversation_answers(conversation_id: str, shown: dict[int, int] | None = None) -> list[dict]:
    """Replay a stored conversation (searches are fast, and the index may have grown); `shown` gives
    how many results a turn shows when more than the first page were asked for."""
    if not conversations.exists(conversation_id):
        raise BadRequest(f"no conversation {conversation_id!r}", 404)
    engine, shown = get_engine(), shown or {}
    return [{**_answer(engine.replay(turn, k=shown.get(number, DEFAULT_K)).to_dict(), turn.filters),
             "conversation_id": conversation_id, "turn": number, "message_text": message,
             **turn_panels(turn)}
            for number, (message, turn) in enumerate(conversations.turns(conversation_id), start=1)]


def more_answer(args) -> dict:
    """The next page of a conversation turn's results (conversation_id and turn) or of a question
    (q, mode and filters), after `offset` results."""
    offset = read_offset(args.get("offset"))
    conversation_id = args.get("conversation_id")
    if conversation_id:
        if not conversations.exists(conversation_id):
            raise BadRequest(f"no conversation {conversation_id!r}", 404)
        history = conversations.turns(conversation_id)
        number = read_offset(args.get("turn"), "turn")
        if not 1 <= number <= len(history):
            raise BadRequest(f"conversation {conversation_id!r} has no turn {number}", 404)
        turn = history[number - 1][1]
        response = get_engine().replay(turn, k=PAGE, offset=offset)
        return {**_answer(response.to_dict(), turn.filters), "offset": offset,
                "conversation_id": conversation_id, "turn": number}
    filters = read_filters(args)
    return search_answer(args.get("q"), read_mode(args.get("mode")), PAGE, filters, offset)


def determination_answer(doc_id: str, query: str | None = None, similar_cases: bool = True,
                         page: int = 1) -> dict:
    """One page of the determination, its sections highlighted for the query, and its closest cases."""
    engine = get_engine()
    whole = engine.determination(doc_id)
    per_page = current_app.config["PRECEDENT"].page_size
    determination, where = paging.page_of(whole, page, per_page)
    data = determination.to_dict()
    data["paging"] = where.to_dict()
    data["sections_html"] = engine.marked_sections(determination, query)
    on_page = paging.section_pages(whole, per_page)
    for issue in data["issues"]:
        issue["page"] = on_page.get(issue["section_id"], page)
    data["issue_of"] = {issue["section_id"]: issue for issue in data["issues"] if issue["section_id"]}
    data["similar"], data["contrast"] = [], []
    if similar_cases:
        try:
            data["similar"] = engine.similar(doc_id=doc_id, k=5).to_dict()["results"]
        except QueryError:  # a letter with no indexed text has nothing to compare
            pass
        data["contrast"] = [c.to_dict() for c in engine.contrast_determination(doc_id)]
    return data


def contrast_answer(query: str | None, filters: dict, k: int = 3) -> dict:
    """The nearest Upheld and Overturned determinations for the question's treatment, and what differs."""
    return get_engine().contrast(query, filters=filters, k=k).to_dict()


def rates_answer(query: str | None, by: str | None, mode: str, filters: dict) -> dict:
    """Outcome rates over every match, grouped one way: {"by", "rows"}."""
    by = check_by(by)
    rows = get_engine().rates(query, by=(by,), mode=mode, filters=filters)[by]
    return {"by": by, "rows": [row.to_dict() for row in rows]}


def panels(query: str, mode: str, filters: dict, ignore=()) -> dict:
    """What an answer card shows beside its results: rate charts whose bars add a filter to the
    question, and the link to contrast it."""
    grouped = get_engine().rates(query, by=BY, mode=mode, filters=filters, ignore=ignore)

    def href(row: dict, side: str) -> str | None:
        added = row["filters"].get(side)
        return url_for("pages.index", q=query, mode=mode, **{**filters, **added}) if added else None

    charts_drawn = [{"by": by, "title": RATE_TITLES[by],
                     "svg": charts.rate_chart([r.to_dict() for r in rows], RATE_TITLES[by],
                                              f"rates-{by}-{secrets.token_hex(4)}", href)}
                    for by, rows in grouped.items() if rows]
    return {"rates": charts_drawn, "contrast_url": url_for("pages.contrast", q=query, **filters)}


def turn_panels(turn) -> dict:
    return panels(turn.query, turn.mode, dict(turn.filters), tuple(turn.ignore))


def similar_answer(doc_id: str | None = None, text: str | None = None, k: int = DEFAULT_K,
                   filters: dict | None = None) -> dict:
    if text is not None and len(text) > MAX_PASTED_CHARS:
        raise BadRequest(f"pasted text is over {MAX_PASTED_CHARS} characters")
    answer = get_engine().similar(doc_id=doc_id, text=text, k=k, filters=filters or {}).to_dict()
    answer["summary"] = summary_line(answer)
    return {"doc_id": doc_id, **answer}


def saved_answer() -> list[dict]:
    """Every saved search with the letters new to it."""
    return [search.to_dict() for search in get_engine().watchlist().all()]


def save_answer(query, filters: dict, mode: str | None) -> list[dict]:
    if not isinstance(query, str) or not query.strip():
        raise BadRequest('give the question to save as {"query": ..., "filters": {...}}')
    get_engine().watchlist().add(query, filters, read_mode(mode) if mode else "hybrid")
    return saved_answer()


def remove_saved_answer(search_id: int) -> list[dict]:
    get_engine().watchlist().remove(search_id)
    return saved_answer()


def look_at_saved_answer(search_id: int) -> dict:
    """A saved search's answer with its new letters marked; opening it counts them as seen."""
    search, response = get_engine().watchlist().look(search_id)
    answer = _answer(response.to_dict(), search.filters)
    new = set(search.new)
    for result in answer["results"]:
        result["new"] = result["doc_id"] in new or bool(new & set(result["near_duplicates"]))
    return {**answer, "saved": search.to_dict(), "message_text": search.query}


def saved_letters(search_id: int, most: int | None = None):
    return get_engine().watchlist().letters(search_id, most)


def health() -> tuple[dict, int]:
    """200 when the live generation is served; 503 when it is damaged, whether an older good one still
    answers ("degraded", with its counts) or nothing does ("unavailable"). No absolute path is shown."""
    index = Path(current_app.config["PRECEDENT"].index)
    try:
        served = get_engine().health()
    except IndexUnavailable as error:
        return {"status": "unavailable", "error": _no_path(str(error), index), "determinations": None,
                "chunks": None, "index": index.name}, 503
    problem = served.pop("problem")
    if problem:
        return {"status": "degraded", "error": _no_path(problem, index), **served, "index": index.name}, 503
    return {"status": "ok", **served, "index": index.name}, 200


def _no_path(message: str, index: Path) -> str:
    return message.replace(str(index.resolve()), index.name).replace(str(index), index.name)
