"""The moderators' page, end to end, in a real headless Chromium (Debian's, driven by Playwright).

One server (the shipped model, in-process on a free port of 127.0.0.1) and one browser serve
the whole module. ``REVIEWBAIT_SCREENSHOTS=docs/img`` writes the README's screenshots there
(``make screenshots``); otherwise they go to a temporary directory.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api_live import LiveServer
from reviewbait.api import Settings, create_app
from reviewbait.batch import ScoreOptions, score_file
from reviewbait.detector import Detector
from reviewbait.training.retrain import load_user_rows

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"
HUAWEI = "Members only: review the Mate 10 Pro on Best Buy's website before launch for a chance to win a free phone!"
SCRIPT_POST = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> 5 stars = free gift card, DM me'
)
TIMEOUT_MS = 20_000

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing; `make test` installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.load()


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(Settings())) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(server.url + "/")
    tab.wait_for_selector("#model-info:has-text('model')")
    yield tab
    context.close()
    assert not errors, errors
    elsewhere = [url for url in requests if not url.startswith((server.url + "/", "blob:", "data:"))]
    assert not elsewhere, f"the page sent requests elsewhere: {elsewhere}"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("REVIEWBAIT_SCREENSHOTS")
    directory = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _marks(page: Any, container: str) -> list[dict[str, str]]:
    return page.eval_on_selector_all(
        f"{container} mark", "marks => marks.map(m => ({text: m.textContent, kinds: m.dataset.kinds}))"
    )


def _upload(page: Any, path: Path) -> None:
    page.click("#tab-file")
    page.set_input_files("#file-input", str(path))


def _score(page: Any, path: Path) -> None:
    _upload(page, path)
    page.wait_for_selector("#score-button:enabled")
    page.click("#score-button")
    page.wait_for_selector("#file-result:not([hidden])")


# --------------------------------------------------------------------------- check one post


def test_check_a_post_with_the_keyboard_shows_the_verdict_and_its_evidence(
    page: Any, detector: Detector, shots: Path
) -> None:
    verdict = detector.check(HUAWEI)
    assert verdict.is_solicitation  # what the page must show, from the library itself
    for _ in range(10):  # keyboard alone: Tab to the text box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "check-text":
            break
    assert page.evaluate("document.activeElement.id") == "check-text"
    page.keyboard.insert_text(HUAWEI)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#check-result:not([hidden])")
    assert page.inner_text("#verdict") == "Flagged: review solicitation"
    assert page.inner_text("#check-category") == verdict.category
    assert float(page.inner_text("#check-probability")) == pytest.approx(verdict.probability, abs=0.0005)
    assert page.text_content("#check-text-shown") == HUAWEI
    marks = _marks(page, "#check-text-shown")
    marked = {kind for mark in marks for kind in mark["kinds"].split()}
    assert marked == {e.kind for e in verdict.evidence}
    highlighted = "".join(mark["text"] for mark in marks)
    for evidence in verdict.evidence:
        assert evidence.text in highlighted
    legend = page.eval_on_selector_all("#check-result .legend mark", "ms => ms.map(m => m.textContent)")
    assert set(marked) <= set(legend)
    page.screenshot(path=str(shots / "page_check.png"), full_page=True)


def test_operating_point_is_sent_and_used(page: Any, detector: Detector) -> None:
    page.fill("#check-text", HUAWEI)
    page.select_option("#check-point", "number")
    page.fill("#check-number", "1")
    page.click("#check-button")
    page.wait_for_selector("#check-result:not([hidden])")
    assert page.inner_text("#check-threshold") == "1.000"
    expected = (
        "Flagged: review solicitation" if detector.check(HUAWEI, threshold=1.0).is_solicitation else "Not flagged"
    )
    assert page.inner_text("#verdict") == expected


def test_a_script_in_a_post_is_shown_never_run(page: Any, tmp_path: Path) -> None:
    page.fill("#check-text", SCRIPT_POST)
    page.click("#check-button")
    page.wait_for_selector("#check-result:not([hidden])")
    assert page.text_content("#check-text-shown") == SCRIPT_POST
    assert page.evaluate("document.querySelectorAll('#check-text-shown script, #check-text-shown img').length") == 0
    exported = tmp_path / "script.csv"
    with exported.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["id", "body"], ["1", SCRIPT_POST]])
    _score(page, exported)
    page.focus("#rows-body tr.row")
    page.keyboard.press("Enter")
    page.wait_for_selector("#rows-body tr.detail .highlight mark")
    assert page.text_content("#rows-body tr.detail .highlight") == SCRIPT_POST
    assert page.evaluate("document.querySelectorAll('#rows-body script, #rows-body img').length") == 0
    assert page.evaluate("window.__pwned") is None


# --------------------------------------------------------------------------- review, label, export


def test_review_a_file_label_three_rows_and_export(page: Any, detector: Detector, tmp_path: Path, shots: Path) -> None:
    expected_scored = tmp_path / "expected.scored.csv"
    summary = score_file(ScoreOptions(input=str(SAMPLE), output=str(expected_scored), text_column="message", jobs=1))
    _upload(page, SAMPLE)
    page.wait_for_selector("#score-button:enabled")
    assert page.input_value("#text-column") == "message"
    page.click("#score-button")
    page.wait_for_selector("#file-result:not([hidden])")
    assert f"{summary.rows_read} rows, {summary.rows_flagged} flagged" in page.inner_text("#file-summary")
    page.screenshot(path=str(shots / "page_file.png"), full_page=False)

    page.select_option("#filter-flag", "flagged")
    flags = page.eval_on_selector_all("#rows-body tr.row td.flag", "cells => cells.map(c => c.textContent)")
    assert flags and set(flags) == {"flagged"}
    assert len(flags) == summary.rows_flagged
    probabilities = page.eval_on_selector_all(
        "#rows-body tr.row td:nth-child(2)", "cells => cells.map(c => Number(c.textContent))"
    )
    assert probabilities == sorted(probabilities, reverse=True)

    # label three with the keyboard alone: Tab into the table (one tab stop), j to move, y / n to label
    page.focus("#filter-language")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('#rows-body tr.row:first-child')")
    for key in ("y", "j", "n", "j", "y"):
        page.keyboard.press(key)
    page.keyboard.press("Enter")  # open the row: its text with the evidence highlighted
    page.wait_for_selector("#rows-body tr.detail .highlight mark")
    assert page.inner_text("#label-count").startswith("3 labeled (2 solicitation)")
    # and the buttons: a click labels the fourth row, a second click on the same button clears it
    page.click("#rows-body tr.row:nth-child(5) button.label-0")
    assert page.inner_text("#label-count").startswith("4 labeled")
    page.click("#rows-body tr.row:nth-child(5) button.label-0")
    assert page.inner_text("#label-count").startswith("3 labeled")
    page.screenshot(path=str(shots / "page_label.png"), full_page=False)

    with page.expect_download() as labels_download:
        page.click("#download-labels")
    labels = tmp_path / "labels.csv"
    labels_download.value.save_as(labels)
    with page.expect_download() as scored_download:
        page.click("#download-scored")
    scored = tmp_path / "scored.csv"
    scored_download.value.save_as(scored)
    assert scored_download.value.suggested_filename == "posts_export.scored.csv"
    assert scored.read_bytes() == expected_scored.read_bytes()  # the same bytes as `reviewbait score`

    header = labels.read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,text,label,category,language,platform,sentiment_conditioned,incentive_type,notes"
    rows, _ = load_user_rows([labels])  # what `reviewbait train --data` reads and checks
    assert sorted(int(v) for v in rows["label"]) == [0, 1, 1]
    command = [sys.executable, "-m", "reviewbait.cli", "evaluate", str(labels)]
    completed = subprocess.run(
        [*command, "--text-column", "text", "--label-column", "label", "--json", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["n"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("post_id,message\n1,leave a review for a free gift\n2,this row,has three fields\n", "line 3"),
        ("", "is empty"),
    ],
    ids=["bad-line", "empty"],
)
def test_a_bad_upload_shows_its_error(page: Any, tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    _upload(page, bad)
    if content:
        page.wait_for_selector("#score-button:enabled")
        page.click("#score-button")
    page.wait_for_selector("#file-error:not(:empty)")
    error = page.inner_text("#file-error")
    assert message in error and "bad.csv" in error
    assert page.is_hidden("#file-result")


def test_with_an_api_key_the_page_asks_for_it(browser: Any, tiny_model_dir: Path) -> None:
    key = "browser-key-7c2a"
    with LiveServer(create_app(Settings(model_dir=tiny_model_dir, api_key=key))) as keyed:
        context = browser.new_context()
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        try:
            tab.goto(keyed.url + "/")
            tab.wait_for_selector("#auth:not([hidden])")
            assert tab.evaluate("document.activeElement.id") == "api-key"
            tab.keyboard.type("wrong")
            tab.keyboard.press("Enter")
            tab.wait_for_selector("#auth-message:has-text('refused')")
            tab.fill("#api-key", key)
            tab.keyboard.press("Enter")
            tab.wait_for_selector("#auth", state="hidden")
            tab.fill("#check-text", HUAWEI)
            tab.click("#check-button")
            tab.wait_for_selector("#check-result:not([hidden])")
            assert tab.text_content("#check-text-shown") == HUAWEI
        finally:
            context.close()
