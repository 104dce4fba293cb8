"""Near-identical groups on the 194 real letters (parsed, not embedded; skipped where they are absent).

The pairs below were read side by side when the threshold was chosen: each grouped pair differs in a
few words (a body part, a symptom, one added sentence); the ungrouped ones are the same template
reaching the other decision, or one letter's reasoning inside a longer one.
"""

from __future__ import annotations

import pytest

from indexer import near_duplicates, settings
from indexer.ingest.parse import parse_text
from indexer.ingest.read import read_letter
from tests.paths import REAL

pytestmark = pytest.mark.skipif(not (REAL / "text").is_dir(), reason=f"no real letters at {REAL}")


@pytest.fixture(scope="module")
def real_groups() -> dict[str, str]:
    """file stem -> its group's first file stem, at the default threshold."""
    minhashes, outcomes, stem = {}, {}, {}
    for path in sorted((REAL / "text").glob("*.txt")):
        determination = parse_text(read_letter(path, 20 << 20)[0], path.name)
        stem[determination.doc_id] = path.stem
        outcomes[determination.doc_id] = near_duplicates.outcome(determination)
        signature = near_duplicates.signature(near_duplicates.rationale_text(determination))
        if signature is not None:
            minhashes[determination.doc_id] = signature
    found = near_duplicates.groups(minhashes, outcomes, settings.load().near_duplicate_threshold)
    return {stem[d]: stem[g] for d, g in found.items()}


@pytest.mark.parametrize("first, second", [
    ("r012", "r060"),  # chiropractic: the same rationale word for word, two different requests
    ("r031", "r168"),  # therapy template, ODG visit table and "not in excess of" reasoning
    ("r032", "r037"),  # lumbar MRI: "the physical examination does not reveal" / "no documentation of"
    ("r055", "r189"),  # lumbar MRI: one letter adds "no neurological abnormalities" sentence
])
def test_near_identical_real_letters_are_grouped(real_groups, first, second):
    assert first in real_groups and real_groups[first] == real_groups[second]


@pytest.mark.parametrize("first, second", [
    ("r031", "r187"),  # the same template, but r187 finds the therapy "not in excess" and overturns
    ("r060", "r095"),  # chiropractic template, opposite decisions and different findings
    ("r009", "r058"),  # r058's reasoning is a part of r009's longer one
])
def test_alike_but_different_real_letters_stay_apart(real_groups, first, second):
    assert real_groups.get(first) is None or real_groups.get(first) != real_groups.get(second)


def test_only_a_small_share_of_real_letters_collapses(real_groups):
    collapsed = len(real_groups) - len(set(real_groups.values()))
    assert 0 < collapsed <= 0.1 * 194
