"""The domain vocabulary of IMR letters, shared by ingestion and query understanding.

Treatments and drugs map to a lower-case category specific enough to be precedent ("knee
arthroscopy", "medial branch block", "muscle relaxant"), and every category to a parent group
("surgery", "injection", "medication"...) so that a filter on a group matches its children. Body
parts map to a normalized region, guideline names to a short source, and decision language to
Upheld/Overturned. Parsing uses these to label disputed items; retrieval uses the same tables to
read queries and to expand abbreviations, brand and generic names, and lay words.

treatment_of names an item's category, treatment_group its parent, categories_in what a filter
on a category or group matches; canonical reads a filter value (a group, a category or any word
for one).
"""

from __future__ import annotations

import re
from functools import cache

# category -> words that name it (brand, generic, abbreviation, plain English, lay words).
# A group's own entry holds the generic words that name only the group ("surgery", "shots").
# In an item the earliest specific mention wins, then the longest; treatment_of adds the rules.
TREATMENTS: dict[str, list[str]] = {
    # --- surgery -------------------------------------------------------------------------
    "spinal fusion": ["spinal fusion", "lumbar fusion", "cervical fusion", "thoracic fusion",
                      "fusion", "arthrodesis", "ACDF", "TLIF", "PLIF", "ALIF", "XLIF", "LLIF",
                      "OLIF", "interbody fusion", "posterolateral fusion", "spinal instrumentation",
                      "anterior cervical discectomy and fusion", "back fusion", "neck fusion"],
    "spinal decompression": ["laminectomy", "laminotomy", "hemilaminectomy", "hemilaminotomy",
                             "discectomy", "diskectomy", "microdiscectomy", "microdiskectomy",
                             "microdecompression", "foraminotomy", "foraminectomy", "facetectomy",
                             "corpectomy", "laminoplasty", "decompression", "lumbar decompression",
                             "cervical decompression", "surgical decompression",
                             "decompressive surgery"],
    "disc replacement": ["disc replacement", "disk replacement", "disc arthroplasty",
                         "disk arthroplasty", "artificial disc", "artificial disk"],
    "kyphoplasty": ["kyphoplasty", "vertebroplasty", "vertebral augmentation"],
    "spinal cord stimulator": ["spinal cord stimulator", "spinal cord stimulation", "SCS",
                               "neurostimulator", "dorsal column stimulator",
                               "dorsal root ganglion stimulator", "DRG stimulator",
                               "peripheral nerve stimulator"],
    "intrathecal pump": ["intrathecal pump", "intrathecal drug delivery", "implanted pain pump",
                         "morphine pump", "intrathecal drug delivery system", "implantable pump"],
    "rotator cuff repair": ["rotator cuff repair", "rotator cuff repairs", "RCR", "cuff repair",
                            "rotator cuff surgery", "rotator cuff reconstruction"],
    "shoulder arthroscopy": ["shoulder arthroscopy", "arthroscopic shoulder", "shoulder scope",
                             "subacromial decompression", "acromioplasty", "Mumford", "SAD", "ASAD", "DCR",
                             "distal clavicle excision", "distal clavicle resection",
                             "distal clavicle", "labral repair", "SLAP repair", "Bankart",
                             "Bankart repair", "superior labral anterior posterior",
                             "capsulorrhaphy", "capsular release", "shoulder debridement",
                             "manipulation of the shoulder"],
    "shoulder replacement": ["shoulder replacement", "shoulder arthroplasty", "reverse shoulder",
                             "total shoulder", "TSA", "hemiarthroplasty"],
    "knee arthroscopy": ["knee arthroscopy", "arthroscopic knee", "knee scope", "meniscectomy",
                         "meniscectomies", "meniscus repair", "meniscal repair", "chondroplasty",
                         "knee debridement", "lateral release"],
    "knee ligament reconstruction": ["ACL reconstruction", "anterior cruciate ligament",
                                     "PCL reconstruction", "MPFL reconstruction",
                                     "ligament reconstruction", "cruciate ligament reconstruction"],
    "knee replacement": ["knee replacement", "total knee", "knee arthroplasty", "TKA", "TKR",
                         "unicompartmental", "partial knee replacement"],
    "hip arthroscopy": ["hip arthroscopy", "arthroscopic hip", "hip labral repair",
                        "femoroacetabular", "hip scope"],
    "hip replacement": ["hip replacement", "total hip", "hip arthroplasty", "THA", "THR",
                        "hip resurfacing"],
    "joint replacement": ["joint replacement", "arthroplasty", "total joint"],
    "arthroscopy": ["arthroscopy", "arthroscopic", "arthroscopic surgery", "operative arthroscopy",
                    "diagnostic arthroscopy"],
    "carpal tunnel release": ["carpal tunnel release", "carpal tunnel releases", "CTR",
                              "carpal tunnel surgery", "carpal tunnel decompression",
                              "median nerve release", "median nerve decompression"],
    "trigger finger release": ["trigger finger release", "trigger thumb release",
                               "A1 pulley release", "trigger finger surgery", "A1 pulley"],
    "peripheral nerve release": ["cubital tunnel release", "cubital tunnel surgery",
                                 "ulnar nerve transposition", "ulnar nerve release",
                                 "ulnar nerve decompression", "tarsal tunnel release",
                                 "nerve decompression", "nerve release", "neurolysis",
                                 "radial tunnel release", "nerve transposition"],
    "tendon surgery": ["tendon repair", "tenodesis", "tenolysis", "tenotomy", "tenosynovectomy",
                       "de Quervain release", "de Quervain's release", "lateral epicondyle release",
                       "lateral epicondylar release", "epicondylectomy", "tennis elbow surgery",
                       "Achilles repair", "biceps repair", "tendon transfer", "tendon release"],
    "joint fusion": ["ankle fusion", "subtalar fusion", "wrist fusion", "joint fusion",
                     "SI joint fusion", "sacroiliac joint fusion", "triple arthrodesis"],
    "fracture surgery": ["ORIF", "open reduction internal fixation", "open reduction",
                         "internal fixation", "fracture repair", "fracture fixation",
                         "percutaneous pinning", "closed reduction"],
    "hardware removal": ["hardware removal", "removal of hardware", "hardware removals"],
    "foot and ankle surgery": ["bunionectomy", "plantar fascia release", "plantar fasciotomy",
                               "hammertoe", "hammer toe", "Brostrom", "neuroma excision",
                               "Morton's neuroma excision", "ankle ligament reconstruction",
                               "ankle surgery", "foot surgery"],
    "hernia repair": ["hernia repair", "herniorrhaphy", "hernioplasty", "inguinal hernia repair",
                      "umbilical hernia repair"],
    "bariatric surgery": ["bariatric surgery", "gastric bypass", "gastric sleeve",
                          "sleeve gastrectomy", "lap band", "gastric banding"],
    "surgery": ["surgery", "surgeries", "surgical", "surgical procedure", "operative", "operation",
                "surgical intervention", "repair", "release", "reconstruction", "excision",
                "resection", "debridement", "synovectomy", "osteotomy", "spine surgery", "back surgery",
                "neck surgery", "manipulation under anesthesia", "MUA", "revision surgery",
                "surgical treatment", "scar revision"],
    # --- injection -----------------------------------------------------------------------
    "epidural steroid injection": ["epidural steroid injection", "epidural steroid injections",
                                   "epidural injection", "epidural injections", "epidural", "ESI",
                                   "ESIs", "transforaminal", "interlaminar", "caudal", "TFESI",
                                   "LESI", "CESI", "selective nerve root block", "SNRB",
                                   "nerve root block", "nerve root blocks", "epidural shot",
                                   "back shot", "spine shot", "epidural steroid", "spinal injection",
                                   "spine injection", "back injection", "back shots", "spine shots",
                                   "shots in the back", "shot in the back", "shots in the spine",
                                   "shot in the spine"],
    "facet injection": ["facet injection", "facet injections", "facet joint injection",
                        "facet joint injections", "facet block", "facet blocks",
                        "facet joint block", "facet joint blocks", "intra-articular facet",
                        "intraarticular facet", "facet joint", "facet joints", "facet"],
    "medial branch block": ["medial branch block", "medial branch blocks", "MBB", "MBBs",
                            "medial branch nerve block", "medial branch nerve blocks",
                            "medial branch diagnostic block", "medial branch"],
    "radiofrequency ablation": ["radiofrequency ablation", "radiofrequency neurotomy",
                                "radiofrequency rhizotomy", "radiofrequency lesioning",
                                "rhizotomy", "RFA", "RF ablation", "RF neurotomy", "radiofrequency",
                                "radio frequency", "neurotomy", "facet rhizotomy",
                                "facet neurotomy", "facet ablation", "medial branch neurotomy",
                                "medial branch radiofrequency", "genicular nerve ablation",
                                "cooled radiofrequency", "pulsed radiofrequency", "nerve burn",
                                "nerve burning", "nerve ablation"],
    "trigger point injection": ["trigger point injection", "trigger point injections", "TPI",
                                "TPIs", "trigger point", "trigger points", "trigger point shots"],
    "platelet-rich plasma injection": ["platelet-rich plasma", "platelet rich plasma", "PRP",
                                       "PRP injection", "PRP injections",
                                       "autologous blood injection", "autologous conditioned plasma"],
    "viscosupplementation": ["viscosupplementation", "viscosupplement", "visco supplementation",
                             "hyaluronic acid", "hyaluronic", "hyaluronan", "Synvisc",
                             "Synvisc-One", "Supartz", "Orthovisc", "Euflexxa", "Hyalgan", "Monovisc",
                             "Gel-One", "Gelsyn", "GenVisc", "Durolane", "TriVisc", "Visco-3",
                             "Hymovis", "gel injection", "gel shot", "rooster comb"],
    "joint steroid injection": ["cortisone injection", "cortisone injections", "cortisone shot",
                                "corticosteroid injection", "corticosteroid injections",
                                "steroid injection", "steroid injections", "intra-articular injection",
                                "intraarticular injection", "intra-articular", "joint injection",
                                "joint injections", "knee injection", "knee injections",
                                "shoulder injection", "shoulder injections", "subacromial injection",
                                "hip injection", "elbow injection", "wrist injection",
                                "ankle injection", "AC joint injection", "glenohumeral injection",
                                "bursa injection", "bursal injection", "trochanteric bursa injection",
                                "tendon sheath injection", "trigger finger injection",
                                "carpal tunnel injection", "de Quervain injection", "Kenalog injection"],
    "sacroiliac joint injection": ["sacroiliac joint injection", "sacroiliac joint injections",
                                   "SI joint injection", "SI joint injections", "SIJ injection",
                                   "sacroiliac injection", "SI injection", "SI joint block",
                                   "sacroiliac joint block", "sacroiliac joint blocks"],
    "nerve block": ["nerve block", "nerve blocks", "stellate ganglion block", "sympathetic block",
                    "lumbar sympathetic block", "sympathetic blocks", "occipital nerve block",
                    "genicular nerve block", "suprascapular nerve block", "intercostal nerve block",
                    "peripheral nerve block", "ganglion impar block", "Bier block",
                    "stellate ganglion"],
    "epidural adhesiolysis": ["epidural adhesiolysis", "adhesiolysis", "lysis of adhesions",
                              "epidural lysis", "neuroplasty", "neurolytic", "Racz"],
    "botulinum toxin injection": ["Botox", "botulinum", "botulinum toxin", "Myobloc", "Dysport",
                                  "Xeomin"],
    "prolotherapy": ["prolotherapy", "dextrose injection", "sclerotherapy"],
    "injection": ["injection", "injections", "injectable", "shot", "shots", "steroid shot",
                  "steroid shots", "block", "blocks", "hardware block", "injection therapy",
                  "stem cell injection", "stem cell", "stem cells"],
    # --- medication ----------------------------------------------------------------------
    "opioid": ["opioid", "opioids", "opiate", "opiates", "narcotic", "narcotics", "Norco",
               "hydrocodone", "Vicodin", "Lortab", "Lorcet", "Xodol", "Hysingla", "Zohydro",
               "Vicoprofen", "oxycodone", "OxyContin", "Roxicodone", "Roxicet", "Xtampza", "Percocet",
               "Endocet", "Primlev", "tramadol", "Ultram", "Ultracet", "Synapryn", "Ryzolt", "ConZip",
               "Nucynta", "tapentadol", "morphine", "MS Contin", "Kadian", "Avinza", "Embeda",
               "MSIR", "methadone", "Dolophine", "fentanyl", "Duragesic", "Actiq", "Fentora",
               "Dilaudid", "hydromorphone", "Exalgo", "codeine", "Tylenol #3", "Tylenol #4",
               "Tylenol No. 3", "Tylenol with codeine", "buprenorphine", "Butrans", "Belbuca",
               "Suboxone", "Subutex", "Zubsolv", "oxymorphone", "Opana", "levorphanol",
               "meperidine", "Demerol", "pentazocine", "Talwin", "butorphanol", "Xartemis", "Trezix",
               "dihydrocodeine", "Panlor", "Apadaz", "benzhydrocodone", "Lorcet Plus",
               "pain pills", "pain pill", "pain meds", "pain medication", "pain medications",
               "pain killers", "painkillers", "painkiller", "narcotic pain medication",
               "opioid analgesic", "opioid analgesics"],
    "muscle relaxant": ["muscle relaxant", "muscle relaxants", "muscle relaxer", "muscle relaxers",
                        "Soma", "carisoprodol", "Flexeril", "Fexmid", "cyclobenzaprine", "Amrix",
                        "Tabradol", "Zanaflex", "tizanidine", "baclofen", "Lioresal", "methocarbamol",
                        "Robaxin", "Skelaxin", "metaxalone", "orphenadrine", "Norflex", "Lorzone",
                        "chlorzoxazone", "Parafon Forte", "dantrolene", "Dantrium",
                        "antispasmodic", "antispasmodics", "muscle relaxing medication"],
    "nsaid": ["NSAID", "NSAIDs", "non-steroidal anti-inflammatory", "nonsteroidal anti-inflammatory",
              "anti-inflammatory", "anti-inflammatories", "anti-inflammatory medication",
              "ibuprofen", "Motrin", "Advil", "naproxen", "Naprosyn", "Anaprox", "Naprelan", "Aleve",
              "Celebrex", "celecoxib", "meloxicam", "Mobic", "Vivlodex", "diclofenac", "Voltaren",
              "Cataflam", "Zorvolex", "Zipsor", "Cambia", "Arthrotec", "etodolac", "Lodine",
              "nabumetone", "Relafen", "ketorolac", "Toradol", "Sprix", "Nalfon", "fenoprofen",
              "Fenortho", "Daypro", "oxaprozin", "flurbiprofen", "ketoprofen", "indomethacin",
              "Indocin", "Tivorbex", "piroxicam", "Feldene", "sulindac", "Clinoril", "diflunisal",
              "Dolobid", "salsalate", "Duexis", "Vimovo", "aspirin", "COX-2 inhibitor"],
    "acetaminophen": ["acetaminophen", "Tylenol", "APAP", "paracetamol", "Tylenol Extra Strength"],
    "proton pump inhibitor": ["proton pump inhibitor", "proton pump inhibitors", "PPI", "PPIs",
                              "omeprazole", "Prilosec", "pantoprazole", "Protonix", "esomeprazole",
                              "Nexium", "lansoprazole", "Prevacid", "rabeprazole", "Aciphex",
                              "dexlansoprazole", "Dexilant", "Zegerid", "stomach pill",
                              "stomach pills", "antacid", "antacids", "stomach medication",
                              "stomach protector", "GI prophylaxis", "gastroprotective",
                              "stomach protection", "stomach protection pill", "stomach protectant",
                              "GI protection", "stomach lining protection"],
    "h2 blocker": ["H2 blocker", "H2 blockers", "H2 antagonist", "H2 receptor antagonist",
                   "ranitidine", "Zantac", "famotidine", "Pepcid", "Deprizine", "cimetidine", "Tagamet",
                   "nizatidine", "Axid"],
    "antiemetic": ["antiemetic", "anti-emetic", "antiemetics", "ondansetron", "Zofran",
                   "promethazine", "Phenergan", "metoclopramide", "Reglan", "prochlorperazine",
                   "Compazine", "meclizine", "Antivert", "scopolamine", "anti-nausea"],
    "laxative": ["laxative", "laxatives", "stool softener", "stool softeners", "docusate", "Colace",
                 "senna", "Senokot", "sennosides", "MiraLax", "polyethylene glycol", "lactulose",
                 "Dulcolax", "bisacodyl", "Amitiza", "lubiprostone", "Movantik", "naloxegol",
                 "Relistor", "methylnaltrexone", "Linzess", "Symproic", "Peri-Colace"],
    "anticonvulsant": ["anticonvulsant", "anticonvulsants", "anti-convulsant", "antiepilepsy drug",
                       "antiepileptic", "anti-epilepsy", "AED", "AEDs", "gabapentin", "Neurontin",
                       "Gralise", "Horizant", "Fanatrex", "pregabalin", "Lyrica", "topiramate",
                       "Topamax", "carbamazepine", "Tegretol", "oxcarbazepine", "Trileptal",
                       "lamotrigine", "Lamictal", "levetiracetam", "Keppra", "Depakote", "divalproex",
                       "valproic acid", "zonisamide", "Zonegran", "lacosamide", "Vimpat", "Dilantin",
                       "phenytoin", "nerve pain medication", "nerve pain medications", "nerve pain medicine",
                       "nerve pain pills", "neuropathic pain medication", "nerve pills"],
    "antidepressant": ["antidepressant", "antidepressants", "anti-depressant", "SSRI", "SSRIs",
                       "SNRI", "SNRIs", "tricyclic", "tricyclics", "TCA", "amitriptyline", "Elavil",
                       "nortriptyline", "Pamelor", "desipramine", "imipramine", "doxepin",
                       "duloxetine", "Cymbalta", "venlafaxine", "Effexor", "desvenlafaxine",
                       "Pristiq", "milnacipran", "Savella", "sertraline", "Zoloft", "fluoxetine",
                       "Prozac", "paroxetine", "Paxil", "citalopram", "Celexa", "escitalopram",
                       "Lexapro", "Wellbutrin", "bupropion", "mirtazapine", "Remeron", "Viibryd",
                       "vilazodone", "Trintellix", "vortioxetine", "depression medication"],
    "sleep aid": ["sleep aid", "sleep aids", "hypnotic", "hypnotics", "sleeping pill",
                  "sleeping pills", "sleep medication", "sleeping medication", "sleep meds",
                  "insomnia medication", "Ambien", "Ambien CR", "zolpidem", "Lunesta", "eszopiclone",
                  "Sonata", "zaleplon", "trazodone", "Desyrel", "Restoril", "temazepam", "Belsomra",
                  "suvorexant", "Rozerem", "ramelteon", "Silenor", "melatonin", "Dicopanol",
                  "diphenhydramine", "Benadryl", "doxylamine", "Unisom", "Edluar", "Intermezzo"],
    "benzodiazepine": ["benzodiazepine", "benzodiazepines", "benzo", "benzos", "Xanax", "alprazolam",
                       "Valium", "diazepam", "Klonopin", "clonazepam", "Ativan", "lorazepam",
                       "chlordiazepoxide", "Librium", "Halcion", "triazolam", "oxazepam",
                       "anxiety pills", "anxiety pill", "anxiety medicine",
                       "calming pill", "calming pills"],
    "anxiolytic": ["anxiolytic", "anxiolytics", "buspirone", "Buspar", "hydroxyzine", "Vistaril",
                   "Atarax", "anti-anxiety medication"],
    "antipsychotic": ["antipsychotic", "antipsychotics", "quetiapine", "Seroquel", "aripiprazole",
                      "Abilify", "olanzapine", "Zyprexa", "risperidone", "Risperdal", "lurasidone",
                      "Latuda", "ziprasidone", "Geodon"],
    "stimulant": ["stimulant", "stimulants", "modafinil", "Provigil", "armodafinil", "Nuvigil",
                  "Adderall", "amphetamine", "methylphenidate", "Ritalin"],
    "corticosteroid": ["corticosteroid", "corticosteroids", "oral steroid", "oral steroids",
                       "steroid taper", "prednisone", "prednisolone", "methylprednisolone", "Medrol",
                       "Medrol Dosepak", "Medrol dose pack", "dexamethasone", "Decadron",
                       "triamcinolone", "Kenalog", "Depo-Medrol", "betamethasone", "Celestone",
                       "cortisone", "hydrocortisone", "steroids", "steroid"],
    "topical analgesic": ["topical analgesic", "topical analgesics", "topical", "topicals",
                          "compounded cream", "compound cream", "compounded medication",
                          "compounded", "compound", "Medrox", "Flurbiprofen cream", "cream", "creams",
                          "gel", "ointment", "patch", "patches", "lotion", "Lidoderm", "lidocaine patch",
                          "lidocaine", "Lidopro", "Terocin", "Flector", "Voltaren gel", "Pennsaid",
                          "capsaicin", "Zostrix", "Menthoderm", "Mentherm", "Ketoprofen cream", "TGHot",
                          "TG Hot", "Fluriflex", "Flurflex", "Gabacyclotram", "Xolido", "Lidothol",
                          "Ultracin", "camphor",
                          "Ketophene", "Cyclophene", "Anecream", "Salonpas", "Biofreeze", "Bengay",
                          "menthol", "methyl salicylate", "Dendracin", "transdermal"],
    "headache medication": ["headache medication", "migraine medication", "Fioricet", "Fiorinal",
                            "butalbital", "Esgic", "triptan", "triptans", "sumatriptan", "Imitrex",
                            "rizatriptan", "Maxalt", "zolmitriptan", "Zomig", "eletriptan", "Relpax",
                            "naratriptan", "Amerge", "Cafergot"],
    "medical food": ["medical food", "medical foods", "Theramine", "Sentra", "Sentra AM",
                     "Sentra PM", "Trepadone", "GABAdone", "Percura", "AppTrim", "Fosteum",
                     "Hypertensa", "Somnicin"],
    "supplement": ["supplement", "supplements", "dietary supplement", "vitamin", "vitamins",
                   "vitamin D", "vitamin B12", "B12", "B-12", "B12 injection", "glucosamine",
                   "chondroitin", "Cosamin", "fish oil", "omega-3", "calcium", "turmeric",
                   "Osteo Bi-Flex", "multivitamin", "folic acid", "iron supplement"],
    "erectile dysfunction medication": ["erectile dysfunction medication", "Viagra", "sildenafil",
                                        "Cialis", "tadalafil", "Levitra", "vardenafil"],
    "hormone therapy": ["testosterone", "AndroGel", "Androderm", "hormone replacement",
                        "hormone therapy", "estrogen"],
    "antibiotic": ["antibiotic", "antibiotics", "cephalexin", "Keflex", "ciprofloxacin", "Cipro",
                   "amoxicillin", "Augmentin", "doxycycline", "clindamycin", "Bactrim",
                   "sulfamethoxazole", "azithromycin", "Zithromax", "levofloxacin", "Levaquin",
                   "mupirocin", "Bactroban"],
    "anticoagulant": ["anticoagulant", "anticoagulants", "anticoagulation", "blood thinner",
                      "blood thinners", "Lovenox", "enoxaparin", "Xarelto", "rivaroxaban", "Eliquis",
                      "apixaban", "warfarin", "Coumadin", "heparin", "Plavix", "clopidogrel"],
    "cardiometabolic medication": ["antihypertensive", "antihypertensives", "blood pressure medication",
                                   "lisinopril", "amlodipine", "Norvasc", "losartan", "Cozaar",
                                   "valsartan", "Diovan", "metoprolol", "atenolol", "carvedilol",
                                   "hydrochlorothiazide", "HCTZ", "clonidine", "metformin",
                                   "Glucophage", "insulin", "glipizide", "Januvia", "Lantus",
                                   "diabetes medication", "atorvastatin", "Lipitor", "simvastatin",
                                   "Zocor", "rosuvastatin", "Crestor", "pravastatin", "statin",
                                   "cholesterol medication"],
    "respiratory medication": ["inhaler", "inhalers", "albuterol", "ProAir", "Ventolin", "Advair",
                               "Symbicort", "Spiriva", "nebulizer", "montelukast", "Singulair"],
    "smoking cessation": ["smoking cessation", "Chantix", "varenicline", "nicotine patch",
                          "nicotine patches", "nicotine gum", "Nicoderm", "nicotine replacement"],
    "naloxone": ["naloxone", "Narcan", "Evzio", "opioid overdose kit"],
    "medication": ["medication", "medications", "meds", "medicine", "medicines", "prescription",
                   "prescriptions", "drug", "drugs", "pharmacy", "pills", "pharmacologic",
                   "medical marijuana", "cannabis", "marijuana"],
    # --- therapy -------------------------------------------------------------------------
    "physical therapy": ["physical therapy", "physiotherapy", "PT", "physical medicine",
                         "therapeutic exercise", "therapeutic exercises", "post-operative therapy",
                         "postoperative therapy", "post-op therapy", "postop therapy",
                         "therapeutic activities", "neuromuscular re-education", "gait training",
                         "rehab", "rehabilitation", "physical rehabilitation", "rehabilitation therapy",
                         "kinesio taping", "kinesiotaping", "physical therapy evaluation",
                         "PT evaluation", "physical therapies"],
    "occupational therapy": ["occupational therapy", "OT", "hand therapy", "occupational therapies",
                             "CHT"],
    "aquatic therapy": ["aquatic therapy", "aqua therapy", "pool therapy", "aquatherapy",
                        "water therapy", "aquatic exercise", "hydrotherapy", "pool exercise"],
    "chiropractic": ["chiropractic", "chiro", "chirophysio", "chiro physio", "chiropractic physiotherapy",
                     "manipulation", "manipulations", "spinal manipulation",
                     "manual therapy", "chiropractic manipulative treatment", "CMT",
                     "osteopathic manipulation", "osteopathic manipulative treatment", "OMT",
                     "mobilization", "joint mobilization", "chiropractic care"],
    "acupuncture": ["acupuncture", "electroacupuncture", "electro-acupuncture", "acupressure",
                    "cupping", "dry needling", "infrared acupuncture", "laser acupuncture",
                    "auricular acupuncture"],
    "massage therapy": ["massage", "massage therapy", "myofascial release", "soft tissue mobilization",
                        "myofascial therapy", "deep tissue massage"],
    "physical modalities": ["electrical stimulation", "electric stimulation", "e-stim", "estim",
                            "electrical muscle stimulation", "electrotherapy", "infrared",
                            "infrared therapy", "infrared heat", "diathermy", "paraffin",
                            "paraffin bath", "iontophoresis", "phonophoresis", "therapeutic ultrasound",
                            "pulsed ultrasound", "ultrasound therapy", "laser therapy", "cold laser",
                            "low level laser", "low-level laser therapy", "LLLT", "whirlpool",
                            "passive modalities", "passive modality", "modalities", "modality",
                            "trigger point impedance imaging", "trigger points impedance imaging",
                            "TPII", "localized intense neurostimulation",
                            "localized high-intensity neurostimulation", "LINT",
                            "hyperstimulation analgesia", "microcurrent", "scrambler therapy",
                            "vibration therapy", "magnetic therapy", "PEMF",
                            "percutaneous electrical nerve stimulation", "PENS"],
    "traction": ["traction", "cervical traction", "lumbar traction", "home traction",
                 "traction unit", "Spinolator", "decompression therapy", "spinal decompression therapy",
                 "non-surgical decompression", "nonsurgical decompression", "VAX-D", "DRX9000",
                 "inversion table", "Saunders"],
    "shockwave therapy": ["extracorporeal shockwave", "extracorporeal shock wave", "shockwave",
                          "ESWT", "shock wave", "shockwave therapy"],
    "home exercise": ["home exercise program", "home exercise", "HEP", "home exercises",
                      "self-directed exercise", "independent exercise"],
    "psychological treatment": ["psychotherapy", "psychological treatment", "psychological therapy",
                                "psychiatric treatment", "psychiatric care", "cognitive behavioral therapy",
                                "cognitive behavioural therapy", "CBT", "counseling", "counselling",
                                "mental health", "mental health treatment", "group therapy",
                                "talk therapy", "behavioral therapy", "behavioral health",
                                "pain psychology", "hypnotherapy", "hypnosis", "relaxation training",
                                "stress management", "psychological sessions", "psych treatment"],
    "biofeedback": ["biofeedback", "neurofeedback", "EMG biofeedback"],
    "speech therapy": ["speech therapy", "speech-language therapy", "speech pathology",
                       "speech and language therapy"],
    "vestibular rehabilitation": ["vestibular rehabilitation", "vestibular therapy",
                                  "vestibular rehab", "balance therapy"],
    "cognitive rehabilitation": ["cognitive rehabilitation", "cognitive rehab", "cognitive therapy",
                                 "neurocognitive rehabilitation", "cognitive retraining"],
    "therapy": ["therapy", "therapies", "therapeutic", "therapist"],
    # --- imaging -------------------------------------------------------------------------
    "mri": ["MRI", "MRIs", "magnetic resonance imaging", "magnetic resonance", "MR arthrogram",
            "MR arthrography", "MRA", "MR", "open MRI", "upright MRI", "positional MRI", "MARS MRI",
            "MRI scan"],
    "ct scan": ["CT scan", "CT scans", "CT", "computed tomography", "CAT scan", "CT myelogram",
                "myelogram", "myelography", "CT arthrogram"],
    "x-ray": ["x-ray", "x-rays", "xray", "xrays", "x ray", "x rays", "radiograph", "radiographs",
              "radiography", "plain films", "plain film", "flexion-extension views",
              "flexion/extension views", "films"],
    "ultrasound imaging": ["ultrasound", "ultrasounds", "diagnostic ultrasound", "sonogram",
                           "sonography", "musculoskeletal ultrasound", "doppler", "duplex",
                           "venous duplex", "ultrasonography"],
    "bone scan": ["bone scan", "bone scans", "three phase bone scan", "triple phase bone scan",
                  "nuclear medicine", "SPECT", "scintigraphy", "PET scan", "PET"],
    "bone density scan": ["bone density", "bone density scan", "DEXA", "DEXA scan", "DXA",
                          "bone densitometry"],
    "imaging": ["imaging", "imaging study", "imaging studies", "diagnostic imaging", "radiology",
                "scan", "scans", "radiologic"],
    # --- diagnostic testing --------------------------------------------------------------
    "electrodiagnostic testing": ["EMG/NCV", "EMG/NCS", "NCV/EMG", "NCS/EMG", "EMG", "EMGs", "NCV",
                                  "NCS", "electromyography", "electromyogram", "nerve conduction",
                                  "nerve conduction study", "nerve conduction studies",
                                  "nerve conduction velocity", "nerve conduction test",
                                  "electrodiagnostic", "electrodiagnostic studies",
                                  "electrodiagnostic testing", "electrodiagnostics", "SSEP", "SSEPs",
                                  "somatosensory evoked potential", "somatosensory evoked potentials",
                                  "evoked potential", "evoked potentials", "nerve test", "nerve tests",
                                  "nerve testing", "nerve study", "nerve studies",
                                  "current perception threshold", "surface EMG"],
    "urine drug screen": ["urine drug screen", "urine drug screens", "urine drug screening",
                          "urine drug test", "urine drug tests", "urine drug testing",
                          "urine toxicology", "urine tox", "UDS", "UDT", "drug screen", "drug screens",
                          "drug screening", "drug test", "drug tests", "drug testing",
                          "toxicology screen", "tox screen", "urine test", "urine testing",
                          "urine screen", "saliva drug test", "oral fluid drug test", "toxicology",
                          "confirmatory testing", "quantitative drug testing"],
    "laboratory testing": ["laboratory", "laboratory testing", "laboratory tests", "lab", "labs",
                           "lab work", "labwork", "lab tests", "blood test", "blood tests",
                           "blood work", "bloodwork", "blood draw", "CBC", "complete blood count",
                           "BMP", "CMP", "chem panel", "chemistry panel", "metabolic panel",
                           "comprehensive metabolic panel", "basic metabolic panel", "PT/PTT",
                           "PT/INR", "PTT", "INR", "prothrombin time", "urinalysis", "UA",
                           "hemoglobin A1c", "HbA1c", "A1c", "lipid panel", "liver function",
                           "liver function tests", "LFT", "LFTs", "renal function", "kidney function",
                           "TSH", "thyroid panel", "ESR", "CRP", "sed rate", "rheumatoid factor",
                           "ANA", "HLA-B27", "uric acid", "serum", "drug level", "drug levels",
                           "blood level", "blood levels", "hepatic panel", "hepatic function", "renal panel",
                           "electrolytes"],
    "cardiac testing": ["EKG", "ECG", "EKGs", "electrocardiogram", "electrocardiography",
                        "echocardiogram", "echocardiography", "stress test", "cardiac stress test",
                        "Holter", "Holter monitor", "cardiac testing"],
    "electroencephalogram": ["electroencephalogram", "electroencephalography", "EEG", "EEGs",
                             "video EEG"],
    "sleep study": ["sleep study", "sleep studies", "polysomnography", "polysomnogram",
                    "sleep test", "sleep testing", "multiple sleep latency"],
    "functional capacity evaluation": ["functional capacity evaluation", "functional capacity",
                                       "FCE", "FCEs", "functional capacity exam",
                                       "physical capacity evaluation"],
    "strength and range of motion testing": ["range of motion testing", "range of motion test",
                                             "range of motion", "ROM testing", "ROM test",
                                             "computerized range of motion", "grip strength",
                                             "grip test", "Jamar", "muscle testing",
                                             "computerized muscle testing", "manual muscle testing",
                                             "strength testing", "dynamometer", "dynamometry",
                                             "inclinometry", "inclinometer", "muscle strength testing"],
    "psychological testing": ["psychological testing", "psychological tests", "psych testing",
                              "psychometric testing", "psychometric", "neuropsychological testing",
                              "neuropsychological", "neuropsych testing", "neuropsychological evaluation",
                              "MMPI", "cognitive testing", "neurocognitive testing", "BHI"],
    "genetic testing": ["genetic testing", "genetic test", "pharmacogenetic", "pharmacogenetic testing",
                        "pharmacogenomic", "cytochrome P450", "CYP450", "DNA testing",
                        "genetic metabolism", "opioid risk genetic"],
    "hearing and balance testing": ["audiogram", "audiometry", "audiological", "hearing test",
                                    "hearing evaluation", "videonystagmography", "VNG",
                                    "vestibular testing", "electronystagmography"],
    "discography": ["discography", "discogram", "discograms", "provocative discography"],
    "diagnostic testing": ["diagnostic testing", "diagnostic test", "diagnostic tests",
                           "diagnostic studies", "diagnostic study", "diagnostics", "testing", "test",
                           "tests", "work-up", "workup"],
    # --- equipment -----------------------------------------------------------------------
    "tens unit": ["TENS", "TENS unit", "TENS units", "transcutaneous electrical nerve stimulation",
                  "transcutaneous electrical nerve stimulator", "EMS/TENS", "TENS/EMS",
                  "TENS/EMS unit", "EMS/TENS unit", "TENS patches", "TENS supplies"],
    "h-wave": ["H-wave", "H wave", "Hwave", "H-wave unit", "H-wave device"],
    "interferential stimulation": ["interferential", "interferential unit", "interferential current",
                                   "interferential stimulator", "IF unit", "ICS", "IFC",
                                   "muscle stimulator", "NMES", "neuromuscular electrical stimulation",
                                   "neuromuscular stimulator", "EMS unit", "OrthoStim", "RS-4i",
                                   "sequential stimulator", "electrical stimulation unit", "multi-stim",
                                   "stim unit", "E-stim unit", "stimulator unit"],
    "bone growth stimulator": ["bone growth stimulator", "bone growth stimulation",
                               "bone stimulator", "bone stimulation", "bone growth stimulators",
                               "Exogen", "osteogenesis stimulator", "external bone stimulator",
                               "bone healing stimulator", "spinal fusion stimulator"],
    "cold therapy unit": ["cold therapy unit", "cold therapy", "cryotherapy", "cryotherapy unit",
                          "cold compression", "cold compression therapy", "cold compression unit",
                          "Vascutherm", "Game Ready", "Polar Care", "Q-Tech", "Iceman", "ice machine",
                          "Cryo Cuff", "continuous-flow cryotherapy", "continuous flow cryotherapy",
                          "thermal compression", "cold unit", "cooling unit", "wrap", "wraps",
                          "cold therapy wrap", "thermocompression"],
    "hot/cold packs": ["hot/cold", "hot and cold", "heat/cold", "heat and cold", "ice/heat",
                       "heat/ice", "cold/heat", "heating pad", "heating pads", "heat pad", "heat pads",
                       "heat therapy pad", "heat wrap", "heat wraps", "heat therapy", "ice pack",
                       "ice packs", "cold pack", "cold packs", "hot pack", "hot packs", "heat pack",
                       "heat packs", "moist heat", "ThermaCare", "thermotherapy", "cold/heat packs",
                       "hot/cold packs", "ice"],
    "brace": ["brace", "braces", "bracing", "back brace", "lumbar support", "back support",
              "lumbar corset", "LSO", "TLSO", "lumbosacral orthosis", "lumbar brace", "cervical collar",
              "neck brace", "soft collar", "knee brace", "hinged knee brace", "unloader brace",
              "wrist brace", "splint", "splints", "splinting", "wrist splint", "cock-up splint",
              "thumb spica", "elbow brace", "shoulder brace", "immobilizer", "walking boot",
              "CAM walker", "Aircast", "air cast", "ankle brace", "orthosis", "knee sleeve",
              "night splint", "abdominal binder", "support belt", "lumbar roll", "AFO",
              "ankle foot orthosis"],
    "sling": ["sling", "slings", "shoulder sling", "Ultrasling", "Arc sling", "Slingshot",
              "abduction pillow", "abduction sling", "shoulder immobilizer sling"],
    "foot orthotics": ["orthotics", "orthotic", "custom orthotics", "foot orthotics", "foot orthoses",
                       "shoe inserts", "shoe insert", "insoles", "heel cups", "heel cup",
                       "orthopedic shoes", "orthopedic shoe", "arch supports", "arch support",
                       "shoes", "shoe lift", "heel lift"],
    "walking aid": ["cane", "canes", "walker", "walkers", "rollator", "crutches", "crutch",
                    "knee scooter", "knee walker", "front-wheeled walker", "four-wheeled walker",
                    "quad cane", "assistive device", "assistive devices", "ambulatory aid"],
    "wheelchair": ["wheelchair", "wheelchairs", "wheel chair", "power chair", "power wheelchair",
                   "motorized scooter", "mobility scooter", "scooter", "electric wheelchair"],
    "hospital bed": ["hospital bed", "hospital beds", "adjustable bed", "mattress", "mattresses",
                     "pressure mattress", "alternating pressure mattress", "bed"],
    "bathroom equipment": ["commode", "bedside commode", "3 in 1 commode", "3-in-1 commode",
                           "shower chair", "bath chair", "bath/shower chair", "shower bench",
                           "tub bench", "transfer bench", "raised toilet seat", "toilet seat riser",
                           "grab bar", "grab bars", "handheld shower", "bidet", "toilet seat",
                           "bathroom equipment", "bathroom aids", "bathroom safety equipment"],
    "pillow": ["pillow", "pillows", "cervical pillow", "wedge pillow", "orthopedic pillow",
               "contour pillow", "cervical roll", "body pillow"],
    "continuous passive motion": ["continuous passive motion", "CPM", "CPM machine", "CPM unit"],
    "compression garment": ["compression stockings", "compression stocking", "compression hose",
                            "TED hose", "compression garment", "compression garments",
                            "compression sleeve", "compression wrap", "pneumatic compression",
                            "sequential compression", "SCD", "SCDs", "DVT pump", "leg wraps",
                            "calf wraps", "DVT prevention", "DVT prophylaxis unit",
                            "intermittent pneumatic compression", "compression device", "compression pump"],
    "exercise equipment": ["exercise equipment", "exercise ball", "Swiss ball", "resistance bands",
                           "resistance band", "Theraband", "Thera-Band", "TheraCane", "stationary bike",
                           "exercise bike", "recumbent bike", "treadmill", "home exercise kit",
                           "exercise kit", "shoulder pulley", "weights", "dumbbells", "foam roller",
                           "yoga mat", "pedal exerciser", "Theraputty", "hand exerciser"],
    "ergonomic equipment": ["ergonomic", "ergonomic equipment", "ergonomic chair", "ergonomic keyboard",
                            "ergonomic mouse", "ergonomic workstation", "sit-stand workstation",
                            "sit/stand workstation", "standing desk", "sit-stand desk", "workstation",
                            "office chair", "headset", "ergonomic evaluation", "keyboard"],
    "hearing aids": ["hearing aid", "hearing aids"],
    "respiratory equipment": ["CPAP", "BiPAP", "oxygen concentrator", "home oxygen", "CPAP machine"],
    "home modification": ["home modification", "home modifications", "ramp", "wheelchair ramp",
                          "stair lift", "stairlift", "vehicle modification", "van modification",
                          "patient lift", "Hoyer lift", "lift chair", "home remodel"],
    "medical supplies": ["supplies", "medical supplies", "gloves", "wipes", "hygiene wipes",
                         "dressing", "dressings", "bandage", "bandages", "gauze", "wound supplies",
                         "incontinence", "incontinence supplies", "diapers", "catheter", "catheters",
                         "electrodes", "batteries", "lead wires", "reacher", "grabber", "sock aid",
                         "ADL kit", "long-handled", "dressing aid", "Ace bandage", "tape"],
    "equipment": ["equipment", "durable medical equipment", "DME", "medical equipment", "device",
                  "devices", "pad", "pads", "purchase of equipment", "assistive equipment"],
    # --- visit ---------------------------------------------------------------------------
    "office visit": ["office visit", "office visits", "follow-up visit", "follow-up visits",
                     "follow up visit", "follow up visits", "follow-up office visit",
                     "follow up office visit", "follow-up with", "follow up with", "followup with",
                     "follow-up appointment", "follow-up appointments", "follow-up care",
                     "follow-up evaluation", "follow up evaluation", "re-evaluation", "reevaluation",
                     "re-evaluations", "re-eval", "re-exam", "re-exams", "re-examination",
                     "reexamination", "return visit", "medication management",
                     "medication monitoring", "evaluation and management", "E&M", "E/M",
                     "telemedicine", "visit", "visits", "appointment", "appointments",
                     "monthly visits", "office consultation", "follow-up", "follow up", "followup"],
    "consultation": ["consultation", "consultations", "consult", "consults", "referral", "referrals",
                     "refer", "evaluation", "evaluations", "eval", "evaluate", "assessment",
                     "second opinion", "transfer of care", "TOC", "specialist", "specialists",
                     "medication management consultation", "evaluation and treatment",
                     "evaluate and treat", "pain management consultation"],
    "examination": ["exam", "exams", "examination", "examinations", "physical exam",
                    "physical examination", "initial exam", "initial examination", "comprehensive exam",
                    "IME", "independent medical exam", "independent medical examination",
                    "neurological exam", "physical exams"],
    "psychological evaluation": ["psychological evaluation", "psych evaluation", "psych eval",
                                 "psychiatric evaluation", "psychological consultation",
                                 "psych consult", "psych consultation", "psychiatric consultation",
                                 "psychological assessment", "psychological consult",
                                 "pain psychology evaluation", "psychosocial evaluation",
                                 "mental health evaluation", "psychology consult",
                                 "psychological evaluations", "behavioral medicine evaluation",
                                 "psychiatric consult"],
    "visit": ["visit/evaluation", "visits and evaluations"],
    # --- program -------------------------------------------------------------------------
    "functional restoration program": ["functional restoration program", "functional restoration",
                                       "FRP", "multidisciplinary pain program",
                                       "interdisciplinary pain program", "chronic pain program",
                                       "HELP program", "pain program", "multidisciplinary program",
                                       "interdisciplinary program", "interdisciplinary rehabilitation",
                                       "functional restoration programs", "pain rehabilitation program"],
    "work hardening": ["work hardening", "work conditioning", "work hardening program",
                       "work simulation"],
    "gym membership": ["gym membership", "gym", "gym memberships", "YMCA", "health club",
                       "pool membership", "fitness center", "fitness club"],
    "weight loss program": ["weight loss program", "weight loss", "Weight Watchers", "Medifast",
                            "Jenny Craig", "Nutrisystem", "LA Weight Loss", "nutritionist",
                            "nutritional counseling", "dietitian", "weight management"],
    "detoxification": ["detoxification", "detox", "detox program", "detoxification program",
                       "opioid detoxification", "inpatient detox", "rapid detox",
                       "substance abuse treatment", "addiction treatment", "weaning program",
                       "chemical dependency"],
    "partial hospitalization": ["partial hospitalization", "partial hospitalization program",
                                "day treatment", "intensive outpatient program", "IOP",
                                "day program"],
    "program": ["program", "programs"],
    # --- care services -------------------------------------------------------------------
    "home health care": ["home health", "home health care", "home healthcare", "home care",
                         "home assistance", "caregiver", "caregivers", "home health aide",
                         "home aide", "home health services", "home nursing", "nursing care",
                         "skilled nursing", "nurse visits", "RN", "LVN", "LPN", "wound care",
                         "wound care nurse", "attendant care", "personal care", "housekeeping",
                         "homemaker", "chore services", "in-home support", "IHSS", "home attendant",
                         "home health assistance", "nurse", "nursing"],
    "transportation": ["transportation", "transport", "medical transportation", "taxi", "ambulance",
                       "mileage", "rides", "Uber", "Lyft"],
    "inpatient rehabilitation": ["inpatient rehabilitation", "acute rehabilitation",
                                 "acute rehabilitation unit", "acute rehab", "inpatient rehab",
                                 "acute inpatient rehabilitation", "skilled nursing facility", "SNF",
                                 "nursing home", "rehabilitation facility", "subacute rehabilitation",
                                 "transitional living", "residential treatment", "assisted living"],
    "case management": ["case management", "nurse case manager", "case manager",
                        "nurse case management"],
    "interpreter services": ["interpreter", "interpreters", "translator", "translation services",
                             "interpreting services", "interpreter services"],
    "dental treatment": ["dental", "dentist", "dental implant", "dental implants", "dentures",
                         "root canal", "periodontal", "tooth", "teeth", "crown"],
    "care services": ["care services"],
    # --- perioperative services ----------------------------------------------------------
    "anesthesia": ["anesthesia", "anaesthesia", "anesthesiologist", "anesthesiology", "sedation",
                   "IV sedation", "conscious sedation", "moderate sedation", "monitored anesthesia care",
                   "MAC", "general anesthesia", "anesthesia services", "anesthetist", "CRNA", "pain pump",
                   "On-Q pump", "On-Q", "postoperative pain pump", "regional anesthesia"],
    "assistant surgeon": ["assistant surgeon", "assistant surgeons", "surgical assistant",
                          "surgical assist", "assistant PA", "PA assist", "PA assistant", "PA-C assist",
                          "co-surgeon", "first assistant", "RNFA", "assist surgeon"],
    "preoperative clearance": ["medical clearance", "pre-op clearance", "preop clearance",
                               "preoperative clearance", "pre-operative clearance", "surgical clearance",
                               "preoperative evaluation", "pre-operative evaluation",
                               "pre-op evaluation", "preoperative medical evaluation",
                               "history and physical", "H&P", "pre-op consult", "cardiac clearance",
                               "clearance", "pre-operative medical clearance", "preoperative visit",
                               "pre-op visit", "pre-operative visit", "internal medicine clearance"],
    "hospital stay": ["inpatient stay", "hospital stay", "length of stay", "overnight stay",
                      "hospitalization", "hospital admission", "admission", "inpatient days",
                      "23-hour observation", "23 hour observation", "observation stay",
                      "inpatient hospital stay", "days inpatient", "day inpatient", "hospital days"],
    "intraoperative monitoring": ["intraoperative monitoring", "intraoperative neuromonitoring",
                                  "neuromonitoring", "neurophysiological monitoring", "IONM",
                                  "neurophysiologic monitoring", "intraoperative neurophysiological"],
    # "Associated surgical service:" heads items of every kind: it names no category itself.
    "perioperative services": ["perioperative services", "perioperative care"],
}

