"""Browser-test harness: headless Chromium through Playwright, a live Django server and axe-core checks.

Write a test like this (every page visited through `visit` is checked against WCAG 2.2 AA by axe-core):

    def test_sign_in_page(page, visit):
        visit(page, "/accounts/sign-in/")
        page.get_by_label("Email address").fill("lead@example.org")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()

Fixtures:
    browser                one Chromium for the whole session (skipped if none is installed, unless
                           CASEREVIEW_REQUIRE_BROWSER=1, which makes a missing browser a failure)
    page                   a fresh browser context per test, base_url = live_server.url, viewport 1280x900;
                           it needs a transactional database, so data a test creates is visible to the server
    page_without_js        the same with JavaScript switched off in the context
    blank_page             a fresh page with no live server and no database (use page.set_content or a server
                           of your own), for the harness itself and for templates rendered without the app
    blank_page_without_js  the same with JavaScript switched off
    visit                  visit(page, path): go there, assert status < 400, no JS error, and run axe
    assert_accessible      assert_accessible(page): run axe on the current page state (after a click, say);
                           on a page with JavaScript off it checks what that page shows (see harness.py)

Every test here on the transactional database finds the review types the migrations load (`review_types`).
"""

import os
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from .harness import assert_accessible, browser_required, find_chromium, visit

DATA_MIGRATION = "casereview.reviews.migrations.0002_serious_case_review_type"
PANEL_SEATS_MIGRATION = "casereview.reviews.migrations.0003_panel_seats"

# Playwright's sync API runs an event loop in the main thread; without this Django refuses the
# ORM calls that tests and the live server make from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = E2E_DIR.parent.parent / "test-results"

MISSING_BROWSER = "Chromium is not installed: browser tests skipped (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without the background-networking flags Chromium's connections are refused on these machines.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/e2e with `e2e`, so `-m 'not e2e'` leaves the browser out."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        if browser_required():
            pytest.fail(f"{MISSING_BROWSER} (CASEREVIEW_REQUIRE_BROWSER=1 is set)", pytrace=False)
        pytest.skip(MISSING_BROWSER)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


def _new_page(browser, request, **context_args):
    context = browser.new_context(viewport=VIEWPORT, **context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.casereview_js_enabled = context_args.get("java_script_enabled", True)
    page.casereview_js_errors = []
    page.on("pageerror", lambda error: page.casereview_js_errors.append(error))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _save_screenshot(page, request.node)
    context.close()


@pytest.fixture(autouse=True)
def review_types(request):
    """The review types a data migration loads, for every test on the transactional database.

    The flush after each transactional test (live_server needs one) wipes them. pytest-django's
    serialized_rollback is no help here: it keeps the data on the connection object of the moment the test
    database is made, and once Playwright's sync API runs an event loop in the main thread Django hands out
    another connection object (asgiref's thread-critical Local), so after any `db` test ran first the data
    silently stops coming back. Running the migration's own function again is simple and idempotent.
    """
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    import_module(DATA_MIGRATION).add_serious_case_review(django_apps, None)
    import_module(PANEL_SEATS_MIGRATION).add_panel_seats(django_apps, None)


@pytest.fixture
def page(browser, live_server, transactional_db, request):
    """A new context per test on the live server; `page.goto("/path/")` is relative to it."""
    yield from _new_page(browser, request, base_url=live_server.url)


@pytest.fixture
def page_without_js(browser, live_server, transactional_db, request):
    """As `page`, in a context with JavaScript switched off."""
    yield from _new_page(browser, request, base_url=live_server.url, java_script_enabled=False)


@pytest.fixture
def blank_page(browser, request):
    """A page with no server behind it (use page.set_content), for checking the harness itself."""
    yield from _new_page(browser, request)


@pytest.fixture
def blank_page_without_js(browser, request):
    """As `blank_page`, in a context with JavaScript switched off."""
    yield from _new_page(browser, request, java_script_enabled=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def _save_screenshot(page, node):
    try:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in node.nodeid)
        path = ARTIFACTS_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failing page: {path}")
    except Exception as error:  # a screenshot must never hide the real failure
        print(f"could not save a screenshot: {error}")


@pytest.fixture(name="visit")
def visit_fixture():
    return visit


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture():
    return assert_accessible
