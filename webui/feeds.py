"""An Atom feed (RFC 4287) of the letters a saved search matches, newest decision first."""

from __future__ import annotations

import re
from urllib.parse import quote
from xml.etree import ElementTree as ET

from indexer.determination import Determination
from indexer.saved import SavedSearch, now

ATOM = "http://www.w3.org/2005/Atom"
MOST_ENTRIES = 50
SUMMARY_CHARS = 400


def atom(search: SavedSearch, letters: list[Determination], root: str) -> bytes:
    """The feed's XML: one entry per letter, linking to its permalink."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    url = f"{root}saved/{search.id}"
    filters = ", ".join(f"{key}: {value}" for key, value in search.filters.items())
    dated = [_timestamp(d.decision_date) for d in letters if d.decision_date]
    updated = max(dated) if dated else now()
    _add(feed, "id", f"{url}.atom")
    _add(feed, "title", f"Precedent: {search.query}" + (f" ({filters})" if filters else ""))
    _add(feed, "updated", updated)
    _add(feed, "link", rel="self", href=f"{url}.atom", type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=url, type="text/html")
    author = _add(feed, "author")
    _add(author, "name", "Precedent")
    for letter in letters[:MOST_ENTRIES]:
        link = f"{root}d/{quote(letter.doc_id)}"
        entry = _add(feed, "entry")
        _add(entry, "id", link)
        _add(entry, "title", _title(letter))
        _add(entry, "updated", _timestamp(letter.decision_date) if letter.decision_date else updated)
        _add(entry, "link", rel="alternate", href=link, type="text/html")
        _add(entry, "summary", _summary(letter))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = _xml_text(text)
    return element


def _xml_text(text: str) -> str:
    """Drop what XML 1.0 cannot hold (NUL and other control characters, lone surrogates): a saved
    question with one must not make the whole feed unreadable."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)


def _timestamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def _title(letter: Determination) -> str:
    items = "; ".join(f"{issue.item} ({issue.decision or 'undecided'})" for issue in letter.issues)
    return f"{letter.doc_id}: {items}" if items else letter.doc_id


def _summary(letter: Determination) -> str:
    text = " ".join(issue.rationale for issue in letter.issues if issue.rationale)
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