# Provider words and adjectives name the service a provider gives ("chiropractor" ->
# chiropractic); next to a visit word ("Re-exam with chiropractor", "Psychiatric follow-up")
# the item is the visit.
PROVIDERS: dict[str, list[str]] = {
    "chiropractic": ["chiropractor", "chiropractors", "chiropractic physician"],
    "psychological treatment": ["psychologist", "psychologists", "psychiatrist", "psychiatrists",
                                "psychological", "psych", "psychology", "psychiatric", "psychiatry"],
    "acupuncture": ["acupuncturist", "acupuncturists"],
    "physical therapy": ["physical therapist", "physical therapists"],
    "occupational therapy": ["occupational therapist", "hand therapist", "certified hand therapist"],
    "massage therapy": ["massage therapist"],
}

# parent group -> its categories. A group's own name is also a category: the item names only
# the group ("Spine surgery", "Medications").
GROUPS: dict[str, list[str]] = {
    "surgery": ["spinal fusion", "spinal decompression", "disc replacement", "kyphoplasty",
                "spinal cord stimulator", "intrathecal pump", "rotator cuff repair",
                "shoulder arthroscopy", "shoulder replacement", "knee arthroscopy",
                "knee ligament reconstruction", "knee replacement", "hip arthroscopy", "hip replacement",
                "joint replacement", "arthroscopy", "carpal tunnel release", "trigger finger release",
                "peripheral nerve release", "tendon surgery", "joint fusion", "fracture surgery",
                "hardware removal", "foot and ankle surgery", "hernia repair", "bariatric surgery"],
    "injection": ["epidural steroid injection", "facet injection", "medial branch block",
                  "radiofrequency ablation", "trigger point injection", "platelet-rich plasma injection",
                  "viscosupplementation", "joint steroid injection", "sacroiliac joint injection",
                  "nerve block", "epidural adhesiolysis", "botulinum toxin injection", "prolotherapy"],
    "medication": ["opioid", "muscle relaxant", "nsaid", "acetaminophen", "proton pump inhibitor",
                   "h2 blocker", "antiemetic", "laxative", "anticonvulsant", "antidepressant",
                   "sleep aid", "benzodiazepine", "anxiolytic", "antipsychotic", "stimulant",
                   "corticosteroid", "topical analgesic", "headache medication", "medical food",
                   "supplement", "erectile dysfunction medication", "hormone therapy", "antibiotic",
                   "anticoagulant", "cardiometabolic medication", "respiratory medication",
                   "smoking cessation", "naloxone"],
    "therapy": ["physical therapy", "occupational therapy", "aquatic therapy", "chiropractic",
                "acupuncture", "massage therapy", "physical modalities", "traction", "shockwave therapy",
                "home exercise", "psychological treatment", "biofeedback", "speech therapy",
                "vestibular rehabilitation", "cognitive rehabilitation"],
    "imaging": ["mri", "ct scan", "x-ray", "ultrasound imaging", "bone scan", "bone density scan"],
    "diagnostic testing": ["electrodiagnostic testing", "urine drug screen", "laboratory testing",
                           "cardiac testing", "electroencephalogram", "sleep study",
                           "functional capacity evaluation", "strength and range of motion testing",
                           "psychological testing", "genetic testing", "hearing and balance testing",
                           "discography"],
    "equipment": ["tens unit", "h-wave", "interferential stimulation", "bone growth stimulator",
                  "cold therapy unit", "hot/cold packs", "brace", "sling", "foot orthotics",
                  "walking aid", "wheelchair", "hospital bed", "bathroom equipment", "pillow",
                  "continuous passive motion", "compression garment", "exercise equipment",
                  "ergonomic equipment", "hearing aids", "respiratory equipment", "home modification",
                  "medical supplies"],
    "visit": ["office visit", "consultation", "examination", "psychological evaluation"],
    "program": ["functional restoration program", "work hardening", "gym membership",
                "weight loss program", "detoxification", "partial hospitalization"],
    "care services": ["home health care", "transportation", "inpatient rehabilitation",
                      "case management", "interpreter services", "dental treatment"],
    "perioperative services": ["anesthesia", "assistant surgeon", "preoperative clearance",
                               "hospital stay", "intraoperative monitoring"],
}
_PARENT = {category: group for group, categories in GROUPS.items() for category in categories}
_PARENT.update({group: group for group in GROUPS})
# Other names a reviewer may give a group in a filter.
GROUP_ALIASES = {"surgeries": "surgery", "procedures": "surgery", "surgical": "surgery",
                 "injections": "injection", "medications": "medication", "drugs": "medication",
                 "meds": "medication", "therapies": "therapy", "imaging studies": "imaging",
                 "diagnostic tests": "diagnostic testing", "tests": "diagnostic testing",
                 "testing": "diagnostic testing", "labs and tests": "diagnostic testing",
                 "dme": "equipment", "durable medical equipment": "equipment",
                 "medical equipment": "equipment", "visits": "visit", "visit/evaluation": "visit",
                 "visits and evaluations": "visit", "office visits": "visit",
                 "evaluation and management": "visit", "programs": "program",
                 "care/services": "care services", "services": "care services",
                 "perioperative": "perioperative services", "surgery-related services":
                 "perioperative services", "associated surgical services": "perioperative services"}
