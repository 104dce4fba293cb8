"""A case note as a Word document: the pinned excerpts, each with its citation, permalink and annotation.

The notes tray lives in the browser; it posts its notes here and gets back a .docx built with
python-docx. Notes are validated first (types, lengths, link schemes): a hostile note yields a
400, never a broken document or a javascript: link inside Word.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

MAX_NOTES = 200
MAX_FIELD_CHARS = 8000
MAX_BODY_BYTES = 2 * 2**20  # a tray of 200 long excerpts; the rest of the API keeps 64 KiB
FIELDS = ("item", "decision", "guidelines", "doc", "section", "url", "text", "annotation")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class NoteError(ValueError):
    """A note that cannot go into a document; the message says which and why."""


@dataclass(frozen=True)
class Note:
    doc: str
    url: str
    text: str
    item: str = ""
    decision: str = ""
    guidelines: str = ""
    section: str = ""
    annotation: str = ""

    def citation(self) -> str:
        """The same plain citation the tray copies: item — decision — guidelines — doc, section."""
        parts = [self.item or self.doc, self.decision, self.guidelines]
        where = f"{self.doc}, {self.section}" if self.section else self.doc
        return " — ".join([p for p in parts if p] + [where])


def read_notes(body: object, base_url: str) -> list[Note]:
    """Notes from the tray's JSON ({"notes": [...]}); links made absolute against base_url."""
    if not isinstance(body, dict) or not isinstance(body.get("notes"), list):
        raise NoteError('send the notes as {"notes": [...]}')
    raw = body["notes"]
    if not raw:
        raise NoteError("there are no pinned excerpts to export")
    if len(raw) > MAX_NOTES:
        raise NoteError(f"at most {MAX_NOTES} notes can be exported at once")
    return [_note(value, number, base_url) for number, value in enumerate(raw, start=1)]


def _note(value: object, number: int, base_url: str) -> Note:
    if not isinstance(value, dict):
        raise NoteError(f"note {number} must be an object")
    fields = {}
    for name in FIELDS:
        text = value.get(name) or ""
        if not isinstance(text, str):
            raise NoteError(f"note {number}: {name} must be text")
        if len(text) > MAX_FIELD_CHARS:
            raise NoteError(f"note {number}: {name} is over {MAX_FIELD_CHARS} characters")
        fields[name] = _printable(text)
    if not fields["doc"] or not fields["text"]:
        raise NoteError(f"note {number} needs its determination (doc) and excerpt (text)")
    fields["url"] = _permalink(fields["url"], base_url, number)
    return Note(**fields)


def _printable(text: str) -> str:
    """Drop what XML 1.0 cannot hold (control characters, lone surrogates), which Word would refuse."""
    return "".join(c for c in text if c in "\t\n" or (" " <= c and not "\ud800" <= c <= "\udfff"
                                                      and c not in "\ufffe\uffff"))


def _permalink(url: str, base_url: str, number: int) -> str:
    """A note's link as an absolute http(s) URL on this server; anything else is refused."""
    if not url:
        raise NoteError(f"note {number} has no permalink")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1": an address urllib cannot even split
        raise NoteError(f"note {number}: the permalink is not a valid address") from None
    if not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith("//"):
        return base_url.rstrip("/") + url
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    raise NoteError(f"note {number}: the permalink must be a /d/ link or an http(s) address")


def document(notes: list[Note], title: str = "Case note — IMR precedent") -> bytes:
    """The .docx bytes: a heading, then per note its citation, the excerpt, the link and the note."""
    doc = Document()
    doc.core_properties.title = title
    doc.add_heading(title, level=1)
    for number, note in enumerate(notes, start=1):
        doc.add_heading(f"{number}. {note.item or note.doc}", level=2)
        doc.add_paragraph(note.citation())
        quote = doc.add_paragraph(style="Quote")
        quote.add_run(note.text)
        link = doc.add_paragraph("Permalink: ")
        _hyperlink(link, note.url)
        if note.annotation:
            remark = doc.add_paragraph()
            label = remark.add_run("Note: ")
            label.bold = True
            remark.add_run(note.annotation).italic = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _hyperlink(paragraph, url: str) -> None:
    """A clickable link (python-docx has no public API for one: the relationship plus w:hyperlink)."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")  # the usual link blue
    properties.append(color)
    properties.append(underline)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = url
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
