"""Plain data for each page and its JSON twin, built in one place."""

from __future__ import annotations

from flask import current_app

from indexer.search.followup import Turn, refine
from indexer.search.highlight import merge_spans, render, term_spans
from indexer.search.keyword import stems
from indexer.search.query import EXTRA_KEYS, FILTER_KEYS, QueryError
from indexer.search.searcher import MAX_PASTED_CHARS, MODES

from . import conversations
from .engine import get_engine
from .errors import BadRequest

RESERVED = {"q", "mode", "k", "conversation_id", "message"}
DEFAULT_K = 10


def read_filters(args) -> dict[str, str]:
    """Take filter parameters from a request; an unknown key is a 400."""
    filters = {}
    for key in args:
        if key in RESERVED or not args.get(key):
            continue
        if key not in FILTER_KEYS and key not in EXTRA_KEYS:
            raise BadRequest(f"unknown filter {key!r}: use one of {', '.join(FILTER_KEYS)}")
        filters[key] = args.get(key)
    return filters


def read_mode(value: str | None) -> str:
    mode = (value or "hybrid").strip().lower()
    mode = {"meaning": "semantic"}.get(mode, mode)
    if mode not in MODES:
        raise BadRequest(f"unknown mode {value!r}: use hybrid, keyword or semantic")
    return mode


def read_k(value) -> int:
    try:
        k = int(value) if value not in (None, "") else DEFAULT_K
    except (TypeError, ValueError):
        raise BadRequest(f"k must be a number, not {value!r}") from None
    if not 1 <= k <= 100:
        raise BadRequest("k must be between 1 and 100")
    return k


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


def search_answer(query: str | None, mode: str, k: int, filters: dict, ignore=()) -> dict:
    if query is None or not query.strip():
        raise BadRequest("empty query: type what you are looking for")
    response = get_engine().run("search", query, mode=mode, k=k, filters=filters, ignore=ignore)
    answer = response.to_dict()
    answer["summary"] = summary_line(answer)
    answer["chips"] = _chips(answer["understood"]["filters"], filters)
    return answer


def _chips(understood: dict, explicit: dict) -> list[dict]:
    return [{"key": key, "value": value, "explicit": key in explicit,
             "label": "partial authorization" if key == "partial" else
             f"{'not ' if key.endswith('_not') else ''}{value}"}
            for key, value in understood.items()]


def chat_answer(conversation_id: str | None, message: str | None, mode: str | None = None,
                set_filter: dict | None = None, drop: str | None = None) -> dict:
    """Run one conversation turn: a new question or a refinement of the previous one."""
    if message is None or not str(message).strip():
        if not (set_filter or drop):
            raise BadRequest("empty message: type a question")
    if conversation_id:
        if not conversations.exists(conversation_id):
            raise BadRequest(f"no conversation {conversation_id!r}", 404)
        history = conversations.turns(conversation_id)
    else:
        conversation_id, history = conversations.create(), []
    previous = history[-1][1] if history else None
    if set_filter or drop:
        if previous is None:
            raise BadRequest("ask a question before refining it")
        turn = Turn(previous.query, dict(previous.filters), list(previous.ignore),
                    mode or previous.mode)
        turn.filters.update(set_filter or {})
        if drop:
            turn.filters.pop(drop, None)
            turn.ignore.append(drop)
        message = message or _describe(set_filter, drop)
    else:
        turn = refine(previous, str(message)[:2000], mode)
    answer = search_answer(turn.query, turn.mode, DEFAULT_K, turn.filters, turn.ignore)
    number = conversations.add_turn(conversation_id, str(message), turn)
    return {**answer, "conversation_id": conversation_id, "turn": number,
            "message_text": str(message)}


def _describe(set_filter: dict | None, drop: str | None) -> str:
    if drop:
        return f"without the {drop.replace('_', ' ')} filter"
    return "only " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in set_filter.items())


def conversation_answers(conversation_id: str) -> list[dict]:
    """Replay a stored conversation (searches are fast, and the index may have grown)."""
    if not conversations.exists(conversation_id):
        raise BadRequest(f"no conversation {conversation_id!r}", 404)
    answers = []
    for number, (message, turn) in enumerate(conversations.turns(conversation_id), start=1):
        answer = search_answer(turn.query, turn.mode, DEFAULT_K, turn.filters, turn.ignore)
        answers.append({**answer, "conversation_id": conversation_id, "turn": number,
                        "message_text": message})
    return answers


def determination_answer(doc_id: str, query: str | None = None, similar_cases: bool = True) -> dict:
    """The determination, its sections highlighted for the query, and its closest cases."""
    engine = get_engine()
    determination = engine.run("determination", doc_id)
    data = determination.to_dict()
    terms = stems(query) if query else set()
    data["sections_html"] = {
        s.id: render(s.text, merge_spans(s.text, term_spans(s.text, terms))) for s in
        determination.sections}
    data["similar"] = []
    if similar_cases:
        try:
            data["similar"] = engine.run("similar", doc_id=doc_id, k=5).to_dict()["results"]
        except QueryError:  # a letter with no indexed text has nothing to compare
            pass
    return data


def similar_answer(doc_id: str | None = None, text: str | None = None, k: int = DEFAULT_K,
                   filters: dict | None = None) -> dict:
    if text is not None and len(text) > MAX_PASTED_CHARS:
        raise BadRequest(f"pasted text is over {MAX_PASTED_CHARS} characters")
    response = get_engine().run("similar", doc_id=doc_id, text=text, k=k, filters=filters or {})
    answer = response.to_dict()
    answer["summary"] = summary_line(answer)
    return {"doc_id": doc_id, **answer}


def health() -> dict:
    counts = get_engine().run("counts")
    return {"status": "ok", **counts, "index": str(current_app.config["PRECEDENT"]["index"])}
