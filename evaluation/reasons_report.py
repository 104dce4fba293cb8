"""How indexer.reasons reads the decisive reasons of the real letters' items in ../shared/real.

    python -m evaluation.reasons_report            # coverage, counts per reason, hand-labelled P/R
    python -m evaluation.reasons_report --misses   # also each hand-labelled item where they differ
    python -m evaluation.reasons_report --items    # also every item and its reasons

Coverage: the share of items given at least one reason, overall and per decision. Precision and
recall: reasons_of against reasons read by hand from 50 items (38 Upheld, 12 Overturned) drawn with
random.Random(2017) from the items as parsed on 2017-era letters, one item the parser had merged
with the next one replaced by the next draw. Labels name the reasons the reviewer's conclusion turns
on, with the generic "guideline criteria (not) met" only where nothing more specific is given. The
letters stay in ../shared/real (public records, never copied into the repository); without them the
report says so and stops.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indexer.ingest.parse import parse_text
from indexer.ingest.read import read_letter
from indexer.reasons import DECISION_OF, REASONS, reasons_of

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real"

U, OV = "Upheld", "Overturned"
FI, EXCEEDS, PRIOR = ("no functional improvement documented", "exceeds recommended number or duration",
                      "prior treatment or results not documented")
CONSERVATIVE, NEURO, OBJECTIVE = ("conservative or first-line care not tried",
                                  "no red flags or neurological findings", "missing objective findings")
DIAGNOSIS, NOT_RECOMMENDED, LONG_TERM = ("no diagnosis or indication", "not recommended by the guideline",
                                         "long-term use not supported")
RISK, MONITORING, RATIONALE, UNSPECIFIED = ("no risk factors", "monitoring not documented",
                                            "no rationale for the request", "request not specified")
SURGERY, HOME, DUPLICATE, PRIMARY = ("surgery not contemplated", "home exercise program sufficient",
                                     "duplicate or recent study", "primary request not certified")
REHAB, CRITERIA = "not part of a rehabilitation program", "guideline criteria not met"
FI_OK, WITHIN, FAILED = ("functional improvement documented", "within recommended number or duration",
                         "conservative care failed")
NEURO_OK, OBJECTIVE_OK, RISK_OK = ("red flags or neurological findings present",
                                   "objective findings documented", "risk factors present")
ACUTE, PRIMARY_OK, CRITERIA_OK = ("acute or post-operative need", "primary request certified",
                                  "guideline criteria met")

# (letter, decision, words of the item text, the decisive reasons read by hand from its rationale)
HAND_LABELLED: list[tuple[str, str, str, list[str]]] = [
    ("r003", U, "Viagra", [UNSPECIFIED]),
    ("r017", U, "MRI of the lumbar spine", [SURGERY, NEURO, CONSERVATIVE]),
    ("r019", U, "infrared therapy", [PRIOR, FI, HOME, UNSPECIFIED, NOT_RECOMMENDED]),
    ("r020", OV, "EMG", [NEURO_OK, FAILED]),
    ("r027", U, "Labs to include: EKG", [PRIMARY]),
    ("r027", U, "Cold compression therapy", [PRIMARY]),
    ("r030", OV, "Oxycodone", [ACUTE]),
    ("r034", U, "MRI cervical spine", [NEURO, CONSERVATIVE, OBJECTIVE]),
    ("r038", U, "Diazepam", [DIAGNOSIS, NOT_RECOMMENDED]),
    ("r042", OV, "Acupuncture", [FI_OK]),
    ("r052", OV, "Bankart repair", [FAILED, OBJECTIVE_OK]),
    ("r052", OV, "Physical therapy, times 12", [PRIMARY_OK, WITHIN]),
    ("r052", U, "Post-op Zofran", [UNSPECIFIED]),
    ("r056", U, "Neuroplasty", [NOT_RECOMMENDED, RATIONALE, CONSERVATIVE]),
    ("r057", U, "EMG of the left upper extremity", [RATIONALE]),
    ("r061", OV, "Spine surgery evaluation", [NEURO_OK, OBJECTIVE_OK]),
    ("r061", U, "Lidocaine 5% patch", [CONSERVATIVE, DIAGNOSIS]),
    ("r064", U, "Wedge pillow", [REHAB, OBJECTIVE]),
    ("r065", U, "right hip", [DIAGNOSIS]),
    ("r066", U, "X-rays of right hip", [RATIONALE, CONSERVATIVE, NEURO]),
    ("r066", U, "Acupuncture 12 sessions", [RATIONALE, PRIOR, CRITERIA]),
    ("r066", U, "Ketoprofen 20% in cream", [RATIONALE, CONSERVATIVE]),
    ("r066", U, "Celecoxib", [RATIONALE, FI, PRIOR]),
    ("r073", U, "upper extremities", [CONSERVATIVE, OBJECTIVE]),
    ("r076", OV, "Partial Hospitalization", [CRITERIA_OK]),
    ("r078", U, "Ibuprofen", [FI, LONG_TERM]),
    ("r085", U, "MRI of the left wrist", [DUPLICATE, CONSERVATIVE]),
    ("r099", U, "Lorzone", [CONSERVATIVE]),
    ("r100", U, "Right L4", [NEURO, CONSERVATIVE]),
    ("r110", OV, "rotator cuff repair", [OBJECTIVE_OK]),
    ("r118", U, "infrared acupuncture", [FI, NOT_RECOMMENDED]),
    ("r127", OV, "right shoulder", [FAILED]),
    ("r128", U, "Transportation", [CRITERIA]),
    ("r130", U, "Cyclobenzaprine", [LONG_TERM]),
    ("r132", U, "Chiropractic evaluation", [PRIOR, FI]),
    ("r132", U, "Chiropractic treatment for the lumbar", [PRIOR, FI]),
    ("r133", U, "TENS unit", [REHAB, CONSERVATIVE]),
    ("r134", U, "lumbar spine 2 times", [FI]),
    ("r137", OV, "chest x-ray", [RISK_OK]),
    ("r137", OV, "CBC", [RISK_OK]),
    ("r140", U, "Eight physical therapy", [EXCEEDS, HOME]),
    ("r144", U, "platelet-rich plasma", [DIAGNOSIS]),
    ("r154", U, "Deprizine", [CONSERVATIVE, RISK]),
    ("r156", U, "2 sessions of physical therapy", [EXCEEDS, PRIOR]),
    ("r162", U, "CT scan of abdomen", [DIAGNOSIS]),
    ("r169", U, "Pre-op Clearance", [PRIMARY]),
    ("r178", U, "MRI of the thoracic spine", [SURGERY, NEURO]),
    ("r184", OV, "MRI of the right knee", [FAILED, OBJECTIVE_OK]),
    ("r186", U, "fingers of the right hand", [RATIONALE]),
    ("r192", U, "Tramadol", [CONSERVATIVE, LONG_TERM]),
]


@dataclass
class Item:
    letter: str
    item: str
    decision: str | None
    reasons: list[str]


def real_items(folder: Path = REAL / "text") -> list[Item]:
    rows = []
    for path in sorted(folder.glob("r*.txt")):
        text, _ = read_letter(path)
        for issue in parse_text(text, path.name).issues:
            reasons = reasons_of(issue.rationale, issue.decision)
            rows.append(Item(path.stem, issue.item, issue.decision, reasons))
    return rows


def _share(count: int, total: int) -> str:
    return f"{count:4d}/{total:<4d} ({count / total:5.1%})" if total else f"{count:4d}/0"


def coverage(rows: list[Item]) -> list[str]:
    lines = [f"real items: {len(rows)} in {len({r.letter for r in rows})} letters",
             f"  with >=1 reason      {_share(sum(bool(r.reasons) for r in rows), len(rows))}"]
    for decision in (U, OV):
        some = [r for r in rows if r.decision == decision]
        lines.append(f"  {decision:<20} {_share(sum(bool(r.reasons) for r in some), len(some))}"
                     f"   mean {sum(len(r.reasons) for r in some) / max(len(some), 1):.1f} reasons")
    counts = {d: Counter(label for r in rows if r.decision == d for label in r.reasons) for d in (U, OV)}
    lines.append(f"per reason {'':<40} {'Upheld':>7} {'Overturned':>10}")
    for label in REASONS:
        lines.append(f"  {label:<48} {counts[U][label]:>7} {counts[OV][label]:>10}"
                     f"{'' if DECISION_OF[label] == U else '  (approving)'}")
    return lines


def _find(rows: list[Item], letter: str, decision: str, words: str) -> Item | None:
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).lower()
    found = [r for r in rows if r.letter == letter and r.decision == decision and norm(words) in norm(r.item)]
    return found[0] if found else None


def agreement(rows: list[Item], misses: bool) -> list[str]:
    hits = predicted = truth = 0
    per_label: dict[str, Counter] = {label: Counter() for label in REASONS}
    lines, missing = [], []
    for letter, decision, words, labels in HAND_LABELLED:
        row = _find(rows, letter, decision, words)
        if row is None:
            missing.append(f"{letter} {words}")
            continue
        got, want = set(row.reasons), set(labels)
        hits += len(got & want)
        predicted += len(got)
        truth += len(want)
        for label in got | want:
            per_label[label].update(tp=int(label in got & want), fp=int(label in got - want),
                                    fn=int(label in want - got))
        if misses and got != want:
            lines.append(f"  {letter} {decision[:2]} {words[:30]:<30} extra {sorted(got - want)}"
                         f" missed {sorted(want - got)}")
    precision = hits / predicted if predicted else 0.0
    recall = hits / truth if truth else 0.0
    head = [f"hand-labelled items: {len(HAND_LABELLED) - len(missing)} of {len(HAND_LABELLED)} found"
            + (f" (not found: {', '.join(missing)})" if missing else ""),
            f"  precision {precision:.2f} ({hits}/{predicted})   recall {recall:.2f} ({hits}/{truth})"]
    head.append("  per reason (tp fp fn): " + "; ".join(
        f"{label} {c['tp']} {c['fp']} {c['fn']}" for label, c in per_label.items() if sum(c.values())))
    return head + (["items where they differ:", *lines] if misses else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the hand-labelled items that differ")
    parser.add_argument("--items", action="store_true", help="list every item and its reasons")
    args = parser.parse_args()
    if not (REAL / "text").is_dir():
        print(f"skipped: no real letters at {REAL / 'text'} (they live beside the repository)")
        return
    rows = real_items()
    if not rows:
        print(f"skipped: no r*.txt letters in {REAL / 'text'}")
        return
    print("\n".join([*coverage(rows), "", *agreement(rows, args.misses)]))
    if args.items:
        print("\n".join(["", "items:", *(f"{r.letter} {str(r.decision)[:2]} {r.item[-60:]} -> {r.reasons}"
                                          for r in rows)]))


if __name__ == "__main__":
    sys.exit(main())
