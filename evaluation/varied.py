"""Scenarios composed from the whole vocabulary and reasons taxonomy, for large varied corpora.

The hand-written scenarios (scenarios.py) are few and carry judged truth; a benchmark at ten
thousand letters needs many treatments, body parts, decisions and reasons instead. A composed
scenario picks a treatment category (indexer/vocabulary.py), a body part where one makes sense,
a decision and a decisive reason of that decision (indexer/reasons.py), and writes the item, the
clinical history and the reviewer's rationale from sentence templates.
"""

from __future__ import annotations

import itertools
import random

from indexer.reasons import DECISION_OF, REASONS
from indexer.vocabulary import BODY_PARTS, GROUPS, TREATMENTS, body_part_of

from .scenarios import Scenario

WITH_BODY_PART = {"surgery", "injection", "therapy", "imaging", "equipment", "diagnostic testing"}
SKIPPED = {"perioperative services", "care services"}
CATEGORIES = [(group, category) for group, categories in GROUPS.items() if group not in SKIPPED
              for category in categories if category in TREATMENTS]
SIDES = ("right", "left", "bilateral", "")

GUIDELINES = [
    ("MTUS Chronic Pain Medical Treatment Guidelines", "The MTUS Chronic Pain Medical Treatment Guidelines "
     "recommend {word} only when specific criteria are met and documented."),
    ("ACOEM Practice Guidelines", "The ACOEM Practice Guidelines address {word} for {where} complaints and "
     "support it after a period of conservative care when clinical findings warrant it."),
    ("Official Disability Guidelines (ODG)", "The Official Disability Guidelines state that {word} is "
     "recommended as an option for selected patients with {where} conditions."),
    ("MTUS Postsurgical Treatment Guidelines", "According to the MTUS, {word} may be indicated when the "
     "condition has not responded to first-line treatment over {weeks} weeks."),
    ("Official Disability Guidelines (ODG), Pain chapter", "ODG notes limited evidence for {word} and "
     "advises that continued use depend on objective benefit."),
]

