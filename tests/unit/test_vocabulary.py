import pytest

from indexer import vocabulary

# Items written in the style of IMR "Issues at dispute" lines -> (category, parent group).
ITEMS = [
    # surgery: the most extensive procedure named, by body part
    ("Right knee arthroscopy with partial medial meniscectomy", "knee arthroscopy", "surgery"),
    ("Arthroscopy of the left knee", "knee arthroscopy", "surgery"),
    ("Right carpal tunnel release", "carpal tunnel release", "surgery"),
    ("Right shoulder arthroscopy with subacromial decompression and rotator cuff repair",
     "rotator cuff repair", "surgery"),
    ("Left shoulder arthroscopy with Bankart repair", "shoulder arthroscopy", "surgery"),
    ("L4-5 and L5-S1 posterior lumbar interbody fusion", "spinal fusion", "surgery"),
    ("Anterior cervical discectomy and fusion C5-6", "spinal fusion", "surgery"),
    ("L4-L5 laminectomy and microdiscectomy", "spinal decompression", "surgery"),
    ("Right total knee arthroplasty", "knee replacement", "surgery"),
    ("Cervical arthroplasty C5-6", "disc replacement", "surgery"),
    ("Left ankle fusion", "joint fusion", "surgery"),
    ("Spinal cord stimulator trial", "spinal cord stimulator", "surgery"),
    ("Lumbar spine surgery", "surgery", "surgery"),
    # surgery-adjacent services are not the surgery
    ("Anesthesia for lumbar ESI", "anesthesia", "perioperative services"),
    ("IV sedation for cervical epidural steroid injection", "anesthesia", "perioperative services"),
    ("Assistant surgeon for lumbar fusion", "assistant surgeon", "perioperative services"),
    ("PA assist", "assistant surgeon", "perioperative services"),
    ("Pre-operative medical clearance", "preoperative clearance", "perioperative services"),
    ("Associated surgical service: 2 day inpatient stay", "hospital stay", "perioperative services"),
    ("Pre-op labs: PT/PTT", "laboratory testing", "diagnostic testing"),
    ("Labs to include: EKG", "cardiac testing", "diagnostic testing"),
    ("Associated surgical service: Cold therapy unit 7 day rental", "cold therapy unit", "equipment"),
    ("Associated surgical service: Shoulder sling with abduction pillow", "sling", "equipment"),
    ("Post-op lumbar brace", "brace", "equipment"),
    ("Post-operative bone growth stimulator", "bone growth stimulator", "equipment"),
    ("Post-op physical therapy 2 times a week for 6 weeks", "physical therapy", "therapy"),
    ("Post-op Zofran 4mg #10", "antiemetic", "medication"),
    # injection
    ("Lumbar medial branch block L4-5 bilateral", "medial branch block", "injection"),
    ("Bilateral L4-5 MBB", "medial branch block", "injection"),
    ("Facet joint injections L4-5, L5-S1", "facet injection", "injection"),
    ("Lumbar facet radiofrequency rhizotomy", "radiofrequency ablation", "injection"),
    ("Right L5-S1 transforaminal epidural steroid injection under fluoroscopic guidance",
     "epidural steroid injection", "injection"),
    ("Trigger point injections x 4 to the trapezius", "trigger point injection", "injection"),
    ("One platelet-rich plasma injection to the right knee", "platelet-rich plasma injection",
     "injection"),
    ("Series of 3 Euflexxa injections, left knee", "viscosupplementation", "injection"),
    ("Intra-articular hyaluronic acid injection, right knee", "viscosupplementation", "injection"),
    ("Cortisone injection to the right shoulder", "joint steroid injection", "injection"),
    ("Injection of 1cc dexamethasone and lidocaine to the right knee", "joint steroid injection",
     "injection"),
    ("Right SI joint injection", "sacroiliac joint injection", "injection"),
    ("Left stellate ganglion block", "nerve block", "injection"),
    ("Injection of neurolytic substance, lumbar spine", "epidural adhesiolysis", "injection"),
    # medication: each class by brand, generic and form
    ("Cyclobenzaprine 7.5mg #90", "muscle relaxant", "medication"),
    ("Norco 10/325mg #120", "opioid", "medication"),
    ("APAP/codeine 300/30mg #60", "opioid", "medication"),
    ("Butrans 10mcg/hr patch #4", "opioid", "medication"),
    ("Tylenol 500mg #100", "acetaminophen", "medication"),
    ("Toradol 60mg IM injection", "nsaid", "medication"),
    ("Voltaren 75mg #60", "nsaid", "medication"),
    ("Diclofenac sodium 3% gel 100gm", "topical analgesic", "medication"),
    ("Flurbiprofen 10%/Lidocaine 5% 120 grams", "topical analgesic", "medication"),
    ("Compounded cream: ketoprofen/cyclobenzaprine/lidocaine", "topical analgesic", "medication"),
    ("Omeprazole 20mg #60", "proton pump inhibitor", "medication"),
    ("Famotidine 20mg #60", "h2 blocker", "medication"),
    ("Gabapentin 600mg #90", "anticonvulsant", "medication"),
    ("Nortriptyline 25mg #30", "antidepressant", "medication"),
    ("Zolpidem 10mg #30", "sleep aid", "medication"),
    ("Diazepam 5mg #10", "benzodiazepine", "medication"),
    ("Medrol Dosepak", "corticosteroid", "medication"),
    ("Fioricet #120", "headache medication", "medication"),
    ("Docusate 100mg #60", "laxative", "medication"),
    ("Theramine #120", "medical food", "medication"),
    ("Viagra 50mg", "erectile dysfunction medication", "medication"),
    ("Zyxonol 10mg #30", "medication", "medication"),
    # therapy
    ("Physical therapy 2x6 for the lumbar spine", "physical therapy", "therapy"),
    ("Physical therapy evaluation, cervical spine", "physical therapy", "therapy"),
    ("Continuation of hand therapy 2 times a week for 6 weeks", "occupational therapy", "therapy"),
    ("Chiropractic manipulation 2x4 for the cervical spine", "chiropractic", "therapy"),
    ("Referral to chiropractor for low back pain, twice a week for 3 weeks", "chiropractic",
     "therapy"),
    ("Twelve infrared acupuncture visits, 2 times weekly for 6 weeks", "acupuncture", "therapy"),
    ("Myofascial release to the low back two times a week", "massage therapy", "therapy"),
    ("Electrical stimulation 1 times 8", "physical modalities", "therapy"),
    ("Pulsed ultrasound 2 times a week for 4 weeks", "physical modalities", "therapy"),
    ("Cervical traction unit for home use", "traction", "therapy"),
    ("Cognitive behavioral therapy 6 sessions", "psychological treatment", "therapy"),
    ("Biofeedback x 6 sessions", "biofeedback", "therapy"),
    # imaging and diagnostic testing
    ("MRI of the cervical spine without contrast", "mri", "imaging"),
    ("Lumbar myelogram with post-myelogram CT", "ct scan", "imaging"),
    ("X-rays of the right knee, 3 views", "x-ray", "imaging"),
    ("Ultrasound of the right shoulder", "ultrasound imaging", "imaging"),
    ("Three phase bone scan of the left foot", "bone scan", "imaging"),
    ("EMG/NCV of the bilateral upper extremities", "electrodiagnostic testing", "diagnostic testing"),
    ("SSEP of the lower extremities", "electrodiagnostic testing", "diagnostic testing"),
    ("Urine drug testing", "urine drug screen", "diagnostic testing"),
    ("Comprehensive metabolic panel", "laboratory testing", "diagnostic testing"),
    ("Functional capacity evaluation", "functional capacity evaluation", "diagnostic testing"),
    ("Comprehensive psychological testing", "psychological testing", "diagnostic testing"),
    ("Jamar grip test", "strength and range of motion testing", "diagnostic testing"),
    ("Electroencephalogram", "electroencephalogram", "diagnostic testing"),
    # equipment, by device
    ("TENS unit 30-day trial", "tens unit", "equipment"),
    ("Associated surgical service: EMS/TENS unit", "tens unit", "equipment"),
    ("H-wave device purchase", "h-wave", "equipment"),
    ("Interferential unit rental x 2 months", "interferential stimulation", "equipment"),
    ("Back support", "brace", "equipment"),
    ("Hot/cold therapy wrap", "hot/cold packs", "equipment"),
    ("Front-wheeled walker", "walking aid", "equipment"),
    ("1 knee scooter", "walking aid", "equipment"),
    ("Standard wheelchair for a 3 month rental", "wheelchair", "equipment"),
    ("Purchase of a bedside 3 in 1 commode", "bathroom equipment", "equipment"),
    ("Hospital bed for an unspecified rental", "hospital bed", "equipment"),
    ("Cervical pillow", "pillow", "equipment"),
    ("Sit-stand workstation", "ergonomic equipment", "equipment"),
    ("Bilateral hearing aids", "hearing aids", "equipment"),
    ("Custom orthotics", "foot orthotics", "equipment"),
    ("DME purchase", "equipment", "equipment"),
    # visits, consultations and exams, apart from therapy
    ("Follow-up visit with pain management", "office visit", "visit"),
    ("Follow up office visit times 3", "office visit", "visit"),
    ("Re-exam with chiropractor for the lumbar spine flare-up", "office visit", "visit"),
    ("Physical exam", "examination", "visit"),
    ("Initial exam", "examination", "visit"),
    ("Spine surgery evaluation for the lumbar spine", "consultation", "visit"),
    ("Pain management consultation for possible lumbar ESI", "consultation", "visit"),
    ("TOC to ortho spine surgeon eval and treatment", "consultation", "visit"),
    ("Psychological evaluation", "psychological evaluation", "visit"),
    ("Initial evaluation with a psychologist", "psychological evaluation", "visit"),
    ("Lumbar epidural steroid injection with pain management consult", "epidural steroid injection",
     "injection"),
    # programs and care services
    ("Functional restoration program x 160 hours", "functional restoration program", "program"),
    ("Work conditioning 12 visits", "work hardening", "program"),
    ("Gym membership x 6 months", "gym membership", "program"),
    ("Partial hospitalization day treatment", "partial hospitalization", "program"),
    ("Home aide 6 hours per day, 5 times a week", "home health care", "care services"),
    ("Daily RN visits for wound care", "home health care", "care services"),
    ("Transportation to/from all medical appointments", "transportation", "care services"),
    ("Two week trial of acute rehabilitation unit", "inpatient rehabilitation", "care services"),
]


