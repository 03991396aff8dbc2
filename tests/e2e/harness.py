"""Helpers of the browser harness: finding Chromium and checking pages with the vendored axe-core.

Tests normally use the `visit` and `assert_accessible` fixtures from conftest.py instead of importing these.

axe-core is JavaScript, so a page whose context has JavaScript switched off cannot run it (its timers never
fire and `axe.run` never returns). `assert_accessible` notices such a page and checks what it shows instead:
its HTML as it is now, without scripts and with its <noscript> content shown, served at the same address to
a page with JavaScript on, where the same stylesheets load. And every axe run has a time limit.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

E2E_DIR = Path(__file__).resolve().parent
AXE_SOURCE_PATH = E2E_DIR / "vendor" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]},
}
AXE_TIMEOUT_MS = 30_000
MAX_TARGETS_SHOWN = 3

SCRIPT_ELEMENT = re.compile(r"<script\b[^>]*>.*?</script\s*>", flags=re.S | re.I)
NOSCRIPT_TAG = re.compile(r"</?noscript\b[^>]*>", flags=re.I)

# The HTML parser reads the contents of <noscript> as text when scripting is on and as markup when it is
# off, so this tells a JavaScript-off page apart without waiting for anything.
SCRIPTING_PROBE = """() => {
    const probe = document.createElement("noscript");
    probe.innerHTML = "<i></i>";
    return probe.firstElementChild === null;
}"""


def find_chromium() -> str | None:
    """The first of $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, chromium on PATH."""
    candidates = [
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium"),
    ]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_required() -> bool:
    return os.environ.get("CASEREVIEW_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def javascript_enabled(page) -> bool:
    """Whether the page's context runs JavaScript: as recorded by the harness when it made the context
    (`page.casereview_js_enabled`), otherwise as the page's HTML parser shows it."""
    recorded = getattr(page, "casereview_js_enabled", None)
    if recorded is not None:
        return recorded
    return page.evaluate(SCRIPTING_PROBE)


_axe_source: str | None = None


def _axe_script() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_SOURCE_PATH.read_text(encoding="utf-8")
    return _axe_source


def _inject_axe(page) -> None:
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    try:
        page.add_script_tag(content=_axe_script())
    except PlaywrightError as error:
        # A Content-Security-Policy without 'unsafe-inline' blocks an inline script tag; evaluating
        # through the DevTools protocol is not subject to it, and the page's own policy stays in force.
        if "Content Security Policy" not in str(error):
            raise
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    assert page.evaluate("() => typeof window.axe === 'object'"), "could not load axe-core into the page"


def axe_violations(page, timeout_ms: int = AXE_TIMEOUT_MS) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA) on the page as it is now and return its violations.

    The page must run JavaScript (see `assert_accessible` for one that does not). axe is started without
    waiting for it, then waited for with a time limit kept by Playwright, not by the page: `page.evaluate`
    has none, and a page whose timers are stopped would otherwise hang the test run.
    """
    _inject_axe(page)
    page.evaluate(
        """(options) => {
            const state = (window.__casereviewAxe = { done: false });
            axe.run(document, options).then(
                (results) => {
                    state.violations = results.violations.map((v) => ({
                        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                        targets: v.nodes.map((n) => n.target.join(" ")),
                    }));
                    state.done = true;
                },
                (error) => {
                    state.error = String((error && error.stack) || error);
                    state.done = true;
                },
            );
        }""",
        AXE_OPTIONS,
    )
    try:
        page.wait_for_function("() => window.__casereviewAxe.done === true", timeout=timeout_ms, polling=50)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"axe-core did not finish checking {page.url} within {timeout_ms / 1000:g}s. Is JavaScript off in "
            "this page's context (use assert_accessible, which handles that), or are the page's timers stopped?",
            pytrace=False,
        )
    outcome = page.evaluate("() => window.__casereviewAxe")
    if "error" in outcome:
        pytest.fail(f"axe-core failed on {page.url}: {outcome['error']}", pytrace=False)
    return outcome["violations"]


def html_without_javascript(html: str) -> str:
    """What a browser without JavaScript shows of `html`: no scripts, and the <noscript> content shown."""
    return NOSCRIPT_TAG.sub("", SCRIPT_ELEMENT.sub("", html))


def axe_violations_without_javascript(page, timeout_ms: int = AXE_TIMEOUT_MS) -> list[dict]:
    """axe's violations on what a page whose context has JavaScript off shows now (see the module's doc)."""
    html = html_without_javascript(page.content())
    browser = page.context.browser
    assert browser is not None, "a page with JavaScript off can only be checked in a context made by a browser"
    context = browser.new_context(viewport=page.viewport_size)
    try:
        checker = context.new_page()
        address = page.url.split("#", 1)[0]
        if address.startswith(("http://", "https://")):
            checker.route(
                lambda url: url == address,
                lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
            )
            checker.goto(address)
        else:  # about:blank after page.set_content, say
            checker.set_content(html)
        return axe_violations(checker, timeout_ms)
    finally:
        context.close()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        shown = ", ".join(v["targets"][:MAX_TARGETS_SHOWN])
        more = len(v["targets"]) - MAX_TARGETS_SHOWN
        if more > 0:
            shown += f" (and {more} more)"
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']} -- {shown} ({v['helpUrl']})")
    return "\n".join(lines)


def assert_accessible(page, timeout_ms: int = AXE_TIMEOUT_MS) -> None:
    """Fail if axe-core finds a WCAG 2.2 A/AA violation on the page as it is now, JavaScript on or off."""
    if javascript_enabled(page):
        violations, where = axe_violations(page, timeout_ms), page.url
    else:
        violations, where = axe_violations_without_javascript(page, timeout_ms), f"{page.url} (JavaScript off)"
    if violations:
        pytest.fail(
            f"{len(violations)} accessibility violation(s) on {where}:\n{format_violations(violations)}",
            pytrace=False,
        )


def visit(page, path: str):
    """Go to `path` (relative to the live server), assert it loaded (< 400) without a JS error, run axe."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status < 400, f"GET {path} answered {response.status}"
    errors = getattr(page, "casereview_js_errors", [])
    assert not errors, f"JavaScript errors on {page.url}: {errors}"
    assert_accessible(page)
    return response
