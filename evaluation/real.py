"""make eval on the real letters in ../shared/real: parse accuracy and ranking quality.

    python -m evaluation.real              # parse accuracy vs truth-dev.jsonl, nDCG@10 per mode and style
    python -m evaluation.real --heldout    # the held-out questions too (not for tuning)

Three question sets, each judged by reading the letters by someone who did not write the ranking:
dev (40, tuned on), held-out 1 (15; looked at once, then used for analysis), held-out 2 (24; scored
once, at the end).

The letters stay in ../shared/real (public records, never copied into the repository); the index
over them is built in .cache/real-index. Grades in evaluation/real_judged*.json name letters by
file stem (r001...), mapped here to the doc_id the index gives each letter.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from whoosh import qparser
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from indexer import settings as config
from indexer import vocabulary
from indexer.ingest.build import build
from indexer.ingest.parse import parse_text
from indexer.ingest.read import read_letter
from indexer.search.query import MODES
from indexer.search.searcher import Searcher

from .metrics import ndcg_at

HERE = Path(__file__).parent
ROOT = HERE.parent
REAL = ROOT.parent / "shared" / "real"
STYLES = ("keyword", "natural", "paraphrase")


def available() -> bool:
    return (REAL / "text").is_dir() and (REAL / "truth-dev.jsonl").is_file()


QUESTION_SETS = {"dev": "real_judged.json", "held-out 1": "real_judged_heldout.json",
                 "held-out 2": "real_judged_heldout2.json"}


def load_questions(name: str = "dev") -> list[dict]:
    return json.loads((HERE / QUESTION_SETS[name]).read_text())


# --- parse accuracy -----------------------------------------------------------------------

PARSE_BARS = {"decision": 0.99, "issue_count": 0.97, "date_of_injury": 0.98, "age": 0.98,
              "sex": 0.98, "case_number": 1.0, "specialty": 0.95}


def parse_accuracy(folder: str = "text") -> tuple[dict[str, float], list[str]]:
    """Compare parsed facts with truth-dev.jsonl; return rates per fact and the misses."""
    hits: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    misses: list[str] = []
    for line in (REAL / "truth-dev.jsonl").read_text().splitlines():
        if not line.strip():
            continue
        truth = json.loads(line)
        name = truth["file"] if folder == "text" else truth["file"].replace(".txt", ".pdf")
        text, _ = read_letter(REAL / folder / name)
        parsed = parse_text(text, name)
        checks = [("issue_count", len(parsed.issues), len(truth["issues"])),
                  ("case_number", parsed.case_number, truth["case_number"]),
                  ("date_of_injury", parsed.patient.date_of_injury, truth["date_of_injury"]),
                  ("age", parsed.patient.age, truth["age"]), ("sex", parsed.patient.sex, truth["sex"])]
        checks += [("decision", mine.decision, want["decision"])
                   for mine, want in zip(parsed.issues, truth["issues"], strict=False)]
        checks += [("decision", None, want["decision"]) for want in truth["issues"][len(parsed.issues):]]
        if truth.get("reviewer_specialty"):
            words = " ".join(parsed.reviewer.specialty).lower()
            want = truth["reviewer_specialty"].lower().replace(",", " ").split()[:2]
            checks.append(("specialty", all(w in words for w in want), True))
        for fact, got, want in checks:
            totals[fact] += 1
            hits[fact] += got == want
            if got != want:
                misses.append(f"{name}: {fact} {got!r}, truth {want!r}")
    return {fact: hits[fact] / totals[fact] for fact in PARSE_BARS}, misses


# --- ranking quality ----------------------------------------------------------------------

class WholeLetterBM25:
    """The afternoon baseline: Whoosh BM25 over whole letters, words OR-ed, no domain knowledge."""

    def __init__(self, letters: dict[str, str]):
        self.ix = RamStorage().create_index(Schema(doc_id=ID(stored=True), text=TEXT))
        writer = self.ix.writer()
        for doc_id, text in letters.items():
            writer.add_document(doc_id=doc_id, text=text)
        writer.commit()

    def search(self, query: str, k: int = 10) -> list[str]:
        with self.ix.searcher() as searcher:
            parser = qparser.QueryParser("text", self.ix.schema, group=qparser.OrGroup)
            return [hit["doc_id"] for hit in searcher.search(parser.parse(query), limit=k)]


@dataclass
class Ranking:
    name: str
    ndcg: float
    by_style: dict[str, float]
    per_query: list[float]


def grades_by_doc(searcher: Searcher, grades: dict[str, int]) -> dict[str, int]:
    """Map file-stem grades (r012) to the doc_ids the index gave those letters."""
    doc_of_stem = {Path(d.source).stem: doc_id for doc_id, d in searcher.determinations.items()}
    return {doc_of_stem[stem]: grade for stem, grade in grades.items() if stem in doc_of_stem}


def score(name: str, questions: list[dict], ranked_lists: list[list[str]],
          searcher: Searcher) -> Ranking:
    per_query = [ndcg_at(ranked, grades_by_doc(searcher, q["grades"]))
                 for q, ranked in zip(questions, ranked_lists, strict=True)]
    by_style = {style: statistics.mean(v for q, v in zip(questions, per_query, strict=True)
                                       if q["style"] == style)
                for style in STYLES if any(q["style"] == style for q in questions)}
    return Ranking(name, statistics.mean(per_query), by_style, per_query)


def rank_quality(searcher: Searcher, questions: list[dict]) -> dict[str, Ranking]:
    """nDCG@10 of each mode and of the whole-letter BM25 baseline."""
    found = {mode: score(mode, questions, [searcher.search(q["query"], mode=mode).letters()
                                          for q in questions], searcher)
             for mode in MODES}
    baseline = WholeLetterBM25({doc_id: "\n\n".join(s.text for s in d.sections)
                                for doc_id, d in searcher.determinations.items()})
    found["whole-letter bm25"] = score("whole-letter bm25", questions,
                                       [baseline.search(q["query"]) for q in questions], searcher)
    return found


def vocabulary_coverage(searcher: Searcher) -> str:
    """The share of real items left uncategorized, or placed only in a group ("surgery")."""
    issues = [i for d in searcher.determinations.values() for i in d.issues]
    none = sum(i.treatment is None for i in issues)
    generic = sum(i.treatment in vocabulary.GROUPS for i in issues)
    with_reason = sum(bool(i.reasons) for i in issues)
    return (f"{len(issues)} real items: {none / len(issues):.1%} uncategorized, {generic / len(issues):.1%} "
            f"only in a group (bar: under 5% together); {with_reason / len(issues):.1%} with a "
            f"decisive reason read")


def real_index(directory: Path | None = None) -> Searcher:
    """Build (or refresh) the index over the real letters' text and open it."""
    settings = config.load(index=str(directory or ROOT / ".cache" / "real-index"))
    report = build([REAL / "text"], settings, prune=True)
    print(f"real index: {report.summary()}", file=sys.stderr)
    return Searcher(settings)


