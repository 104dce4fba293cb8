"""Follow-up questions in a conversation: refine the previous question instead of starting over.

"only the overturned ones" sets decision=Overturned; "what about the knee?" swaps the body part;
"what about acupuncture?" swaps the treatment; "only the ones with no functional improvement"
keeps one decisive reason; "without ODG" excludes a guideline; "any
decision" or "clear filters" drops filters. A message that reads as a new question starts over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .. import reasons, vocabulary
from ..errors import QueryError

_FOLLOW_UP = re.compile(
    r"(?i)^\s*(?:and|but|now|only|just|what\s+about|how\s+about|same\s+(?:for|with)|show\s+only|"
    r"without|except|excluding|exclude|not|also|instead|limit|restrict|narrow|filter|clear|"
    r"remove|drop|any|all|include|with|citing|for\s+the)\b")
_WITHOUT = re.compile(r"(?i)\b(?:without|excluding|exclude|except|not|no)\s+(?:the\s+)?(\S+)")
_CLEAR = re.compile(r"(?i)\b(?:clear|remove|drop|reset)\s+(?:all\s+)?(?:the\s+)?filters?\b|"
                    r"\bstart\s+over\b")
_ANY_DECISION = re.compile(r"(?i)\b(?:any|all|both)\s+(?:decisions?|outcomes?)\b")


@dataclass
class Turn:
    """What one turn of a conversation searches for."""

    query: str
    filters: dict = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    mode: str = "hybrid"


def is_follow_up(message: str) -> bool:
    """Tell whether a message refines the previous question rather than asking a new one."""
    words = message.split()
    if _FOLLOW_UP.match(message):
        return True
    return len(words) <= 4 and bool(
        vocabulary.decision_mentions(message) or vocabulary.body_part_mentions(message)
        or vocabulary.guideline_mentions(message))


def refine(previous: Turn | None, message: str, mode: str | None = None) -> Turn:
    """Return the turn a message asks for, given the conversation's previous turn."""
    message = message.strip()
    if previous is None or not is_follow_up(message):
        return Turn(query=message, mode=mode or (previous.mode if previous else "hybrid"))
    turn = replace(previous, filters=dict(previous.filters), ignore=list(previous.ignore),
                   mode=mode or previous.mode)
    if _CLEAR.search(message):
        return replace(turn, filters={}, ignore=[])
    if _ANY_DECISION.search(message):
        turn.filters.pop("decision", None)
        turn.ignore.append("decision")
    excluded = set()
    for match in _WITHOUT.finditer(message):
        guideline = vocabulary.canonical("guideline", match.group(1))
        if guideline and vocabulary.guideline_mentions(match.group(1)):
            turn.filters["guideline_not"] = guideline
            turn.filters.pop("guideline", None)
            excluded.add(guideline)
    decisions = {label for _, _, label in vocabulary.decision_mentions(message)}
    if len(decisions) == 1:
        turn.filters["decision"] = decisions.pop()
    for _, _, part in vocabulary.body_part_mentions(message)[:1]:
        turn.filters["body_part"] = part
    named = [m for m in vocabulary.treatment_mentions(message) if not _negated(message, m[0])]
    # A specific treatment first; a group ("what about surgery?") when that is all the message names.
    treatments = [m for m in named if not vocabulary.is_generic(m[2])] or \
        [m for m in named if m[2] in vocabulary.GROUPS]
    if treatments:
        start, end, category = treatments[0]
        turn.filters["treatment"] = category
        turn.query = _swap_treatment(turn.query, message[start:end])
    for _, _, guideline in vocabulary.guideline_mentions(message):
        if guideline not in excluded:
            turn.filters["guideline"] = guideline
            turn.filters.pop("guideline_not", None)
    for reason in reasons.reasons_in_question(message)[:1]:  # "only those with no improvement"
        turn.filters["reason"] = reason
    return _reason_on_the_decided_side(turn)


def _negated(message: str, start: int) -> bool:
    """Tell whether a mention is excluded ("only the ones without urine drug screens")."""
    return bool(re.search(r"(?i)\b(?:without|no|not|excluding|except)\s+(?:any\s+|the\s+|a\s+)?$",
                          message[max(0, start - 20):start]))


def _reason_on_the_decided_side(turn: Turn) -> Turn:
    """Keep a reason filter that explains the decision filtered on: swap it to its counterpart
    ("no improvement" → "improvement documented" when the follow-up asks for the overturned ones)."""
    reason, decision = turn.filters.get("reason"), turn.filters.get("decision")
    if reason and decision and reasons.DECISION_OF.get(reason) not in (None, decision):
        counterpart = reasons.COUNTERPART.get(reason)
        if counterpart:
            turn.filters["reason"] = counterpart
        else:
            turn.filters.pop("reason")
    return turn


def _swap_treatment(query: str, new_words: str) -> str:
    """Put the new treatment's words where the old treatment was named, or append them."""
    mentions = vocabulary.treatment_mentions(query)
    if not mentions:
        return f"{query} {new_words}"
    start, end, _ = mentions[0]
    return f"{query[:start]}{new_words}{query[end:]}"


def adjust(previous: Turn | None, set_filter: dict | None, drop: str | None, mode: str | None) -> Turn:
    """Return the previous turn with one filter set or dropped (a chip clicked in the page)."""
    if previous is None:
        raise QueryError("ask a question before refining it")
    turn = Turn(previous.query, dict(previous.filters), list(previous.ignore), mode or previous.mode)
    turn.filters.update(set_filter or {})
    if drop:
        turn.filters.pop(drop, None)
        turn.ignore.append(drop)
    return turn


def describe(set_filter: dict | None, drop: str | None) -> str:
    """Say in words what a clicked chip asked for."""
    if drop:
        return f"without the {drop.replace('_', ' ')} filter"
    return "only " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in (set_filter or {}).items())
