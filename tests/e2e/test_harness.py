"""Tests of the browser harness itself: they need Chromium but neither the app nor a database."""

import pytest

from .harness import assert_accessible, axe_violations, javascript_enabled

ACCESSIBLE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Harness check</title></head>
<body>
  <header><a href="#main">Skip to main content</a></header>
  <main id="main">
    <h1>Harness check</h1>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A blank pixel" width="1" height="1">
    <form>
      <label for="email">Email address</label>
      <input id="email" name="email" type="email" autocomplete="email">
      <button type="submit">Continue</button>
    </form>
  </main>
</body>
</html>"""

INACCESSIBLE = ACCESSIBLE.replace(' alt="A blank pixel"', "")
STRICT_CSP = """<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'">"""


def test_accessible_page_passes(blank_page):
    blank_page.set_content(ACCESSIBLE)
    assert_accessible(blank_page)


def test_image_without_alt_fails_the_check(blank_page):
    blank_page.set_content(INACCESSIBLE)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(blank_page)
    message = str(failure.value)
    assert "1 accessibility violation(s)" in message
    assert "image-alt [critical]" in message
    assert "-- img" in message


def test_axe_loads_under_a_strict_content_security_policy(blank_page):
    blank_page.set_content(INACCESSIBLE.replace("<head>", "<head>" + STRICT_CSP))
    assert [v["id"] for v in axe_violations(blank_page)] == ["image-alt"]


def test_tests_here_get_the_e2e_marker(request):
    assert request.node.get_closest_marker("e2e") is not None


NOSCRIPT_IMAGE = '<noscript><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1"></noscript>'


def test_a_page_with_javascript_off_is_checked_without_hanging(blank_page_without_js):
    blank_page_without_js.set_content(INACCESSIBLE)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(blank_page_without_js)
    assert "(JavaScript off)" in str(failure.value)
    assert "image-alt [critical]" in str(failure.value)


def test_a_page_with_javascript_off_is_checked_as_it_shows(blank_page, blank_page_without_js):
    """With JavaScript off the <noscript> content is shown, and checked; with it on, it is not."""
    page = ACCESSIBLE.replace("</main>", NOSCRIPT_IMAGE + "</main>")
    blank_page.set_content(page)
    assert_accessible(blank_page)
    blank_page_without_js.set_content(page)
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_accessible(blank_page_without_js)


def test_javascript_off_is_detected_in_a_context_the_harness_did_not_record(blank_page, blank_page_without_js):
    for page, expected in [(blank_page, True), (blank_page_without_js, False)]:
        del page.casereview_js_enabled
        page.set_content(ACCESSIBLE)
        assert javascript_enabled(page) is expected


def test_an_axe_run_that_never_ends_fails_with_a_message(blank_page):
    blank_page.set_content(ACCESSIBLE)
    blank_page.evaluate("() => { window.axe = { run: () => new Promise(() => {}) }; }")
    with pytest.raises(pytest.fail.Exception, match=r"axe-core did not finish checking .* within 0.5s"):
        assert_accessible(blank_page, timeout_ms=500)
