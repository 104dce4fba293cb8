"""How the treatment vocabulary labels the disputed items of the real letters in ../shared/real.

    python -m evaluation.vocabulary_report                 # figures, counts per group and category
    python -m evaluation.vocabulary_report --items         # also every item and its category
    python -m evaluation.vocabulary_report --sample 60     # a random sample to check by hand

An item is uncategorized when neither its text nor its rationale names a treatment, and "only in
a parent" when it is labelled with a group's own name ("surgery", "medication") rather than a
category under it. Together these should stay under 5%. The letters stay in ../shared/real
(public records, never copied into the repository); without them the report says so and stops.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indexer import vocabulary
from indexer.ingest.parse import parse_text
from indexer.ingest.read import read_letter

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real"
BAR = 0.05


@dataclass
class Labelled:
    letter: str
    item: str
    category: str | None  # as the parser stores it (item text, else the rationale)
    from_item: str | None  # from the item text alone


def labelled_items(folder: Path = REAL / "text") -> list[Labelled]:
    rows = []
    for path in sorted(folder.glob("r*.txt")):
        text, _ = read_letter(path)
        for issue in parse_text(text, path.name).issues:
            rows.append(Labelled(path.stem, issue.item, issue.treatment,
                                 vocabulary.treatment_of(issue.item)))
    return rows


def _share(count: int, total: int) -> str:
    return f"{count:4d} ({count / total:5.1%})" if total else f"{count:4d}"


def report(rows: list[Labelled]) -> list[str]:
    total = len(rows)
    lines = [f"real items: {total} in {len({r.letter for r in rows})} letters"]
    for name, labels in (("as parsed (item, else rationale)", [r.category for r in rows]),
                         ("from the item text alone", [r.from_item for r in rows])):
        missing = sum(label is None for label in labels)
        parent = sum(label in vocabulary.GROUPS for label in labels)
        lines.append(f"{name}:")
        lines.append(f"  uncategorized        {_share(missing, total)}")
        lines.append(f"  only in a parent     {_share(parent, total)}")
        together = (missing + parent) / total if total else 0.0
        verdict = "ok" if together < BAR else f"over the {BAR:.0%} bar"
        lines.append(f"  together             {_share(missing + parent, total)}  {verdict}")
    counts = Counter(r.category for r in rows)
    lines.append("per group and category (as parsed):")
    for group, categories in vocabulary.GROUPS.items():
        members = [group, *categories]
        in_group = sum(counts[c] for c in members)
        if not in_group:
            continue
        lines.append(f"  {group:<40}{in_group:4d}")
        for category in sorted(members, key=lambda c: (-counts[c], c)):
            if counts[category]:
                label = f"({category} only)" if category == group else category
                lines.append(f"    {label:<38}{counts[category]:4d}")
    if counts[None]:
        lines.append(f"  {'(uncategorized)':<40}{counts[None]:4d}")
    return lines


def item_lines(rows: list[Labelled]) -> list[str]:
    return [f"{r.letter} | {r.category} [{vocabulary.treatment_group(r.category)}] | {r.item[:140]}"
            for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", action="store_true", help="list every item and its category")
    parser.add_argument("--sample", type=int, default=0, help="list a random sample of items")
    parser.add_argument("--seed", type=int, default=60)
    args = parser.parse_args()
    if not (REAL / "text").is_dir():
        print(f"skipped: no real letters at {REAL / 'text'} (they live beside the repository)")
        return
    rows = labelled_items()
    if not rows:
        print(f"skipped: no r*.txt letters in {REAL / 'text'}")
        return
    print("\n".join(report(rows)))
    if args.items:
        print("\n".join(["", "items:", *item_lines(rows)]))
    if args.sample:
        sample = random.Random(args.seed).sample(rows, min(args.sample, len(rows)))
        print("\n".join(["", f"random sample of {len(sample)} (seed {args.seed}):",
                         *item_lines(sample)]))


if __name__ == "__main__":
    sys.exit(main())
