"""Reviewer questions nobody asked before: treatments x reasons x body parts x phrasings, seeded.

A benchmark that repeats its questions measures caches. These are generated from the same
vocabulary the letters use (brand and lay words included, e.g. "muscle relaxer"), the reasons
taxonomy in plain words, and the phrasings reviewers type, each question distinct.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from indexer.vocabulary import BODY_PARTS, GROUPS, TREATMENTS

# reason label -> how a reviewer says it
REASON_WORDS = {
    "no functional improvement documented": ["lack of functional improvement",
                                             "no improvement from prior sessions",
                                             "no documented functional gains"],
    "exceeds recommended number or duration": ["too many visits", "exceeding the guideline visit limit"],
    "prior treatment or results not documented": ["prior sessions not documented", "unknown prior results"],
    "conservative or first-line care not tried": ["no conservative care tried",
                                                  "without failed conservative treatment"],
    "no red flags or neurological findings": ["no red flags", "normal neuro exam",
                                              "without neurological deficits"],
    "missing objective findings": ["no objective findings", "subjective complaints only"],
    "no diagnosis or indication": ["no diagnosis", "no clear indication"],
    "not recommended by the guideline": ["not recommended by guidelines", "guidelines do not recommend it"],
    "long-term use not supported": ["long term use", "chronic use beyond a short course"],
    "no risk factors": ["no GI risk factors", "no risk factors"],
    "monitoring not documented": ["no urine drug screen", "no pain agreement or CURES"],
    "no rationale for the request": ["no rationale given", "unclear how it changes treatment"],
    "request not specified": ["quantity not specified", "no dosage or duration"],
    "surgery not contemplated": ["no surgery planned", "not a surgical candidate"],
    "home exercise program sufficient": ["home exercise is enough", "should do a home program"],
    "duplicate or recent study": ["recent MRI already done", "duplicate study"],
    "primary request not certified": ["surgery itself denied", "primary procedure not certified"],
    "not part of a rehabilitation program": ["not part of active rehab", "no functional restoration program"],
    "guideline criteria not met": ["criteria not met", "does not meet MTUS criteria"],
    "functional improvement documented": ["documented functional improvement",
                                          "returned to work after treatment"],
    "within recommended number or duration": ["within guideline visit limits",
                                               "within the recommended course"],
    "conservative care failed": ["failed conservative care", "after physical therapy failed"],
    "red flags or neurological findings present": ["neurological deficit", "radiculopathy on exam"],
    "objective findings documented": ["objective findings on MRI", "positive exam findings"],
    "risk factors present": ["history of ulcer", "GI risk factors present"],
    "acute or post-operative need": ["after surgery", "post-op"],
    "primary request certified": ["surgery was approved", "primary procedure certified"],
    "guideline criteria met": ["criteria met", "meets MTUS criteria"],
}
DENIED = ["denied", "upheld", "not medically necessary", "non-certified", "rejected"]
APPROVED = ["approved", "overturned", "found medically necessary", "authorized"]
PHRASINGS = [
    "{treatment} denied for {reason}",
    "was {body} {treatment} upheld {reason}",
    "{treatment} for the {body} {decision}",
    "why was {treatment} {decision}",
    "{treatment} {decision} {reason}",
    "IMR {decision} {treatment} {body}",
    "did the reviewer approve {treatment} for {body} pain",
    "{body} {treatment} {reason}",
    "cases where {treatment} was {decision} because of {reason}",
    "{treatment} after {n} sessions {reason}",
    "{treatment} {body}",
    "how often is {treatment} {decision}",
    "{reason} {treatment}",
    "{treatment} overturned {reason}",
    "precedent for {treatment} {body} {reason}",
]
SKIPPED_GROUPS = {"perioperative services"}
CATEGORIES = [c for group, categories in GROUPS.items() if group not in SKIPPED_GROUPS
              for c in categories if c in TREATMENTS]
# what reviewers ask about most often, drawn more often than the long tail
COMMON = ["physical therapy", "mri", "opioid", "epidural steroid injection", "muscle relaxant",
          "acupuncture", "chiropractic", "spinal fusion", "knee arthroscopy", "tens unit",
          "urine drug screen", "proton pump inhibitor", "topical analgesic", "electrodiagnostic testing"]


def _treatment_word(category: str, rng: random.Random) -> str:
    words = TREATMENTS[category]
    return words[0] if rng.random() < 0.4 else rng.choice(words)


def question(rng: random.Random) -> str:
    """One reviewer question, e.g. "PT denied for lack of functional improvement"."""
    category = rng.choice(COMMON if rng.random() < 0.4 else CATEGORIES)
    region = rng.choice(list(BODY_PARTS))
    reason = rng.choice(list(REASON_WORDS))
    text = rng.choice(PHRASINGS).format(
        treatment=_treatment_word(category, rng), body=rng.choice(BODY_PARTS[region][:6]),
        reason=rng.choice(REASON_WORDS[reason]),
        decision=rng.choice(DENIED if rng.random() < 0.7 else APPROVED), n=rng.choice([6, 12, 24]))
    return " ".join(text.split())


def questions(seed: int = 1) -> Iterator[str]:
    """Yield distinct questions forever (in practice: tens of thousands before any could repeat)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    while True:
        text = question(rng)
        if text.lower() not in seen:
            seen.add(text.lower())
            yield text


def take(count: int, seed: int = 1) -> list[str]:
    """The first count distinct questions of the seed."""
    stream = questions(seed)
    return [next(stream) for _ in range(count)]