@pytest.mark.parametrize("item, category, group", ITEMS)
def test_treatment_of_names_category_and_group(item, category, group):
    assert vocabulary.treatment_of(item) == category
    assert vocabulary.treatment_group(category) == group


@pytest.mark.parametrize("item", ["Something unheard of", "11/11/2016", ""])
def test_unknown_items_have_no_category(item):
    assert vocabulary.treatment_of(item) is None


def test_every_category_has_one_parent_and_words():
    for group, categories in vocabulary.GROUPS.items():
        assert group in vocabulary.TREATMENTS and vocabulary.treatment_group(group) == group
        for category in categories:
            assert category in vocabulary.TREATMENTS and vocabulary.treatment_group(category) == group
    for category in vocabulary.TREATMENTS:
        assert vocabulary.treatment_group(category) is not None, category
    assert vocabulary.treatment_group(None) is None and vocabulary.treatment_group("bogus") is None


def test_no_word_names_two_categories():
    owner: dict[str, str] = {}
    for category, words in [*vocabulary.TREATMENTS.items(), *vocabulary.PROVIDERS.items()]:
        for word in words:
            assert owner.setdefault(word.lower(), category) == category, word


@pytest.mark.parametrize("name, inside, outside", [
    ("surgery", ["surgery", "knee arthroscopy", "carpal tunnel release", "spinal fusion"],
     ["anesthesia", "hospital stay", "bone growth stimulator", "physical therapy"]),
    ("injection", ["epidural steroid injection", "medial branch block", "viscosupplementation"],
     ["anesthesia", "nsaid"]),
    ("medication", ["opioid", "muscle relaxant", "topical analgesic", "medication"], ["mri"]),
    ("visit", ["office visit", "consultation", "examination"], ["physical therapy"]),
    ("equipment", ["tens unit", "brace", "cold therapy unit"], ["physical modalities"]),
    ("DME", ["tens unit", "wheelchair"], ["opioid"]),
    ("opioid", ["opioid"], ["medication", "muscle relaxant"]),
])
def test_a_group_filter_matches_its_children(name, inside, outside):
    matched = vocabulary.categories_in(name)
    assert set(inside) <= matched and not set(outside) & matched


