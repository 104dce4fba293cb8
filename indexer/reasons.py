"""Decisive reasons of IMR decisions: a fixed taxonomy read from rationales and from questions.

An Upheld item carries denial reasons ("no functional improvement documented"), an Overturned one the
approving ones ("functional improvement documented"). Reasons come from the reviewer's findings ("In this
case there is no documentation of…"), not from the guideline text a rationale quotes ("additional visits
require functional improvement"); generic reasons ("guideline criteria not met") and reasons read from quoted
guideline text count only when nothing more specific is found. Phrase tables and regexes: no model or network.
"""

from __future__ import annotations

import re

UPHELD, OVERTURNED = "Upheld", "Overturned"
_U, _O = UPHELD, OVERTURNED

# The labels are what the index stores: keep them stable. label -> one-line description.
_DENIALS = {  # the reasons an Upheld item turns on
    "no functional improvement documented": "no documented functional improvement or relief from prior care",
    "exceeds recommended number or duration": "more visits, quantity or duration than the guideline allows",
    "prior treatment or results not documented":
        "sessions already done, regimen or results of prior care unknown, or an authorized trial pending",
    "conservative or first-line care not tried":
        "no trial and failure of conservative or first-line (e.g. oral) care shown, or current care helps",
    "no red flags or neurological findings": "no red flags, neurological deficits or nerve compromise",
    "missing objective findings": "no objective examination findings (spasm, deficits, instability)",
    "no diagnosis or indication": "no diagnosis, condition or clinical indication the request is for",
    "not recommended by the guideline": "the guideline does not recommend this treatment or test",
    "long-term use not supported": "ongoing or long-term use of a drug meant for a short course",
    "no risk factors": "no risk factors for what the request guards against (e.g. GI risk for a PPI)",
    "monitoring not documented": "no urine drug screens, CURES check, risk screening or watch for misuse",
    "no rationale for the request": "no clear rationale, goal, or way the result would change treatment",
    "request not specified": "the request leaves out quantity, dosage, duration, body part or type",
    "surgery not contemplated": "imaging or a referral without surgery or an invasive procedure in view",
    "home exercise program sufficient": "the patient should continue with a self-directed home program",
    "duplicate or recent study": "repeats a recent study, an authorized service or a drug already in use",
    "primary request not certified": "goes with a surgery or treatment that was itself not certified",
    "not part of a rehabilitation program": "a modality supported only as an adjunct to active rehab",
    "guideline criteria not met": "the guideline's criteria are not met (no more specific reason)",
}
_APPROVALS = {  # the reasons an Overturned item turns on
    "functional improvement documented": "prior care brought documented functional improvement or benefit",
    "within recommended number or duration": "the visits, quantity or duration are within the guideline",
    "conservative care failed": "conservative or first-line treatment was tried and failed",
    "red flags or neurological findings present": "red flags, neurological deficits or nerve compromise",
    "objective findings documented": "examination or imaging findings support the request",
    "risk factors present": "age, comorbidities or risk factors support the request",
    "acute or post-operative need": "short-term care of an acute injury or the post-operative period",
    "primary request certified": "goes with a surgery or treatment that was certified",
    "guideline criteria met": "the guideline's criteria are met (no more specific reason)",
}
REASONS: dict[str, str] = {**_DENIALS, **_APPROVALS}
DECISION_OF: dict[str, str] = {label: _U if label in _DENIALS else _O for label in REASONS}
_PAIRS = [("no functional improvement documented", "functional improvement documented"),
          ("exceeds recommended number or duration", "within recommended number or duration"),
          ("conservative or first-line care not tried", "conservative care failed"),
          ("no red flags or neurological findings", "red flags or neurological findings present"),
          ("missing objective findings", "objective findings documented"),
          ("no risk factors", "risk factors present"),
          ("primary request not certified", "primary request certified"),
          ("guideline criteria not met", "guideline criteria met")]
COUNTERPART: dict[str, str] = {**dict(_PAIRS), **{b: a for a, b in _PAIRS}}
_GENERIC = {"guideline criteria not met", "guideline criteria met"}
_FROM_GUIDELINE_TEXT = {"not recommended by the guideline", "long-term use not supported"}


def _any(*alternatives: str) -> str:
    return "|".join(alternatives)


# --- reading rationales -------------------------------------------------------------------------------------
_NEG = (r"\b(?:no|not|non|never|nor|neither|lack(?:s|ing)?|absen(?:t|ce)|without|unclear|insufficient|"
        r"inadequate|unknown|cannot|fail(?:s|ed)?\s+to|clarification is needed|argued against|undermin\w+)\b")
_NEG_AFTER = (
    r"(?:not|never)\s+(?:be(?:en)?\s+)?(?:\w+ly\s+)?(?:documented|provided|noted|indicated|established|"
    r"included|submitted|shown|demonstrated|specified|clear|known|reported|evident|apparent|stated|mentioned|"
    r"described|identified|found|present|substantiated|addressed|checked|queried|performed|done|completed|"
    r"reviewed|obtained|attempted)|(?:do|does|did) not (?:provide|support|show|reveal|document|demonstrate|"
    r"indicate)\b|\b(?:unknown|unclear|lacking|absent|missing|undocumented)\b")


def _negated(key: str, gap: int = 100) -> str:
    """A negation before key, or a 'not documented' after it, within one clause."""
    return rf"{_NEG}[^.;]{{0,{gap}}}?(?:{key})|(?:{key})[^.;]{{0,{gap}}}?(?:{_NEG_AFTER})"


_NEURO = (r"red[- ]?flags?|neurolog\w*|specific (?:spinal )?nerve|radicul\w+|myelopath\w*|dermatomal|"
          r"(?:nerve|neural)(?: root)? (?:\w+ )?(?:compromise|impairment|dysfunction|impingement|"
          r"compression|entrapment|injury|problem|deficits?)|focal (?:\w+ )?deficits?|tissue insult|"
          r"cauda equina|paresthesias?|seizures?|mental status|serious (?:\w+ )?(?:pathology|condition)")
