"""The report and the dashboard in a real browser (Debian's Chromium driven by Playwright).

Every section is visited, key figures are on screen, charts are drawn, the console stays free of
errors, and comments carrying `<script>` or `onerror=` are shown as text and never run.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from liens.presentation.report import build_report
from liens.presentation.web import create_app
from liens.store import Store
from test_report import XSS_SCRIPT, analysed_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # slow: Chromium, 10-20 s a test

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SECTIONS = ("vanity", "authenticity", "community", "conversation", "responsiveness", "business", "actions", "figures")

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: .ci/install-system installs Debian's chromium")
    pytest.skip("Chromium is not installed (.ci/install-system installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("browser")
    path = analysed_store(root)
    with Store(path) as store:
        en = build_report(store, root / "report-en.html", "en")
        fr = build_report(store, root / "report-fr.html", "fr")
    ARTIFACTS.mkdir(exist_ok=True)
    return {"store": path, "en": en, "fr": fr}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(world):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(world["store"]), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not instance.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


class Console:
    """Console errors and uncaught exceptions of a page, and whether a planted payload ran."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))


def _charts_drawn(page) -> None:
    # Polled from here: wait_for_function would eval() in the page, which its CSP rightly forbids.
    script = "() => document.querySelectorAll('.chart[data-drawn]').length === document.querySelectorAll('.chart').length"
    deadline = time.time() + 15
    while not page.evaluate(script):
        assert time.time() < deadline, "charts not drawn"
        page.wait_for_timeout(100)
    # Each chart is an SVG with its title text.
    assert page.locator(".chart svg.marks").count() == page.locator(".chart").count()


def _no_payload_ran(page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_in_browser(world, browser, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = Console(page)
    page.goto(world[lang].as_uri())
    _charts_drawn(page)
    for key in SECTIONS:
        page.click(f'nav.toc a[href="#{key}"]')
        assert page.locator(f"section#{key} h2").is_visible()
    figures = page.locator('[data-figure="followers"] .tile-value').inner_text()
    assert figures == ("12,600" if lang == "en" else "12\u202f600")
    assert page.locator('[data-figure="vanity_engagement_rate"] .tile-value').inner_text() == (
        "0.06%" if lang == "en" else "0,06\u00a0%")
    # The planted payloads are on screen as text, and did not run.
    assert XSS_SCRIPT in page.locator("section#responsiveness").inner_text()
    _no_payload_ran(page)
    page.screenshot(path=str(ARTIFACTS / f"report-{lang}.png"), full_page=True)
    assert console.errors == []
    if lang != "en":  # the rest does not depend on the language
        page.close()
        return
    # Sorting a table in the report, client side.
    table = page.locator("section#responsiveness table.sortable").first
    table.locator("th").first.click()
    assert table.locator("th").first.get_attribute("aria-sort") == "ascending"
    # Phone width: no sideways scrolling of the page (wide tables scroll inside their box).
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=str(ARTIFACTS / f"report-{lang}-phone.png"), full_page=True)
    assert console.errors == []
    page.close()


def test_dashboard_in_browser(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = Console(page)
    page.goto(server + "/")
    _charts_drawn(page)
    assert page.locator('[data-figure="followers"] .tile-value').inner_text() == "12,600"
    for key in SECTIONS:
        page.click(f'nav.sections a[data-section="{key}"]')
        page.wait_for_url(f"**/sections/{key}*")
        assert page.locator(f"section#{key} h2").is_visible()
        _charts_drawn(page)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{key}.png"), full_page=True)
    # Filters: a period keeps what falls in it.
    page.goto(server + "/tables/interactions")
    page.fill('input[name="start"]', "2024-03-01")
    page.fill('input[name="end"]', "2024-03-02")
    page.click('form.filters button[type="submit"]')
    page.wait_for_url("**start=2024-03-01**")
    assert "Rows 1–14 of 14" in page.locator(".pager").inner_text()
    # Sorting by a column header, then paging.
    page.goto(server + "/tables/interactions")
    page.click("thead th >> text=Interaction")
    page.wait_for_url("**sort=interaction_id**")
    assert page.locator("tbody tr").first.locator("td").first.inner_text() == "c1"
    # Drill-down: pod → member account → its interactions, payloads shown as text.
    page.goto(server + "/sections/authenticity")
    page.click("text=pod-1")
    page.wait_for_url("**/pods/pod-1*")
    page.click('a[href^="/accounts/u1"]')
    page.wait_for_url("**/accounts/u1*")
    assert XSS_SCRIPT in page.locator("main").inner_text()
    _no_payload_ran(page)
    page.screenshot(path=str(ARTIFACTS / "dashboard-drill-account.png"), full_page=True)
    page.goto(server + "/accounts/u2")
    assert 'onerror="window.__xss = 2"' in page.locator("main").inner_text()
    _no_payload_ran(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/")
    _charts_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    assert console.errors == []
    page.close()


# -- layouts that fit: measured in the page --------------------------------------------------------
TABLES_WIDER_THAN_CARDS = """() => { const out = [];
  document.querySelectorAll('table').forEach(t => {
    const card = t.closest('.section'); if (!card || !t.offsetParent) return;
    const cs = getComputedStyle(card);
    const inner = card.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const width = t.getBoundingClientRect().width;
    if (width > inner + 1) out.push([(t.closest('[data-table]') || card).getAttribute('data-table') || card.id,
                                     Math.round(width), Math.round(inner)]);
  }); return out; }"""
OVERLAPPING_AXIS_LABELS = """() => { const out = [];
  document.querySelectorAll('.chart svg').forEach(svg => {
    svg.querySelectorAll('g.role-axis-label').forEach(axis => {
      const boxes = Array.from(axis.querySelectorAll('text')).filter(t => t.textContent && getComputedStyle(t).opacity !== '0'
        && t.getAttribute('opacity') !== '0').map(t => [t.textContent, t.getBoundingClientRect()]);
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i][1], b = boxes[j][1];
        if (a.width && b.width && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
          out.push([svg.closest('.chart').id, boxes[i][0], boxes[j][0]]);
      }
    });
  }); return out; }"""


def _fits(page, name: str) -> None:
    page.wait_for_timeout(300)
    _charts_drawn(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.evaluate(TABLES_WIDER_THAN_CARDS) == [], name
    assert page.evaluate(OVERLAPPING_AXIS_LABELS) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1, name


@pytest.fixture(scope="module")
def generated(analysed_world, tmp_path_factory) -> dict[str, Path]:
    """The session's generated world (many rows, long names and texts): its reports in both languages."""
    root = tmp_path_factory.mktemp("layout")
    with Store(analysed_world.store, read_only=True) as store:
        return {lang: build_report(store, root / f"report-{lang}.html", lang) for lang in ("en", "fr")}


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_layout_fits(generated, browser, lang, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    console = Console(page)
    page.goto(generated[lang].as_uri())
    _fits(page, f"layout-report-{lang}-{width}")
    assert console.errors == []
    page.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_dashboard_layout_fits(analysed_world, browser, width):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(create_app(analysed_world.store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not instance.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        page = browser.new_page(viewport={"width": width, "height": 900})
        for path, name in (("/", "overview"), ("/sections/authenticity", "authenticity"), ("/sections/community", "community"),
                           ("/sections/business", "business"), ("/inbox?lang=fr", "inbox-fr"), ("/tables/unanswered", "queue")):
            page.goto(f"http://127.0.0.1:{port}{path}")
            _fits(page, f"layout-dashboard-{name}-{width}")
        page.close()
    finally:
        instance.should_exit = True
        thread.join(timeout=10)
