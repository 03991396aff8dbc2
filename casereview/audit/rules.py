"""Permission rules for the audit trail."""

import rules

from casereview.accounts.models import Role
from casereview.reviews.rules import on_board

# A review's trail names everyone who read its people register: only the board's manager sees it.
rules.add_perm("audit.view_trail", on_board(Role.BOARD_MANAGER))
