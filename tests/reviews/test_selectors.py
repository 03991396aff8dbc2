"""Loading reviews and their registers: each user sees exactly what their memberships allow."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from casereview.accounts.models import Role
from casereview.reviews.selectors import (
    people_of,
    person_for_user_or_404,
    place_for_user_or_404,
    places_of,
    review_for_user_or_404,
    reviews_visible_to,
    stage_history_of,
)
from casereview.reviews.services import person_add, place_add
from tests.factories import AgencyFactory, UserFactory, decided_review, grant, referred_review


@pytest.fixture
def reviews(board, manager, chair):
    """Two reviews on the board, both decided (held), so a review team can be appointed."""
    return (
        decided_review(board, manager, chair, subject_pseudonym="Child A"),
        decided_review(board, manager, chair, subject_pseudonym="Child B"),
    )


@pytest.fixture
def elsewhere(other_board, other_manager):
    return referred_review(other_board, other_manager, subject_pseudonym="Child Z")


def on_review(review, role, agency=None):
    user = UserFactory()
    grant(user, role, review.board, review=review, agency=agency)
    return user


def register(review, manager):
    person = person_add(actor=manager, review=review, full_name="Jo Bloggs", relationship="mother", pseudonym="Mother")
    place = place_add(actor=manager, review=review, kind="school", name="St Mary's", pseudonym="School 1")
    return person, place


@pytest.mark.parametrize("who", ["manager", "chair", "member"])
def test_board_roles_see_every_review_of_their_board_and_none_of_another(request, reviews, elsewhere, who):
    user = request.getfixturevalue(who)

    assert set(reviews_visible_to(user)) == set(reviews)


def test_manager_of_the_other_board_sees_only_that_boards_reviews(reviews, elsewhere, other_manager):
    assert list(reviews_visible_to(other_manager)) == [elsewhere]


@pytest.mark.parametrize("pk", ["elsewhere", 999_999, "abc", "", None, "1 OR 1=1"])
def test_review_for_user_or_404_hides_other_boards_missing_and_garbage_pks(reviews, elsewhere, manager, pk):
    pk = elsewhere.pk if pk == "elsewhere" else pk

    with pytest.raises(Http404):
        review_for_user_or_404(manager, pk)


def test_review_for_user_or_404_finds_a_review_of_the_board_by_string_pk(reviews, manager):
    assert review_for_user_or_404(manager, str(reviews[0].pk)) == reviews[0]


@pytest.mark.parametrize(
    "role", [Role.WORKER, Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER]
)
def test_review_role_sees_only_its_own_review(reviews, elsewhere, role):
    mine, theirs = reviews
    user = on_review(mine, role)

    assert list(reviews_visible_to(user)) == [mine]
    assert review_for_user_or_404(user, mine.pk) == mine
    with pytest.raises(Http404):
        review_for_user_or_404(user, theirs.pk)
    with pytest.raises(Http404):
        review_for_user_or_404(user, elsewhere.pk)


def test_agency_author_on_a_review_sees_only_that_review(board, reviews):
    mine, theirs = reviews
    user = on_review(mine, Role.IMR_AUTHOR, agency=AgencyFactory(board=board))

    assert list(reviews_visible_to(user)) == [mine]


def test_agency_role_without_a_review_sees_no_review(board, reviews):
    user = UserFactory()
    grant(user, Role.SENIOR_MANAGER, board, agency=AgencyFactory(board=board))

    assert not reviews_visible_to(user).exists()


def test_national_body_sees_no_review_of_the_board(board, reviews):
    user = UserFactory()
    grant(user, Role.NATIONAL_BODY, board)

    assert not reviews_visible_to(user).exists()


def test_user_with_no_memberships_sees_nothing(reviews, outsider):
    assert not reviews_visible_to(outsider).exists()
    with pytest.raises(Http404):
        review_for_user_or_404(outsider, reviews[0].pk)


def test_anonymous_user_sees_nothing(reviews):
    assert not reviews_visible_to(AnonymousUser()).exists()


def test_deactivated_manager_sees_nothing(reviews, manager):
    manager.is_active = False
    manager.save()

    assert not reviews_visible_to(manager).exists()


@pytest.mark.parametrize("role", [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER])
def test_panel_sees_the_people_and_places_of_its_review(reviews, manager, role):
    review = reviews[0]
    person, place = register(review, manager)
    user = on_review(review, role)

    assert list(people_of(user, review)) == [review.people.get(relationship="subject"), person]
    assert list(places_of(user, review)) == [place]
    assert person_for_user_or_404(user, review, person.pk) == person
    assert place_for_user_or_404(user, review, place.pk) == place


@pytest.mark.parametrize("role", [Role.IMR_AUTHOR, Role.SENIOR_MANAGER])
def test_agency_roles_on_the_review_see_its_people(board, reviews, manager, role):
    review = reviews[0]
    person, _place = register(review, manager)
    user = on_review(review, role, agency=AgencyFactory(board=board))

    assert person in people_of(user, review)


def test_people_of_is_not_found_for_a_worker_on_the_review(reviews, manager):
    review = reviews[0]
    person, place = register(review, manager)
    worker = on_review(review, Role.WORKER)

    with pytest.raises(Http404):
        people_of(worker, review)
    with pytest.raises(Http404):
        places_of(worker, review)
    with pytest.raises(Http404):
        person_for_user_or_404(worker, review, person.pk)
    with pytest.raises(Http404):
        place_for_user_or_404(worker, review, place.pk)


def test_people_of_is_not_found_for_a_board_member(reviews, manager, member):
    review = reviews[0]
    register(review, manager)

    with pytest.raises(Http404):
        people_of(member, review)


def test_people_of_another_boards_review_are_not_found(elsewhere, manager):
    with pytest.raises(Http404):
        people_of(manager, elsewhere)


@pytest.mark.parametrize("pk", ["other review", 999_999, "abc", None])
def test_person_for_user_or_404_hides_people_of_other_reviews_and_garbage_pks(reviews, manager, pk):
    review, other = reviews
    person, _ = register(other, manager)
    pk = person.pk if pk == "other review" else pk

    with pytest.raises(Http404):
        person_for_user_or_404(manager, review, pk)


@pytest.mark.parametrize("pk", ["other review", "abc"])
def test_place_for_user_or_404_hides_places_of_other_reviews_and_garbage_pks(reviews, manager, pk):
    review, other = reviews
    _, place = register(other, manager)
    pk = place.pk if pk == "other review" else pk

    with pytest.raises(Http404):
        place_for_user_or_404(manager, review, pk)


def test_stage_history_is_seen_by_board_staff_and_panel_but_not_workers_or_members(reviews, manager, chair, member):
    review = reviews[0]

    assert [c.to_stage for c in stage_history_of(manager, review)] == ["referral", "decision", "set_up"]
    assert stage_history_of(chair, review).count() == 3
    assert stage_history_of(on_review(review, Role.PANEL_MEMBER), review).count() == 3
    for user in (member, on_review(review, Role.WORKER)):
        with pytest.raises(Http404):
            stage_history_of(user, review)
