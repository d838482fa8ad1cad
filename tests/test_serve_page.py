"""The page of `pmrole serve` in a real headless Chromium (Debian's), driven by Playwright.

Skipped, with the reason, when Chromium or Playwright is not installed (`.ci/run` installs them).
"""

import csv
import io
import json
from pathlib import Path

import pytest

from .conftest import ROOT
from .serve_process import CHROMIUM, chromium, post_json, start

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")

EXAMPLES = ROOT / "examples"
REQUESTS: list[str] = []


@pytest.fixture(scope="module")
def server():
    s = start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as playwright:
        context = chromium(playwright, tmp_path_factory.mktemp("chromium-profile"),
                           viewport={"width": 1100, "height": 900})
        context.on("request", lambda r: REQUESTS.append(r.url))
        yield context
        context.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url)
    yield page
    page.close()
    assert errors == []


def test_serve_page_paste_submit_with_keyboard_shows_label_and_highlights(page, server):
    text = (EXAMPLES / "posting.txt").read_text(encoding="utf-8")
    expected = json.loads(post_json(server.url + "v1/classify", {"text": text, "top": 20})[2])
    for _ in range(4):  # the skip link, the two header links, then the title field
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "title"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "text"
    page.fill("#text", text)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#pm-label")
    assert page.inner_text("#pm-label") == expected["label"] == "product-manager"
    marks = page.locator("#pm-text mark.kw")
    assert marks.count() >= 10
    tips = marks.evaluate_all("ms => ms.map(m => m.dataset.tip)")
    assert any(t.startswith("product manager: +") and "towards product-manager" in t for t in tips)
    assert page.locator("#pm-text mark.kw.neg").count() >= 1  # a word towards the runner-up
    # keyboard: the result takes focus, Tab reaches the first highlighted word, its tooltip shows
    assert page.evaluate("document.activeElement.id") == "result"
    first_tip = page.locator("#result mark.kw[tabindex]").first.get_attribute("data-tip")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.dataset.tip,"
                            " getComputedStyle(document.activeElement, '::after').content]")
    assert focused == ["MARK", first_tip, json.dumps(first_tip, ensure_ascii=False)]


def test_serve_page_file_input_classifies_html(page):
    page.set_input_files("#posting-file", str(EXAMPLES / "posting.html"))
    page.wait_for_selector("#pm-label")
    assert page.inner_text("#pm-label") == "project-manager"
    assert "Senior Project Manager" in page.inner_text(".pm-title")


def test_serve_page_empty_posting_shows_the_cli_message(page):
    page.focus("#text")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#error:not([hidden])")
    assert page.inner_text("#error") == "unreadable posting: text: the file is empty; give a file with the posting's text."


def test_serve_page_batch_scores_a_table_with_chart_review_and_download(page, tmp_path):
    rows = [("Product Manager", "Own the roadmap, interview customers and decide what to build."),
            ("Project Manager", "Run the project plan, the budget, the risks and the milestones."),
            ("", "Manager wanted."), ("Chef", "")]
    source = tmp_path / "listings.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "description"])
        writer.writerows(rows)
    page.set_input_files("#table-file", str(source))
    page.focus("#score")
    page.keyboard.press("Enter")
    page.wait_for_selector("#batch-result:not([hidden])")
    assert page.inner_text("#batch-text") == "4 rows scored."
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "listings.scored.csv"
    scored = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [r["title"] for r in scored] == [r[0] for r in rows]
    assert scored[3]["pmrole_error"] == "row 4: column 'description' is empty; nothing to classify"
    review = [r for r in scored if r["pmrole_needs_review"] == "true"]
    assert page.locator("#review tbody tr").count() == len(review)
    bars = page.locator("#chart svg rect")
    labels = {r["pmrole_label"] for r in scored if r["pmrole_label"]}
    assert bars.count() == len(labels) + 1  # one bar per label, one for the row with an error


def test_serve_page_batch_reads_typed_jsonl_results(page, tmp_path):
    """JSON Lines come back with typed results (true/false, numbers): the review list and the
    confidence column read them as the CSV text would be read."""
    rows = [{"title": "Project Manager", "description": "Run the project plan, the budget and the milestones."},
            {"title": "", "description": "Manager wanted."}]
    source = tmp_path / "listings.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    page.set_input_files("#table-file", str(source))
    page.click("#score")
    page.wait_for_selector("#batch-result:not([hidden])")
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "listings.scored.jsonl"
    scored = [json.loads(l) for l in Path(download.value.path()).read_text(encoding="utf-8").splitlines()]
    review = [r for r in scored if r["pmrole_needs_review"] is True]
    assert review, "the one-line posting should be flagged for review"
    assert page.locator("#review tbody tr").count() == len(review)
    shown = page.locator("#review tbody td.num").all_inner_texts()[1::2]  # row number, confidence
    assert shown == [f"{r['pmrole_confidence']:.4f}" for r in review]


def test_serve_page_loads_nothing_from_elsewhere(page, server):
    page.wait_for_load_state("networkidle")
    assert REQUESTS and all(u.startswith(server.url) or u.startswith(("data:", "blob:")) for u in REQUESTS)
    weight = page.evaluate("performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0)"
                           " + performance.getEntriesByType('navigation')[0].transferSize")
    assert weight < 200_000