# (label, pattern, unless): a finding sentence gives label when it matches pattern and not unless.
_DENY: list[tuple[str, str, str | None]] = [
    ("no functional improvement documented",
        _any(_negated(r"(?:functional|objective|significant|measurable|meaningful|clinical|quantif\w+|"
                r"documented|any|subjective)\s+(?:\w+\s+){0,2}(?:improvement|benefit|gains?|progress)|"
                r"improvement in (?:\w+ ){0,3}(?:pain|function)|"
                r"functional (?:improvement|benefit|response|status)|pain relief|relief (?:with|from|in)|"
                r"efficacy|benefit (?:\w+ ){0,3}from|(?:functional|objective) response|"
                r"decreased? (?:in )?pain|made progress|(?:objective |functional )?response to (?:the |"
                r"prior |previous |initial |recent )*(?:treatment|therapy|medications?|sessions|visits|"
                r"acupuncture|care|usage|use|norco)|increased? (?:in )?function|benefiting|"
                r"reduction in (?:pain|symptoms|work restrictions)|progress in terms"),
            r"\b(?:not|never) (?:been )?(?:beneficial|helpful|effective)|had not alleviated",
            r"did not (?:help|improve)",
            r"without (?:any )?(?:\w+ ){0,3}improvement|\bno (?:documented )?improvement"),
        r"fail(?:ed|ure|s)?\s+to\s+(?:improve|progress|respond|provide relief)|not failed|"
        r"medical improvement|functional restoration|evaluating the response|\bif there (?:is|are) no|"
        r"improvement levels|(?:is|are) improving"),
    ("exceeds recommended number or duration",
        r"\bexceed(?:s|ed|ing)?\b|in excess of|\bexcessive\b|surpass\w*|quantity of this request|"
        r"beyond (?:the )?(?:guidelines?|recommend\w*|(?:initial )?trial|maximum|upper limit)|"
        r"more than (?:the )?(?:recommended|guidelines?)",
        r"short[- ]term|long[- ]term|treatment period|\bnot (?:in excess|exceed)|does not exceed|by only"),
    ("prior treatment or results not documented",
        _any(_negated(r"(?:number|amount|total|quantity|how many)\s+(?:of\s+)?(?:\w+\s+){0,3}(?:sessions|"
                r"visits|treatments)|(?:sessions|visits) (?:completed|attended)|medication regimen|"
                r"what medications|how long the patient|(?:results?|outcomes?)\s+(?:of|from|"
                r"with)\s+(?:the\s+)?(?:prior|previous|initial|recent|that|these)|"
                r"(?:therapy|treatment|chiropractic)\s+(?:notes|outcome|progress notes)|"
                r"first[- ]time (?:prescription|request)|date (?:of )?(?:first use|the patient started)"),
            r"contingent (?:up)?on (?:the )?(?:patient'?s?\s+)?(?:response|re-?assessment|results?)",
            r"until (?:the )?results|prior to (?:the )?completion of (?:the )?previously",
            r"without (?:first )?evaluating the response|without re-?evaluation"),
        None),
    ("conservative or first-line care not tried",
        _any(_negated(r"conservative (?:care|treatment|therapy|management|measures|modalities|course)|"
                r"first[- ]line|non-?opioid|(?:trial|tried)[^.;]{0,30}fail|"
                r"fail(?:ed|ure)?\s+(?:of\s+)?(?:\w+\s+){0,3}(?:therapy|treatment|care|medications?|"
                r"antidepressants|anticonvulsants|NSAIDs?|muscle relaxants?|injections?)|exhausted|"
                r"(?:other|alternative) (?:treatments?|medications?|muscle relaxants|modalities)|"
                r"\d+-day (?:home )?trial|strengthening program|"
                r"(?:recent|adequate) (?:\w+ )?(?:trial|course)"),
            r"(?:(?:not |un)able to|cannot) (?:tolerate|use|utilize|take)[^.;]{0,40}(?:oral|pill|tablet"
            r"|capsule)",
            r"intoleran\w+ (?:to|of) (?:the use of )?oral|contraindication[^.;]{0,40}oral",
            r"(?:is|was) (?:responding|improving)",
            r"(?:therapy|treatment|care|visits)[^.;]{0,30}help(?:ing|ed)\b",
            r"seeing benefit|\bnot failed|yet to (?:complete|be completed|start)|has not yet had",
            r"cannot be considered as having failed|\d+ weeks? (?:since|after) (?:the )?(?:injury|onset)"),
        None),
    ("no red flags or neurological findings",
        _any(_negated(_NEURO),
            r"neuro\w*\s+(?:exam\w*|evaluation|findings?|status)\s+(?:was|were|is|are)\s+(?:otherwise\s+)?"
            r"(?:normal|unremarkable|intact|negative|benign)",
            r"(?:reflexes|strength|sensation)[^.;]{0,40}(?:are|were|is|was) (?:intact|normal|unremarkable"
            r"|equal)",
            r"(?:normal|well-preserved) (?:\w+ ){0,3}(?:motor|strength|reflexes)",
            r"undermined any theory of nerve"),
        None),
    ("missing objective findings",
        _negated(r"objective (?:\w+ )?(?:findings|deficits|evidence|signs)|"
            r"(?:physical )?exam(?:ination)? findings|instability|physical exam(?:ination)?|"
            r"(?:\w+ )?exam\b|clinical (?:signs|findings)|(?:muscle |acute )?spasms?|"
            r"(?:functional )?(?:deficits|limitations?)|abnormal (?:\w+ )?findings|"
            r"significant (?:complaints|findings)|range of motion (?:numerical )?values"),
        r"neurolog|nerve|radicul|red[- ]?flag|improvement|benefit|conservative|response to"),
    ("no diagnosis or indication",
        _any(_negated(r"diagnos[ie]s\b|diagnosed with|(?:clinical |medical |specific |"
                r"clear )?indications? for|neuropathic pain|neuralgia|neuropathy|fibromyalgia|"
                r"osteoarthritis|arthritis|depression|anxiety|insomnia|CRPS|tendinosis|osteonecrosis|"
                r"avascular necrosis|internal derangement|concerns? for|what was (?:sought|suspected)|"
                r"(?:were|was) suspected|conditions? (?:for which|that (?:meet|would))"),
            r"(?:does|did) not have (?:any of )?(?:these|this|the|those) (?:medical )?conditions?",
            r"not (?:an? )?indications? for|not (?:be )?an appropriate treatment"),
        r"surg\w+|operative|red[- ]?flag|risk|radicul|neurolog"),
    ("not recommended by the guideline",
        r"(?:guidelines?|MTUS|ACOEM|ODG)\s+(?:\w+\s+)?(?:do(?:es)?|did)\s+not\s+(?:\w+\s+)?(?:recommend|"
        r"support)|not (?:\w+ )?recommended by (?:the )?(?:\w+ )?(?:guidelines?|MTUS|ACOEM|ODG)|"
        r"at odds with|no proven efficacy|no recommendations? (?:of|for)|"
        r"(?:is|are) not recommended for (?!longer|more|long|chronic)|"
        r"contains? [^.;]{0,80}(?:not recommended|its usage is not supported)|not been proven effective|"
        r"use of [^.;]{0,40} (?:is|are) not (?:supported|recommended|indicated)",
        r"do(?:es)? not (?:specifically )?address|silent"),
    ("long-term use not supported",
        _any(_negated(r"long[- ]?term (?:use|usage|treatment)|chronic (?:use|usage|treatment)|"
                r"short[- ]term (?:use|basis)|short course|(?:longer|more) than \d+ (?:to \d+ )?weeks"),
            r"(?:has|had|have) been (?:on|using|utilizing|taking|prescribed) [^.;]{0,50}(?:since|"
            r"long[- ]term|for (?:at least |several |many |\d+ )(?:weeks|months))",
            r"(?:exceed\w*|in excess of)[^.;]{0,40}(?:short[- ]term|treatment period)|for several months",
            r"(?:is|are) not (?:recommended|indicated) for long[- ]?term"),
        None),
    ("no risk factors",
        _negated(r"risk factors?|(?:intermediate|high|increased) risk|at risk|dyspepsia|high dose|"
            r"multiple NSAID|comorbid\w*|(?:history|complaints|symptoms) of (?:\w+ ){0,2}(?:peptic ulcer|"
            r"GI|gastrointestinal|bleeding|dyspepsia)|gastrointestinal (?:events?|complaints|issues|"
            r"symptoms)|GI (?:events?|complaints|symptoms)|bleeding|anticoagula\w+|"
            r"(?:cardiovascular )?risk assessment"),
        r"opioid risk|screening for risk|risk of addiction (?:was|or)|increased cardiovascular"),
    ("monitoring not documented",
        _negated(r"urine drug (?:screens?|tests?|testing)|\bUDS\b|\bUDT\b|toxicology|CURES|PDMP|aberrant|"
            r"addiction|(?:pain|treatment|opioid) (?:contract|agreement)|opioid risk|"
            r"screening (?:for|evaluation|tool)|compliance|adverse side effects|"
            r"monitor(?:ed|ing)? (?:for|of) (?:\w+ )?(?:adverse|aberrant|compliance)|continued monitoring"),
        r"indication for|need for|require multiple|would require"),
    ("no rationale for the request",
        r"\b(?:no|lack of|without|not|absence of)\s+(?:a\s+|any\s+)?(?:(?:clear|compelling|specific|"
        r"clinical|evidence[- ]?based|evidenced|medical|objective|sufficient|supporting|"
        r"or)\s+)*(?:rationale?|reasoning|explanation|justification)\b|"
        r"rationale?\b[^.;]{0,60}(?:not|never) (?:\w+ )?(?:provided|apparent|clear|stated|given|"
        r"documented|furnished)|fail(?:ed|s)? to (?:furnish|provide|give) (?:a |any )?(?:(?:clear|"
        r"compelling|specific|or) )*(?:rationale|reason|explanation)|"
        r"(?:did|does) not provide (?:a |any )?(?:clear )?rationale|"
        r"(?:not|never) (?:clearly )?(?:stated|explained|discussed|described) (?:why|how|what)|"
        r"unclear (?:of |as to )?(?:the rationale|why)|(?:is|was) not (?:clear|apparent) why|"
        r"treatment goals were|no (?:discussion|mention|statement) (?:of |regarding )?(?:how|why)|"
        r"(?:does|did) not (?:address|detail) (?:the )?(?:medical necessity|need)|"
        r"how [^.;]{0,80}(?:would|will) (?:influence|alter|change|affect) (?:the )?(?:\w+ )?(?:treatment|"
        r"management|plan)",
        r"home exercise|self-directed|transition|independent|well versed"),
    ("request not specified",
        r"\b(?:fail(?:ed|s)? to|did not|does not|do not) specify\b|\bnot (?:been )?specified\b|is vague|"
        r"was vague|(?:did not|does not|failed to|not) (?:\w+ ){0,2}(?:indicate|include|provide|"
        r"state)\s+(?:the\s+|a\s+|any\s+)?(?:\w+\s+)?(?:quantity|amount|dosage|dose|strength|frequency|"
        r"duration|body part|location|nature)|(?:quantity|amount|dosage|dose|duration|frequency|body part|"
        r"strength)(?: of(?: \w+){1,3}?)? (?:requested )?(?:was|is|were|are) not (?:\w+ )?(?:specified|"
        r"noted|provided|included|stated|indicated)|no endpoint|open to interpretation|open[- ]ended|"
        r"unspecified (?:quantity|type|number|period|amount|specialist|duration|rental)",
        r"records|documentation|in the (?:medical )?(?:file|notes)"),
    ("surgery not contemplated",
        _negated(r"(?:candidate|consider\w*|contemplat\w*|plan\w*|willing\w*|intent\w*|indications?|"
            r"discussion|preparation|undergo\w*|act on)[^.;]{0,60}?(?:surg\w+|operative|"
            r"invasive procedure)|(?:surg\w+|invasive procedure)[^.;]{0,30}(?:planned|considered|"
            r"contemplated)|planned (?:\w+ )?invasive procedure",
            130),
        r"(?:requested|concurrent|associated) surg\w+ (?:\w+ )?(?:is|was) not|ancillary|risk"),
    ("home exercise program sufficient",
        r"^(?=.*\b(?:why|over|rather than|instead|should|would|expected|anticipated|transition\w*|cannot|"
        r"could|able|continue|well versed|no indication)\b).*(?:home exercise|self[- ]directed|"
        r"independent\w*|\bHEP\b|well versed)",
        None),
    ("duplicate or recent study",
        r"^(?=.*\b(?:why|unclear|not|no|lack|without)\b).*(?:repeat|additional|another|"
        r"second)\s+(?:\w+\s+){0,2}(?:study|studies|MRI|imaging|x-?rays?|scan|test(?:ing)?|"
        r"electrodiagnostic|EMG|NCV|NSAIDs?)\b",
        None),
    ("duplicate or recent study",
        r"(?:had|received|underwent|obtained)\s+(?:a |an )?(?:\w+ ){0,4}(?:MRI|x-?rays?|CT|scan|study|"
        r"imaging)\b[^.;]*?(?:previously|already|dated|done on|on \d)|"
        r"prior (?:\w+ )?(?:MRI|x-?rays?|imaging|CT scan)|duplicat\w+|redundant|"
        r"multiple (?:physical )?modalities",
        r"\b(?:no|not|lack)\b[^.;]{0,40}(?:previous|prior|had)"),
    ("primary request not certified",
        r"(?:requested|associated|concurrent|primary|related)\s+(?:\w+\s+){0,2}(?:surg\w+|procedure|"
        r"intervention|request)\s+(?:\w+\s+){0,2}(?:is|was|has been)\s+not\s+(?:medically necessary|"
        r"certified|supported|approved|indicated)|ancillary|"
        r"(?:given|since|as)\s+(?:that\s+)?the\s+(?:request(?:ed)?|"
        r"concurrent)\s+(?:for\s+)?[^.;,]{0,60}\s+(?:is|was)\s+not\s+(?:medically necessary|supported|"
        r"certified|indicated)",
        None),
    ("not part of a rehabilitation program",
        _negated(r"(?:adjunct|conjunction|in addition)[^.;]{0,80}(?:functional restoration|rehabilitation|"
            r"exercise program|physical therapy|program)|"
            r"(?:initiated|enrolled|participat\w+|involved|engaged) (?:in|into) (?:a |"
            r"an )?(?:\w+ ){0,2}(?:program|rehabilitation)|proposed program",
            90),
        None),
    ("guideline criteria not met",
        _negated(r"pain medication (?:is|was) (?:being )?reduced|reduction or intolerance to medications|"
            r"homebound|unsuccessful return to work|maximal medical improvement|work hardening"),
        None),
    ("guideline criteria not met",
        r"criteri(?:a|on)[^.;]{0,40}(?:not|never) (?:been )?(?:met|satisfied)|fails criteri|"
        r"does not satisfy|(?:not|fail(?:s|ed)? to|does not|do not|did not) (?:meet|satisfy)\b|"
        r"guidelines? (?:have|has) not been met|not (?:in accordance|consistent|congruent) with|"
        r"requirements[^.;]{0,30}not (?:been )?met|not supported by (?:the )?(?:\w+ )?guidelines?|"
        r"(?:no|not|lack of)\b[^.;]{0,40}(?:exceptional|extenuating|compelling|special) (?:factors|"
        r"circumstances|clinical facts)",
        None),
]
# Approving patterns are affirmative: a negation just before or inside the match voids it ("no improvement"),
# unless the row says _NEG_OK (its phrases carry their own negation: "persistent pain despite therapy").
_NEG_OK = "negation ok"
_APPROVE: list[tuple[str, str, str | None]] = [
    ("functional improvement documented",
        r"(?:reported|documented|showed|shown|noted|demonstrat\w+|quantifiable|with|had|"
        r"reveal\w*)\s+(?:\w+\s+){0,3}(?:benefit|improvement|clinical change|progress)|"
        r"(?:is|was|been) [\"']?helping|reduction in (?:work restrictions|pain)|improvement in pain|"
        r"decreased pain|improved (?:function|range|pain|strength)",
        None),
    ("within recommended number or duration",
        r"within (?:the )?(?:\w+ )?(?:guidelines?|recommend\w*|MTUS|limits?)|not in excess|"
        r"(?:does|do|did) not exceed|exceed\w* [^.;]{0,40}by only|"
        r"(?:duration|length|quantity|number) of (?:this|the) request (?:is|was) reasonable",
        _NEG_OK),
    ("conservative care failed",
        r"(?:failed|failure of|not responded|did not respond|unresponsive|"
        r"refractory)\s+(?:to\s+)?(?:\w+\s+){0,3}(?:conservative|treatment|therapy|care|measures|options|"
        r"medications?|NSAIDs)|(?:conservative (?:\w+ )?(?:measures|care|treatment|therapy)|"
        r"physical therapy|medications?)[^.;]{0,60}(?:have|has) failed|"
        r"(?:has|have|had) (?:already )?(?:had|completed|undergone|"
        r"tried) (?:a )?(?:\w+ ){0,3}(?:conservative|physical therapy)|\bno (?:documented )?improvement|"
        r"persistent (?:\w+ ){0,4}despite|remains symptomatic|despite (?:conservative|treatment|therapy)|"
        r"not (?:necessarily )?improved|lack of progress|"
        r"(?:at least \d+ (?:months?|weeks?) of|further) conservative care",
        _NEG_OK),
    ("red flags or neurological findings present",
        r"(?:evidence|presence|indicat\w+|findings?|signs?|suggest\w*|consistent with|decreased|"
        r"objective)\s+(?:\w+\s+){0,4}?(?:red[- ]?flags?|neurolog\w+|nerve|radicul\w+|neuropath\w+|"
        r"sensation|reflexes)|(?:red[- ]?flags?|neurologic\w* (?:deficit|dysfunction|compromise|"
        r"abnormalit\w+)|radiculopathy)[^.;]{0,40}(?:identified|documented|noted|present)|"
        r"sensory and motor deficits",
        None),
    ("objective findings documented",
        r"positive (?:\w+['’]?s? ){0,2}(?:test|sign|findings?|McMurray|Spurling|Tinel|drop arm|"
        r"apprehension|straight leg)|(?:exam|examination|physical|imaging|"
        r"clinical) (?:\w+ ){0,3}(?:findings|evidence)|objective (?:findings|evidence)|"
        r"corresponding imaging|internal derangement|(?:revealed|showed|demonstrated|indicated) (?:a |"
        r"an )?(?:\w+ ){0,3}(?:tear|fracture|extrusion|herniation|derangement)",
        r"neurolog|nerve|radicul|red[- ]?flag"),
    ("risk factors present",
        r"\bage\b|over (?:the )?age (?:of )?\d+|over \d+ years|advanced age|\d+-year-old|comorbid\w*|"
        r"risk factors?|high[- ]risk|at risk of",
        None),
    ("acute or post-operative need",
        r"(?:immediate(?:ly)? )?post-?op(?:erative(?:ly)?)?\b|recently post|severe acute|"
        r"subacute (?:management )?phase|acute (?:injur\w+|fractures?|basis|phase|trauma)",
        None),
    ("primary request certified",
        r"(?:concurrent|associated)\s+(?:\w+\s+){0,3}(?:surg\w+|procedure|operation|"
        r"request)\s+(?:\w+\s+){0,3}(?:is|was|has been)\s+(?:supported|approved|certified|authorized|"
        r"medically necessary)|approved to undergo|documentation supported surgical",
        None),
    ("guideline criteria met",
        r"(?:meets?|met|satisf\w+|consistent with|in accordance with|supported by|compatible with|"
        r"congruent with|qualifies)\b[^.;]{0,50}(?:criteria|guidelines?|MTUS|ACOEM|ODG|recommendations?|"
        r"goals)|guidelines? (?:have|has) been met|"
        r"criteri(?:a|on)[^.;]{0,40}(?:are|is|were|was|have been) met|"
        r"(?:is|are|was|were|be) (?:\w+ )?(?:supported|indicated|appropriate|reasonable)\b",
        None),
]
_COMPILED = {side: [(label, re.compile(p, re.I), re.compile(u, re.I) if u and u != _NEG_OK else u)
                    for label, p, u in table] for side, table in ((_U, _DENY), (_O, _APPROVE))}

