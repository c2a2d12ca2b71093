"""A real browser (Debian's Chromium, driven by Playwright) against `muragat serve`, started as `make run` starts it."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main as muragat
from tests.webui.conftest import LIBRARY, ingest_library

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MURAGAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def browser_or_skip():
    """Playwright's sync API, or a skip saying what is missing (a failure where CI requires the browser)."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if missing is None and not shutil.which(CHROMIUM):
        missing = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if missing:
        if os.environ.get("MURAGAT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MURAGAT_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    return sync_playwright


@pytest.fixture(scope="module")
def browsed_archive_dir(sample_pdf, tmp_path_factory) -> Path:
    """The small library (without its XSS fixture: the screenshots show this archive in the README) and the
    sample document in a collection of its own: something to browse."""
    root = tmp_path_factory.mktemp("browsed") / "muragat-data"
    library = {name: content for name, content in LIBRARY.items() if name != "hostile.pdf"}
    shutil.copytree(ingest_library(tmp_path_factory, library), root)
    result = CliRunner().invoke(muragat, ["ingest", str(sample_pdf), "--collection", "Форумдар", "--archive", str(root),
                                          "--silent", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def live_server(browsed_archive_dir):
    """`muragat serve` on a free local port, started as `make run` starts it: from the folder holding the
    archive, which it is given by a relative path (`--archive muragat-data`)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = browsed_archive_dir.parent / "serve.log"  # a file, not a pipe nobody reads that could fill and block
    server = subprocess.Popen(
        [sys.executable, "-m", "archive", "serve", "--archive", browsed_archive_dir.name, "--port", str(port),
         "--threads", "2"],
        cwd=browsed_archive_dir.parent, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=log.open("wb"),
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(address, timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, log.read_text(encoding="utf-8")
                time.sleep(0.1)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def page(live_server, tmp_path):
    sync_playwright = browser_or_skip()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            viewport={"width": 1200, "height": 900}, base_url=live_server,
        )
        context.add_cookies([{"name": "lang", "value": "kk", "url": live_server}])
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        yield page
        context.close()


def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: $MURAGAT_SCREENSHOTS (docs/screenshots for the README), else the test's tmp dir."""
    folder = Path(os.environ.get("MURAGAT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_search_then_follow_a_result_to_its_page(page, tmp_path):
    page.goto("/")
    page.fill("input[name=q]", "құқық")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.results mark")
    assert page.locator("ol.results mark").count() > 3
    assert re.search(r"құқ", page.locator("ol.results mark").first.inner_text(), re.IGNORECASE)
    folder = screenshot_dir(tmp_path)
    page.screenshot(path=str(folder / "search.png"), full_page=False)

    first = page.locator("li.result").first
    shown_page = int(re.search(r"\d+", first.locator(".meta .page").inner_text()).group())
    first.locator("a.title").click()
    page.wait_for_selector(".page-text mark")
    assert re.search(rf"/documents/\w+/pages/{shown_page}\?q=[^#]+#passage-[\w-]+$", page.url)
    anchor = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{anchor} + mark").is_visible()  # the result's own passage, its first mark in view
    assert page.locator("button.copy").is_visible(), "copy.js did not run under the Content-Security-Policy"
    assert page.locator("button.copy").inner_text() in ("Көшіру",)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / "document.png"), full_page=False)
    assert (folder / "search.png").stat().st_size > 10_000 and (folder / "document.png").stat().st_size > 10_000
    assert not page.console_errors, page.console_errors


def test_open_the_original_from_a_hit(page):
    page.goto("/?q=Страсбург")
    link = page.locator("li.result a.original").first
    href = link.get_attribute("href")
    assert re.fullmatch(r"/documents/\w+/original#page=\d+", href)
    response = page.request.get(href.split("#")[0])
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_browse_a_collection_from_the_home_page(page, tmp_path):
    page.goto("/")
    collections = page.locator("#collections")
    assert "Форумдар" in collections.inner_text() and "Газеттер" in collections.inner_text()
    assert page.locator("#timeline svg rect").count() == 2  # 1995, 2008
    folder = screenshot_dir(tmp_path)
    page.screenshot(path=str(folder / "home.png"), full_page=False)
    collections.get_by_role("link", name="Газеттер").click()
    page.wait_for_selector("ol.documents")
    assert page.locator("li.document-item a.title").all_inner_texts() == ["Егемен Қазақстан", "Күнделік жазбалары"]
    page.get_by_role("link", name="Алдымен жуырда қосылғандар").click()
    page.wait_for_url(re.compile(r"sort=added"))
    page.screenshot(path=str(folder / "browse.png"), full_page=False)
    page.locator("li.document-item a.title").first.click()
    page.wait_for_selector(".page-text")
    assert re.search(r"/documents/\w+/pages/1$", page.url)
    assert (folder / "home.png").stat().st_size > 10_000 and (folder / "browse.png").stat().st_size > 10_000
    assert not page.console_errors, page.console_errors


def test_export_the_results_as_csv(page, tmp_path):
    page.goto("/?q=құқық&collection=Газеттер")
    with page.expect_download() as waiting:
        page.locator("a.export").click()
    download = waiting.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = saved.read_text(encoding="utf-8-sig").splitlines()
    assert download.suggested_filename == "muragat-results.csv"
    assert rows[0] == "title,author,date,collection,language,page,passage,link" and len(rows) == 1 + 3


def test_switch_the_interface_language_and_keep_it(page):
    page.goto("/?q=құқық")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.get_by_role("link", name="Рус").click()
    page.wait_for_selector("html[lang=ru]")
    assert "Найдено фрагментов" in page.locator("p.total").inner_text()
    page.goto("/documents")  # remembered on the next page
    assert page.locator("html").get_attribute("lang") == "ru" and "Документов:" in page.locator("p.total").inner_text()
    page.get_by_role("link", name="Eng").click()
    page.wait_for_selector("html[lang=en]")
    assert "Documents:" in page.locator("p.total").inner_text()
