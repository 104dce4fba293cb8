"""The real DWC letters read from their published PDFs exactly as from their extracted text."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from indexer.ingest.parse import parse_text
from indexer.ingest.read import read_letter

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"
PDFS = sorted((REAL / "pdf").glob("r*.pdf"))

pytestmark = pytest.mark.skipif(not PDFS, reason=f"no real letters at {REAL}")


def facts(determination) -> dict:
    """The facts a search shows, leaving out the source name (a PDF and its text differ there)."""
    return {
        "doc_id": determination.doc_id,
        "case_number": determination.case_number,
        "patient": asdict(determination.patient),
        "reviewer": asdict(determination.reviewer),
        "decision_date": getattr(determination, "decision_date", None),
        "issues": [(i.item, i.decision, i.treatment, i.body_part, i.guidelines)
                   for i in determination.issues],
    }


@pytest.mark.parametrize("pdf", PDFS, ids=lambda path: path.stem)
def test_a_published_pdf_gives_the_facts_of_its_text(pdf):
    txt = REAL / "text" / f"{pdf.stem}.txt"
    from_pdf, pdf_warnings = read_letter(pdf)
    from_text, _ = read_letter(txt)
    assert pdf_warnings == []
    # No line of a real letter is taken for a running header or footer: the text comes through whole.
    assert from_pdf == from_text == txt.read_text(encoding="utf-8")
    assert facts(parse_text(from_pdf, pdf.name)) == facts(parse_text(from_text, txt.name))