# Whose voice a sentence is in: the reviewer's finding about this case, or the guideline's standard.
_CASE = re.compile(
    r"\b(?:in this case|here|in the case|regarding this|however|records?|submitted|(?:he|she|his|her) |"
    r"the (?:patient(?! population)|claimant|injured worker|applicant|worker|individual|IW|provider|"
    r"physician|attending|treating)|"
    r"this (?:\w+ )?(?:patient|claimant|worker|individual|IW|request|medication)|"
    r"patient(?:'s)? (?:has|had|was|is|did|does|reported|presented|complained)|(?:clinical|progress|office) "
    r"notes?|exam(?:ination)? (?:revealed|showed|noted|did)|"
    r"there (?:is|was|are|were) (?:no|a lack|lack|not)|the request (?:is|was|would be) not)\b",
    re.I)
_CASE_WEAK = re.compile(r"\b(?:documentation|documented|provided|the request(?:ed)?|requested|notes)\b", re.I)
_MODAL = re.compile(
    r"\b(?:(?<!the )(?<!guideline )recommend(?:s|ed)?\b(?! (?:number|guidelines?|sessions|visits|amount|dose|"
    r"duration|period|course|quantity|treatment period))|may|can|should|must|(?:is|are) indicated|criteria|"
    r"patients|people|individuals)\b", re.I)
