"""The only ways to load agency chronologies, scoped to what the user may see: an agency's own staff see its draft
and versions, the panel and the lead reviewer only submitted versions. Not allowed looks like not found."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Prefetch, QuerySet
from django.http import Http404

from casereview.accounts.models import AGENCY_ROLES, Agency
from casereview.accounts.selectors import grants_of
from casereview.chronology.models import ChronologyEntry, ChronologyVersion
from casereview.core.permissions import require_or_404
from casereview.records.models import CaseRecordFile
from casereview.records.selectors import agencies_involved
from casereview.reviews.models import Person, Review


@dataclass(frozen=True)
class AgencyChronology:
    """One agency's chronology on a review, all its versions: what the permission rules are asked about."""

    review: Review
    agency: Agency


@dataclass(frozen=True)
class ChronologyState:
    """What the chronologies page shows of one agency: the versions the user may see, newest last."""

    chronology: AgencyChronology
    versions: list[ChronologyVersion]

    @property
    def agency(self) -> Agency:
        return self.chronology.agency

    @property
    def latest(self) -> ChronologyVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def draft(self) -> ChronologyVersion | None:
        latest = self.latest
        return latest if latest is not None and not latest.is_submitted else None

    @property
    def latest_submitted(self) -> ChronologyVersion | None:
        return next((v for v in reversed(self.versions) if v.is_submitted), None)


def _own_agency_ids(user, review: Review) -> set[int]:
    return {
        g.agency_id
        for g in grants_of(user)
        if g.review_id == review.pk and g.agency_id is not None and g.role in AGENCY_ROLES
    }


def chronology_agencies_of(user, review: Review) -> list[Agency]:
    """The agencies whose chronology the user may open: for the panel, the lead reviewer and the board manager,
    every agency involved (not withdrawn) and any that submitted a version; for an agency's IMR author or senior
    manager, their own agency on this review."""
    require_or_404(user, "chronology.view_chronologies", review)
    if user.has_perm("chronology.view_all_agencies", review):
        ids = set(agencies_involved(review).values_list("pk", flat=True))
        submitted = ChronologyVersion.objects.filter(review=review, submitted_at__isnull=False)
        ids |= set(submitted.values_list("agency_id", flat=True))
    else:
        ids = _own_agency_ids(user, review)
    return list(Agency.objects.filter(pk__in=ids, board_id=review.board_id).order_by("name", "pk"))


def agency_chronology_for_user_or_404(user, review: Review, agency_pk) -> AgencyChronology:
    try:
        agency = Agency.objects.get(pk=agency_pk, board_id=review.board_id)
    except (Agency.DoesNotExist, ValueError, TypeError):
        raise Http404("No such agency") from None
    chronology = AgencyChronology(review, agency)
    require_or_404(user, "chronology.view_agency", chronology)
    return chronology


def _versions(review: Review) -> QuerySet[ChronologyVersion]:
    return (
        ChronologyVersion.objects.filter(review=review)
        .select_related("agency", "created_by", "submitted_by")
        .annotate(entry_count=Count("entries"))
        .order_by("agency__name", "agency_id", "number")
    )


def versions_of(user, chronology: AgencyChronology) -> list[ChronologyVersion]:
    """The agency's versions the user may see, oldest first, each with `entry_count`: all of them (the draft too)
    for the agency's own staff, the submitted ones for everyone else."""
    require_or_404(user, "chronology.view_agency", chronology)
    versions = _versions(chronology.review).filter(agency=chronology.agency)
    if not user.has_perm("chronology.view_drafts", chronology):
        versions = versions.filter(submitted_at__isnull=False)
    return list(versions)


def chronology_states_of(user, review: Review) -> list[ChronologyState]:
    """Each agency of `chronology_agencies_of` with the versions the user may see: the chronologies page."""
    agencies = chronology_agencies_of(user, review)
    by_agency: dict[int, list[ChronologyVersion]] = {agency.pk: [] for agency in agencies}
    for version in _versions(review).filter(agency__in=agencies):
        by_agency[version.agency_id].append(version)
    states = []
    for agency in agencies:
        chronology = AgencyChronology(review, agency)
        versions = by_agency[agency.pk]
        if not user.has_perm("chronology.view_drafts", chronology):
            versions = [version for version in versions if version.is_submitted]
        states.append(ChronologyState(chronology, versions))
    return states


