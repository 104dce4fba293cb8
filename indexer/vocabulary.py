"""The domain vocabulary of IMR letters, shared by ingestion and query understanding.

Treatments and drugs map to a lower-case category, body parts to a normalized region,
guideline names to a short source, and decision language to Upheld/Overturned. Parsing uses
these to label disputed items; retrieval uses the same tables to read queries and to expand
abbreviations, brand and generic names.
"""

from __future__ import annotations

import re
from functools import cache

# category -> words that name it (brand, generic, abbreviation, plain English).
# Order matters only for ties: the earliest mention in an item wins, then the longest.
TREATMENTS: dict[str, list[str]] = {
    "physical therapy": ["physical therapy", "physiotherapy", "PT", "physical medicine",
                         "therapeutic exercise", "post-operative therapy", "postoperative therapy"],
    "occupational therapy": ["occupational therapy", "OT", "hand therapy"],
    "aquatic therapy": ["aquatic therapy", "aqua therapy", "pool therapy", "aquatherapy"],
    "chiropractic": ["chiropractic", "chiropractor", "manipulation", "manual therapy"],
    "acupuncture": ["acupuncture", "electroacupuncture"],
    "massage therapy": ["massage"],
    "work hardening": ["work hardening", "work conditioning"],
    "functional restoration program": ["functional restoration program", "functional restoration",
                                       "FRP", "multidisciplinary pain program",
                                       "chronic pain program", "HELP program"],
    "home exercise": ["home exercise program", "home exercise", "HEP"],
    "opioid": ["opioid", "opioids", "opiate", "narcotic", "Norco", "hydrocodone", "Vicodin",
               "oxycodone", "OxyContin", "Percocet", "Endocet", "tramadol", "Ultram", "Ultracet",
               "Nucynta", "tapentadol", "morphine", "MS Contin", "Kadian", "methadone",
               "fentanyl", "Duragesic", "Dilaudid", "hydromorphone", "codeine", "Tylenol #3",
               "Tylenol with codeine", "buprenorphine", "Butrans", "Suboxone", "oxymorphone",
               "Opana"],
    "muscle relaxant": ["muscle relaxant", "muscle relaxants", "Soma", "carisoprodol", "Flexeril",
                        "Fexmid", "cyclobenzaprine", "Amrix", "Zanaflex", "tizanidine", "baclofen",
                        "methocarbamol", "Robaxin", "Skelaxin", "metaxalone", "orphenadrine",
                        "Norflex"],
    "nsaid": ["NSAID", "NSAIDs", "Duexis", "Vimovo", "flurbiprofen", "ketoprofen", "Arthrotec",
              "non-steroidal anti-inflammatory", "anti-inflammatory",
              "ibuprofen", "Motrin", "naproxen", "Naprosyn", "Anaprox", "Celebrex", "celecoxib",
              "meloxicam", "Mobic", "diclofenac", "etodolac", "Lodine", "nabumetone", "Relafen",
              "ketorolac", "Toradol", "Nalfon", "fenoprofen", "Daypro"],
    "proton pump inhibitor": ["proton pump inhibitor", "PPI", "omeprazole", "Prilosec",
                              "pantoprazole", "Protonix", "esomeprazole", "Nexium", "lansoprazole",
                              "Prevacid", "ranitidine", "Zantac"],
    "anticonvulsant": ["anticonvulsant", "antiepilepsy drug", "AED", "gabapentin", "Neurontin",
                       "Gralise", "pregabalin", "Lyrica", "topiramate", "Topamax"],
    "antidepressant": ["antidepressant", "amitriptyline", "Elavil", "nortriptyline", "duloxetine",
                       "Cymbalta", "venlafaxine", "Effexor", "sertraline", "Zoloft", "fluoxetine",
                       "Prozac", "Wellbutrin", "bupropion", "Savella"],
    "sleep aid": ["sleep aid", "hypnotic", "Ambien", "zolpidem", "Lunesta", "eszopiclone",
                  "Sonata", "trazodone", "Restoril", "temazepam"],
    "benzodiazepine": ["benzodiazepine", "benzodiazepines", "Xanax", "alprazolam", "Valium",
                       "diazepam", "Klonopin", "clonazepam", "Ativan", "lorazepam"],
    "topical analgesic": ["topical analgesic", "topical", "compounded cream", "compound cream",
                          "Medrox", "Flurbiprofen cream", "cream", "gel", "ointment", "patch",
                          "patches", "lotion",
                          "compounded", "Lidoderm", "lidocaine patch", "Terocin", "Flector",
                          "Voltaren gel", "capsaicin", "Menthoderm", "Ketoprofen cream",
                          "transdermal"],
    "medical food": ["medical food", "Theramine", "Sentra", "Trepadone", "GABAdone"],
    "epidural steroid injection": ["epidural steroid injection", "epidural steroid injections",
                                   "epidural injection", "epidural", "ESI", "transforaminal",
                                   "interlaminar"],
    "facet injection": ["facet injection", "facet joint injection", "medial branch block",
                        "medial branch blocks", "MBB", "facet block", "facet blocks"],
    "radiofrequency ablation": ["radiofrequency ablation", "radiofrequency neurotomy",
                                "rhizotomy", "RFA", "radiofrequency"],
    "trigger point injection": ["trigger point injection", "trigger point injections", "TPI"],
    "joint injection": ["cortisone injection", "corticosteroid injection", "steroid injection",
                        "intra-articular injection", "viscosupplementation", "Synvisc",
                        "hyaluronic acid injection", "Supartz", "Orthovisc", "PRP",
                        "platelet rich plasma", "platelet-rich plasma", "SI joint injection",
                        "sacroiliac joint injection", "knee injection", "shoulder injection"],
    "botulinum toxin injection": ["Botox", "botulinum"],
    "nerve block": ["nerve block", "stellate ganglion block", "sympathetic block",
                    "occipital nerve block"],
    "spinal cord stimulator": ["spinal cord stimulator", "SCS", "neurostimulator"],
    "surgery": ["surgery", "surgical", "arthroscopy", "arthroscopic", "fusion", "discectomy",
                "laminectomy", "decompression", "arthroplasty", "replacement", "meniscectomy",
                "carpal tunnel release", "rotator cuff repair", "microdiscectomy",
                "foraminotomy", "release", "repair"],
    "mri": ["MRI", "magnetic resonance imaging", "MR arthrogram", "MRA"],
    "ct scan": ["CT scan", "CT", "computed tomography"],
    "x-ray": ["x-ray", "x-rays", "xray", "radiograph", "radiographs"],
    "electrodiagnostic testing": ["EMG/NCV", "EMG/NCS", "EMG", "NCV", "NCS", "electromyography",
                                  "nerve conduction", "electrodiagnostic"],
    "urine drug screen": ["urine drug screen", "urine drug screening", "urine drug test",
                          "urine toxicology", "UDS", "UDT", "drug screen", "drug testing"],
    "laboratory testing": ["laboratory", "lab work", "blood test", "blood work", "CBC",
                           "metabolic panel"],
    "tens unit": ["TENS", "transcutaneous electrical nerve stimulation", "TENS unit"],
    "h-wave": ["H-wave", "H wave", "Hwave"],
    "interferential stimulation": ["interferential", "IF unit", "ICS", "muscle stimulator", "NMES",
                                   "EMS unit"],
    "durable medical equipment": ["durable medical equipment", "DME", "brace", "cane", "walker",
                                  "wheelchair", "cold therapy unit", "hot/cold", "cryotherapy",
                                  "continuous passive motion", "CPM", "lumbar support",
                                  "cervical collar", "traction", "orthotics", "orthotic",
                                  "shoe inserts", "splint", "heating pad", "mattress",
                                  "shower chair", "hospital bed", "crutches", "TheraCane",
                                  "exercise ball", "resistance bands", "interferential unit"],
    "psychological treatment": ["psychotherapy", "psychological treatment", "psychological",
                                "psych evaluation", "psych", "psychologist",
                                "cognitive behavioral therapy", "CBT", "psychiatric",
                                "psychology", "biofeedback", "counseling"],
    "consultation": ["consultation", "consult", "referral", "evaluation and management",
                     "specialist", "follow-up visit", "office visit", "clearance",
                     "second opinion"],
    "transportation": ["transportation", "transport"],
    "functional capacity evaluation": ["functional capacity evaluation", "FCE"],
    "home health care": ["home health", "home health care", "home care", "home assistance",
                         "caregiver"],
    "gym membership": ["gym membership", "gym"],
    "weight loss program": ["weight loss program", "weight loss"],
    "shockwave therapy": ["extracorporeal shockwave", "shockwave", "ESWT", "shock wave"],
    "sleep study": ["sleep study", "polysomnography"],
    "injection": ["injection", "injections", "B12 injection", "Toradol injection"],
}

