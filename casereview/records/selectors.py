"""The only ways to load the records vault, scoped to what the user may see; not allowed looks like not found."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from casereview.accounts.models import AGENCY_ROLES, Agency
from casereview.accounts.selectors import grants_of
from casereview.core.permissions import require_or_404
from casereview.involvement.models import AgencyInvolvement
from casereview.records.models import AgencyVault, CaseRecord, CaseRecordFile, RecordsSecured
from casereview.reviews.models import Review


def agencies_involved(review: Review) -> QuerySet[Agency]:
    """The agencies involved in the review and not withdrawn: those asked to secure their records."""
    ids = AgencyInvolvement.objects.filter(review=review, withdrawn_at__isnull=True).values("agency_id")
    return Agency.objects.filter(pk__in=ids, board_id=review.board_id)


def records_secured_by_agency(review: Review) -> list[tuple[Agency, RecordsSecured | None]]:
    """Each involved agency with its confirmation, if any: the progress shown on the workspace."""
    secured = {row.agency_id: row for row in RecordsSecured.objects.filter(review=review).select_related("recorded_by")}
    return [(agency, secured.get(agency.pk)) for agency in agencies_involved(review)]


def vault_agencies_of(user, review: Review) -> list[Agency]:
    """The agencies whose part of the vault the user sees: all of them for the panel and the board manager
    (those involved and any with something in the vault), only their own for an agency's staff."""
    require_or_404(user, "records.view_vault", review)
    if user.has_perm("records.view_all_agencies", review):
        ids = set(agencies_involved(review).values_list("pk", flat=True))
        ids |= set(CaseRecord.objects.filter(review=review).values_list("agency_id", flat=True))
        ids |= set(RecordsSecured.objects.filter(review=review).values_list("agency_id", flat=True))
    else:
        ids = {
            g.agency_id
            for g in grants_of(user)
            if g.review_id == review.pk and g.agency_id is not None and g.role in AGENCY_ROLES
        }
    return list(Agency.objects.filter(pk__in=ids, board_id=review.board_id))


def agency_vault_for_user_or_404(user, review: Review, agency_pk) -> AgencyVault:
    try:
        agency = Agency.objects.get(pk=agency_pk, board_id=review.board_id)
    except (Agency.DoesNotExist, ValueError, TypeError):
        raise Http404("No such agency") from None
    vault = AgencyVault(review, agency)
    require_or_404(user, "records.view_agency", vault)
    return vault


def _with_files(records: QuerySet[CaseRecord]) -> QuerySet[CaseRecord]:
    files = CaseRecordFile.objects.select_related("uploaded_by").order_by("-version")
    return records.select_related("agency").prefetch_related(Prefetch("files", queryset=files))


def records_of(user, vault: AgencyVault) -> QuerySet[CaseRecord]:
    require_or_404(user, "records.view_agency", vault)
    return _with_files(CaseRecord.objects.filter(review=vault.review, agency=vault.agency))


def records_secured_of(user, vault: AgencyVault) -> RecordsSecured | None:
    require_or_404(user, "records.view_agency", vault)
    return RecordsSecured.objects.filter(review=vault.review, agency=vault.agency).select_related("recorded_by").first()


def vault_records_of(user, review: Review) -> QuerySet[CaseRecord]:
    """Every case record of the review that the user may see."""
    agencies = vault_agencies_of(user, review)
    return _with_files(CaseRecord.objects.filter(review=review, agency__in=agencies))


def record_file_for_user_or_404(user, review: Review, pk) -> CaseRecordFile:
    try:
        found = CaseRecordFile.objects.select_related("record__agency", "record__review", "uploaded_by").get(
            pk=pk, record__review=review
        )
    except (CaseRecordFile.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file") from None
    require_or_404(user, "records.view_agency", AgencyVault(review, found.record.agency))
    return found


def all_stored_files() -> QuerySet[CaseRecordFile]:
    """Every file of every vault, for `casereview vault verify` (run by an operator, not a user)."""
    return CaseRecordFile.objects.order_by("sha256", "pk")