# reason label -> sentences stating it about this case ({word}: the treatment, {where}: the body)
REASON_SENTENCES = {
    "no functional improvement documented": [
        "After {n} prior sessions the records describe no objective functional improvement: work "
        "status, pain scores and medication use are unchanged.",
        "The notes report temporary relief only, with no measurable gain in activities of daily living."],
    "exceeds recommended number or duration": [
        "The request for {n} visits exceeds the number the guideline allows for this condition.",
        "The claimant has already had more {word} than the recommended course of {weeks} weeks."],
    "prior treatment or results not documented": [
        "The number of prior sessions and their results are not documented in the records provided.",
        "It is unclear how much {word} has already been completed or what it achieved."],
    "conservative or first-line care not tried": [
        "There is no documentation that physical therapy, medication and activity modification were "
        "tried and failed before {word}.",
        "First-line conservative care for the {where} has not been exhausted."],
    "no red flags or neurological findings": [
        "There are no red flags and the neurological examination is normal, with intact strength, "
        "sensation and reflexes.",
        "No progressive neurologic deficit or sign of nerve root compromise is described."],
    "missing objective findings": [
        "The examination records subjective complaints only, without objective findings such as "
        "spasm, instability or a focal deficit.",
        "No objective examination findings of the {where} are documented."],
    "no diagnosis or indication": [
        "The records do not state the diagnosis or the clinical indication for {word}.",
        "No condition is documented for which {word} would be indicated."],
    "not recommended by the guideline": [
        "The guideline does not recommend {word} for this condition because evidence of efficacy is lacking.",
        "{Word} is not recommended, as studies have not shown a lasting benefit."],
    "long-term use not supported": [
        "The medication has been taken daily for {months} months, although it is meant for a short course.",
        "Long-term use of {word} is not supported by the guidelines."],
    "no risk factors": [
        "The claimant is {age} years old with no history of gastrointestinal bleeding or other risk factors.",
        "No risk factor that the request would guard against is documented."],
    "monitoring not documented": [
        "There is no recent urine drug screen, CURES report or signed pain agreement in the records.",
        "Monitoring for aberrant drug-taking behavior is not documented."],
    "no rationale for the request": [
        "The treating physician does not explain how {word} would change the treatment plan.",
        "No clear goal or rationale for {word} is given."],
    "request not specified": [
        "The request does not specify the quantity, frequency or body part for {word}.",
        "The dosage and duration of the request are not stated."],
    "surgery not contemplated": [
        "No surgery or invasive procedure is being considered, so the study would not change management.",
        "The claimant is not a surgical candidate and declines surgery of the {where}."],
    "home exercise program sufficient": [
        "The claimant has been instructed in exercises and should continue a self-directed home program.",
        "A home exercise program is sufficient at this stage of recovery."],
    "duplicate or recent study": [
        "An MRI of the {where} was performed {months} months ago and no new findings are described.",
        "The same service was authorized recently and its results are pending."],
    "primary request not certified": [
        "The associated surgery was not certified, so this related service is not necessary.",
        "Because the primary procedure was not approved, {word} is not needed."],
    "not part of a rehabilitation program": [
        "{Word} is supported only as an adjunct to an active rehabilitation program, which is not "
        "documented.",
        "There is no concurrent program of functional restoration with which {word} would be used."],
    "guideline criteria not met": [
        "The guideline criteria for {word} are not met on the records reviewed.",
        "The documentation does not satisfy the criteria for {word}."],
    "functional improvement documented": [
        "Prior {word} produced documented functional improvement: the claimant returned to modified "
        "duty and reduced medication use.",
        "Pain fell from 8/10 to 4/10 and walking tolerance doubled with treatment."],
    "within recommended number or duration": [
        "The {n} visits requested fall within the number the guideline recommends.",
        "The request is within the recommended duration of {weeks} weeks."],
    "conservative care failed": [
        "The claimant failed {months} months of physical therapy, medication and injections.",
        "Conservative treatment of the {where} has been tried and has failed."],
    "red flags or neurological findings present": [
        "The examination shows a dermatomal sensory loss, a diminished reflex and weakness.",
        "Progressive neurologic deficit of the {where} is documented."],
    "objective findings documented": [
        "Imaging shows a full-thickness tear and the examination documents instability.",
        "Objective findings of the {where} on examination and imaging support the request."],
    "risk factors present": [
        "The claimant is {age} years old with a history of ulcer disease and takes an anticoagulant.",
        "Comorbid diabetes and hypertension increase the risk and support the request."],
    "acute or post-operative need": [
        "The claimant is {weeks} weeks after surgery and within the postsurgical treatment period.",
        "The request addresses an acute injury for a short course."],
    "primary request certified": [
        "The associated surgery was certified, so this related service is appropriate.",
        "The primary procedure has been approved and {word} is needed to perform it."],
    "guideline criteria met": [
        "The guideline criteria for {word} are met on the records reviewed.",
        "The documentation satisfies each of the criteria for {word}."],
}
assert set(REASON_SENTENCES) == set(REASONS), "every reason needs sentences"

