import pytest

from indexer import vocabulary


@pytest.mark.parametrize("item, category", [
    ("Norco 10/325 #90", "opioid"), ("Hydrocodone/APAP 10/325mg", "opioid"),
    ("Soma 350mg #60", "muscle relaxant"), ("Fexmid 7.5 mg", "muscle relaxant"),
    ("12 PT sessions for the knee", "physical therapy"),
    ("Lumbar ESI L4-5", "epidural steroid injection"), ("Bilateral L4-5 MBB", "facet injection"),
    ("RFA right L3-L5", "radiofrequency ablation"), ("EMG/NCV bilateral upper extremities",
                                                     "electrodiagnostic testing"),
    ("TENS unit rental", "tens unit"), ("H-wave device purchase", "h-wave"),
    ("Functional restoration program x 80 hours", "functional restoration program"),
    ("Urine drug screen", "urine drug screen"), ("Prilosec 20mg", "proton pump inhibitor"),
    ("Right knee arthroscopy", "surgery"), ("MRI of the cervical spine", "mri"),
    ("Acupuncture x 6", "acupuncture"), ("Gym membership x 6 months", "gym membership"),
    ("Toradol injection", "nsaid"), ("Something unheard of", None),
])
def test_treatment_of(item, category):
    assert vocabulary.treatment_of(item) == category


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


def test_synonyms_link_brand_generic_and_abbreviation():
    assert "hydrocodone" in vocabulary.synonyms_of("Norco")
    assert "physical therapy" in vocabulary.synonyms_of("PT")
    assert "carisoprodol" in vocabulary.synonyms_of("soma")
