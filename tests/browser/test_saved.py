"""Near-identical letters and saved searches in a real chromium against the real server: expand a
collapsed group, save a search, index a new letter, and see it as new until the search is opened."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, serving
from tests.paths import CORPUS, ROOT, SEEDS

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]
TEMPLATE = (CORPUS / "synthetic" / "sample_002.txt").read_text()
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def letter(case_number: str, old: str = "", new: str = "") -> str:
    return TEMPLATE.replace("CM13-4866552", case_number).replace(old, new) if old else \
        TEMPLATE.replace("CM13-4866552", case_number)


def index(letters: Path, directory: Path) -> None:
    subprocess.run([sys.executable, "-m", "indexer", "index", str(letters), "--index", str(directory)],
                   env=ENV, check=True, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server over the seeds and two near-identical letters; add() indexes a third letter."""
    root = tmp_path_factory.mktemp("saved-site")
    letters, directory = root / "letters", root / "index"
    letters.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, letters / seed.name)
    (letters / "a.txt").write_text(letter("CM19-0000001"))
    (letters / "b.txt").write_text(letter("CM19-0000002", "six weeks", "eight weeks"))
    index(letters, directory)

    def add():
        (letters / "c.txt").write_text(letter("CM19-0000003", "and bracing", "and a knee brace"))
        index(letters, directory)
    with serving(directory, root / "instance") as base:
        yield base, add


def test_expand_a_collapsed_group_then_follow_a_saved_search(site, browser):
    base, add = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(base + "/")
    page.fill("#message", "knee MRI meniscal tear McMurray locking")
    page.keyboard.press("Enter")
    page.wait_for_selector(".turn .result")
    group = page.locator(".result .near-duplicates").first
    assert group.locator("summary").inner_text() == "+1 near-identical"
    link = group.locator("a")
    assert not link.is_visible()
    group.locator("summary").click()
    assert link.is_visible()
    shown = group.locator("xpath=ancestor::li[@data-doc]").get_attribute("data-doc")
    assert {shown, link.inner_text()} == {"CM19-0000001", "CM19-0000002"}
    assert page.locator(".turn .result").evaluate_all(
        "rows => rows.filter(r => r.dataset.doc.startsWith('CM19-')).length") == 1

    page.click(".turn .save-search")
    page.wait_for_selector(".turn .save-search:disabled")
    page.goto(base + "/saved")
    assert "nothing new since you last looked" in page.locator(".saved-search").inner_text()

    add()  # the server notices the new generation on its next request
    page.goto(base + "/saved")
    assert page.locator(".saved-search .new-count").inner_text() == "1 new since you last looked"
    page.click(".saved-search .saved-title")
    assert page.locator(".new-letters").inner_text().count("CM19-0000003") == 1
    assert page.locator(".result .badge-new").count() >= 1
    page.goto(base + "/saved")
    assert "nothing new since you last looked" in page.locator(".saved-search").inner_text()

    page.click(".saved-search .remove-saved")
    page.wait_for_selector(".saved-search", state="detached")
    assert errors == []
    page.close()
