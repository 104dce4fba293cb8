"""Running headers and footers go by what repeats at page edges; content that recurs stays."""

from __future__ import annotations

import pytest

from indexer.ingest.pages import looks_like_furniture, strip_running_lines, strip_running_text

BODY = [
    "The injured worker is a 48 year old male who sustained an industrial injury on 10-13-16.\n"
    "Decision rationale: MTUS recommends physical therapy for acute pain.\n"
    "The request is medically necessary.",
    "Claims Administrator guideline: Decision based on MTUS Chronic Pain 2016.\n"
    "Decision rationale: Guidelines support 9-10 visits over 8 weeks.\n"
    "Therefore, the request for 6 visits is medically necessary.",
    "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004.\n"
    "Decision rationale: There is no red flag on examination.\n"
    "The MRI of the lumbar spine is not medically necessary.",
    "Acupuncture x 6: Overturned\n"
    "Decision rationale: An initial trial of acupuncture is recommended.\n"
    "The request is medically necessary.",
]


def typeset(bodies: list[str], top=None, bottom=None) -> list[str]:
    """Pages with a header line top(n, count) and a footer line bottom(n, count) around each body."""
    pages = []
    for number, body in enumerate(bodies, start=1):
        lines = [top(number, len(bodies))] if top else []
        lines += body.split("\n") + ([bottom(number, len(bodies))] if bottom else [])
        pages.append("\n".join(line for line in lines if line is not None))
    return pages


@pytest.mark.parametrize("count", [2, 3, 4])
@pytest.mark.parametrize("footer", ["Page {n} of {m}", "- {n} -", "{n}", "Page {n}", "{n}/{m}"])
def test_page_number_footers_are_removed(count, footer):
    pages = typeset(BODY[:count], bottom=lambda n, m: footer.format(n=n, m=m))
    assert strip_running_lines(pages) == BODY[:count]


@pytest.mark.parametrize("count", [2, 3, 4])
def test_a_running_header_and_footer_are_removed_and_the_body_is_kept_whole(count):
    pages = typeset(BODY[:count], top=lambda n, m: "IMR Case Number CM13-0001234",
                    bottom=lambda n, m: f"Page {n} of {m}")
    assert strip_running_lines(pages) == BODY[:count]


def test_a_letterhead_on_the_first_page_stays_while_the_running_header_after_it_goes():
    letterhead = "MAXIMUS Federal Services\nIndependent Medical Review\nP.O. Box 138009"
    pages = [letterhead + "\n" + BODY[0]] + typeset(BODY[1:], top=lambda n, m: "IMR Case CM13-0001234")
    assert strip_running_lines(pages) == [letterhead + "\n" + BODY[0]] + BODY[1:]


def test_a_letterhead_on_every_page_goes():
    pages = typeset(BODY, top=lambda n, m: "MAXIMUS Federal Services  Independent Medical Review")
    assert strip_running_lines(pages) == BODY


def test_a_page_number_on_all_pages_but_the_first_goes_from_three_pages_on():
    pages = typeset(BODY[:3], bottom=lambda n, m: f"- {n} -" if n > 1 else None)
    assert strip_running_lines(pages) == BODY[:3]
    # With two pages a line on one page is no repetition at all: it stays.
    two = typeset(BODY[:2], bottom=lambda n, m: f"- {n} -" if n > 1 else None)
    assert strip_running_lines(two) == two


def test_prose_that_ends_two_pages_alike_stays():
    pages = ["Some text.\nThe request is not\nmedically necessary.",
             "More text.\nTherefore the MRI is not\nmedically necessary."]
    assert strip_running_lines(pages) == pages


def test_a_label_that_recurs_inside_pages_is_content_even_at_their_edges():
    pages = ["Decision rationale:\n" + body + "\nmore\nand more\nand more\nDecision rationale:\nend"
             for body in BODY[:3]]
    assert strip_running_lines(pages) == pages