@pytest.mark.parametrize("value, category", [
    ("surgery", "surgery"), ("Injection", "injection"), ("diagnostic testing", "diagnostic testing"),
    ("durable medical equipment", "equipment"), ("visit/evaluation", "visit"),
    ("care/services", "care services"), ("Norco", "opioid"), ("joint injection", "joint steroid injection"),
    ("physical therapy", "physical therapy"), ("muscle relaxer", "muscle relaxant"),
    ("pain pills", "opioid"), ("pain meds", "opioid"), ("narcotics", "opioid"),
    ("nerve test", "electrodiagnostic testing"), ("nerve conduction test", "electrodiagnostic testing"),
    ("nerve study", "electrodiagnostic testing"), ("shots", "injection"), ("steroid shot", "injection"),
    ("back brace", "brace"), ("sleeping pill", "sleep aid"), ("stomach pill", "proton pump inhibitor"),
    ("antacid", "proton pump inhibitor"), ("scan", "imaging"), ("bloodwork", "laboratory testing"),
    ("knee scope", "knee arthroscopy"), ("rehab", "physical therapy"), ("not a treatment", None),
])
def test_canonical_reads_groups_categories_and_lay_words(value, category):
    assert vocabulary.canonical("treatment", value) == category


@pytest.mark.parametrize("word, synonym", [
    ("Norco", "hydrocodone"), ("PT", "physical therapy"), ("soma", "carisoprodol"),
    ("muscle relaxer", "muscle relaxant"), ("pain meds", "pain pills"), ("nerve test", "EMG/NCV"),
    ("stomach pill", "proton pump inhibitor"), ("bloodwork", "blood work"),
    ("knee scope", "knee arthroscopy"), ("back brace", "lumbar support"), ("scan", "imaging"),
])
def test_synonyms_link_brand_generic_abbreviation_and_lay_words(word, synonym):
    assert synonym in vocabulary.synonyms_of(word)