# Visit words yield to a treatment named first ("ESI with pain management consult").
_WEAK = {"office visit", "consultation", "examination"}
# When an item names several surgeries the most extensive one is the item ("arthroscopy with
# rotator cuff repair" -> rotator cuff repair; "decompression and fusion" -> spinal fusion).
_SURGERY_RANK = ["spinal fusion", "disc replacement", "spinal decompression", "kyphoplasty",
                 "spinal cord stimulator", "intrathecal pump", "shoulder replacement", "knee replacement",
                 "hip replacement", "joint replacement", "rotator cuff repair",
                 "knee ligament reconstruction", "joint fusion", "fracture surgery",
                 "carpal tunnel release", "trigger finger release", "peripheral nerve release",
                 "knee arthroscopy", "shoulder arthroscopy", "hip arthroscopy", "foot and ankle surgery",
                 "arthroscopy", "tendon surgery", "hardware removal", "hernia repair", "bariatric surgery",
                 "surgery"]
# Generic surgical words that at the knee or shoulder name arthroscopic work.
_JOINT_WORK = {"repair", "debridement", "release", "excision", "resection", "synovectomy"}
_SPINE = {"lumbar spine", "cervical spine", "thoracic spine", "coccyx"}
# Medicines that may be compounded into a cream or patch: then the item is a topical analgesic.
# Medicines injected for their effect on the whole body stay medicines ("Toradol injection").
_SYSTEMIC = {"nsaid", "opioid", "supplement", "hormone therapy", "antibiotic", "anticoagulant",
             "antiemetic", "medication", "naloxone"}
