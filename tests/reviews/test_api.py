"""The reviews API: authentication, strict input, domain errors as 400/409, and each operation's happy path."""

from datetime import timedelta

import pytest
from django.test import Client

from casereview.accounts.models import ApiToken, Role
from casereview.accounts.services import api_token_create, api_token_revoke
from casereview.api import api
from casereview.audit.models import AuditEvent
from casereview.reviews.models import Decision, Person, Place, Review, StageChange
from casereview.reviews.stages import Stage
from tests.factories import (
    UserFactory,
    add_subject,
    days_ago,
    decided_review,
    grant,
    referred_review,
    review_at_decision,
    today,
)
from tests.web import api_call, bearer, signed_in, two_factor_verified


@pytest.fixture
def api_manager(manager):
    return signed_in(manager)


@pytest.fixture
def referral_body(board):
    def make(**overrides):
        body = {
            "board_id": board.pk,
            "subject_pseudonym": "Child D",
            "referred_on": days_ago(5).isoformat(),
            "referred_by_name": "Rita Referrer",
            "referred_by_role": "Health visitor",
            "circumstances": "A baby was brought to hospital with a fractured arm.",
            "incident_date": days_ago(7).isoformat(),
        }
        return body | overrides

    return make


@pytest.fixture
def review(board, manager):
    return referred_review(board, manager, incident_notified_on=days_ago(59))


def decision_body(**overrides):
    body = {
        "grounds": ["inter_agency_concerns"],
        "outcome": "hold",
        "rationale": "Agencies did not share what they knew.",
        "decided_on": today().isoformat(),
    }
    return body | overrides


# -- Authentication -------------------------------------------------------------------------------------


def test_session_sign_in_authenticates_the_api(api_manager, review):
    response = api_call(api_manager, "GET", "/api/reviews")
    assert response.status_code == 200
    assert [r["reference"] for r in response.json()] == [review.reference]


def test_bearer_token_authenticates_the_api_and_records_its_use(manager, review):
    client = bearer(manager)
    response = api_call(client, "GET", f"/api/reviews/{review.pk}")
    assert response.status_code == 200
    assert response.json()["reference"] == review.reference
    assert ApiToken.objects.get(user=manager).last_used_at is not None


def test_bearer_token_can_write(manager, referral_body):
    response = api_call(bearer(manager), "POST", "/api/reviews", referral_body())
    assert response.status_code == 201
    assert Review.objects.get(pk=response.json()["id"]).created_by == manager


def test_no_credentials_answer_401_with_what_to_send(client, db):
    response = api_call(client, "GET", "/api/reviews")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response.json()["errors"] == {}