def test_query_mentions_read_context():
    found = [label for _, _, label in vocabulary.treatment_mentions("arthroscopy of the left knee")]
    assert found == ["knee arthroscopy"]
    found = [label for _, _, label in vocabulary.treatment_mentions("follow-up MRI, facet RFA")]
    assert found == ["mri", "radiofrequency ablation"]


@pytest.mark.parametrize("text, part", [
    ("for the left hip", "hip"), ("low back pain", "lumbar spine"), ("C5-6 disc", "cervical spine"),
    ("tailbone pain", "coccyx"), ("Bilateral Lower Legs", "lower extremity"), ("no body", None),
])
def test_body_part_of(text, part):
    assert vocabulary.body_part_of(text) == part


def test_guidelines_in_does_not_count_non_mtus_as_mtus():
    assert vocabulary.guidelines_in(
        "Non-MTUS Citation Official Disability Guidelines (ODG) Hip section") == ["ODG"]
    assert vocabulary.guidelines_in("MTUS ACOEM Chapter 12, ODG Low Back") == ["MTUS", "ACOEM", "ODG"]


def test_decision_language_prefers_the_longer_reading():
    found = [label for _, _, label in vocabulary.decision_mentions("is not medically necessary")]
    assert found == ["Upheld"]
    assert [m[2] for m in vocabulary.decision_mentions("non-certified")] == ["Upheld"]
    assert [m[2] for m in vocabulary.decision_mentions("approved")] == ["Overturned"]