def version_for_user_or_404(user, review: Review, pk, *, agency_pk=None) -> ChronologyVersion:
    """A version of the review the user may see; with `agency_pk`, only one of that agency."""
    try:
        version = (
            ChronologyVersion.objects.select_related("review", "agency", "created_by", "submitted_by")
            .annotate(entry_count=Count("entries"))
            .get(pk=pk, review=review)
        )
    except (ChronologyVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version") from None
    if agency_pk is not None and str(version.agency_id) != str(agency_pk):
        raise Http404("No such version")
    require_or_404(user, "chronology.view_version", version)
    return version


def entry_order() -> list:
    """Time order within a version: day, time (an entry without a time first), the agency's sequence."""
    return ["occurred_on", F("occurred_at").asc(nulls_first=True), "sequence", "id"]


def entries_of(user, version: ChronologyVersion) -> QuerySet[ChronologyEntry]:
    """The version's entries in time order, with their people (pseudonyms) and source file. Page through it:
    a chronology can hold thousands of entries."""
    require_or_404(user, "chronology.view_version", version)
    people = Person.objects.only("id", "pseudonym", "review_id").order_by("pseudonym", "id")
    return (
        ChronologyEntry.objects.filter(version=version)
        .select_related("source_file__record")
        .prefetch_related(Prefetch("people", queryset=people))
        .order_by(*entry_order())
    )


def entry_for_user_or_404(user, review: Review, pk, *, agency_pk=None) -> ChronologyEntry:
    """An entry of the review, in a version the user may see; with `agency_pk`, only one of that agency's."""
    try:
        entry = (
            ChronologyEntry.objects.select_related(
                "version__review", "version__agency", "version__submitted_by", "source_file__record"
            )
            .prefetch_related("people")
            .get(pk=pk, version__review=review)
        )
    except (ChronologyEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such entry") from None
    if agency_pk is not None and str(entry.version.agency_id) != str(agency_pk):
        raise Http404("No such entry")
    require_or_404(user, "chronology.view_version", entry.version)
    return entry


def agency_record_files(review: Review, agency: Agency) -> QuerySet[CaseRecordFile]:
    """The agency's files in the records vault on this review, a source an entry may cite. Unscoped: the entry
    form and the services, which check the user may edit the agency's chronology, read it."""
    return (
        CaseRecordFile.objects.filter(record__review=review, record__agency=agency)
        .select_related("record")
        .order_by("record__title", "record_id", "-version")
    )


def current_draft(review: Review, agency: Agency) -> ChronologyVersion | None:
    """The agency's draft on the review, if it has one. Unscoped: for the services."""
    return ChronologyVersion.objects.filter(review=review, agency=agency, submitted_at__isnull=True).first()


def latest_submitted_versions(review: Review) -> list[ChronologyVersion]:
    """The latest submitted version of each agency's chronology on the review, by agency name: what the integrated
    chronology merges. Unscoped: the caller checks the user may see the integrated chronology."""
    latest: dict[int, ChronologyVersion] = {}
    submitted = (
        ChronologyVersion.objects.filter(review=review, submitted_at__isnull=False)
        .select_related("agency", "submitted_by")
        .order_by("agency__name", "agency_id", "number")
    )
    for version in submitted:
        latest[version.agency_id] = version  # the last of each agency is its newest
    return list(latest.values())


def chronology_first_submitted_at(review: Review, agency: Agency) -> datetime | None:
    """When the agency first submitted its chronology on the review (its deadline met), None if it has not."""
    first = (
        ChronologyVersion.objects.filter(review=review, agency=agency, submitted_at__isnull=False)
        .order_by("number")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return first
