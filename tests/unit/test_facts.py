import pytest

from indexer.ingest import facts


@pytest.mark.parametrize("text, expected", [
    ("09/12/2013", "2013-09-12"), ("3/6/14", "2014-03-06"), ("May 29, 2009", "2009-05-29"),
    ("04/11/12", "2012-04-11"), ("March 18, 2013", "2013-03-18"), ("Sept. 3, 2011", "2011-09-03"),
    ("2012-07-01", "2012-07-01"), ("14 February 2010", "2010-02-14"), ("13/45/2010", None),
])
def test_parse_date_reads_every_form_the_letters_use(text, expected):
    assert facts.parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("sustained an industrial injury on 09/12/2013 when", "2013-09-12"),
    ("an industrial injury of May 29, 2009.", "2009-05-29"),
    ("with an injury date of 04/11/12. Based on the 09/11/14 report", "2012-04-11"),
    ("Date of Injury:  05/05/2010", "2010-05-05"),
    ("The report dated 01/02/2015 notes pain. No injury details.", None),
])
def test_date_of_injury_follows_an_injury_cue(text, expected):
    assert facts.date_of_injury([text]) == expected


def test_sex_never_comes_from_reviewer_boilerplate():
    boilerplate = "He/she has no affiliation with the employer. He/she is familiar with laws."
    assert facts.patient("The applicant has neck pain.", boilerplate).sex is None
    assert facts.patient("This 45 y/o female reports pain.", boilerplate).sex == "female"


def test_reviewer_credentials_in_both_phrasings():
    listed = facts.reviewer("State(s) of Licensure: California, Indiana, New York "
                            "Certification(s)/Specialty: Internal Medicine")
    assert listed.licensure == ["California", "Indiana", "New York"]
    assert listed.specialty == ["Internal Medicine"]
    prose = facts.reviewer("The expert reviewer is Board Certified in Physical Medicine and "
                           "Rehabilitation, has a subspecialty in Interventional Spine and is "
                           "licensed to practice in California.")
    assert prose.specialty == ["Physical Medicine and Rehabilitation", "Interventional Spine"]
    assert prose.licensure == ["California"]


def test_case_number():
    assert facts.case_number("IMR Case Number:  CM13-0012345  Date") == "CM13-0012345"
    assert facts.case_number("no number here") is None


def test_header_dates_from_the_header_block_and_its_split_cell():
    header = ("Case Number: CM16-0200001 Date Assigned: 11/02/2016 Date of Injury: 10/01/2016 "
              "Decision Date: 12/12/2016 UR Denial Date: 10/20/2016 Priority: Standard Application "
              "Received: 10/25/2016")
    assert facts.header_dates(header) == {
        "date_assigned": "2016-11-02", "date_of_injury": "2016-10-01", "decision_date": "2016-12-12",
        "ur_denial_date": "2016-10-20", "application_received": "2016-10-25"}
    old = facts.header_dates("Dated: 10/21/2013 Date of UR Decision: 8/9/2013")
    assert (old["decision_date"], old["ur_denial_date"], old["date_assigned"]) == (
        "2013-10-21", "2013-08-09", None)


@pytest.mark.parametrize("text, specialty", [
    ("Certification(s)/Specialty: Physical Medicine & Rehabilitation",
     ["Physical Medicine & Rehabilitation"]),
    ("Certification(s)/Specialty: Family Practice  Case Number: CM17-0000001 Date Assigned: 01/02/2017",
     ["Family Practice"]),
    ("Certification(s)/Specialty: Surgery, Hand Surgery\nCLINICAL CASE SUMMARY", ["Surgery", "Hand Surgery"]),
    ("Certification(s)/Specialty: Internal Medicine, General\nPreventive Medicine\n",
     ["Internal Medicine", "General Preventive Medicine"]),
])
def test_specialty_ends_where_the_next_field_begins(text, specialty):
    assert facts.reviewer(text).specialty == specialty


@pytest.mark.parametrize("summary, age", [
    ("A now 36-year-old female with neck pain.", 36),
    ("The patient is a(n) 57 year old male.", 57),
    ("The 58 year old female injured worker reported pain.", 58),
    ("The worker, 61 years of age, reported pain.", 61),
    ("Her date of birth is 06/01/1960. She reported pain.", 56),
    ("Her birthdate is listed as 06/01/1960 and 06/01/1966. She reported pain.", None),
])
def test_age_phrasings_and_birthdates(summary, age):
    assert facts.patient(summary, summary, on="2016-12-01").age == age