def test_a_line_shared_by_a_minority_of_pages_stays():
    pages = typeset(BODY, top=lambda n, m: "Upheld" if n <= 2 else None)
    assert strip_running_lines(pages) == pages


def test_one_page_and_empty_pages_are_left_alone():
    assert strip_running_lines([]) == []
    single = typeset(BODY[:1], bottom=lambda n, m: "Page 1 of 1")
    assert strip_running_lines(single) == single
    assert strip_running_lines(["", " ", single[0]]) == ["", " ", single[0]]


def test_other_line_breaks_and_spacing_in_a_page_are_kept():
    pages = ["Page 1 of 2  \n \nFirst  page\n", "\nPage 2 of 2\n \nSecond page \n"]
    assert strip_running_lines(pages) == [" \nFirst  page\n", "\n \nSecond page \n"]


@pytest.mark.parametrize("line", ["Page 2 of 3", "page 12", "- 4 -", "3", "2 of 5", "2/5",
                                  "IMR Case Number CM13-0001234", "MAXIMUS Federal Services",
                                  "Final Determination Letter for IMR Case Number CM13-0001234 Page 2"])
def test_furniture_shapes(line):
    assert looks_like_furniture(line)


@pytest.mark.parametrize("line", ["medically necessary.", "Special Studies.", "", "   ",
                                  "the request for 12 sessions of physical therapy",
                                  "Claims Administrator guideline: Decision based on MTUS,",
                                  "one two three four five six seven eight nine ten eleven twelve thirteen",
                                  "Guidelines, Home health services, page 51."])
def test_prose_shapes(line):
    assert not looks_like_furniture(line)


def test_text_splits_at_the_page_join_cleans_and_keeps_every_break_as_it_was():
    pages = typeset(BODY[:3], top=lambda n, m: "IMR Case Number CM13-0001234",
                    bottom=lambda n, m: f"Page {n} of {m}")
    pages[0] += "\n"  # pypdf often ends the first page with a newline: the join then has five
    text = "\n\n\n\n".join(pages)
    assert strip_running_text(text) == "\n\n\n\n".join(strip_running_lines(pages))
    assert strip_running_text(text) == BODY[0] + "\n\n\n\n\n" + BODY[1] + "\n\n\n\n" + BODY[2]


def test_text_splits_at_form_feeds():
    pages = typeset(BODY[:3], bottom=lambda n, m: f"Page {n} of {m}")
    assert strip_running_text("\f".join(pages)) == "\f".join(BODY[:3])


def test_text_without_page_breaks_or_running_lines_is_unchanged():
    one = "Page 1 of 1\n\nDecision rationale: text.\n\n\nPage 1 of 1"  # two empty lines: no page break
    assert strip_running_text(one) == one
    several = "\n\n\n\n".join(BODY) + "\n\n\n\n\n\n"
    assert strip_running_text(several) == several


def test_text_without_page_breaks_is_cut_at_its_page_numbers():
    body = ["Decision rationale: the tear is not", "large, so repair is approved.", "More findings here."]
    text = "\n".join(["IMR Case Number CM15-0000001", body[0], "Page 1 of 2",
                      "IMR Case Number CM15-0000001", body[1], body[2], "Page 2 of 2"])
    assert strip_running_text(text) == "\n".join(body)


def test_a_lone_page_number_or_bare_numbers_do_not_cut_text():
    text = "Norco 10/325\n2\nPage 1 of 1\nTramadol\n3"
    assert strip_running_text(text) == text


def test_a_header_field_repeated_on_every_page_keeps_its_first_showing():
    pages = ["Case Number: CM16-0213037\nHOW THE IMR FINAL DETERMINATION WAS MADE\nBody one.",
             "Case Number: CM16-0213037\nMore body.\nEven more body."]
    cleaned = strip_running_lines(pages)
    assert cleaned[0].startswith("Case Number: CM16-0213037")
    assert "Case Number" not in cleaned[1]
