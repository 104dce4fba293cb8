"""Reading letters: PDFs as the DWC publishes them (AES, empty password), typeset pages, bad files."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from indexer.ingest import read as read_module
from indexer.ingest.read import ReadError, read_letter
from tests.pdfs import typeset_pdf

BODIES = [
    ["CLINICAL CASE SUMMARY", "The injured worker is a 40 year old female injured on 1/2/2012.",
     "She has neck pain (rated 6/10) after a fall."],
    ["IMR ISSUES, DECISIONS AND RATIONALES", "Acupuncture x 6: Overturned",
     "Decision rationale: An initial trial is medically necessary."],
    ["Physical therapy x 12: Upheld",
     "Decision rationale: The worker already had 24 sessions; more are not medically necessary."],
]


def encrypted(pdf: bytes, password: str, algorithm: str) -> bytes:
    """The same PDF encrypted as the DWC does (empty user password) or locked with a password."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_text(pdf: bytes) -> str:
    """The text layer as shared/real/text holds it: pypdf's text per page, joined by four newlines."""
    return "\n\n\n\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("pages", [2, 3])
def test_running_header_and_page_footers_are_gone_from_a_typeset_pdf(tmp_path, pages):
    pdf = typeset_pdf(BODIES[:pages], header="IMR Case Number CM13-0001234", footer="Page {n} of {m}")
    assert "Page 2 of" in raw_text(pdf) and "CM13-0001234" in raw_text(pdf)
    text, warnings = read_letter(write(tmp_path, "letter.pdf", pdf))
    assert warnings == []
    assert "Page" not in text and "CM13-0001234" not in text
    for line in sum(BODIES[:pages], []):
        assert line in text
    # Its extracted text, saved as a .txt, cleans to the very same text.
    txt = write(tmp_path, "letter.txt", raw_text(pdf).encode())
    assert read_letter(txt)[0] == text


def test_a_pdf_without_running_lines_reads_as_pypdf_extracts_it(tmp_path):
    pdf = typeset_pdf(BODIES)
    assert read_letter(write(tmp_path, "letter.pdf", pdf))[0] == raw_text(pdf)


@pytest.mark.parametrize("algorithm", ["AES-256", "AES-128", "RC4-128"])
def test_a_pdf_encrypted_with_an_empty_password_reads(tmp_path, algorithm):
    plain = typeset_pdf(BODIES, footer="- {n} -")
    locked = encrypted(plain, "", algorithm)
    assert PdfReader(io.BytesIO(locked)).is_encrypted
    text, _ = read_letter(write(tmp_path, "letter.pdf", locked))
    assert text == read_letter(write(tmp_path, "plain.pdf", plain))[0]
    assert "Overturned" in text and "- 2 -" not in text


@pytest.mark.parametrize("algorithm", ["AES-256", "AES-128", "RC4-128"])
def test_a_pdf_that_needs_a_real_password_is_refused_in_one_line(tmp_path, algorithm):
    locked = encrypted(typeset_pdf(BODIES), "secret", algorithm)
    with pytest.raises(ReadError) as refused:
        read_letter(write(tmp_path, "locked.pdf", locked))
    assert str(refused.value) == "encrypted PDF: a password is needed"


def test_without_the_cryptography_package_an_aes_pdf_says_what_is_missing(tmp_path, monkeypatch):
    from pypdf.errors import DependencyError

    def missing(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(read_module.PdfReader, "decrypt", missing)
    locked = encrypted(typeset_pdf(BODIES), "", "AES-256")
    with pytest.raises(ReadError, match="^encrypted PDF: reading it needs the cryptography package$"):
        read_letter(write(tmp_path, "letter.pdf", locked))


@pytest.mark.parametrize("name, data, message", [
    ("random.pdf", bytes(range(256)) * 12, "not a PDF (no %PDF header)"),
    ("truncated.pdf", typeset_pdf(BODIES)[:200], "unreadable PDF"),
    ("image-only.pdf", typeset_pdf([[], []]), "PDF has no text layer (scanned image?): OCR it first"),
    ("numbers-only.pdf", typeset_pdf([[], [], []], footer="Page {n} of {m}"), "PDF has no text layer"),
    ("empty.pdf", b"  \n", "empty file"),
])
def test_bad_pdfs_keep_their_one_line_reasons(tmp_path, name, data, message):
    with pytest.raises(ReadError) as refused:
        read_letter(write(tmp_path, name, data))
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)


def test_a_text_letter_with_page_breaks_loses_its_running_lines_and_nothing_else(tmp_path):
    pages = ["\n".join(lines + [f"Page {n} of 3"]) for n, lines in enumerate(BODIES, start=1)]
    text, warnings = read_letter(write(tmp_path, "letter.txt", "\f".join(pages).encode()))
    assert text == "\f".join("\n".join(lines) for lines in BODIES) and warnings == []
