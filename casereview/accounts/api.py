"""API operations on a board's agencies."""

from ninja import Router, Schema, Status

from casereview.accounts import services
from casereview.accounts.models import AgencyKind
from casereview.accounts.selectors import agencies_visible_to, agency_for_user_or_404, board_for_user_or_404
from casereview.core.schemas import ERRORS, StrictIn

router = Router(tags=["Agencies"])


class AgencyOut(Schema):
    id: int
    board_id: int
    name: str
    kind: AgencyKind


class AgencyIn(StrictIn):
    board_id: int
    name: str
    kind: AgencyKind


class AgencyChange(StrictIn):
    name: str
    kind: AgencyKind


@router.get("", response={200: list[AgencyOut], **ERRORS}, summary="List the agencies of your boards")
def agency_list(request, board_id: int | None = None):
    board = board_for_user_or_404(request.user, board_id) if board_id is not None else None
    return agencies_visible_to(request.user, board)


@router.post("", response={201: AgencyOut, **ERRORS}, summary="Add an agency to a board")
def agency_create(request, payload: AgencyIn):
    board = board_for_user_or_404(request.user, payload.board_id)
    return Status(201, services.agency_create(actor=request.user, board=board, name=payload.name, kind=payload.kind))


@router.get("/{agency_id}", response={200: AgencyOut, **ERRORS}, summary="Read an agency")
def agency_read(request, agency_id: int):
    return agency_for_user_or_404(request.user, agency_id)


@router.put("/{agency_id}", response={200: AgencyOut, **ERRORS}, summary="Change an agency's name or kind")
def agency_change(request, agency_id: int, payload: AgencyChange):
    agency = agency_for_user_or_404(request.user, agency_id)
    return services.agency_change(actor=request.user, agency=agency, name=payload.name, kind=payload.kind)
