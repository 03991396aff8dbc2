"""Open-ended input: times as people write them, and arbitrary text or JSON in every form field and API body
of the terms and meetings, which never cause a server error and never leave a half-saved version."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from casereview.accounts.models import Role
from casereview.core.errors import Invalid
from casereview.frontend.templatetags.govuk import govuk_time
from casereview.planning.forms import parse_time
from casereview.planning.models import Milestone, TermsOfReference
from casereview.planning.services import terms_save
from tests.factories import today
from tests.planning.make import add_meeting, save_terms, terms_values
from tests.test_bad_input import FUZZ, fuzz_body, fuzz_form, post_json
from tests.web import date_parts, signed_in


@given(moment=st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_a_time_written_as_the_pages_show_it_reads_back_the_same(moment):
    assert parse_time(govuk_time(moment)) == moment
    assert parse_time(moment.strftime("%H:%M")) == moment


@given(text=st.text(max_size=30))
def test_any_text_is_a_time_or_refused_plainly(text):
    try:
        parsed = parse_time(text)
    except ValueError:
        return
    assert isinstance(parsed, time)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10am", time(10)), ("2.30 pm", time(14, 30)), ("14:30", time(14, 30)), ("1430", time(14, 30)),
     ("12am", time(0)), ("12pm", time(12)), ("Noon", time(12)), ("midnight", time(0)), ("9", time(9))],
)  # fmt: skip
def test_times_people_write(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["13pm", "0am", "24:00", "10:60", "ten", "10:5", ":30", ""])
def test_not_times(text):
    with pytest.raises(ValueError):
        parse_time(text)


LINE = st.text(max_size=80)


@FUZZ
@given(lines=st.lists(LINE, max_size=8), labels=st.lists(LINE, min_size=1, max_size=4))
def test_terms_service_saves_a_whole_version_or_nothing(held, lines, labels):
    before = (TermsOfReference.objects.count(), Milestone.objects.count())
    milestones = [(label, held.decided_on + timedelta(days=index)) for index, label in enumerate(labels)]
    try:
        terms = terms_save(
            actor=held.users[Role.BOARD_MANAGER],
            review=held.fresh(),
            **terms_values(held, lines_of_enquiry=lines, milestones=milestones),
        )
    except Invalid as refusal:
        assert refusal.errors
        assert (TermsOfReference.objects.count(), Milestone.objects.count()) == before
    else:
        assert terms.enquiry_lines() == [line.strip() for item in lines for line in item.splitlines() if line.strip()]
        assert terms.milestones.count() == len(labels)


@FUZZ
@given(data=st.data())
def test_terms_form_never_fails(data, held):
    decided = held.decided_on
    valid = {
        **date_parts("period_from", today() - timedelta(days=700)),
        **date_parts("period_to", today() - timedelta(days=62)),
        "lines_of_enquiry": "How agencies shared what they knew",
        "agencies": str(held.police.pk),
        "family_involvement": "Mother invited",
        "milestone_0_label": "First panel meeting",
        **date_parts("milestone_0_due_on", decided + timedelta(days=3)),
        "based_on_version": "",
    }
    fuzz_form(
        data, signed_in(held.users[Role.BOARD_MANAGER]), reverse("planning:terms-edit", args=[held.review.pk]), valid
    )


# Fixtures are set up once per test, not per example: each example runs on what earlier ones left.
@pytest.fixture
def meeting(held):
    return add_meeting(held)


@pytest.fixture
def terms(held):
    return save_terms(held)


@FUZZ
@given(data=st.data())
def test_meeting_forms_never_fail(data, held, meeting, terms):
    client = signed_in(held.users[Role.PANEL_CHAIR])
    review = held.review.pk
    fuzz_form(
        data,
        client,
        reverse("planning:meeting-edit", args=[review, meeting.pk]),
        {**date_parts("held_on", today()), "starts_at": "10am", "place": "Room 2", "decisions": ""},
    )
    attendance = {f"attendance_{held.users[Role.PANEL_MEMBER].pk}": "present", "others_attending": "Dr Patel"}
    fuzz_form(data, client, reverse("planning:meeting-attendance", args=[review, meeting.pk]), attendance)
    action = {"what": "Write", "owner": "", "owner_name": "GP", **date_parts("due_on", today())}
    fuzz_form(data, client, reverse("planning:action-new", args=[review, meeting.pk]), action)
    agreement = {"meeting": str(meeting.pk), "note": "", **date_parts("agreed_on", None)}
    fuzz_form(data, client, reverse("planning:terms-agree", args=[review, terms.pk]), agreement)


@FUZZ
@given(data=st.data())
def test_api_bodies_never_fail(data, held, meeting):
    client = signed_in(held.users[Role.PANEL_CHAIR])
    base = f"/api/reviews/{held.review.pk}"
    version = {
        "period_from": (today() - timedelta(days=700)).isoformat(),
        "period_to": (today() - timedelta(days=62)).isoformat(),
        "lines_of_enquiry": ["How agencies shared what they knew"],
        "agency_ids": [held.police.pk],
        "family_involvement": "Mother invited",
        "milestones": [{"label": "Panel", "due_on": today().isoformat()}],
        "change_note": "",
        "based_on_version": None,
    }
    post_json(client, "post", f"{base}/terms/versions", fuzz_body(data, version))
    meeting_body = {"held_on": today().isoformat(), "starts_at": "10:00", "place": "Room", "decisions": ""}
    post_json(client, "post", f"{base}/meetings", fuzz_body(data, meeting_body))
    post_json(client, "put", f"{base}/meetings/{meeting.pk}", fuzz_body(data, meeting_body))
    attendance = {"attendance": [{"user_id": held.users[Role.PANEL_MEMBER].pk, "attendance": "present"}]}
    post_json(client, "put", f"{base}/meetings/{meeting.pk}/attendance", fuzz_body(data, attendance))
    action = {"what": "Write", "due_on": today().isoformat(), "owner_id": None, "owner_name": "GP"}
    post_json(client, "post", f"{base}/meetings/{meeting.pk}/actions", fuzz_body(data, action))
