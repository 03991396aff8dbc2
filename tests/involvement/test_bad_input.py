"""No input makes an agencies page or operation fail with a server error, and nothing is half saved."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from casereview.involvement.models import DEADLINE_FIELDS
from tests.involvement.conftest import deadlines_from
from tests.test_bad_input import FUZZ, JSON, TEXT, fuzz_form
from tests.web import api_call, date_parts, signed_in


def agency_url(held, name):
    return reverse(name, args=[held.review.pk, held.police.pk])


@pytest.fixture
def involved(held):
    held.add()
    return held


@FUZZ
@given(data=st.data())
def test_deadlines_form_never_fails(data, involved):
    valid = {}
    for name, value in deadlines_from(involved.decided_on).items():
        valid |= date_parts(name, value)
    fuzz_form(data, signed_in(involved.manager), agency_url(involved, "involvement:deadlines"), valid)
    saved = involved.involvement().deadlines()
    assert all(value is None for value in saved.values()) or all(value is not None for value in saved.values())


@FUZZ
@given(data=st.data())
def test_nominate_form_never_fails(data, involved):
    valid = {"email": "someone.new@example.org", "full_name": "Someone New", "job_title": "Lead"}
    fuzz_form(data, signed_in(involved.manager), agency_url(involved, "involvement:nominate-imr-author"), valid)


@FUZZ
@given(data=st.data())
def test_ask_and_withdraw_forms_never_fail(data, involved):
    client = signed_in(involved.manager)
    fuzz_form(data, client, agency_url(involved, "involvement:ask"), {"note": "Cover 2024"})
    fuzz_form(data, client, agency_url(involved, "involvement:withdraw"), {"reason": "Not involved"})


@FUZZ
@given(body=JSON, field=st.sampled_from(DEADLINE_FIELDS), text=TEXT)
def test_api_bodies_never_fail(body, field, text, involved):
    client = signed_in(involved.manager)
    base = f"/api/reviews/{involved.review.pk}/agencies/{involved.police.pk}"
    for method, path in [
        ("POST", f"/api/reviews/{involved.review.pk}/agencies"),
        ("PUT", f"{base}/deadlines"),
        ("POST", f"{base}/nominations"),
        ("POST", f"{base}/ask"),
        ("POST", f"{base}/withdraw"),
    ]:
        assert api_call(client, method, path, body).status_code < 500
    dates = {name: value.isoformat() for name, value in deadlines_from(involved.decided_on).items()} | {field: text}
    assert api_call(client, "PUT", f"{base}/deadlines", dates).status_code < 500