BODY_PARTS: dict[str, list[str]] = {
    "lumbar spine": ["lumbar spine", "lumbar", "low back", "lower back", "lumbosacral",
                     "L-spine", "LS spine", "L1-2", "L2-3", "L3-4", "L4-5", "L5-S1", "L4-S1",
                     "sacroiliac", "SI joint"],
    "cervical spine": ["cervical spine", "cervical", "neck", "C-spine", "C3-4", "C4-5", "C5-6",
                       "C6-7", "C7-T1"],
    "thoracic spine": ["thoracic spine", "thoracic", "mid back", "upper back", "T-spine"],
    "shoulder": ["shoulder", "shoulders", "rotator cuff", "acromioclavicular"],
    "knee": ["knee", "knees", "meniscus", "patella", "patellar"],
    "hip": ["hip", "hips"],
    "elbow": ["elbow", "elbows", "epicondylitis"],
    "wrist": ["wrist", "wrists", "carpal tunnel"],
    "hand": ["hand", "hands", "finger", "fingers", "thumb"],
    "ankle": ["ankle", "ankles"],
    "foot": ["foot", "feet", "plantar", "heel"],
    "head": ["head", "concussion", "headache", "headaches", "migraine"],
    "coccyx": ["coccyx", "tailbone", "coccydynia"],
    "pelvis": ["pelvis", "pelvic", "groin"],
    "lower extremity": ["lower extremity", "lower extremities", "lower leg", "lower legs", "leg",
                        "legs", "calf", "thigh"],
    "upper extremity": ["upper extremity", "upper extremities", "arm", "arms", "forearm"],
}

