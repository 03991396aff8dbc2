"""The only ways to load reviews and what hangs off them, scoped to what the user may see."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from casereview.accounts.models import Role
from casereview.accounts.selectors import board_ids_with_role, grants_of
from casereview.core.permissions import require_or_404
from casereview.reviews.models import DeadlineOverride, Person, Place, Review, StageChange


def reviews_visible_to(user) -> QuerySet[Review]:
    """The board's roles see every review of their board; anyone else only the reviews they are on."""
    board_ids = board_ids_with_role(user, Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.BOARD_MEMBER)
    review_ids = {g.review_id for g in grants_of(user) if g.review_id is not None}
    if not board_ids and not review_ids:
        return Review.objects.none()
    return (
        Review.objects.filter(Q(board_id__in=board_ids) | Q(pk__in=review_ids))
        .select_related("board", "review_type", "decision", "referring_agency")
        .prefetch_related(
            "review_type__deadline_rules",
            Prefetch("deadline_overrides", queryset=DeadlineOverride.objects.order_by("set_at", "id")),
        )
    )


def review_for_user_or_404(user, pk) -> Review:
    try:
        return reviews_visible_to(user).get(pk=pk)
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404("No such review") from None


def people_of(user, review: Review) -> QuerySet[Person]:
    require_or_404(user, "reviews.view_people", review)
    return review.people.all()


def person_for_user_or_404(user, review: Review, pk) -> Person:
    try:
        return people_of(user, review).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person") from None


def places_of(user, review: Review) -> QuerySet[Place]:
    require_or_404(user, "reviews.view_people", review)
    return review.places.all()


def place_for_user_or_404(user, review: Review, pk) -> Place:
    try:
        return places_of(user, review).get(pk=pk)
    except (Place.DoesNotExist, ValueError, TypeError):
        raise Http404("No such place") from None


def stage_history_of(user, review: Review) -> QuerySet[StageChange]:
    require_or_404(user, "reviews.view_stage_history", review)
    return review.stage_changes.select_related("changed_by")
