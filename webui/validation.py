"""Read every request's input once, at the edge: JSON bodies and query strings, checked for type,
length, nesting and text UTF-8 cannot hold, turned into plain values or a one-line 400.

The views call these readers and never touch request.args or request.get_json themselves, so a
hostile request meets one set of rules whatever route it aims at. Lone surrogates (from JSON's
"\\ud800" escapes) are replaced with U+FFFD rather than refused: a pasted letter with one broken
character is still worth searching, and nothing past this module can meet one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import request

from indexer.search.query import FILTER_ALIASES, FILTER_KEYS, check_k, check_mode
from indexer.search.similar import MAX_PASTED_CHARS

from .errors import BadRequest

MAX_QUERY_CHARS = 4000  # a question; the search reads the first 1000 and says so
MAX_VALUE_CHARS = 200  # a filter value, a mode, a conversation id
MAX_NESTING = 8  # our bodies are one level deep; a filters object makes two
MAX_PAGE = 100_000
RESERVED = {"q", "mode", "k", "offset", "page", "similar", "conversation_id", "message", "turn", "shown",
            "by"}
MOST_SHOWN = 200  # results a "show more" can reach
FILTERS = set(FILTER_KEYS) | set(FILTER_ALIASES) | {"guideline_not"}
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class SearchRequest:
    query: str | None
    mode: str
    k: int
    filters: dict[str, str]
    offset: int = 0


@dataclass
class ChatRequest:
    conversation_id: str | None
    message: str
    mode: str | None


@dataclass
class SimilarRequest:
    text: str
    k: int
    filters: dict[str, str]


def readable(text: str) -> str:
    """Replace what UTF-8 cannot hold (a lone surrogate) with U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def text(value, name: str, most: int, required: bool = False) -> str | None:
    """A string of at most `most` characters (None when absent and not required)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadRequest(f"{name} is missing or empty")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string, not {type(value).__name__}")
    if len(value) > most:
        raise BadRequest(f"{name} is over {most} characters")
    return readable(value)


def page_number(value) -> int:
    """A 1-based page number (1 when none is given)."""
    if value in (None, ""):
        return 1
    if not isinstance(value, str) or not re.fullmatch("[0-9]{1,6}", value) or not 0 < int(value) <= MAX_PAGE:
        raise BadRequest(f"page must be a whole number from 1 to {MAX_PAGE}")
    return int(value)


def whole_number(value, name: str, most: int = MOST_SHOWN) -> int:
    """A whole number from 0 to `most` (0 when none is given): an offset, a turn, a count shown."""
    if value in (None, ""):
        return 0
    plain = isinstance(value, str | int) and not isinstance(value, bool)
    if not plain or not re.fullmatch("[0-9]{1,6}", str(value)) or int(value) > most:
        raise BadRequest(f"{name} must be a whole number from 0 to {most}")
    return int(value)


def filters(values, skip=RESERVED) -> dict[str, str]:
    """Filter names and values: known names, short string (or whole number) values."""
    if values is None:
        return {}
    if not hasattr(values, "items"):
        raise BadRequest('filters must be an object of names and values, e.g. {"decision": "Upheld"}')
    checked = {}
    for key, value in values.items():
        if key in skip:
            continue
        if key not in FILTERS:
            named = readable(str(key))[:40]
            raise BadRequest(f"unknown filter {named!r}: use one of {', '.join(FILTER_KEYS)}")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        value = text(value, f"filter {key}", MAX_VALUE_CHARS)
        if value is not None:
            checked[key] = value
    return checked


def _query_filters(args) -> dict[str, str]:
    """Filters from a query string; a filter named twice is refused rather than half-read."""
    for key in args:
        if key not in RESERVED and len(args.getlist(key)) > 1:
            raise BadRequest(f"filter {readable(key)[:40]!r} is given more than once")
    return filters(args)


def search_args() -> SearchRequest:
    """GET /api/search and the search page: q, mode, k and filters."""
    args = request.args
    query = text(args.get("q"), "q", MAX_QUERY_CHARS)
    mode = check_mode(text(args.get("mode"), "mode", MAX_VALUE_CHARS))
    return SearchRequest(query, mode, check_k(text(args.get("k"), "k", 20)), _query_filters(args),
                         whole_number(args.get("offset"), "offset"))


def similar_args() -> tuple[int, dict[str, str]]:
    """GET /api/similar/<doc_id>: k and filters."""
    return check_k(text(request.args.get("k"), "k", 20)), _query_filters(request.args)


def determination_args() -> tuple[str | None, int]:
    """GET /d/<doc_id> and its API twin: the query to mark and the page of the letter."""
    query = text(request.args.get("q"), "q", MAX_QUERY_CHARS)
    return query, page_number(request.args.get("page"))


def json_body(allowed: set[str]) -> dict:
    """The request's JSON object: no key outside `allowed`, nested no deeper than MAX_NESTING."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # JSON nested deeper than Python recurses, yet under the size limit
        raise BadRequest("request body is nested too deeply") from None
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    if _depth(body) > MAX_NESTING:
        raise BadRequest("request body is nested too deeply")
    unknown = sorted(readable(str(key))[:40] for key in body if key not in allowed)
    if unknown:
        raise BadRequest(f"unknown key {unknown[0]!r} in the request body: use {', '.join(sorted(allowed))}")
    return body


def _depth(value) -> int:
    """How deeply lists and objects nest (without recursion, which a hostile body could exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def chat_body() -> ChatRequest:
    """POST /api/chat: {"conversation_id": str|null, "message": str, "mode": str?}."""
    body = json_body({"conversation_id", "message", "mode"})
    conversation_id = body.get("conversation_id")
    if conversation_id is not None and not isinstance(conversation_id, str):
        raise BadRequest("conversation_id must be a string or null")
    if "message" not in body or not isinstance(body["message"], str):
        raise BadRequest("message must be a string")
    mode = body.get("mode")
    mode = check_mode(text(mode, "mode", MAX_VALUE_CHARS)) if mode not in (None, "") else None
    if len(body["message"]) > MAX_QUERY_CHARS:
        raise BadRequest(f"message is over {MAX_QUERY_CHARS} characters")
    return ChatRequest(text(conversation_id, "conversation_id", MAX_VALUE_CHARS),
                       readable(body["message"]), mode)


def similar_body() -> SimilarRequest:
    """POST /api/similar: {"text": str, "k": int?, "filters": {name: value}?}."""
    body = json_body({"text", "k", "filters"})
    pasted = body.get("text")
    if not isinstance(pasted, str) or not pasted.strip():
        raise BadRequest('give the text to compare as {"text": ...}')
    k = body.get("k")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int | str)):
        raise BadRequest(f"k must be a number, not {type(k).__name__}")
    if len(pasted) > MAX_PASTED_CHARS:
        raise BadRequest(f"pasted text is over {MAX_PASTED_CHARS} characters")
    filtered = body.get("filters")
    if filtered is not None and not isinstance(filtered, dict):
        raise BadRequest('filters must be an object of names and values, e.g. {"decision": "Upheld"}')
    return SimilarRequest(readable(pasted), check_k(k), filters(filtered, skip=()))


def form_text(name: str, most: int = MAX_QUERY_CHARS) -> str | None:
    """A field of a posted form."""
    return text(request.form.get(name), name, most)