GUIDELINES: dict[str, list[str]] = {
    "MTUS": ["MTUS", "Medical Treatment Utilization Schedule",
             "Chronic Pain Medical Treatment Guidelines", "Chronic Pain Treatment Guidelines",
             "Postsurgical Treatment Guidelines", "9792.2"],
    "ACOEM": ["ACOEM", "American College of Occupational and Environmental Medicine"],
    "ODG": ["ODG", "Official Disability Guidelines", "Official Disability Guideline"],
}
OTHER_GUIDELINE = ["Non-MTUS Citation", "Non-MTUS", "AMA Guides", "FDA", "National Guideline",
                   "AHRQ", "Medline", "UpToDate", "peer-reviewed"]

DECISIONS: dict[str, list[str]] = {
    "Upheld": ["upheld", "uphold", "denied", "denial", "denials", "deny", "not medically necessary",
               "non-certified", "noncertified", "non-certification", "noncertification",
               "not certified", "not approved", "not necessary", "not warranted",
               "not recommended", "not supported", "rejected", "refused"],
    "Overturned": ["overturned", "overturn", "overturns", "approved", "approve", "certified",
                   "medically necessary", "granted", "allowed", "authorized", "reversed"],
}


def _pattern(words: list[str]) -> re.Pattern:
    """Compile the words into one alternation matching whole words only."""
    ordered = sorted(set(words), key=len, reverse=True)
    alternatives = []
    for word in ordered:
        escaped = re.escape(word).replace(r"\ ", r"[\s-]+")
        # Upper-case abbreviations must match as written ("PT", not "pt" in "apt").
        flags = "" if word.isupper() and len(word) <= 5 else "(?i:"
        alternatives.append(f"(?:{escaped})" if not flags else f"{flags}{escaped})")
    return re.compile(r"(?<![\w/-])(?:" + "|".join(alternatives) + r")(?![\w])")


