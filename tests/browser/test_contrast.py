"""Contrast and outcome rates in a real chromium against the real server, at 1280 px and 390 px.

Open the rate charts with an answer, click a bar and see its filter applied, open the contrast
view of upheld and overturned cases, and the decided-the-other-way panel of a determination.
Screenshots land in tests/artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.paths import ROOT

pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_rates_and_contrast(server, browser, width, height):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    # A CSP refusal (an inline style in the SVG, say) is a console error; the favicon's 404 is not ours.
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

    # The answer's outcome rates: four charts, drawn without breaking the CSP, readable on a phone.
    page.goto(server + "/?q=physical+therapy")
    page.click(".rates summary")
    charts = page.locator(".rates .rate-chart")
    assert charts.count() == 4
    treatment_chart = charts.first
    assert "upheld ·" in treatment_chart.text_content() and "95% CI" in treatment_chart.text_content()
    box = treatment_chart.bounding_box()
    assert box["width"] <= width and box["x"] >= 0
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.rate-words')).fontSize)")
    assert font >= 12
    page.evaluate("document.querySelector('.ask').style.display = 'none'")  # the fixed box hides charts
    page.locator(".rates").screenshot(path=str(SCREENSHOTS / f"rates-{width}.png"))

    # A bar is a link: clicking it adds its treatment filter to the question.
    bar = treatment_chart.locator("a").first
    label = bar.get_attribute("aria-label")
    value = label.split(":")[0]
    bar.click()
    page.wait_for_load_state()
    assert parse_qs(urlparse(page.url).query)["treatment"] == [value]
    assert value in page.locator(".chips").inner_text()
    treatments = page.locator(".result .meta").all_inner_texts()
    assert treatments and all(value in t for t in treatments)

    # The contrast view: both sides and what differs.
    page.goto(server + "/?q=PT+denied+for+lack+of+functional+improvement")
    page.click(".contrast-action a")
    page.wait_for_load_state()
    assert "/contrast?" in page.url
    upheld = page.locator(".side-upheld .result-head .badge").all_inner_texts()
    overturned = page.locator(".side-overturned .result-head .badge").all_inner_texts()
    assert upheld and all(b.lower() == "upheld" for b in upheld)
    assert overturned and all(b.lower() == "overturned" for b in overturned)
    rows = page.locator(".differences tbody tr")
    assert rows.count() >= 1 and "reasons" in page.locator(".differences").inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"contrast-{width}.png"), full_page=True)

    # The determination page: the nearest cases decided the other way for the same treatment.
    page.locator(".side-upheld .result-title").first.click()
    page.wait_for_load_state()
    panel = page.locator(".contrast-panel")
    assert panel.locator(".side-overturned .result").count() >= 1
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(SCREENSHOTS / f"determination-contrast-{width}.png"))

    assert outside == [] and problems == []
    context.close()
