"""Pages and the API docs work in a real browser under the strict Content-Security-Policy, with no violation."""

import pytest


def console_violations(page) -> list[str]:
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_govuk_frontend_starts_under_the_policy(page):
    violations = console_violations(page)
    page.goto("/accounts/sign-in/")
    page.wait_for_load_state("networkidle")
    assert {"js-enabled", "govuk-frontend-supported"} <= set(page.evaluate("document.body.className").split())
    # initAll() ran from the module file: each component marks its root once it has started.
    assert page.locator(".govuk-skip-link[data-govuk-skip-link-init]").count() == 1
    assert violations == [] and page.casereview_js_errors == []


@pytest.mark.parametrize("path", ["/api/docs"])
def test_api_docs_render_every_operation_under_the_policy(page, path):
    violations = console_violations(page)
    page.goto(path)
    page.locator(".opblock").first.wait_for()
    schema = page.request.get("/api/openapi.json").json()
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert violations == [] and page.casereview_js_errors == []