@cache
def _compiled(table_name: str) -> list[tuple[str, re.Pattern]]:
    table = {"treatments": TREATMENTS, "body_parts": BODY_PARTS, "guidelines": GUIDELINES,
             "decisions": DECISIONS}[table_name]
    return [(label, _pattern(words)) for label, words in table.items()]


def _mentions(text: str, table_name: str) -> list[tuple[int, int, str]]:
    """Return (start, end, label) for every mention of a label's words in text."""
    found = []
    for label, pattern in _compiled(table_name):
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), label))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    return found


def _first(text: str, table_name: str) -> str | None:
    mentions = _mentions(text or "", table_name)
    return mentions[0][2] if mentions else None


TOPICAL_FORMS = re.compile(r"(?i)\b(?:cream|gel|ointment|lotion|patch(?:es)?|topical|compound(?:ed)?|"
                           r"transdermal)\b")


def treatment_of(item: str) -> str | None:
    """Name the treatment category of a disputed item, e.g. 'Norco 10/325 #90' -> 'opioid'."""
    mentions = _mentions(item or "", "treatments")
    # A cream or patch of a non-opioid drug is a topical analgesic ("diclofenac gel").
    if TOPICAL_FORMS.search(item or "") and not any(m[2] == "opioid" for m in mentions):
        if any(m[2] in ("nsaid", "anticonvulsant", "muscle relaxant", "topical analgesic",
                        "antidepressant") for m in mentions):
            return "topical analgesic"
    # The generic "injection" and "consultation" words are weaker than a specific category.
    specific = [m for m in mentions if m[2] not in ("injection", "consultation")]
    chosen = specific or mentions
    return chosen[0][2] if chosen else None


def body_part_of(text: str) -> str | None:
    """Name the body region the text mentions first, e.g. 'left hip' -> 'hip'."""
    return _first(text, "body_parts")


def body_parts_in(text: str) -> list[str]:
    """List body regions by how often the text mentions them, most first."""
    counts: dict[str, int] = {}
    for _, _, label in _mentions(text or "", "body_parts"):
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts, key=lambda label: -counts[label])


def guidelines_in(text: str) -> list[str]:
    """List the guideline sources cited in text, in a fixed order (MTUS, ACOEM, ODG, Other)."""
    cited = {label for _, _, label in _mentions(text or "", "guidelines")}
    ordered = [name for name in GUIDELINES if name in cited]
    other = _pattern(OTHER_GUIDELINE).search(text or "")
    if other and not re.match(r"(?i)non-mtus citation official disability",
                              (text or "")[other.start():other.start() + 60]):
        ordered.append("Other")
    return ordered


def treatment_mentions(text: str) -> list[tuple[int, int, str]]:
    """Return every (start, end, category) treatment mention in text."""
    return _mentions(text or "", "treatments")


def body_part_mentions(text: str) -> list[tuple[int, int, str]]:
    """Return every (start, end, region) body part mention in text."""
    return _mentions(text or "", "body_parts")


def guideline_mentions(text: str) -> list[tuple[int, int, str]]:
    """Return every (start, end, source) guideline mention in text."""
    return _mentions(text or "", "guidelines")


def decision_mentions(text: str) -> list[tuple[int, int, str]]:
    """Return every (start, end, decision) piece of decision language in text."""
    mentions = _mentions(text or "", "decisions")
    # "not medically necessary" also contains "medically necessary": keep the longer reading.
    kept: list[tuple[int, int, str]] = []
    for start, end, label in mentions:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, label))
    return kept


def synonyms(category_or_region: str) -> list[str]:
    """Return every word that names a treatment category or body region."""
    return TREATMENTS.get(category_or_region) or BODY_PARTS.get(category_or_region) or []


def canonical(key: str, value: str) -> str | None:
    """Normalize a filter value the way the index stores it; None when unknown."""
    value = value.strip()
    if key == "decision":
        lowered = value.lower()
        for decision, words in DECISIONS.items():
            if lowered == decision.lower() or lowered in [w.lower() for w in words]:
                return decision
        return None
    if key == "guideline":
        for name in [*GUIDELINES, "Other"]:
            if value.lower() == name.lower():
                return name
        return _first(value, "guidelines")
    if key == "treatment":
        if value.lower() in TREATMENTS:
            return value.lower()
        return treatment_of(value)
    if key == "body_part":
        if value.lower() in BODY_PARTS:
            return value.lower()
        return body_part_of(value)
    return value