_GUIDELINE = re.compile(r"\b(?:MTUS|ACOEM|ODG|guidelines?|Official Disability|studies|literature|efficacy|"
                        r"effective(?:ness)?|evidence-based)\b", re.I)
_CONCLUSION = re.compile(
    r"\b(?:therefore|thus|hence|consequently|as such|accordingly|given|due to|based on|because|absent|"
    r"without|in the absence|for these reasons|in light of)\b[^.]*\b(?:necessary|supported|indicated|"
    r"warranted|appropriate|established|certified)", re.I)
_DEVIATE = re.compile(r"exceptional factors|extenuating|outside (?:of )?(?:the )?guidelines?|deviate|"
                      r"despite (?:of )?the guideline|guidelines? (?:do not|does not) support", re.I)
_NOT_RECOMMENDED = re.compile(
    r"\b(?:is|are)\s+not\s+recommended\b(?!\s+(?:for\s+)?(?:longer|more than|beyond|until|unless|except|"
    r"as (?:a )?(?:first|primary)|in the absence|without|over|for (?:long|chronic)|during|routinely))", re.I)
_WEANING = re.compile(r"should not be interpreted as a recommendation|advised to (?:speak|consult)|"
                      r"This (?:medical necessity )?decision addresses|appropriate method for weaning", re.I)