_TOPICAL_ELIGIBLE = {"nsaid", "anticonvulsant", "muscle relaxant", "antidepressant",
                     "topical analgesic", "corticosteroid", "medication"}

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


def _pattern(words: list[str], after_slash: bool = False) -> re.Pattern:
    """Compile the words into one alternation matching whole words only.

    after_slash lets a word follow a slash ("APAP/codeine", "EMS/TENS"), as drug and test
    names do in items.
    """
    ordered = sorted(set(words), key=len, reverse=True)
    # Alternatives grouped by first character behind a lookahead: a position is tried against
    # the few words that can start there, not all of them (the order within stays longest first).
    by_first: dict[str, list[str]] = {}
    for word in ordered:
        escaped = re.escape(word).replace(r"\ ", r"[\s-]+")
        if after_slash and word[-1].isalpha():
            escaped += "(?:e?s)?"  # plurals: "shoe lifts", "MBBs"
        # Upper-case abbreviations must match as written ("PT", not "pt" in "apt").
        flags = "" if word.isupper() and len(word) <= 5 else "(?i:"
        by_first.setdefault(word[0].lower(), []).append(
            f"(?:{escaped})" if not flags else f"{flags}{escaped})")
    branches = [f"(?={re.escape(first)}|{re.escape(first.upper())})(?:{'|'.join(alternatives)})"
                if first.isalpha() else f"(?:{'|'.join(alternatives)})"
                for first, alternatives in by_first.items()]
    before = r"(?<![\w-])" if after_slash else r"(?<![\w/-])"
    return re.compile(before + r"(?:" + "|".join(branches) + r")(?![\w])")


