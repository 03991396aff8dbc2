"""Permission rules for boards and agencies."""

import rules

from casereview.accounts.models import Role
from casereview.accounts.selectors import board_ids_with_role, grants_of


def board_role(*roles: str):
    """True when the user holds one of `roles` on the whole board (the object is a board)."""

    @rules.predicate(name=f"board_role({', '.join(roles)})")
    def predicate(user, board) -> bool:
        return board is not None and board.pk in board_ids_with_role(user, *roles)

    return predicate


@rules.predicate
def is_board_member_of_any_kind(user, board) -> bool:
    return board is not None and any(g.board_id == board.pk for g in grants_of(user))


rules.add_perm("accounts.view_agencies", is_board_member_of_any_kind)
rules.add_perm("accounts.manage_agencies", board_role(Role.BOARD_MANAGER))
# Anyone with a role on a board may bring a new person in (callers check what for: a panel seat, an IMR author).
rules.add_perm("accounts.invite_people", is_board_member_of_any_kind)
rules.add_perm("accounts.reset_two_factor", board_role(Role.BOARD_MANAGER))
