"""Parse accuracy on the real IMR letters beside the repository, against the hand-read facts.

The letters live in ../shared/real (public records, never copied into the repository); the
test skips where that folder is absent, as on a user's machine. It scores what the hook
script scores, calling the parser directly so the 97 letters take about a second.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.ingest.parse import parse_text
from indexer.ingest.read import read_letter

REAL = Path(__file__).parents[2].parent / "shared" / "real"
TRUTH = REAL / "truth-dev.jsonl"
BARS = {"decision": 0.99, "issue_count": 0.97, "date_of_injury": 0.98, "age": 0.98, "sex": 0.98,
        "case_number": 1.0, "specialty": 0.95}


def _norm(text: str | None) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split()


@pytest.fixture(scope="module")
def truth() -> list[dict]:
    if not TRUTH.is_file() or not (REAL / "text").is_dir():
        pytest.skip(f"no real letters at {REAL}")
    rows = [json.loads(line) for line in TRUTH.read_text().splitlines() if line.strip()]
    return [row for row in rows if row.get("complete", True)]


def _score(truth: list[dict], folder: str, suffix: str) -> tuple[dict[str, float], list[str]]:
    """Score the parser over the truth letters: a rate per fact, and what went wrong."""
    hits = dict.fromkeys(BARS, 0)
    totals = dict.fromkeys(BARS, 0)
    misses: list[str] = []
    for row in truth:
        path = REAL / folder / row["file"].replace(".txt", suffix)
        d = parse_text(read_letter(path)[0], path.name)
        totals["issue_count"] += 1
        if len(d.issues) == len(row["issues"]):
            hits["issue_count"] += 1
        else:
            misses.append(f"{row['file']}: {len(d.issues)} issues, truth {len(row['issues'])}")
        totals["decision"] += len(row["issues"])
        for want, got in zip(row["issues"], d.issues, strict=False):
            hits["decision"] += got.decision == want["decision"]
        got = {"date_of_injury": d.patient.date_of_injury, "age": d.patient.age, "sex": d.patient.sex,
               "case_number": d.case_number}
        for name, value in got.items():
            totals[name] += 1
            hits[name] += value == row.get(name)
            if value != row.get(name):
                misses.append(f"{row['file']}: {name} {value!r}, truth {row.get(name)!r}")
        if row.get("reviewer_specialty"):
            totals["specialty"] += 1
            want = _norm(row["reviewer_specialty"])[:2]
            hits["specialty"] += all(w in _norm(" ".join(d.reviewer.specialty)) for w in want)
    return {name: hits[name] / totals[name] for name in BARS if totals[name]}, misses


def test_real_letters_text_meet_the_bars(truth):
    rates, misses = _score(truth, "text", ".txt")
    for name, bar in BARS.items():
        assert rates[name] >= bar, (name, rates[name], misses[:10])


def test_real_letters_partial_authorizations_decide_the_remainder(truth):
    partial = [(row, issue) for row in truth for issue in row["issues"] if "partial" in issue.get("note", "")]
    if not partial:
        pytest.skip("no partial authorizations in the truth file")
    found = 0
    for row, issue in partial:
        d = parse_text(read_letter(REAL / "text" / row["file"])[0], row["file"])
        remainder = re.search(r'decision covers "([^"]+)"', issue["note"])
        found += any(i.partial and remainder and _norm(i.item) == _norm(remainder.group(1))
                     for i in d.issues)
    assert found >= 0.95 * len(partial)


def test_real_letters_pdf_read_like_their_text(truth):
    pdfs = [row for row in truth if (REAL / "pdf" / row["file"].replace(".txt", ".pdf")).is_file()]
    if not pdfs:
        pytest.skip("no real PDFs")
    rates, misses = _score(pdfs[:20], "pdf", ".pdf")  # decrypting and extracting is the slow part
    for name, bar in BARS.items():
        assert rates[name] >= bar, (name, rates[name], misses[:10])
