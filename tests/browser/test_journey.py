"""A reviewer's whole journey in a real chromium against the real server (waitress).

Ask, see more results, refine, open a determination at its passage, copy a citation, pin two
excerpts and export the case note (Markdown and Word), at 1280 px and at 390 px.
Screenshots land in tests/artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from tests.browser.conftest import CHROMIUM
from tests.paths import ROOT

playwright = pytest.importorskip("playwright.sync_api")
ARTIFACTS = ROOT / "tests" / "artifacts"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_reviewer_journey(server, browser, width, height, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height},
                                  accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    requests_out: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(server) else requests_out.append(r.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.evaluate("window.__samePage = true")

    # "/" focuses the box; Enter sends; the answer arrives without a reload.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "message"
    page.fill("#message", "PT denied for lack of functional improvement")
    page.keyboard.press("Enter")
    page.wait_for_selector(".turn .result")
    assert page.evaluate("window.__samePage") is True
    first = page.locator(".turn").nth(0)
    assert "determination" in first.locator(".summary").inner_text()
    marks = first.locator(".result mark").all_inner_texts()
    assert any("functional improvement" in m.lower() for m in marks)
    assert "/c/" in page.url

    # Show more: the next ten results join the same answer, still without a reload.
    shown = first.locator(".result").count()
    assert shown == 10
    first.locator("a.more").click()
    first.locator(".result").nth(10).wait_for()
    more = first.locator(".result").count()
    assert more > 10 and page.evaluate("window.__samePage") is True
    ids = first.locator(".result").evaluate_all("items => items.map(i => i.dataset.doc)")
    assert len(set(ids)) == len(ids) == more

    # A follow-up refines the question.
    page.fill("#message", "only the overturned ones")
    page.keyboard.press("Enter")
    second = page.locator(".turn").nth(1)
    second.wait_for()
    second.locator(".result").first.wait_for()
    badges = second.locator(".result-head .badge").all_inner_texts()
    assert badges and all(b.lower() == "overturned" for b in badges)
    assert "Overturned" in second.locator(".chips").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"chat-{width}.png"), full_page=True)

    # Copy a citation: item, decision, quoted excerpt and permalink.
    first.locator(".copy-citation").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Upheld" in copied and "/d/" in copied and '"' in copied

    # Pin two excerpts, annotate one, export the note as Markdown.
    first.locator(".pin").nth(0).click()
    second.locator(".pin").nth(0).click()
    assert page.locator("#notes-count").inner_text() == "2"
    page.click("#notes-toggle")
    page.locator("#notes-list textarea").first.fill("Same reasoning as our case.")
    page.locator(".note-down").first.click()
    assert "Same reasoning" in page.locator("#notes-list textarea").nth(1).input_value()
    page.screenshot(path=str(ARTIFACTS / f"notes-{width}.png"), full_page=False)
    with page.expect_download() as download:
        page.click("#export-md")
    note = Path(download.value.path()).read_text()
    assert note.startswith("# Case note") and note.count("/d/") >= 2
    assert "Same reasoning as our case." in note
    with page.expect_download() as download:  # the same tray as a Word document
        page.click("#export-docx")
    assert download.value.suggested_filename == "case-note.docx"
    word = Document(download.value.path())
    paragraphs = "\n".join(p.text for p in word.paragraphs)
    assert paragraphs.startswith("Case note") and "Same reasoning as our case." in paragraphs
    assert paragraphs.count("Permalink:") == 2
    links = [r.target_ref for r in word.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert len(links) == 2 and all(link.startswith(server + "/d/") for link in links)
    page.click("#notes-close")

    # Open a determination at the matched passage.
    link = first.locator(".excerpt a", has_text="Open passage").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    anchor = href.split("#")[1]
    section = page.locator(f"section#{anchor}")
    assert "target" in section.get_attribute("class")
    assert section.locator("mark").count() > 0
    in_view = page.evaluate(
        f"(() => {{ const r = document.getElementById('{anchor}').getBoundingClientRect();"
        f" return r.top < innerHeight && r.bottom > 0; }})()")
    assert in_view
    assert page.locator(".similar-panel .result").count() > 0
    page.screenshot(path=str(ARTIFACTS / f"determination-{width}.png"), full_page=False)

    # The tray persisted across pages; nothing left the machine; no script errors.
    assert page.locator("#notes-count").inner_text() == "2"
    assert requests_out == [] and errors == []
    unlabeled = page.evaluate("""[...document.querySelectorAll('button, a, textarea, input')]
        .filter(e => e.offsetParent !== null && e.type !== 'hidden')
        .filter(e => !(e.getAttribute('aria-label') || e.textContent.trim() || e.labels?.length))
        .length""")
    assert unlabeled == 0
    context.close()