@cache
def _compiled(table_name: str) -> list[tuple[str, re.Pattern]]:
    table = {"body_parts": BODY_PARTS, "guidelines": GUIDELINES, "decisions": DECISIONS}[table_name]
    return [(label, _pattern(words)) for label, words in table.items()]


def _key(word: str) -> str:
    return re.sub(r"[\s-]+", " ", word.lower())


@cache
def _treatment_index() -> tuple[re.Pattern, dict[str, str], frozenset[str]]:
    """One pattern for every treatment and provider word, and the label of each word."""
    labels = {_key(word): label for table in (TREATMENTS, PROVIDERS)
              for label, words in table.items() for word in words}
    providers = frozenset(_key(word) for words in PROVIDERS.values() for word in words)
    words = [word for table in (TREATMENTS, PROVIDERS) for words in table.values() for word in words]
    return _pattern(words, after_slash=True), labels, providers


def _treatment_matches(text: str) -> list[tuple[int, int, str, bool]]:
    """Return (start, end, category, is_provider) for the outermost treatment words in text.

    One pass of one pattern: where words overlap the earliest, then longest, wins.
    """
    pattern, labels, providers = _treatment_index()
    found = []
    for match in pattern.finditer(text):
        key = _key(match.group(0))
        for candidate in (key, key[:-2] if key.endswith("es") else "", key[:-1]):
            if candidate in labels:
                found.append((match.start(), match.end(), labels[candidate], candidate in providers))
                break
    return found


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
# A strength in percent or an amount in grams is a compounded cream ("Ketoprofen 20%, 240 grams").
_PERCENT = re.compile(r"(?i)\d\s*%|\bpercent\b|\b[1-9]\d{1,3}(?:\.\d+)?\s*(?:g|gm|gms|grams?)\b")
_SPREAD_ON = re.compile(r"(?i)\b(?:cream|gel|ointment|lotion|compound(?:ed)?|topical)\b")
_INJECTED = re.compile(r"(?i)\b(?:inject\w*|shots?)\b")
# Image guidance names how a procedure is done, not a second item ("ESI under fluoroscopy").
_GUIDANCE = re.compile(r"(?i)\b(?:under\s+|with\s+)?(?:fluoroscop\w*|ultrasound|sonograph\w*|CT)"
                       r"[\s-]*guid\w*|\b(?:under|with|using)\s+(?:fluoroscop\w*|ultrasound|"
                       r"sonograph\w*|image\s+guidance|imaging\s+guidance)")
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty)"
# A course of sessions: "2 times a week for 6 weeks", "x 6", "12 sessions", "twice weekly".
_FREQUENCY = re.compile(
    rf"(?i)\b{_NUMBER}\s*(?:x|times?)\s*(?:a|per|/)?\s*(?:{_NUMBER}|week|wk|month)\b"
    rf"|\b(?:x|times)\s*\d+\b|\b{_NUMBER}\s+(?:\w+\s+)?(?:sessions?|visits?|treatments?)\b"
    r"|\b(?:once|twice)\s+(?:a|per)\s+week|\bweekly\b|\bsessions?\b|\d+\s*x\s*\d+")