_NEXT_ITEM = re.compile(r"was the original request|:\s*(?:Upheld|Overturned)\b")
_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"(\[])")
_ABBREV = re.compile(r"(?i)\b(?:dr|mr|mrs|ms|vs|no|approx|e\.g|i\.e|etc)\.$")
_LOCAL_NEG = re.compile(r"\b(?:no|not|non|without|lack(?:s|ing)?|absen\w+|neither|nor|unremarkable|normal|"
                        r"never|ruled? out|fail\w*)\b", re.I)


# The phrase tables scan a sentence from many positions: text that never ends a sentence (a table, a
# hostile letter) would cost quadratic time, so sentences are cut to this length and rationales capped.
MAX_SENTENCE_CHARS = 600
MAX_RATIONALE_CHARS = 12_000  # twice the longest of the 439 real rationales


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for part in _SPLIT.split(text.strip()):
        if out and _ABBREV.search(out[-1]) and len(out[-1]) < MAX_SENTENCE_CHARS:
            out[-1] += " " + part
        elif part.strip():
            out.append(part.strip())
    return [piece for sentence in out for piece in _bounded(sentence)]


def _bounded(sentence: str) -> list[str]:
    """Cut an overlong sentence at spaces into pieces of at most MAX_SENTENCE_CHARS."""
    pieces = []
    while len(sentence) > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
        cut = cut if cut > 0 else MAX_SENTENCE_CHARS
        pieces.append(sentence[:cut])
        sentence = sentence[cut:].lstrip()
    return [*pieces, sentence] if sentence else pieces


def _is_finding(sentence: str) -> bool:
    """The reviewer's finding about this case, not guideline text quoted as the standard."""
    if _CASE.search(sentence):
        return True
    if _MODAL.search(sentence):
        return False
    return bool(_CASE_WEAK.search(sentence)) or not _GUIDELINE.search(sentence)