# Words that name the same thing: abbreviations and long forms, brands and generics.
SYNONYM_GROUPS: list[list[str]] = [
    ["PT", "physical therapy", "physiotherapy"], ["OT", "occupational therapy"],
    ["ESI", "epidural steroid injection", "epidural injection"],
    ["FRP", "functional restoration program", "functional restoration"],
    ["UDS", "UDT", "urine drug screen", "urine drug test", "urine toxicology"],
    ["MBB", "medial branch block", "facet injection"],
    ["RFA", "radiofrequency ablation", "radiofrequency neurotomy", "rhizotomy"],
    ["TENS", "transcutaneous electrical nerve stimulation"], ["H-wave", "H wave"],
    ["EMG/NCV", "EMG", "NCV", "electromyography", "nerve conduction"],
    ["HEP", "home exercise program", "home exercise"], ["DME", "durable medical equipment"],
    ["SCS", "spinal cord stimulator"], ["TPI", "trigger point injection"],
    ["FCE", "functional capacity evaluation"], ["CBT", "cognitive behavioral therapy"],
    ["PPI", "proton pump inhibitor"], ["NSAID", "anti-inflammatory", "non-steroidal"],
    ["TTD", "total temporary disability", "temporarily totally disabled"],
    ["MRI", "magnetic resonance imaging"], ["PRP", "platelet rich plasma"],
    ["ESWT", "extracorporeal shockwave", "shockwave"], ["UR", "utilization review"],
    ["Norco", "hydrocodone", "Vicodin"], ["Percocet", "oxycodone", "OxyContin", "Endocet"],
    ["Ultram", "tramadol", "Ultracet"], ["Nucynta", "tapentadol"], ["MS Contin", "morphine"],
    ["Duragesic", "fentanyl"], ["Dilaudid", "hydromorphone"],
    ["Butrans", "buprenorphine", "Suboxone"], ["Soma", "carisoprodol"],
    ["Flexeril", "Fexmid", "cyclobenzaprine", "Amrix"], ["Zanaflex", "tizanidine"],
    ["Robaxin", "methocarbamol"], ["Skelaxin", "metaxalone"], ["Norflex", "orphenadrine"],
    ["Motrin", "ibuprofen"], ["Naprosyn", "naproxen", "Anaprox"], ["Celebrex", "celecoxib"],
    ["Mobic", "meloxicam"], ["Voltaren", "diclofenac"], ["Toradol", "ketorolac"],
    ["Prilosec", "omeprazole"], ["Protonix", "pantoprazole"], ["Nexium", "esomeprazole"],
    ["Neurontin", "gabapentin"], ["Lyrica", "pregabalin"], ["Topamax", "topiramate"],
    ["Cymbalta", "duloxetine"], ["Elavil", "amitriptyline"], ["Ambien", "zolpidem"],
    ["Lunesta", "eszopiclone"], ["Xanax", "alprazolam"], ["Valium", "diazepam"],
    ["Klonopin", "clonazepam"], ["Lidoderm", "lidocaine patch"],
    ["low back", "lumbar", "lumbar spine", "lumbosacral"], ["neck", "cervical", "cervical spine"],
    ["tailbone", "coccyx", "coccydynia"],
]
CLASS_WORDS = {"opioid", "opioids", "narcotic", "muscle relaxant", "muscle relaxants", "NSAID",
               "NSAIDs", "proton pump inhibitor", "anticonvulsant", "antidepressant",
               "benzodiazepine", "benzodiazepines", "topical", "sleep aid", "medical food"}
ABBREVIATIONS = {word for words in [*TREATMENTS.values(), *SYNONYM_GROUPS] for word in words
                 if word.isupper() and len(word) <= 7}


def synonyms_of(word: str) -> list[str]:
    """Return the other names of a word (PT -> physical therapy, Norco -> hydrocodone)."""
    lowered = word.lower()
    found: list[str] = []
    for group in SYNONYM_GROUPS:
        if lowered in (w.lower() for w in group):
            found.extend(w for w in group if w.lower() != lowered and w not in found)
    return found