# A dose, count or form that only a medicine has: an unknown name with it is still a medicine.
_DOSAGE = re.compile(r"(?i)\b\d+(?:\.\d+)?\s*(?:mg|mcg|ml|meq|units?/ml|mg/ml)\b|\b(?:tablets?|tabs?|"
                     r"capsules?|caps|oral suspension|suspension|by mouth|orally|p\.?o\.?|bid|tid|qid|"
                     r"prn|qhs|q\d+h|refills?|elixir|syrup|ER|XR|SR|CR|DR)\b")
_ASSOCIATED = re.compile(r"(?i)\s*(?:associated\s+)?surgical\s+services?\s*:\s*")
_REFERRAL = re.compile(r"(?i)^(?:referrals?|refer)\b")


def _resolve_surgery(category: str, word: str, text: str) -> str:
    """Name a surgery by the body part an item names when its word is generic ("fusion")."""
    word = word.lower()
    part = body_part_of(text)
    if category == "arthroscopy":
        return {"knee": "knee arthroscopy", "shoulder": "shoulder arthroscopy",
                "hip": "hip arthroscopy", "ankle": "foot and ankle surgery",
                "foot": "foot and ankle surgery"}.get(part, category)
    if category == "joint replacement":
        if part in _SPINE:
            return "disc replacement"
        return {"knee": "knee replacement", "hip": "hip replacement",
                "shoulder": "shoulder replacement"}.get(part, category)
    if part is None or part in _SPINE or part in ("pelvis", "lower extremity", "upper extremity"):
        return category
    if category == "spinal fusion" and word in ("fusion", "arthrodesis"):
        return "joint fusion"
    if category == "spinal decompression" and word in ("decompression", "surgical decompression"):
        return {"shoulder": "shoulder arthroscopy", "wrist": "carpal tunnel release",
                "hand": "carpal tunnel release", "elbow": "peripheral nerve release"}.get(part, "surgery")
    if category == "surgery" and part in ("foot", "ankle"):
        return "foot and ankle surgery"
    if category == "surgery" and word in _JOINT_WORK and part in ("knee", "shoulder"):
        return f"{part} arthroscopy"  # "medial meniscus tear repair", "shoulder debridement"
    return category