@pytest.mark.parametrize("header", ["Bearer crv_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "crv_abc"])
def test_unknown_or_malformed_token_answers_401(db, header):
    response = api_call(Client(headers={"Authorization": header}), "GET", "/api/reviews")
    assert response.status_code == 401


def test_revoked_token_answers_401(manager):
    token, key = api_token_create(actor=manager, user=manager, name="Script")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert api_call(client, "GET", "/api/reviews").status_code == 200
    api_token_revoke(actor=manager, token=token)
    assert api_call(client, "GET", "/api/reviews").status_code == 401


def test_token_of_a_deactivated_user_answers_401(manager):
    client = bearer(manager)
    manager.is_active = False
    manager.save()
    assert api_call(client, "GET", "/api/reviews").status_code == 401


def test_session_post_without_csrf_token_is_refused(manager, referral_body):
    """Session-authenticated writes need the CSRF token, so another site cannot post as the user."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    two_factor_verified(client, manager)
    response = api_call(client, "POST", "/api/reviews", referral_body())
    assert response.status_code in (401, 403)
    assert not Review.objects.exists()


# -- List and read --------------------------------------------------------------------------------------


def test_list_filters_by_stage(api_manager, board, manager):
    at_referral = referred_review(board, manager)
    at_decision = review_at_decision(board, manager, subject_pseudonym="Child B")
    response = api_call(api_manager, "GET", "/api/reviews?stage=decision")
    assert [r["id"] for r in response.json()] == [at_decision.pk]
    response = api_call(api_manager, "GET", "/api/reviews?stage=referral")
    assert [r["id"] for r in response.json()] == [at_referral.pk]


def test_list_with_unknown_stage_answers_422(api_manager):
    response = api_call(api_manager, "GET", "/api/reviews?stage=finished")
    assert response.status_code == 422
    assert "stage" in response.json()["errors"]


def test_read_shows_the_referral_decision_and_history_to_board_staff(api_manager, board, manager, chair):
    review = decided_review(board, manager, chair)
    body = api_call(api_manager, "GET", f"/api/reviews/{review.pk}").json()
    assert body["stage"] == "set_up"
    assert body["referral"]["referred_by_name"] == "Rita Referrer"
    assert body["decision"]["outcome"] == "hold"
    assert body["decision"]["decided_by"] == str(chair)
    assert [c["to_stage"] for c in body["stage_history"]] == ["referral", "decision", "set_up"]
    assert body["next_stages"] == ["agency_reviews"]
    assert {d["key"] for d in body["deadlines"]} == {"decision", "completion"}


def test_read_hides_the_referral_and_history_from_a_worker(board, manager, chair):
    review = decided_review(board, manager, chair)
    worker = UserFactory()
    grant(worker, Role.WORKER, board, review=review)
    body = api_call(signed_in(worker), "GET", f"/api/reviews/{review.pk}").json()
    assert body["referral"] is None
    assert body["decision"] is None
    assert body["stage_history"] is None
    assert body["stage"] == "set_up"


@pytest.mark.parametrize("review_id", ["0", "999999", "-1", "abc", "99999999999999999999999"])
def test_read_of_a_missing_or_malformed_id_is_not_a_server_error(api_manager, review_id):
    response = api_call(api_manager, "GET", f"/api/reviews/{review_id}")
    assert response.status_code in (404, 422)


# -- Referral -------------------------------------------------------------------------------------------


def test_referral_creates_a_review_at_the_referral_stage(api_manager, board, referral_body):
    response = api_call(api_manager, "POST", "/api/reviews", referral_body())
    assert response.status_code == 201
    body = response.json()
    assert body["reference"] == f"SCR-{days_ago(5).year}-001"
    assert body["stage"] == "referral"
    assert body["referral"]["circumstances"] == "A baby was brought to hospital with a fractured arm."
    review = Review.objects.get(pk=body["id"])
    assert review.board == board
    assert StageChange.objects.filter(review=review, to_stage="referral").count() == 1
    assert AuditEvent.objects.filter(action="review.referred", object_id=str(review.pk)).exists()


def test_referral_with_an_unknown_field_answers_422_naming_it(api_manager, referral_body):
    response = api_call(api_manager, "POST", "/api/reviews", referral_body(child_name="Jamie Example"))
    assert response.status_code == 422
    assert "child_name" in response.json()["errors"]
    assert "child_name" in response.json()["detail"]
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("referred_on", "last Tuesday"), ("board_id", "first"), ("child_died", "perhaps"), ("circumstances", 42)],
)
def test_referral_with_a_wrong_type_answers_422_naming_the_field(api_manager, referral_body, field, value):
    response = api_call(api_manager, "POST", "/api/reviews", referral_body(**{field: value}))
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Review.objects.exists()


def test_referral_missing_a_required_field_answers_422(api_manager, referral_body):
    body = referral_body()
    del body["circumstances"]
    response = api_call(api_manager, "POST", "/api/reviews", body)
    assert response.status_code == 422
    assert "circumstances" in response.json()["errors"]


@pytest.mark.parametrize("body", [[], "referral", 42, None])
def test_referral_body_that_is_not_an_object_answers_422(api_manager, body):
    assert api_call(api_manager, "POST", "/api/reviews", body).status_code == 422


def test_referral_date_of_death_after_today_answers_400_with_the_field(api_manager, referral_body):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = api_call(api_manager, "POST", "/api/reviews", referral_body(child_died=True, date_of_death=tomorrow))
    assert response.status_code == 400
    assert response.json()["errors"] == {"date_of_death": "The date of death must be today or in the past"}
    assert response.json()["detail"] == "The date of death must be today or in the past"
    assert not Review.objects.exists()


def test_referral_with_a_duplicate_reference_answers_400(api_manager, board, manager, referral_body):
    referred_review(board, manager, reference="SCR-2026-010")
    response = api_call(api_manager, "POST", "/api/reviews", referral_body(reference="scr-2026-010"))
    assert response.status_code == 400
    assert "already exists" in response.json()["errors"]["reference"]
    assert Review.objects.count() == 1


def test_referral_of_an_unknown_review_type_answers_400(api_manager, referral_body):
    response = api_call(api_manager, "POST", "/api/reviews", referral_body(review_type="XYZ"))
    assert response.status_code == 400
    assert "SCR" in response.json()["errors"]["review_type"]


def test_referral_with_blank_text_lists_every_missing_field(api_manager, referral_body):
    body = referral_body(subject_pseudonym=" ", referred_by_name="", circumstances="\n")
    response = api_call(api_manager, "POST", "/api/reviews", body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"subject_pseudonym", "referred_by_name", "circumstances"}


# -- Stage moves ----------------------------------------------------------------------------------------


def test_stage_change_in_order_moves_the_review(api_manager, review, manager):
    add_subject(review, manager)
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/stage", {"to_stage": "decision"})
    assert response.status_code == 200
    assert response.json()["stage"] == "decision"
    assert Review.objects.get(pk=review.pk).stage == Stage.DECISION


def test_stage_change_refused_by_its_guard_answers_409_saying_what_is_missing(api_manager, board, manager):
    review = referred_review(board, manager)  # Ofsted not notified, nobody on the register
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/stage", {"to_stage": "decision"})
    assert response.status_code == 409
    message = response.json()["errors"]["to_stage"]
    assert "Record the date the serious incident was notified to Ofsted" in message
    assert "Add Child A to the people register as the subject of the review" in message
    assert Review.objects.get(pk=review.pk).stage == Stage.REFERRAL


def test_stage_change_out_of_order_answers_409(api_manager, review):
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/stage", {"to_stage": "overview"})
    assert response.status_code == 409
    assert "cannot move to “Overview”" in response.json()["detail"]
    assert "Decision" in response.json()["detail"]  # where it can go
    assert StageChange.objects.filter(review=review).count() == 1


def test_stage_change_to_an_unknown_stage_answers_409(api_manager, review):
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/stage", {"to_stage": "finished"})
    assert response.status_code == 409
    assert "unknown stage “finished”" in response.json()["detail"]
    assert set(response.json()["errors"]) == {"to_stage"}


def test_stage_change_dated_in_the_future_answers_400(api_manager, board, manager, chair):
    review = decided_review(board, manager, chair)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    body = {"to_stage": "agency_reviews", "on": tomorrow}
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/stage", body)
    assert response.status_code == 400
    assert "on" in response.json()["errors"]


def test_stage_change_with_an_unknown_field_answers_422(api_manager, review):
    body = {"to_stage": "decision", "stage": "decision"}
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/stage", body)
    assert response.status_code == 422
    assert "stage" in response.json()["errors"]


# -- Decision -------------------------------------------------------------------------------------------


def test_decision_to_hold_moves_the_review_to_set_up(board, manager, chair):
    review = review_at_decision(board, manager)
    response = api_call(signed_in(chair), "POST", f"/api/reviews/{review.pk}/decision", decision_body())
    assert response.status_code == 200
    assert response.json()["stage"] == "set_up"
    assert response.json()["decision"]["grounds"] == ["inter_agency_concerns"]
    assert Decision.objects.get(review=review).decided_by == chair


def test_decision_not_to_hold_closes_the_review(board, manager, chair):
    review = review_at_decision(board, manager)
    body = decision_body(outcome="no_review", grounds=[], rationale="The threshold is not met.")
    response = api_call(signed_in(chair), "POST", f"/api/reviews/{review.pk}/decision", body)
    assert response.status_code == 200
    assert response.json()["stage"] == "closed"


def test_decision_not_to_hold_when_a_review_is_required_answers_400(board, manager, chair):
    review = review_at_decision(board, manager)
    body = decision_body(outcome="no_review", grounds=["child_died"])
    response = api_call(signed_in(chair), "POST", f"/api/reviews/{review.pk}/decision", body)
    assert response.status_code == 400
    assert "A review must be held because" in response.json()["errors"]["outcome"]
    assert not Decision.objects.exists()
    assert Review.objects.get(pk=review.pk).stage == Stage.DECISION


def test_decision_dated_before_the_referral_answers_400(board, manager, chair):
    review = review_at_decision(board, manager)
    body = decision_body(decided_on=(review.referred_on - timedelta(days=1)).isoformat())
    response = api_call(signed_in(chair), "POST", f"/api/reviews/{review.pk}/decision", body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "decided_on": "The date of the decision must be on or after the date of the referral"
    }


def test_decision_at_the_referral_stage_answers_409(chair, review):
    response = api_call(signed_in(chair), "POST", f"/api/reviews/{review.pk}/decision", decision_body())
    assert response.status_code == 409
    assert not Decision.objects.exists()


def test_decision_with_unknown_grounds_lists_them(board, manager, chair):
    review = review_at_decision(board, manager)
    body = decision_body(grounds=["inter_agency_concerns", "bad_weather"])
    response = api_call(signed_in(chair), "POST", f"/api/reviews/{review.pk}/decision", body)
    assert response.status_code == 400
    assert "bad_weather" in response.json()["errors"]["grounds"]


def test_decision_with_grounds_not_a_list_answers_422(board, manager, chair):
    review = review_at_decision(board, manager)
    body = decision_body(grounds="child_died")
    response = api_call(signed_in(chair), "POST", f"/api/reviews/{review.pk}/decision", body)
    assert response.status_code == 422
    assert "grounds" in response.json()["errors"]


# -- People and places ----------------------------------------------------------------------------------


def test_person_add_read_change_and_remove(api_manager, review):
    base = f"/api/reviews/{review.pk}/people"
    body = {
        "full_name": "Kayleigh Ridley",
        "pseudonym": "Mother",
        "relationship": "mother",
        "aliases": ["Kayleigh Dunn", "  ", "Kay Ridley"],
        "nhs_number": "943 476 5919",
        "national_insurance_number": "px 12 34 56 a",
    }
    created = api_call(api_manager, "POST", base, body)
    assert created.status_code == 201
    person = created.json()
    assert person["aliases"] == ["Kayleigh Dunn", "Kay Ridley"]
    assert person["nhs_number"] == "9434765919"
    assert person["national_insurance_number"] == "PX123456A"
    assert api_call(api_manager, "GET", f"{base}/{person['id']}").json() == person
    assert [p["pseudonym"] for p in api_call(api_manager, "GET", base).json()] == ["Mother"]

    changed = api_call(api_manager, "PUT", f"{base}/{person['id']}", body | {"pseudonym": "Parent 1"})
    assert changed.status_code == 200
    assert Person.objects.get(pk=person["id"]).pseudonym == "Parent 1"

    assert api_call(api_manager, "DELETE", f"{base}/{person['id']}").status_code == 204
    assert api_call(api_manager, "GET", f"{base}/{person['id']}").status_code == 404
    assert not Person.objects.exists()


def test_person_with_a_taken_pseudonym_answers_400(api_manager, review, manager):
    add_subject(review, manager)
    body = {"full_name": "Other Child", "pseudonym": "child a", "relationship": "sibling"}
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/people", body)
    assert response.status_code == 400
    assert "already called" in response.json()["errors"]["pseudonym"]
    assert Person.objects.count() == 1


def test_person_with_an_invalid_nhs_number_answers_400(api_manager, review):
    body = {"full_name": "A Person", "pseudonym": "Adult 1", "relationship": "other_adult", "nhs_number": "1234567890"}
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/people", body)
    assert response.status_code == 400
    assert "nhs_number" in response.json()["errors"]
    assert not Person.objects.exists()


def test_person_with_an_unknown_relationship_answers_422(api_manager, review):
    body = {"full_name": "A Person", "pseudonym": "Adult 1", "relationship": "neighbour"}
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/people", body)
    assert response.status_code == 422
    assert "relationship" in response.json()["errors"]


def test_place_add_read_change_and_remove(api_manager, review):
    base = f"/api/reviews/{review.pk}/places"
    body = {"kind": "school", "name": "Alder Primary", "pseudonym": "School 1", "postcode": "nb4 7qt"}
    created = api_call(api_manager, "POST", base, body)
    assert created.status_code == 201
    place = created.json()
    assert place["postcode"] == "NB4 7QT"
    assert api_call(api_manager, "GET", f"{base}/{place['id']}").json() == place
    changed = api_call(api_manager, "PUT", f"{base}/{place['id']}", body | {"name": "Alder Academy"})
    assert changed.status_code == 200
    assert changed.json()["name"] == "Alder Academy"
    assert api_call(api_manager, "DELETE", f"{base}/{place['id']}").status_code == 204
    assert not Place.objects.exists()


def test_place_with_a_made_up_postcode_answers_400(api_manager, review):
    body = {"kind": "home", "name": "Home", "pseudonym": "Address 1", "postcode": "NOT A CODE"}
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/places", body)
    assert response.status_code == 400
    assert "postcode" in response.json()["errors"]


def test_register_of_a_closed_review_cannot_change(board, manager, chair):
    review = decided_review(board, manager, chair, outcome="no_review", grounds=(), rationale="Threshold not met.")
    body = {"full_name": "Late Entry", "pseudonym": "Adult 9", "relationship": "other_adult"}
    response = api_call(signed_in(manager), "POST", f"/api/reviews/{review.pk}/people", body)
    assert response.status_code == 404
    assert Person.objects.filter(review=review).count() == 1


# -- The schema -----------------------------------------------------------------------------------------


def test_schema_declares_every_refusal_on_every_operation():
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            declared = {int(code) for code in operation["responses"]}
            assert {400, 401, 404, 409, 422} <= declared, f"{method.upper()} {path} declares only {declared}"


def test_schema_is_served(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/reviews" in response.json()["paths"]


# -- Text the database cannot store is refused, on every database ------------------------------------------


def test_referral_refuses_nul_characters(api_manager, referral_body):
    response = api_call(api_manager, "POST", "/api/reviews", referral_body(circumstances="Found\x00 at home"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"circumstances": "Remove the null character from the circumstances"}
    assert not Review.objects.exists()


def test_stage_change_reason_refuses_nul_characters(api_manager, review, manager):
    add_subject(review, manager)
    body = {"to_stage": "decision", "reason": "Ready\x00"}
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/stage", body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"reason"}
    assert Review.objects.get(pk=review.pk).stage == Stage.REFERRAL


def test_referral_refuses_a_pseudonym_longer_than_it_can_store(api_manager, referral_body):
    response = api_call(api_manager, "POST", "/api/reviews", referral_body(subject_pseudonym="C" * 101))
    assert response.status_code == 400
    assert "100 characters or fewer" in response.json()["errors"]["subject_pseudonym"]
    assert not Review.objects.exists()


def test_person_refuses_a_name_longer_than_it_can_store(api_manager, review):
    body = {"full_name": "N" * 201, "pseudonym": "Adult 1", "relationship": "other_adult"}
    response = api_call(api_manager, "POST", f"/api/reviews/{review.pk}/people", body)
    assert response.status_code == 400
    assert "200 characters or fewer" in response.json()["errors"]["full_name"]
    assert not Person.objects.exists()


def test_referral_of_a_review_type_with_a_nul_character_answers_400(api_manager, referral_body):
    response = api_call(api_manager, "POST", "/api/reviews", referral_body(review_type="SC\x00R"))
    assert response.status_code == 400
    assert "review_type" in response.json()["errors"]


def test_api_write_is_audited_with_the_request_id(manager, review):
    add_subject(review, manager)
    client = bearer(manager)
    response = client.post(
        f"/api/reviews/{review.pk}/stage",
        data={"to_stage": "decision"},
        content_type="application/json",
        headers={"X-Request-Id": "script-run-0042"},
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="review.stage_changed")
    assert event.request_id == "script-run-0042"
    assert event.actor == manager


def test_board_member_reads_progress_without_the_referral(member, review):
    body = bearer(member).get(f"/api/reviews/{review.pk}").json()
    assert body["stage"] == "referral" and body["deadlines"]
    assert body["referral"] is None and body["decision"] is None and body["stage_history"] is None
