"""Write evaluation/judged.json: reviewer queries with graded judgments.

Grades for synthetic letters follow from their known truth (which scenario each disputed item
came from); grades for the five real seeds were assigned by reading them. Run once after the
corpus changes: python -m evaluation.judge
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent

# (query, scenarios graded 2, scenarios graded 1, {seed doc_id: grade}, paraphrase?)
QUERIES = [
    ("PT denied for lack of functional improvement", ["pt-no-improvement"],
     ["acupuncture-no-improvement", "chiro-exceeds"],
     {"000_74dc26ae42cf2dcd": 2, "002_6a0a26d25a8a10ba": 2, "004_7412a174a059eca0": 2,
      "001_51724547fdffc05b": 1, "003_62a2a58c2269f96f": 1}, False),
    ("physical therapy request exceeds the 8-10 visits MTUS allows", ["pt-no-improvement"], [],
     {"001_51724547fdffc05b": 2, "002_6a0a26d25a8a10ba": 2, "003_62a2a58c2269f96f": 2,
      "000_74dc26ae42cf2dcd": 1, "004_7412a174a059eca0": 1}, False),
    ("post-operative physical therapy approved after knee arthroscopy", ["pt-postop-approved"],
     ["knee-arthroscopy"], {}, False),
    ("acupuncture not certified without documented functional improvement",
     ["acupuncture-no-improvement"], ["acupuncture-trial"], {}, False),
    ("first acupuncture trial when pills upset the stomach", ["acupuncture-trial"],
     ["acupuncture-no-improvement"], {}, True),
    ("chiropractic visits beyond the guideline maximum", ["chiro-exceeds"], [], {}, False),
    ("Norco denied no urine drug screen or pain contract", ["opioid-no-monitoring"],
     ["opioid-documented-benefit", "uds-recent"], {}, False),
    ("pain pills continued because the worker went back to work and functions better",
     ["opioid-documented-benefit"], ["opioid-no-monitoring"], {}, True),
    ("Soma long term use", ["relaxant-long-term"], ["compound-topical"], {}, False),
    ("cyclobenzaprine prescribed for months", ["relaxant-long-term"], ["compound-topical"], {},
     False),
    ("ESI denied radiculopathy not corroborated by imaging", ["esi-no-radiculopathy"],
     ["esi-radiculopathy"], {}, False),
    ("epidural injection overturned with nerve root compression on MRI", ["esi-radiculopathy"],
     ["esi-no-radiculopathy"], {}, False),
    ("lumbar MRI without red flags", ["mri-no-red-flags"], ["mri-knee-approved"], {}, False),
    ("knee MRI approved for locking and a possible meniscus tear", ["mri-knee-approved"],
     ["knee-arthroscopy"], {}, False),
    ("urine drug testing too frequent for a low risk patient", ["uds-recent"],
     ["opioid-no-monitoring"], {}, False),
    ("TENS unit purchase without a one month trial", ["tens-no-trial"], [], {}, False),
    ("functional restoration program overturned", ["frp-criteria"], [], {}, False),
    ("PPI without GI risk factors", ["ppi-no-risk"], [], {}, False),
    ("stomach protection pill with naproxen not needed in a young patient", ["ppi-no-risk"], [],
     {}, True),
    ("EMG/NCV approved for hand numbness", ["emg-approved"], [], {}, False),
    ("nerve testing to tell carpal tunnel from a pinched nerve in the neck", ["emg-approved"], [],
     {}, True),
    ("compounded topical cream with a muscle relaxant", ["compound-topical"],
     ["relaxant-long-term"], {}, False),
    ("knee arthroscopy meniscectomy approved", ["knee-arthroscopy"],
     ["mri-knee-approved", "pt-postop-approved"], {}, False),
    ("gabapentin for neuropathic pain", ["gabapentin-neuropathic"], [], {}, False),
    ("burning nerve pain medicine that cut the pain by 40 percent", ["gabapentin-neuropathic"],
     [], {}, True),
    ("home health aide for household chores", ["home-health-not-homebound"], [], {}, False),
    ("Ambien long term for insomnia", ["ambien-long-term"], [], {}, False),
    ("sleeping pill every night for a year", ["ambien-long-term"], [], {}, True),
    ("radiofrequency ablation without a diagnostic medial branch block", ["rfa-no-block"], [],
     {}, False),
    ("burning the facet nerves before confirming where the back pain comes from",
     ["rfa-no-block"], [], {}, True),
    ("cognitive behavioral therapy for depression and fear avoidance", ["cbt-approved"], [], {},
     False),
    ("therapy did not help and no objective gains were documented after the prior sessions",
     ["pt-no-improvement"], ["acupuncture-no-improvement", "chiro-exceeds"],
     {"000_74dc26ae42cf2dcd": 2, "002_6a0a26d25a8a10ba": 2, "004_7412a174a059eca0": 2,
      "001_51724547fdffc05b": 1, "003_62a2a58c2269f96f": 1}, True),
    ("relaxants only for a short acute flare, not daily for months", ["relaxant-long-term"], [],
     {}, True),
    ("shooting leg pain with a disc extrusion so the spinal injection was approved",
     ["esi-radiculopathy"], ["esi-no-radiculopathy"], {}, True),
    ("back scan not needed when the neurological exam is normal", ["mri-no-red-flags"], [], {},
     True),
    ("tailbone pain physical therapy", [], ["pt-no-improvement"],
     {"004_7412a174a059eca0": 2, "000_74dc26ae42cf2dcd": 1, "001_51724547fdffc05b": 1,
      "002_6a0a26d25a8a10ba": 1, "003_62a2a58c2269f96f": 1}, False),
]


def judgments() -> list[dict]:
    truth = json.loads((HERE / "synthetic_truth.json").read_text())
    judged = []
    for query, on_point, partly, seeds, paraphrase in QUERIES:
        grades = dict(seeds)
        for letter in truth:
            scenarios = {issue["scenario"] for issue in letter["issues"]}
            if scenarios & set(on_point):
                grades[letter["doc_id"]] = 2
            elif scenarios & set(partly):
                grades[letter["doc_id"]] = 1
        judged.append({"query": query, "paraphrase": paraphrase, "grades": grades})
    return judged


if __name__ == "__main__":
    (HERE / "judged.json").write_text(json.dumps(judgments(), indent=1) + "\n")
    print(f"wrote {len(QUERIES)} judged queries to {HERE / 'judged.json'}")