def _classify(text: str, dosage: bool = True) -> str | None:
    """Name the category of one item text, or None."""
    text = _GUIDANCE.sub(" ", text)
    matches = _treatment_matches(text)
    providers = [(start, end, label) for start, end, label, provider in matches if provider]
    provider_spans = {(start, end) for start, end, _ in providers}
    mentions = [(start, end, label) for start, end, label, _ in matches]
    if not mentions:
        return "medication" if dosage and _DOSAGE.search(text) else None
    often = bool(_FREQUENCY.search(text))
    visits = [m for m in mentions if m[2] in _WEAK]
    # "Re-exam with chiropractor" is a visit; "chiropractor 2 times a week" is chiropractic.
    if visits and not often:
        mentions = [m for m in mentions if (m[0], m[1]) not in provider_spans] or mentions
    specific = [m for m in mentions if m[2] not in GROUPS and m[2] not in _WEAK]
    generic = [m for m in mentions if m[2] in GROUPS]
    if visits and re.fullmatch(r"(?i)follow[\s-]*ups?", text[visits[0][0]:visits[0][1]]) and specific:
        visits = visits[1:]  # "Follow-up MRI": an adjective
    if visits and (not specific or visits[0][0] < specific[0][0]):
        chosen = visits[0]
        if chosen[2] != "office visit" and any(m[2] == "psychological treatment" for m in providers):
            return "psychological evaluation"  # "Initial evaluation with a psychologist"
        # A referral to a treatment, or a visit for a course of therapy, is the treatment.
        later = [m for m in specific if _PARENT[m[2]] in ("therapy", "program", "imaging",
                                                           "diagnostic testing")]
        if later and (_REFERRAL.match(text[chosen[0]:]) or
                      (often and _PARENT[later[0][2]] == "therapy")):
            chosen = later[0]
    elif specific:
        chosen = specific[0]
    else:
        chosen = generic[0]
    return _refine(chosen, mentions, text)


def _refine(chosen: tuple[int, int, str], mentions: list[tuple[int, int, str]], text: str) -> str:
    """Apply the rules that look past the first mention."""
    category = chosen[2]
    group = _PARENT.get(category)
    if group == "surgery":
        # The most extensive surgery named is the item, each named by its body part.
        surgeries = [_resolve_surgery(label, text[start:end], text)
                     for start, end, label in mentions if _PARENT.get(label) == "surgery"]
        return min(surgeries, key=_SURGERY_RANK.index)
    injected = bool(_INJECTED.search(text))
    labels = [label for _, _, label in mentions]
    if re.fullmatch(r"(?i)facet(?:[\s-]+joints?)?|medial[\s-]+branch", text[chosen[0]:chosen[1]]):
        # "facet" as an adjective: "facet radiofrequency rhizotomy" is the ablation.
        later = [m[2] for m in mentions if m[0] > chosen[0] and _PARENT.get(m[2]) == "injection"]
        category = later[0] if later else category
    if category == "joint steroid injection":
        # What is injected or where is more telling than "knee injection".
        others = [label for label in labels if _PARENT.get(label) == "injection"
                  and label != category]
        return others[0] if others else category
    if category == "acetaminophen":
        # Hydrocodone/APAP, Tylenol #3: the other ingredient names the medicine.
        others = [label for label in labels if _PARENT.get(label) == "medication"
                  and label not in ("acetaminophen", "medication")]
        category = others[0] if others else category
    joint = body_part_of(text) in ("knee", "shoulder", "hip", "elbow", "wrist", "ankle", "hand", "foot")
    if injected and category == "injection" and (joint or "corticosteroid" in labels):
        return "joint steroid injection"  # "Injection to the right knee", "Kenalog injection"
    if injected and _PARENT.get(category) == "medication" and category not in _SYSTEMIC:
        # A medicine given as an injection: the injection ("Lidocaine/Kenalog injection").
        named = [label for label in labels if label in GROUPS["injection"]]
        if named:
            return named[0]
        if "corticosteroid" in labels:
            return "joint steroid injection"
        if category == "topical analgesic" and not TOPICAL_FORMS.search(text):
            return "injection"  # lidocaine injected
    if category in _TOPICAL_ELIGIBLE or category == "opioid":
        # An opioid patch is the opioid (Butrans); an opioid compounded into a cream is topical.
        spread = _SPREAD_ON.search(text) or (category != "opioid" and TOPICAL_FORMS.search(text))
        if spread or _PERCENT.search(text):
            return "topical analgesic"
    if category == "ultrasound imaging" and re.search(
            r"(?i)\btimes\s+(?:a|per)\s+week|\bsessions?\b|\bweekly\b|\d+\s*x\s*\d+|\b\d+\s+times\s+\d+"
            r"|\b(?:therap\w*|treatments?|pulsed)\b", text):
        return "physical modalities"  # "Ultrasound 2 times a week": the modality, not imaging
    return category


def treatment_of(item: str) -> str | None:
    """Name the treatment category of a disputed item, e.g. 'Norco 10/325 #90' -> 'opioid'.

    A group's name comes back when the item names only the group ("Spine surgery").
    """
    text = item or ""
    heading = _ASSOCIATED.match(text)
    if heading:
        # "Associated surgical service: X" is X, a service around a surgery, never the surgery.
        return treatment_of(text[heading.end():]) or "perioperative services"
    whole = _classify(text)
    # "Pre-op labs: CBC", "Labs to include: EKG": the part after the heading names the item when
    # it names something.
    tail = text.rsplit(":", 1)[1] if ":" in text else ""
    named = _classify(tail, dosage=False) if re.search(r"[A-Za-z]{2}", tail) else None
    if whole == "topical analgesic" and _PARENT.get(named or "") == "medication":
        return whole  # "Compounded cream: flurbiprofen/lidocaine"
    if named and (named not in GROUPS or whole is None or whole in GROUPS):
        return named
    return whole


def treatment_group(category: str | None) -> str | None:
    """Name the parent group of a treatment category ('knee arthroscopy' -> 'surgery')."""
    if not category:
        return None
    return _PARENT.get(category.strip().lower())


