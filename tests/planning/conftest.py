"""A review held (at set-up) with its panel, two agencies of the board and a user in every other role."""

import pytest

from tests.planning.make import PlanningWorld, held_world


@pytest.fixture
def held(board, manager, chair) -> PlanningWorld:
    return held_world(board, manager, chair)
