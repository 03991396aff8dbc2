"""No input makes a panel page fail: each field valid or hostile text (see tests/test_bad_input.py)."""

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from casereview.panel.models import Position
from casereview.panel.services import IndependenceRefused
from tests.panel.conftest import appoint, listed_worker, person
from tests.test_bad_input import FUZZ, fuzz_form
from tests.web import signed_in


@FUZZ
@given(data=st.data())
def test_appoint_form_never_fails(data, held):
    valid = {"email": "fuzz@example.org", "full_name": "Fuzz Person", "position": "co_opted"}
    fuzz_form(data, signed_in(held.manager), reverse("panel:appoint", args=[held.review.pk]), valid)


@FUZZ
@given(data=st.data())
def test_gap_and_end_forms_never_fail(data, held):
    client = signed_in(held.manager)
    fuzz_form(data, client, reverse("panel:gap", args=[held.review.pk]), {"seat": "probation", "reason": "None"})
    appointment = appoint(held, person(), Position.CO_OPTED)
    fuzz_form(data, client, reverse("panel:end", args=[held.review.pk, appointment.pk]), {"reason": "Left"})


@FUZZ
@given(data=st.data())
def test_declaration_form_never_fails(data, held):
    user = person()
    appoint(held, user, Position.LEGAL_ADVISER)
    valid = {"involved": "no", "managed": "no", "independent_of_workers": "yes", "knowledge_and_experience": "Ten"}
    fuzz_form(data, signed_in(user), reverse("panel:declaration", args=[held.review.pk]), valid)


@FUZZ
@given(data=st.data())
def test_override_form_never_fails(data, held):
    listed_worker(held, full_name="Fay Fuzz")
    try:
        appoint(held, person("Fay Fuzz"), Position.CO_OPTED)
    except IndependenceRefused as refusal:
        conflict = refusal.conflicts[0]
    url = reverse("panel:override", args=[held.review.pk, conflict.pk])
    fuzz_form(data, signed_in(held.chair), url, {"reason": "Different person"})