def is_finding(sentence: str) -> bool:
    """Tell whether a sentence is the reviewer's finding about this case, not quoted guideline text."""
    return _is_finding(sentence)


def _hits(side: str, sentence: str) -> list[str]:
    labels = []
    for label, pattern, unless in _COMPILED[side]:
        if isinstance(unless, re.Pattern) and unless.search(sentence):
            continue
        for m in pattern.finditer(sentence):  # an approving match must not be negated
            before = sentence[max(0, m.start() - 35):m.end()]
            if side == _U or unless == _NEG_OK or not _LOCAL_NEG.search(before):
                labels.append(label)
                break
    return labels


def _side(decision: str | None, text: str) -> str:
    if (decision or "").capitalize() in (_U, _O):
        return (decision or "").capitalize()
    tail = " ".join(_sentences(text)[-2:])
    return _U if re.search(r"(?i)\bnot\s+(?:medically\s+)?(?:necessary|supported)|upheld", tail) else _O


def reasons_of(rationale: str, decision: str | None) -> list[str]:
    """The decisive reasons of one item's rationale, most important first (usually 1-3)."""
    text = (rationale or "")[:MAX_RATIONALE_CHARS]
    cut = _NEXT_ITEM.search(text)  # a following item that the parser left inside this rationale
    if cut and text.rfind(". ", 0, cut.start()) > 0:
        text = text[:text.rfind(". ", 0, cut.start()) + 1]
    side = _side(decision, text)
    sentences = [s for s in _sentences(text) if not _WEANING.search(s)]
    findings = [_is_finding(s) for s in sentences]
    deviates = any(f and _DEVIATE.search(s) for s, f in zip(sentences, findings, strict=True))
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    fallback: list[str] = []
    for i, (sentence, finding) in enumerate(zip(sentences, findings, strict=True)):
        labels = _hits(side, sentence)
        if not finding:  # quoted guideline text: only "X is not recommended" / "not for long-term use"
            labels = [lb for lb in labels if lb in _FROM_GUIDELINE_TEXT | _GENERIC and side == _U]
            if side == _U and _NOT_RECOMMENDED.search(sentence):
                labels.append("not recommended by the guideline")
        for label in labels:
            if label in _GENERIC or not (finding or deviates):
                fallback.append(label)
                continue
            weight = 2.0 if _CONCLUSION.search(sentence) else 1.0
            scores[label] = scores.get(label, 0.0) + (weight if finding else 0.5)
            first.setdefault(label, i)
    if not scores:
        return list(dict.fromkeys(fallback))[:2]
    return sorted(scores, key=lambda lb: (-scores[lb], first[lb]))[:4]