FACTS = [
    "The most recent progress report rates pain at {p}/10.",
    "Examination shows tenderness of the {where} and reduced range of motion.",
    "The claimant works modified duty with lifting restrictions.",
    "The claimant has not worked since the injury.",
    "Current medications include an anti-inflammatory and a topical cream.",
    "The claimant reports sleep disturbance because of pain.",
    "A prior utilization review modified a similar request.",
    "The treating physician's note of {months} months ago describes the same complaints.",
]
HISTORY = [
    "The worker reports persistent {where} pain since the injury.",
    "Treatment to date has included medication, {n} therapy visits and activity modification.",
    "The treating physician requests {word} to help {his_her} return to full duty.",
    "Pain is rated {p}/10 and worsens with prolonged sitting and standing.",
    "Imaging of the {where} showed degenerative changes.",
    "The claimant underwent surgery of the {where} {years} years ago.",
]
ITEMS = {
    "therapy": ["{Word} {x}x{y} for the {where}", "{n} sessions of {word}, {where}",
                "Additional {word} x {n} visits"],
    "medication": ["{Word} {dose} mg #{count}", "{Word} {dose} mg, {count} tablets",
                   "Retrospective request for {word} {dose} mg #{count}"],
    "injection": ["{Side} {where} {word}", "{Word} at the {where}", "Repeat {word}, {where}"],
    "imaging": ["{Word} of the {where}", "{Side} {where} {word}", "Repeat {word} of the {where}"],
    "surgery": ["{Side} {where} {word}", "{Word} of the {where}", "Outpatient {word}, {where}"],
}
DEFAULT_ITEMS = ["{Word} for the {where}", "{Word}", "Purchase of {word}", "{Word}, {n} units"]
CONCLUSIONS = {"Upheld": ["Therefore, the request for {item} is not medically necessary.",
                          "As such, {item} is not medically necessary and appropriate."],
               "Overturned": ["Therefore, the request for {item} is medically necessary.",
                              "As such, {item} is medically necessary and appropriate."]}
_keys = itertools.count()


def _words(category: str, rng: random.Random) -> str:
    """A word for the category, mostly its plain name, sometimes a brand, generic or abbreviation."""
    names = TREATMENTS[category]
    return names[0] if rng.random() < 0.6 else rng.choice(names[: 8])


def _format(template: str, rng: random.Random, **slots: str) -> str:
    word, where = slots.get("word", ""), slots.get("where") or "affected"
    values = {"n": rng.choice([6, 8, 12, 18, 24]), "weeks": rng.choice([4, 6, 8, 12]),
              "months": rng.choice([3, 6, 9, 14, 20]), "years": rng.choice([2, 3, 5]),
              "p": rng.randint(4, 9), "x": rng.choice([1, 2, 3]), "y": rng.choice([4, 6, 8]),
              "dose": rng.choice([5, 10, 50, 100, 300, 350]), "count": rng.choice([30, 60, 90, 120]),
              "side": rng.choice(SIDES), "age": slots.get("age", "50"),
              "his_her": slots.get("his_her", "their"), **slots, "where": where}
    values.update(Word=word[:1].upper() + word[1:], Side=values["side"].capitalize())
    text = template.format(**values).replace("  ", " ").strip()
    return text[:1].upper() + text[1:]


def scenario(rng: random.Random) -> Scenario:
    """Compose one scenario: a treatment, maybe a body part, a decision and its decisive reason."""
    group, category = rng.choice(CATEGORIES)
    body = body_part_of(category)
    if body is None and group in WITH_BODY_PART:
        body = rng.choice(list(BODY_PARTS))
    where = rng.choice(BODY_PARTS[body][:3]) if body else ""
    decision = "Upheld" if rng.random() < 0.7 else "Overturned"
    reason = rng.choice([label for label, side in DECISION_OF.items() if side == decision])
    word = _words(category, rng)
    slots = {"word": word, "where": where}
    items = tuple(_format(t, rng, **slots) for t in rng.sample(ITEMS.get(group, DEFAULT_ITEMS), 2))
    history = tuple(_format(t, rng, **slots) for t in rng.sample(HISTORY, 2))
    guideline, guideline_sentence = rng.choice(GUIDELINES)
    rationale = [_format(guideline_sentence, rng, **slots),
                 *(_format(t, rng, **slots) for t in rng.sample(REASON_SENTENCES[reason], rng.randint(1, 2))),
                 *(_format(t, rng, **slots) for t in rng.sample(FACTS, rng.randint(0, 2))),
                 rng.choice(CONCLUSIONS[decision]).format(item=word)]
    return Scenario(f"varied-{next(_keys)}", category, body, decision, reason, items, history,
                    tuple(rationale), guideline)