def categories_in(name: str) -> set[str]:
    """Return the categories a filter on name matches: a group matches all its children."""
    lowered = (name or "").strip().lower()
    lowered = GROUP_ALIASES.get(lowered, lowered)
    if lowered in GROUPS:
        return {lowered, *GROUPS[lowered]}
    return {lowered} if lowered else set()


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
    """Return every (start, end, category) treatment mention in text, the longest where nested.

    A group's own name is the label of words that name only the group ("surgery", "shots").
    """
    text = text or ""
    guided = [match.span() for match in _GUIDANCE.finditer(text)]  # "ultrasound-guided"
    mentions = [(start, end, label) for start, end, label, _ in _treatment_matches(text)
                if not any(g_start <= start < g_end for g_start, g_end in guided)]
    read: list[tuple[int, int, str]] = []
    for index, (start, end, label) in enumerate(mentions):
        word = text[start:end]
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        near = following is not None and following[0] - end <= 3
        if near and re.fullmatch(r"(?i)follow[\s-]*ups?", word):
            continue  # "follow-up MRI"
        if near and _PARENT.get(following[2]) == "injection" and re.fullmatch(
                r"(?i)facet(?:[\s-]+joints?)?|medial[\s-]+branch", word):
            continue  # "facet radiofrequency"
        if _PARENT.get(label) == "surgery":
            # "arthroscopy of the left knee": the body part nearby names the surgery.
            label = _resolve_surgery(label, word, text[max(0, start - 30):end + 30])
        read.append((start, end, label))
    return read


def is_generic(category: str) -> bool:
    """Tell whether a category names only a group or a visit ("surgery", "consultation")."""
    return category in GROUPS or category in _WEAK


def dominant_treatment(text: str) -> str | None:
    """Name the category a passage (a rationale) names most, preferring specific categories."""
    counts: dict[str, int] = {}
    for _, _, label in treatment_mentions(text):
        counts[label] = counts.get(label, 0) + 1
    specific = {label: n for label, n in counts.items() if not is_generic(label)}
    chosen = specific or counts
    return max(chosen, key=chosen.get) if chosen else None


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
    """Return every word that names a treatment category (or group) or body region."""
    return TREATMENTS.get(category_or_region) or BODY_PARTS.get(category_or_region) or []


def canonical(key: str, value: str) -> str | None:
    """Normalize a filter value the way the index stores it; None when unknown.

    A treatment filter may name a category ("opioid"), a group ("surgery") or any word for
    either ("Norco" -> "opioid", "shots" -> "injection").
    """
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
        lowered = value.lower()
        if lowered in TREATMENTS:
            return lowered
        if lowered in GROUP_ALIASES:
            return GROUP_ALIASES[lowered]
        return _classify(value, dosage=False)
    if key == "body_part":
        if value.lower() in BODY_PARTS:
            return value.lower()
        return body_part_of(value)
    return value


# Words that name the same thing: abbreviations and long forms, brands and generics, lay words.
SYNONYM_GROUPS: list[list[str]] = [
    ["PT", "physical therapy", "physiotherapy", "rehab"], ["OT", "occupational therapy"],
    ["ESI", "epidural steroid injection", "epidural injection", "epidural shot"],
    ["FRP", "functional restoration program", "functional restoration"],
    ["UDS", "UDT", "urine drug screen", "urine drug test", "urine toxicology", "drug test"],
    ["MBB", "medial branch block"], ["facet injection", "facet joint injection", "facet block"],
    ["RFA", "radiofrequency ablation", "radiofrequency neurotomy", "rhizotomy", "nerve burn"],
    ["TENS", "transcutaneous electrical nerve stimulation"], ["H-wave", "H wave"],
    ["EMG/NCV", "EMG", "NCV", "NCS", "electromyography", "nerve conduction", "nerve test",
     "nerve conduction test", "nerve study", "nerve conduction study"],
    ["HEP", "home exercise program", "home exercise"], ["DME", "durable medical equipment"],
    ["SCS", "spinal cord stimulator"], ["TPI", "trigger point injection"],
    ["FCE", "functional capacity evaluation"], ["CBT", "cognitive behavioral therapy"],
    ["PPI", "proton pump inhibitor", "stomach pill", "antacid"],
    ["NSAID", "anti-inflammatory", "non-steroidal"],
    ["TTD", "total temporary disability", "temporarily totally disabled"],
    ["MRI", "magnetic resonance imaging"], ["CT", "CT scan", "CAT scan", "computed tomography"],
    ["PRP", "platelet rich plasma", "platelet-rich plasma"],
    ["ESWT", "extracorporeal shockwave", "shockwave"], ["UR", "utilization review"],
    ["Norco", "hydrocodone", "Vicodin"], ["Percocet", "oxycodone", "OxyContin", "Endocet"],
    ["Ultram", "tramadol", "Ultracet"], ["Nucynta", "tapentadol"], ["MS Contin", "morphine"],
    ["Duragesic", "fentanyl"], ["Dilaudid", "hydromorphone"],
    ["Butrans", "buprenorphine", "Suboxone"], ["Soma", "carisoprodol"],
    ["Flexeril", "Fexmid", "cyclobenzaprine", "Amrix"], ["Zanaflex", "tizanidine"],
    ["Robaxin", "methocarbamol"], ["Skelaxin", "metaxalone"], ["Norflex", "orphenadrine"],
    ["Lorzone", "chlorzoxazone"],
    ["Motrin", "ibuprofen", "Advil"], ["Naprosyn", "naproxen", "Anaprox"], ["Celebrex", "celecoxib"],
    ["Mobic", "meloxicam"], ["Voltaren", "diclofenac"], ["Toradol", "ketorolac"],
    ["Lodine", "etodolac"], ["Relafen", "nabumetone"],
    ["Prilosec", "omeprazole"], ["Protonix", "pantoprazole"], ["Nexium", "esomeprazole"],
    ["Prevacid", "lansoprazole"], ["Pepcid", "famotidine"], ["Zantac", "ranitidine"],
    ["Zofran", "ondansetron"], ["Colace", "docusate", "stool softener"],
    ["Neurontin", "gabapentin"], ["Lyrica", "pregabalin"], ["Topamax", "topiramate"],
    ["Cymbalta", "duloxetine"], ["Elavil", "amitriptyline"], ["Effexor", "venlafaxine"],
    ["Wellbutrin", "bupropion"], ["Ambien", "zolpidem"], ["Desyrel", "trazodone"],
    ["Lunesta", "eszopiclone"], ["Xanax", "alprazolam"], ["Valium", "diazepam"],
    ["Klonopin", "clonazepam"], ["Ativan", "lorazepam"], ["Lidoderm", "lidocaine patch"],
    ["Fioricet", "butalbital"], ["Imitrex", "sumatriptan"], ["Viagra", "sildenafil"],
    ["Tylenol", "acetaminophen", "APAP"], ["Medrol", "methylprednisolone"],
    ["Synvisc", "hyaluronic acid", "viscosupplementation", "gel injection"],
    ["muscle relaxer", "muscle relaxant"], ["pain pills", "pain meds", "pain medication", "opioids"],
    ["narcotics", "opioids"], ["shots", "injections"],
    ["steroid shot", "steroid injection", "cortisone injection", "cortisone shot"],
    ["back brace", "lumbar support", "back support", "LSO"],
    ["sleeping pill", "sleep aid", "sleep medication"], ["scan", "imaging"],
    ["bloodwork", "blood work", "lab work", "blood test", "labs"],
    ["knee scope", "knee arthroscopy", "arthroscopic knee surgery"],
    ["carpal tunnel surgery", "carpal tunnel release"], ["RCR", "rotator cuff repair"],
    ["ACDF", "anterior cervical discectomy and fusion"],
    ["TKA", "total knee arthroplasty", "knee replacement"],
    ["THA", "total hip arthroplasty", "hip replacement"],
    ["ORIF", "open reduction internal fixation"],
    ["EKG", "ECG", "electrocardiogram"], ["EEG", "electroencephalogram"],
    ["CPM", "continuous passive motion"], ["SNF", "skilled nursing facility"],
    ["MAC", "monitored anesthesia care"], ["TOC", "transfer of care"],
    ["IME", "independent medical examination"],
    ["ice machine", "cold therapy unit", "cryotherapy"], ["heating pad", "heat pad"],
    ["water therapy", "pool therapy", "aquatic therapy"], ["walker", "cane", "crutches"],
    ["low back", "lumbar", "lumbar spine", "lumbosacral"], ["neck", "cervical", "cervical spine"],
    ["tailbone", "coccyx", "coccydynia"],
]
# Words that name a whole class of medicines: a query using one is expanded by the class's names.
CLASS_WORDS = {"opioid", "opioids", "narcotic", "narcotics", "pain pills", "pain meds",
               "pain medication", "painkillers", "muscle relaxant", "muscle relaxants",
               "muscle relaxer", "muscle relaxers", "NSAID", "NSAIDs", "anti-inflammatory",
               "anti-inflammatories", "proton pump inhibitor", "PPI", "PPIs", "stomach pill",
               "antacid", "H2 blocker", "anticonvulsant", "anticonvulsants", "antidepressant",
               "antidepressants", "benzodiazepine", "benzodiazepines", "benzos", "topical",
               "topicals", "sleep aid", "sleeping pill", "sleeping pills", "hypnotic",
               "medical food", "laxative", "stool softener", "antiemetic", "triptan",
               "corticosteroid", "oral steroid", "antipsychotic", "anxiolytic", "supplement"}
# Abbreviations a query's words are upper-cased to; not those that are also everyday words
# ("sad", "pet", "pens"), which only match as written in an item.
_EVERYDAY = {"SAD", "ASAD", "PET", "PENS", "LINT", "MAC", "MR", "ANA", "TOC", "DCR", "CHT", "TSA",
             "IME", "IOP", "RN", "UA", "AED", "AEDs", "ICS", "IFC", "INR"}
ABBREVIATIONS = {word for words in [*TREATMENTS.values(), *PROVIDERS.values(), *SYNONYM_GROUPS]
                 for word in words if word.isupper() and len(word) <= 7 and word not in _EVERYDAY}


def synonyms_of(word: str) -> list[str]:
    """Return the other names of a word (PT -> physical therapy, Norco -> hydrocodone)."""
    lowered = word.lower()
    found: list[str] = []
    for group in SYNONYM_GROUPS:
        if lowered in (w.lower() for w in group):
            found.extend(w for w in group if w.lower() != lowered and w not in found)
    return found
