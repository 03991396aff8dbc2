"""The review pages through the test client: each happy path, and refusals shown the GOV.UK way."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.chronology.models import ChronologyEntry, ChronologyVersion
from casereview.reviews.models import DeadlineOverride, Decision, Person, Place, Review, StageChange
from casereview.reviews.services import person_add
from casereview.reviews.stages import Stage
from tests.factories import (
    AgencyFactory,
    UserFactory,
    add_subject,
    days_ago,
    decided_review,
    grant,
    referred_review,
    review_at_decision,
    review_at_stage,
    today,
)
from tests.web import blank_submission, date_parts, error_summary, field_error, page, signed_in


def referral_form(**overrides) -> dict:
    data = {
        "subject_pseudonym": "Child D",
        "reference": "",
        "referred_by_name": "Rita Referrer",
        "referred_by_role": "Health visitor",
        "referring_agency": "",
        "circumstances": "A baby was brought to hospital with a fractured arm.",
        "child_died": "no",
        **date_parts("referred_on", days_ago(5)),
        **date_parts("incident_date", days_ago(7)),
        **date_parts("date_of_death", None),
        **date_parts("incident_notified_on", None),
    }
    return data | overrides


def decision_form(review, **overrides) -> dict:
    data = {"grounds": ["inter_agency_concerns"], "outcome": "hold", "rationale": "Agencies did not share."}
    return data | date_parts("decided_on", review.referred_on + timedelta(days=3)) | overrides


def rows():
    """Counts of everything a refused POST must leave untouched."""
    return {
        model.__name__: model.objects.count()
        for model in (Review, Decision, StageChange, DeadlineOverride, Person, Place, AuditEvent)
    }


def banner(response) -> str:
    return " ".join(p.text for p in page(response).find_all("p", cls="govuk-notification-banner__heading"))


@pytest.fixture
def as_manager(manager):
    return signed_in(manager)


@pytest.fixture
def as_chair(chair):
    return signed_in(chair)


@pytest.fixture
def review(board, manager):
    return referred_review(board, manager)


# -- Referral -------------------------------------------------------------------------------------------


def test_referral_is_recorded_and_opens_the_review_workspace(as_manager, board):
    response = as_manager.post(reverse("reviews:new"), referral_form())
    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:review", args=[review.pk])
    assert review.board == board
    assert review.stage == Stage.REFERRAL
    assert review.referred_on == days_ago(5)
    workspace = as_manager.get(response["Location"])
    assert f"Referral recorded as {review.reference}" in banner(workspace)
    assert "Child D" in workspace.content.decode()


def test_manager_of_two_boards_chooses_the_board_of_a_referral(as_manager, manager, other_board):
    grant(manager, Role.BOARD_MANAGER, other_board)
    dashboard = as_manager.get(reverse("reviews:dashboard")).content.decode()
    assert f'href="{reverse("reviews:new")}?board={other_board.pk}"' in dashboard
    assert as_manager.get(reverse("reviews:new")).status_code == 404  # which board is not guessed

    response = as_manager.post(f"{reverse('reviews:new')}?board={other_board.pk}", referral_form())

    assert response.status_code == 302
    assert Review.objects.get().board == other_board


def test_referral_to_a_board_the_user_cannot_refer_on_is_not_found(as_manager, other_board):
    response = as_manager.post(f"{reverse('reviews:new')}?board={other_board.pk}", referral_form())
    assert response.status_code == 404
    assert not Review.objects.exists()


def test_referral_missing_required_fields_shows_each_in_the_error_summary(as_manager):
    before = rows()
    response = as_manager.post(reverse("reviews:new"), blank_submission(as_manager, reverse("reviews:new")))
    assert response.status_code == 200
    links = error_summary(response)
    assert links["Enter the pseudonym of the child, for example Child A"] == "id_subject_pseudonym"
    assert links["Enter the name of the person who referred the case"] == "id_referred_by_name"
    assert links["Enter the circumstances of the case"] == "id_circumstances"
    assert links["Select yes if the child died"] == "id_child_died_0"
    assert links["Enter the date of the referral"] == "id_referred_on-day"
    assert rows() == before


def test_referral_with_date_of_death_after_today_is_refused_on_that_field(as_manager):
    before = rows()
    data = referral_form(child_died="yes", **date_parts("date_of_death", today() + timedelta(days=1)))
    response = as_manager.post(reverse("reviews:new"), data)
    assert response.status_code == 200
    assert error_summary(response) == {"The date of death must be today or in the past": "id_date_of_death-day"}
    assert field_error(response, "id_date_of_death") == "The date of death must be today or in the past"
    assert rows() == before


def test_referral_with_a_date_that_does_not_exist_names_the_field(as_manager):
    data = referral_form(**{"referred_on-day": "31", "referred_on-month": "2"})
    response = as_manager.post(reverse("reviews:new"), data)
    assert error_summary(response) == {"The date of the referral must be a real date": "id_referred_on-day"}
    assert not Review.objects.exists()


def test_referral_with_a_duplicate_reference_is_refused(as_manager, board, manager):
    referred_review(board, manager, reference="SCR-2026-010")
    before = rows()
    response = as_manager.post(reverse("reviews:new"), referral_form(reference="scr-2026-010"))
    assert response.status_code == 200
    assert error_summary(response) == {
        "A review with the reference SCR-2026-010 already exists: enter another": "id_reference"
    }
    assert rows() == before


def test_referral_details_are_corrected_before_the_decision(as_manager, review):
    data = referral_form(subject_pseudonym=review.subject_pseudonym, referred_by_name="Ravi Referrer")
    response = as_manager.post(reverse("reviews:referral", args=[review.pk]), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.referred_by_name == "Ravi Referrer"
    assert review.reference.startswith("SCR-")  # the reference is not changed here


def test_referral_details_cannot_change_after_the_decision(as_manager, board, manager, chair):
    review = decided_review(board, manager, chair)
    assert as_manager.get(reverse("reviews:referral", args=[review.pk])).status_code == 404


# -- Decision -------------------------------------------------------------------------------------------


def test_decision_to_hold_moves_the_review_to_set_up(as_chair, board, manager, chair):
    review = review_at_decision(board, manager)
    response = as_chair.post(reverse("reviews:decision", args=[review.pk]), decision_form(review))
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:review", args=[review.pk])
    review.refresh_from_db()
    assert review.stage == Stage.SET_UP
    assert review.decision.decided_by == chair
    assert "Decision recorded" in banner(as_chair.get(response["Location"]))


def test_decision_missing_fields_shows_the_error_summary(as_chair, board, manager):
    review = review_at_decision(board, manager)
    before = rows()
    url = reverse("reviews:decision", args=[review.pk])
    response = as_chair.post(url, blank_submission(as_chair, url))
    links = error_summary(response)
    assert links["Select whether to hold a review"] == "id_outcome_0"
    assert links["Enter the date of the decision"] == "id_decided_on-day"
    assert rows() == before


def test_decision_dated_before_the_referral_is_refused(as_chair, board, manager):
    review = review_at_decision(board, manager)
    before = rows()
    data = decision_form(review, **date_parts("decided_on", review.referred_on - timedelta(days=1)))
    response = as_chair.post(reverse("reviews:decision", args=[review.pk]), data)
    assert error_summary(response) == {
        "The date of the decision must be on or after the date of the referral": "id_decided_on-day"
    }
    assert rows() == before
    assert Review.objects.get(pk=review.pk).stage == Stage.DECISION


def test_decision_not_to_hold_when_a_child_died_of_abuse_is_refused(as_chair, board, manager):
    review = review_at_decision(board, manager)
    before = rows()
    data = decision_form(review, grounds=["child_died"], outcome="no_review")
    response = as_chair.post(reverse("reviews:decision", args=[review.pk]), data)
    links = error_summary(response)
    [(message, target)] = links.items()
    assert message.startswith("A review must be held because: a child has died")
    assert message.endswith("Choose to hold a review")
    assert target == "id_outcome_0"
    assert rows() == before


def test_decision_without_a_required_ground_needs_reasons(as_chair, board, manager):
    review = review_at_decision(board, manager)
    data = decision_form(review, grounds=["sexual_abuse"], rationale="  ")
    response = as_chair.post(reverse("reviews:decision", args=[review.pk]), data)
    assert error_summary(response) == {"Enter the reasons for the decision": "id_rationale"}
    assert not Decision.objects.exists()


def test_decision_with_a_required_ground_needs_no_reasons(as_chair, board, manager):
    review = review_at_decision(board, manager)
    data = decision_form(review, grounds=["child_died"], rationale="")
    assert as_chair.post(reverse("reviews:decision", args=[review.pk]), data).status_code == 302
    assert Decision.objects.get(review=review).grounds == ["child_died"]


def test_decision_page_is_not_found_before_the_decision_stage(as_chair, review):
    response = as_chair.post(reverse("reviews:decision", args=[review.pk]), decision_form(review))
    assert response.status_code == 404
    assert not Decision.objects.exists()


# -- Stage ----------------------------------------------------------------------------------------------


def test_stage_move_sends_a_complete_referral_for_the_decision(as_manager, review, manager):
    review.incident_notified_on = days_ago(59)
    review.save()
    add_subject(review, manager)
    response = as_manager.post(reverse("reviews:stage", args=[review.pk]), {"to_stage": "decision", "reason": ""})
    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).stage == Stage.DECISION
    assert "The review moved to decision" in banner(as_manager.get(response["Location"]))


def test_refused_stage_move_lists_what_is_missing_in_plain_words(as_manager, review):
    before = rows()
    response = as_manager.post(reverse("reviews:stage", args=[review.pk]), {"to_stage": "decision"})
    assert response.status_code == 200
    doc = page(response)
    assert doc.find("title").text.startswith("Error: ")
    summary = doc.find("div", cls="govuk-error-summary")
    assert "The review cannot move yet" in summary.text
    items = [li.text for li in doc.find_all("li") if any(a is summary for a in li.ancestors())]
    assert items == [
        "Record the date the serious incident was notified to Ofsted",
        "Add Child A to the people register as the subject of the review",
    ]
    assert rows() == before


def test_stage_move_without_a_choice_shows_the_error_summary(as_manager, review):
    url = reverse("reviews:stage", args=[review.pk])
    response = as_manager.post(url, blank_submission(as_manager, url))
    assert error_summary(response) == {"Select a stage": "id_to_stage_0"}


def test_stage_move_not_offered_from_here_is_refused(as_manager, review):
    response = as_manager.post(reverse("reviews:stage", args=[review.pk]), {"to_stage": "closed"})
    assert response.status_code == 200
    assert "id_to_stage_0" in error_summary(response).values()
    assert Review.objects.get(pk=review.pk).stage == Stage.REFERRAL


# -- Deadlines ------------------------------------------------------------------------------------------


def test_deadline_override_is_saved_with_its_reason(as_manager, review):
    rule = review.review_type.deadline_rules.get(key="decision")
    data = {"rule": str(rule.pk), "reason": "Revised timetable agreed with the DfE"}
    data |= date_parts("due_on", today() + timedelta(days=30))
    response = as_manager.post(reverse("reviews:deadlines", args=[review.pk]), data)
    assert response.status_code == 302
    override = DeadlineOverride.objects.get(review=review)
    assert (override.rule, override.due_on) == (rule, today() + timedelta(days=30))
    assert "Decision deadline changed" in banner(as_manager.get(response["Location"]))


def test_deadline_override_before_the_referral_or_without_reason_is_refused(as_manager, review):
    rule = review.review_type.deadline_rules.get(key="decision")
    before = rows()
    response = as_manager.post(reverse("reviews:deadlines", args=[review.pk]), {"rule": str(rule.pk), "reason": ""})
    assert error_summary(response) == {
        "Enter the new deadline": "id_due_on-day",
        "Enter the reason for changing the deadline": "id_reason",
    }
    data = {"rule": str(rule.pk), "reason": "Typo"} | date_parts("due_on", review.referred_on - timedelta(days=1))
    response = as_manager.post(reverse("reviews:deadlines", args=[review.pk]), data)
    assert error_summary(response) == {"The new deadline must be on or after the date of the referral": "id_due_on-day"}
    assert rows() == before


# -- People register ------------------------------------------------------------------------------------


def person_form(**overrides) -> dict:
    data = {
        "full_name": "Kayleigh Ridley",
        "pseudonym": "Mother",
        "relationship": "mother",
        "aliases": "Kayleigh Dunn",
        "addresses": "",
        "nhs_number": "943 476 5919",
        "national_insurance_number": "",
        "other_identifiers": "",
    }
    return data | date_parts("date_of_birth", None) | overrides


def test_person_is_added_changed_and_removed(as_manager, review):
    people = reverse("reviews:people", args=[review.pk])
    response = as_manager.post(reverse("reviews:person-new", args=[review.pk]), person_form())
    assert response["Location"] == people
    person = Person.objects.get()
    assert person.nhs_number == "9434765919"
    assert "Mother saved in the register" in banner(as_manager.get(people))

    url = reverse("reviews:person", args=[review.pk, person.pk])
    assert 'value="Kayleigh Ridley"' in as_manager.get(url).content.decode()
    response = as_manager.post(url, person_form(pseudonym="Parent 1"))
    assert response.status_code == 302
    assert Person.objects.get().pseudonym == "Parent 1"

    remove = reverse("reviews:person-remove", args=[review.pk, person.pk])
    assert "Remove Parent 1 from the register?" in as_manager.get(remove).content.decode()
    assert Person.objects.exists()  # a GET only asks
    assert as_manager.post(remove)["Location"] == people
    assert not Person.objects.exists()
    assert AuditEvent.objects.filter(action="person.removed").count() == 1


def test_removing_a_person_named_in_a_chronology_is_refused_with_the_reason(as_manager, review, manager):
    person = person_add(actor=manager, review=review, full_name="Kay Ridley", relationship="mother", pseudonym="Mother")
    version = ChronologyVersion.objects.create(
        review=review, agency=AgencyFactory(board=review.board), number=1, created_by=manager
    )
    ChronologyEntry.objects.create(version=version, occurred_on=days_ago(300), what_happened="Visit").people.add(person)

    response = as_manager.post(reverse("reviews:person-remove", args=[review.pk, person.pk]))

    assert response.status_code == 409
    assert "Mother is named in 1 chronology entry" in page(response).find(cls="govuk-error-summary").text
    assert Person.objects.filter(pk=person.pk).exists()


def test_person_missing_required_fields_shows_the_error_summary(as_manager, review):
    before = rows()
    url = reverse("reviews:person-new", args=[review.pk])
    response = as_manager.post(url, blank_submission(as_manager, url))
    links = error_summary(response)
    assert links == {
        "Enter the person's full name": "id_full_name",
        "Enter the pseudonym used in reports, for example Mother": "id_pseudonym",
        "Choose the person's relationship to the child": "id_relationship",
    }
    assert rows() == before


def test_person_with_a_taken_pseudonym_or_bad_nhs_number_is_refused(as_manager, review, manager):
    add_subject(review, manager)
    before = rows()
    response = as_manager.post(
        reverse("reviews:person-new", args=[review.pk]), person_form(pseudonym="child a", nhs_number="1234567890")
    )
    links = error_summary(response)
    assert links["Someone in this review is already called child a: choose another"] == "id_pseudonym"
    assert links["Enter a valid NHS number: 10 digits, like 943 476 5919"] == "id_nhs_number"
    assert rows() == before


def test_person_born_after_today_is_refused(as_manager, review):
    data = person_form(**date_parts("date_of_birth", today() + timedelta(days=1)))
    response = as_manager.post(reverse("reviews:person-new", args=[review.pk]), data)
    assert error_summary(response) == {"Date of birth must be today or in the past": "id_date_of_birth-day"}
    assert not Person.objects.exists()


def place_form(**overrides) -> dict:
    return {
        "kind": "school",
        "name": "Alder Primary",
        "address": "",
        "postcode": "nb4 7qt",
        "pseudonym": "School 1",
    } | overrides


def test_place_is_added_changed_and_removed(as_manager, review):
    people = reverse("reviews:people", args=[review.pk])
    assert as_manager.post(reverse("reviews:place-new", args=[review.pk]), place_form())["Location"] == people
    place = Place.objects.get()
    assert place.postcode == "NB4 7QT"
    url = reverse("reviews:place", args=[review.pk, place.pk])
    assert as_manager.post(url, place_form(name="Alder Academy")).status_code == 302
    assert Place.objects.get().name == "Alder Academy"
    assert as_manager.post(reverse("reviews:place-remove", args=[review.pk, place.pk]))["Location"] == people
    assert not Place.objects.exists()


def test_place_with_missing_fields_or_a_made_up_postcode_is_refused(as_manager, review):
    before = rows()
    url = reverse("reviews:place-new", args=[review.pk])
    response = as_manager.post(url, blank_submission(as_manager, url))
    assert error_summary(response) == {
        "Choose what kind of place it is": "id_kind",
        "Enter the name of the place": "id_name",
        "Enter the pseudonym used in reports, for example School 1": "id_pseudonym",
    }
    response = as_manager.post(reverse("reviews:place-new", args=[review.pk]), place_form(postcode="NOWHERE"))
    assert error_summary(response) == {"Enter a real postcode, like NB1 2AB": "id_postcode"}
    assert rows() == before


def test_register_of_a_closed_review_is_read_only(as_manager, board, manager, chair):
    review = decided_review(board, manager, chair, outcome="no_review", grounds=(), rationale="Not met.")
    assert Review.objects.get(pk=review.pk).stage == Stage.CLOSED
    assert as_manager.get(reverse("reviews:people", args=[review.pk])).status_code == 200
    assert as_manager.get(reverse("reviews:person-new", args=[review.pk])).status_code == 404
    assert as_manager.post(reverse("reviews:person-new", args=[review.pk]), person_form()).status_code == 404


def test_board_member_sees_progress_but_not_the_referral(member, review):
    response = signed_in(member).get(reverse("reviews:review", args=[review.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert review.reference in content and "Deadlines" in content
    assert review.circumstances not in content
    assert "Circumstances" not in content


def test_set_up_tasks_say_what_is_missing_only_to_those_who_see_the_panel(board, manager, chair):
    """What the panel still needs names people and their conflicts: a board member sees the task, not that."""
    review = decided_review(board, manager, chair)
    member = UserFactory(full_name="Mel Member")
    grant(member, Role.BOARD_MEMBER, board)
    url = reverse("reviews:review", args=[review.pk])

    for_manager = page(signed_in(manager).get(url)).find("main").text
    for_member = page(signed_in(member).get(url)).find("main").text

    assert "Fill the Children's services seat on the panel, or record why it is not filled" in for_manager
    assert "Appoint the panel and check its independence" in for_member
    assert "seat on the panel" not in for_member


def test_agency_reviews_stage_lists_each_agencys_chronology_with_its_state(board, manager, chair):
    review = review_at_stage(board, manager, chair, Stage.AGENCY_REVIEWS)
    agency = review.involvements.get().agency
    url = reverse("reviews:review", args=[review.pk])

    def task() -> str:
        found = [item for item in page(signed_in(manager).get(url)).find_all("li") if agency.name in item.text]
        return " ".join(" ".join(item.text.split()) for item in found if "Chronology" in item.text)

    assert task().endswith("Not yet started")
    version = ChronologyVersion.objects.create(review=review, agency=agency, number=1, created_by=manager)
    assert task().endswith("In progress")
    ChronologyVersion.objects.filter(pk=version.pk).update(submitted_at=timezone.now(), submitted_by=manager)
    assert f"Submitted on {timezone.localdate():%-d %B %Y}" in task() and task().endswith("Completed")
