"""Read a decision from prose: Upheld when a request is found not necessary, Overturned when it is."""

from __future__ import annotations

import re

from ..sentences import sentences
from . import layouts

_NEGATIVE = re.compile(
    r"(?i)\bnot\s*(?:medically\s+)?(?:necessary|reasonable|appropriate|certified|recommended|"
    r"supported|indicated|warranted|approved|established)|\bnon-?certif|\bupheld\b|\buphold\b|"
    r"\bdenied\b|\bdenial\s+is\s+(?:upheld|affirmed)|\bnot\s*medically\s+necessary")
_POSITIVE = re.compile(
    r"(?i)\b(?:is|are|was|were|be|deemed|considered)\s+(?:medically\s+necessary|reasonable\s+and\s+"
    r"necessary|certified|approved|warranted|supported|indicated|appropriate)|\boverturned\b|"
    r"\boverturn\b|\bmedically\s+necessary\s+and\s+appropriate")
CONCLUSION = re.compile(r"(?i)medically\s+necessary|certif|upheld|uphold|overturn|approved|"
                         r"denied|warranted|appropriate|recommended")


def decision_from_text(text: str) -> str | None:
    """Read Upheld/Overturned from the conclusion of a rationale; None when it says neither."""
    for sentence in reversed(sentences(text)):
        if not CONCLUSION.search(sentence) or is_advice(sentence):
            continue
        if _NEGATIVE.search(sentence):
            return "Upheld"
        if _POSITIVE.search(sentence):
            return "Overturned"
    return None


def is_advice(sentence: str) -> bool:
    """Tell advice appended after a conclusion (how to wean opioids) from the conclusion itself."""
    return bool(layouts.NOT_CONCLUSIONS.search(sentence)) and not re.search(r"(?i)\brequest", sentence)
