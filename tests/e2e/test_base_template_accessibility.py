"""axe-core finds no WCAG 2.2 A/AA problem on a page built from base.html, a form in error and banners.

The pages are rendered from templates (no app view, no database) and served with the static files by a
small HTTP server of the test's own, then checked in the shared browser with JavaScript on and off.
"""

import datetime
import functools
import http.server
import threading

import pytest
from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.test import RequestFactory

from casereview.frontend.forms import GovukDateField

from .harness import E2E_DIR

STATIC = E2E_DIR.parents[1] / "casereview" / "frontend" / "static"

PAGE = """{% extends "base.html" %}{% load govuk %}
{% block title %}{% page_title_prefix form %}Record the decision{% endblock %}
{% block beforeContent %}<a href="/" class="govuk-back-link">Back</a>{% endblock %}
{% block content %}
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
{% include "frontend/error_summary.html" with form=form %}
<h1 class="govuk-heading-l">Record the decision</h1>
<p class="govuk-body">{% govuk_tag "Overdue" "red" %} Due {{ due|govuk_date }}</p>
<ol class="app-stage-history">
  <li class="app-stage-history__item"><p class="app-stage-history__title">Referred</p>
  <p class="app-stage-history__meta">{{ due|govuk_date }}</p></li>
</ol>
<form method="post" novalidate>{% csrf_token %}{{ form }}
<button type="submit" class="govuk-button" data-module="govuk-button">Save</button></form>
</div></div>
{% endblock %}"""


class DecisionForm(forms.Form):
    reference = forms.CharField(
        help_text="For example, NSCP-2026-004",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    summary = forms.CharField(widget=forms.Textarea)
    panel = forms.ChoiceField(choices=[("", "Choose a panel"), ("a", "Panel A")])
    outcome = forms.ChoiceField(choices=[("review", "Start a review"), ("none", "No review")], widget=forms.RadioSelect)
    agencies = forms.MultipleChoiceField(
        choices=[("police", "Police"), ("health", "Health")], widget=forms.CheckboxSelectMultiple
    )
    confirm = forms.BooleanField(label="I have told the family")
    decided_on = GovukDateField(label="Date of decision", max_today=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].widget.choice_hints = {"none": "Say why in the summary"}


class SignedInUser:
    is_authenticated = True


def render(form) -> str:
    form.is_valid()
    request = RequestFactory().get("/")
    request.user = SignedInUser()
    context = {
        "request": request,
        "user": request.user,
        "csrf_token": get_token(request),
        "form": form,
        "due": datetime.date(2026, 3, 4),
        "header_board_name": "Northshire Safeguarding Children Partnership",
        "nav_items": [
            {"text": "Reviews", "href": "/reviews/", "active": True},
            {"text": "People", "href": "/people/", "active": False},
        ],
        "phase": "Beta",
        "messages": [Message(constants.SUCCESS, "Review created"), Message(constants.INFO, "Note this")],
    }
    return Template(PAGE).render(Context(context))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The rendered pages at /<name>.html and the static files at /static/, served over HTTP."""
    root = tmp_path_factory.mktemp("site")
    (root / "static").symlink_to(STATIC, target_is_directory=True)
    pages = {
        "blank": DecisionForm(),
        "errors": DecisionForm(data={"decided_on-day": "31", "decided_on-month": "2", "decided_on-year": "2026"}),
    }
    for name, form in pages.items():
        (root / f"{name}.html").write_text(render(form), encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=[True, False], ids=["js-on", "js-off"])
def javascript(request):
    return request.param


@pytest.fixture
def browser_page(request, javascript):
    return request.getfixturevalue("blank_page" if javascript else "blank_page_without_js")


@pytest.mark.parametrize("name", ["blank", "errors"])
def test_page_has_no_wcag_22_aa_violations(site, name, javascript, browser_page, assert_accessible):
    page = browser_page
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(f"{site}/{name}.html")
    page.wait_for_load_state("networkidle")
    assert failed == []  # every stylesheet, script and icon loaded
    assert page.casereview_js_errors == []
    if name == "errors":
        assert page.locator(".govuk-error-summary").count() == 1
    body_classes = page.evaluate("document.body.className")
    assert ("govuk-frontend-supported" in body_classes) is javascript
    assert_accessible(page)