# --- reading questions --------------------------------------------------------------------------------------
# The reasons a question names in plain words. Approving readings come first and win over their denial
# counterpart; a question that says the request was approved turns denial readings into their counterparts.
_QUESTION: list[tuple[str, str]] = [
    ("functional improvement documented", _any(
        r"(?:showed|shows|showing|documented|reported|made|had|with|objective|measurable|significant) "
        r"(?:\w+ ){0,2}(?:improvement|benefit|progress|gains)",
        r"\b(?:improv(?:ed|ing)|helped|helping|got better|getting better|responded)\b")),
    ("no functional improvement documented", _any(
        r"\bno (?:\w+ ){0,2}(?:improvement|benefit|progress|gains?|relief|better)",
        r"(?:didn'?t|did not|doesn'?t|does not|don'?t|wasn'?t|isn'?t|not|never) (?:\w+ )?(?:help\w*|improv\w*"
        r"|benefit\w*|better|effective|work(?:ing|ed)?)\b",
        r"without (?:\w+ ){0,2}(?:improvement|benefit|progress|gains|relief)",
        r"lack(?:ing)? (?:of )?(?:\w+ ){0,2}(?:improvement|benefit|progress|gains)",
        r"functional (?:improvement|gains?|benefit)|ineffective|plateau\w*")),
    ("within recommended number or duration", _any(
        r"within (?:the )?(?:\w+ )?(?:guidelines?|limits?|recommend\w*|number|maximum)",
        r"(?:doesn'?t|does not|didn'?t|did not|not) exceed")),
    ("exceeds recommended number or duration", _any(
        r"exceed\w*|too (?:many|much|long|often)|in excess|excessive",
        r"more than (?:the )?(?:recommended|allowed)",
        r"(?:over|beyond|above|past) the (?:\w+ )?(?:limit|maximum|cap|guidelines?|recommend\w*|allowed)",
        r"(?:over|beyond|above|past) the (?:\w+ ){0,2}(?:number|count) of (?:\w+ )?"
        r"(?:visits|sessions|treatments)",
        r"more (?:\w+ )?(?:visits|sessions|treatments) than|(?:visit|session) (?:limit|cap)",
        r"maximum (?:number of )?(?:visits|sessions)")),
    ("prior treatment or results not documented", _any(
        r"(?:unclear|unknown|not clear|not known|not documented|undocumented|no record|missing|not stated"
        r"|didn'?t (?:say|state|document|specify)|don'?t know|no idea)[^?.]{0,50}(?:how many|number of"
        r"|sessions|visits|treatments|prior|previous|already|results?|outcome)",
        r"how many (?:\w+ ){0,3}(?:sessions|visits|treatments|were|had|done)",
        r"(?:number|count) of (?:prior|previous|past|completed) (?:\w+ )?(?:visits|sessions|treatments)",
        r"(?:prior|previous|past|earlier) (?:\w+ )?(?:visits|sessions|treatments?|therapy|care)[^?.]{0,30}"
        r"(?:unknown|unclear|not documented|undocumented|missing)",
        r"results? (?:of|from) (?:the )?(?:prior|previous|past|initial|earlier|first)")),
    ("conservative care failed", _any(
        r"(?:failed|failure of|after failing|despite) (?:\w+ ){0,3}(?:conservative|PT|physical therapy"
        r"|therapy|treatment|care|medications?|meds|injections?)",
        r"(?:PT|therapy|treatment|meds|medications?|conservative care) (?:has |have |had )?failed")),
    ("conservative or first-line care not tried", _any(
        r"(?:without|no|never|didn'?t|did not|hasn'?t|has not|not|before|prior to) (?:\w+ ){0,3}(?:trying"
        r"|tried|trial|attempt\w*|fail\w*|exhaust\w*)",
        r"conservative (?:care|treatment|therapy|management|measures)|first[- ]line|step therapy",
        r"try(?:ing)? (?:\w+ ){0,3}first|tried first|(?:skip\w*|jump\w*) (?:straight )?to",
        r"too (?:early|soon)")),
    ("red flags or neurological findings present", _any(
        r"(?:with|has|had|showed|shows|positive|documented|objective|focal|progressive|new) (?:\w+ ){0,2}"
        r"(?:neuro\w* (?:deficits?|findings|signs)|radiculopathy|red[- ]?flags?|nerve (?:compromise|damage"
        r"|deficits?)|numbness|weakness)",
        r"red[- ]?flags? (?:present|found|identified|documented)")),
    ("no red flags or neurological findings", _any(
        r"red[- ]?flags?|(?:normal|unremarkable|negative|intact|benign|non-?focal) (?:\w+ )?neuro\w*",
        r"neuro\w* (?:exam\w* )?(?:was |is )?(?:normal|unremarkable|intact|negative|benign|fine)",
        r"no (?:\w+ )?(?:neuro\w*|radicul\w*|nerve|sensory|motor) (?:\w+ )?(?:deficits?|findings|signs"
        r"|symptoms|compromise)",
        r"no (?:radicul\w+|myelopathy|numbness|weakness|deficits?)",
        r"(?:neuro\w*|nerve|radicular) (?:deficits?|findings|signs|compromise)")),
    ("long-term use not supported", _any(
        r"long[- ]term|for (?:many |several |\d+ )?(?:months|years)|chronic (?:use|usage|opioid|medication)",
        r"(?:used|using|taken|taking|on (?:it|this|the \w+)) (?:\w+ ){0,3}(?:months|years|a long time"
        r"|a while)",
        r"(?:months|years) of (?:\w+ )?use|prolonged (?:use|usage)|(?:ongoing|continued) use",
        r"(?:beyond|more than) (?:\d+|two|three) weeks")),
    ("risk factors present", _any(
        r"(?:has|had|with|high|elevated|increased|multiple|significant) (?:\w+ ){0,2}risk(?: factors?)?",
        r"comorbid\w*|elderly|advanced age")),
    ("no risk factors", _any(
        r"(?:no|without|lack of|not at|low) (?:\w+ ){0,2}(?:risk|(?:GI|gastrointestinal|stomach|bleeding) "
        r"(?:issues|problems|complaints|symptoms|history))",
        r"risk factors?|(?:GI|gastrointestinal|stomach|gastric) (?:risk|protection)",
        r"no history of (?:ulcers?|bleeding|GI)")),
    ("monitoring not documented", _any(
        r"urine (?:drug )?(?:screens?|tests?|testing|tox\w*)|\bUDS\b|drug (?:screens?|tests?|testing)",
        r"\bCURES\b|PDMP|(?:pain|opioid|narcotic|treatment) (?:contract|agreement)|aberrant|diversion",
        r"(?:risk|addiction|abuse) (?:screening|assessment)|screen(?:ing)? for (?:abuse|addiction|misuse)",
        r"drug[- ]seeking|\bmonitoring\b")),
    ("no rationale for the request", _any(
        r"(?:no|without|lack of|missing|didn'?t (?:give|provide|explain)|not (?:explain\w*|justif\w*"
        r"|stated?)) (?:\w+ ){0,3}(?:rationale|reason(?:ing)?|justification|explanation)",
        r"unjustified|(?:didn'?t|did not|doesn'?t|does not|never) (?:say|explain|state|justify) (?:why|how)",
        r"(?:wouldn'?t|would not|won'?t|will not) change (?:the )?(?:treatment|management|plan)",
        r"treatment goals")),
    ("request not specified", _any(
        r"unspecified|not specified|n'?t specified|(?:didn'?t|did not|doesn'?t|does not) specify|vague"
        r"|open[- ]ended",
        r"no (?:quantity|dosage|dose|duration|frequency|body part|amount)|incomplete request",
        r"(?:quantity|dosage|dose|duration|frequency|body part|amount|strength) (?:\w+ ){0,2}(?:missing"
        r"|unknown|not (?:given|stated|listed))")),
    ("surgery not contemplated", _any(
        r"(?:no|not|without|never|won'?t|wouldn'?t|doesn'?t want|not interested in) (?:\w+ ){0,3}(?:surg\w+"
        r"|operat\w+)",
        r"(?:surg\w+|operation) (?:\w+ ){0,3}not (?:planned|considered|contemplated|an option)",
        r"(?:isn'?t|not) a (?:surgical )?candidate")),
    ("home exercise program sufficient", _any(
        r"home exercises?|home program|\bHEP\b|self[- ]directed|independent (?:exercise|program)",
        r"(?:exercise|exercises|do it|continue) (?:\w+ ){0,2}(?:at home|on (?:his|her|their) own"
        r"|independently)")),
    ("duplicate or recent study", _any(
        r"duplicat\w*|redundant|repeat (?:\w+ )?(?:mri|study|scan|imaging|x-?rays?|ct|test|emg|ncs|ncv)",
        r"(?:already|recently|previously) (?:had|done|performed|obtained) (?:\w+ ){0,2}(?:mri|scan|study"
        r"|imaging|x-?rays?|ct|emg|test)",
        r"(?:already|previously) (?:authorized|approved|certified)",
        r"(?:another|second|recent|prior) (?:mri|scan|study|x-?ray|ct|imaging|emg)")),
    ("primary request certified",
        r"(?:surg\w+|procedure|operation) (?:\w+ ){0,3}(?:was|is|got|been) (?:approved|certified|authorized"
        r"|supported)"),
    ("primary request not certified", _any(
        r"ancillary|(?:associated|secondary) (?:to|with) (?:a |the )?(?:denied|non-?certified)",
        r"(?:surg\w+|procedure|operation) (?:\w+ ){0,3}(?:was|is|got|been|being) (?:denied|not (?:certified"
        r"|approved|authorized|necessary))")),
    ("not part of a rehabilitation program", _any(
        r"(?:not|no|without|isn'?t|wasn'?t) (?:\w+ ){0,4}(?:part of|adjunct to|alongside|with) (?:an? |the )?"
        r"(?:\w+ ){0,2}(?:program|rehab\w*|functional restoration)",
        r"functional restoration|stand-?alone|by itself|on its own")),
    ("not recommended by the guideline", _any(
        r"not (?:\w+ )?recommended|experimental|investigational|unproven|no proven (?:benefit|efficacy)",
        r"(?:guidelines?|mtus|odg|acoem) (?:\w+ )?(?:don'?t|do not|does not|doesn'?t) (?:\w+ )?(?:recommend"
        r"|support|cover)",
        r"not (?:supported|endorsed|covered) by (?:the )?(?:guidelines?|mtus|odg|acoem)",
        r"against (?:the )?guidelines?")),
    ("objective findings documented", _any(
        r"(?:positive|abnormal|clear|significant) (?:\w+ ){0,2}(?:findings|tests?|signs|exam)",
        r"(?:mri|imaging|x-?rays?|exam) (?:\w+ ){0,2}(?:showed|shows|confirmed|revealed)")),
    ("missing objective findings", _any(
        r"(?:no|without|lack of|missing|minimal|absent) (?:\w+ ){0,2}(?:objective|exam(?:ination)?|physical"
        r"|clinical) (?:\w+ ){0,2}(?:findings|evidence|signs|deficits)",
        r"(?:normal|unremarkable|benign) (?:physical )?exam|exam (?:was |is )?(?:normal|unremarkable|benign)",
        r"no (?:muscle )?spasms?|nothing on exam")),
    ("no diagnosis or indication", _any(
        r"(?:no|without|lack of|missing|wrong|unclear) (?:\w+ ){0,2}(?:diagnos[ie]s|indication)",
        r"not diagnosed|(?:no|without) (?:\w+ ){0,2}(?:neuropathic pain|osteoarthritis|arthritis|depression"
        r"|insomnia|anxiety)")),
    ("acute or post-operative need",
        r"post-?op\w*|after (?:the )?surgery|acute (?:injury|fracture|pain|phase|trauma)"),
    ("guideline criteria met", _any(
        r"(?:met|meets|meeting|satisfie[sd]|fulfil\w*) (?:the |all )?(?:\w+ )?(?:criteria|guidelines?"
        r"|requirements)",
        r"criteria (?:were |was |are )?met|qualif(?:ied|ies)")),
    ("guideline criteria not met", _any(
        r"criteria (?:\w+ ){0,2}(?:not|weren'?t|wasn'?t)\s?met|unmet criteria",
        r"(?:doesn'?t|does not|didn'?t|did not|fail\w*) (?:to )?(?:meet|satisfy) (?:the )?(?:\w+ )?"
        r"(?:criteria|guidelines?|requirements)",
        r"(?:didn'?t|does not|doesn'?t|not) qualify")),
]
_Q_COMPILED = [(label, re.compile(pattern, re.I)) for label, pattern in _QUESTION]
_Q_APPROVED = re.compile(r"\b(?:approv\w*|overturn\w*|grant\w*|authori[sz]ed|certified|allowed|revers\w*|"
                         r"medically necessary)\b", re.I)