def print_quality(found: dict[str, Ranking], questions: list[dict], title: str) -> None:
    counts = {s: sum(q["style"] == s for q in questions) for s in STYLES}
    print(f"\n{title}: {len(questions)} questions ("
          + ", ".join(f"{n} {s}" for s, n in counts.items()) + ")")
    print(f"{'':<20}{'nDCG@10':>9}" + "".join(f"{s:>12}" for s in STYLES))
    for name, r in found.items():
        print(f"{name:<20}{r.ndcg:>9.3f}" + "".join(f"{r.by_style.get(s, 0):>12.3f}" for s in STYLES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--heldout", action="store_true", help="also score the held-out questions")
    parser.add_argument("--misses", action="store_true", help="list every parse miss and weak query")
    args = parser.parse_args()
    if not available():
        print(f"skipped: no real letters at {REAL}")
        return
    for folder in ("text", "pdf"):
        rates, misses = parse_accuracy(folder)
        print(f"parse accuracy on truth-dev ({folder}): "
              + ", ".join(f"{k} {v:.1%} (bar {PARSE_BARS[k]:.0%})" for k, v in rates.items()))
        for miss in misses if args.misses else []:
            print(f"  {miss}")
    searcher = real_index()
    print(vocabulary_coverage(searcher))
    names = list(QUESTION_SETS) if args.heldout else ["dev"]
    for title, questions in [(f"{name} questions", load_questions(name)) for name in names]:
        found = rank_quality(searcher, questions)
        print_quality(found, questions, title)
        if args.misses:
            for q, value in zip(questions, found["hybrid"].per_query, strict=True):
                if value < 0.7:
                    print(f"  hybrid {value:.2f}  [{q['style']}] {q['query']}")


if __name__ == "__main__":
    main()
