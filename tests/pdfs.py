"""Make small text PDFs for tests: one page per list of lines, optionally with running lines."""

from __future__ import annotations


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def typeset_pdf(pages: list[list[str]], header: str | None = None, footer: str | None = None) -> bytes:
    """A PDF with one page per list of lines; header on top, footer ("Page {n} of {m}") at the bottom."""
    count = len(pages)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count)), count),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for number, lines in enumerate(pages, start=1):
        body = " ".join(f"({_escape(line)}) Tj T*" for line in lines)
        stream = f"BT /F1 11 Tf 14 TL 40 720 Td {body} ET"
        if header:
            stream = f"BT /F1 9 Tf 40 770 Td ({_escape(header)}) Tj ET " + stream
        if footer:
            stream += f" BT /F1 9 Tf 280 30 Td ({_escape(footer.format(n=number, m=count))}) Tj ET"
        content = stream.encode("latin-1")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * (number - 1)))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer holds text (enough for pypdf to extract)."""
    return typeset_pdf([text.split("\n")])