_Q_DENIED = re.compile(r"\b(?:den(?:y|ied|ial|ials|ying)|upheld|uphold\w*|reject\w*|non-?certif\w*|refus\w*"
                       r"|turned down|not (?:approved|certified|authori[sz]ed|(?:medically )?necessary))\b",
                       re.I)
_Q_NEG = re.compile(r"\b(?:no|not|never|without|lack\w*|didn'?t|doesn'?t|don'?t|wasn'?t|isn'?t|hasn'?t|"
                    r"unclear|unknown|normal|negative)\b", re.I)


# "denied even though red flags were present": what a concessive clause names is not the reason.
_Q_CONCESSIVE = re.compile(r"\b(?:even though|even if|although|though|despite|in spite of|notwithstanding)\b"
                           r"[^,.;?]*", re.I)
# "did not exceed the limit": a denial reading negated just before it reads as its counterpart.
_Q_NEGATED_BEFORE = re.compile(r"\b(?:not|never|n't)\s+(?:\w+\s+)?$", re.I)


def reasons_in_question(text: str) -> list[str]:
    """The reasons a reviewer's question names, in any words; [] when it names none."""
    text = text or ""
    side = _U if _Q_DENIED.search(text) else _O if _Q_APPROVED.search(text) else None
    conceded = [m.span() for m in _Q_CONCESSIVE.finditer(text)]
    found: list[str] = []
    for label, pattern in _Q_COMPILED:
        for m in pattern.finditer(text):
            if any(start <= m.start() < end for start, end in conceded):
                continue
            if DECISION_OF[label] == _O:  # an approving reading: affirmative, not in a denial question
                if side == _U or _Q_NEG.search(text[max(0, m.start() - 25):m.end()]):
                    continue
                if label == "acute or post-operative need" and side != _O:
                    continue  # "post-op PT" names the request, not a reason
            elif _Q_NEGATED_BEFORE.search(text[max(0, m.start() - 20):m.start()]):
                if label not in COUNTERPART:
                    continue
                label = COUNTERPART[label]
            if COUNTERPART.get(label) in found:
                break
            if side == _O and DECISION_OF[label] == _U and label in COUNTERPART:
                label = COUNTERPART[label]
            if label not in found:
                found.append(label)
            break
    return found


def canonical_reason(value: str) -> str | None:
    """The label a filter value names: the label itself (any case or separators) or words naming one."""
    def norm(text: str) -> str:
        return re.sub(r"[\s_-]+", " ", text).strip().lower()

    words = norm(value or "")
    if not words:
        return None
    exact = [label for label in REASONS if words == norm(label)]
    prefixed = [label for label in REASONS if len(words) >= 12 and norm(label).startswith(words)]
    if exact or len(prefixed) == 1:  # "guideline criteria" names two labels: read it as words instead
        return (exact or prefixed)[0]
    found = reasons_in_question(value)
    return found[0] if found else None
