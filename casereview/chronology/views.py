"""Pages of the chronologies: each agency's chronology with its entries and versions (below, "Agency chronologies"),
then the other parts of the app in their own sections."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from casereview.chronology import imports, services
from casereview.chronology.dates import format_uk_date
from casereview.chronology.exports import XLSX_CONTENT_TYPE
from casereview.chronology.forms import EntryForm
from casereview.chronology.integrated import (
    IntegratedPage,
    annotations_of,
    integrated_entry_for_user_or_404,
    integrated_page,
    integrated_period,
    integrated_timeline,
    integrated_versions_of,
    pseudonyms_of,
)
from casereview.chronology.integrated_forms import EntryAnnotationForm, EntryPairForm, IntegratedFilterForm
from casereview.chronology.models import ImportStatus, PairDecision, Significance
from casereview.chronology.selectors import (
    AgencyChronology,
    agency_chronology_for_user_or_404,
    agency_record_files,
    chronology_states_of,
    current_draft,
    entries_of,
    entry_for_user_or_404,
    version_for_user_or_404,
    versions_of,
)
from casereview.chronology.timeline import render_timeline, zoom_periods
from casereview.core.errors import DomainError
from casereview.core.forms import add_domain_errors
from casereview.core.permissions import require_or_404
from casereview.reviews.models import Person
from casereview.reviews.selectors import review_for_user_or_404

# -- Agency chronologies ----------------------------------------------------------------------------------------

ENTRIES_PER_PAGE = 100


def _refusal_form(error: DomainError | None = None) -> forms.Form:
    """An empty form that holds a service's refusal, for the error summary of a confirmation page."""
    form = forms.Form(data={})
    form.full_clean()
    if error is not None:
        add_domain_errors(form, error)
    return form


def _editable(request, pk, agency_pk) -> AgencyChronology:
    """The agency's chronology, for its IMR author while the review is held; 404 for anyone else."""
    review = review_for_user_or_404(request.user, pk)
    chronology = agency_chronology_for_user_or_404(request.user, review, agency_pk)
    require_or_404(request.user, "chronology.edit", chronology)
    return chronology


@login_required
@require_GET
def chronologies(request, pk):
    """Each agency's chronology the user may open, with its state."""
    review = review_for_user_or_404(request.user, pk)
    states = chronology_states_of(request.user, review)
    context = {
        "review": review,
        "states": states,
        "sees_all": request.user.has_perm("chronology.view_all_agencies", review),
    }
    return render(request, "chronology/agencies.html", context)


@login_required
@require_GET
def agency_chronology(request, pk, agency_pk):
    """One agency's chronology: a version's entries (the draft or latest by default, `?version=N` for another),
    the version history, and for its IMR author the links that change the draft."""
    review = review_for_user_or_404(request.user, pk)
    chronology = agency_chronology_for_user_or_404(request.user, review, agency_pk)
    versions = versions_of(request.user, chronology)
    shown = versions[-1] if versions else None
    asked = request.GET.get("version")
    if asked:
        shown = next((version for version in versions if str(version.number) == asked), None)
        if shown is None:
            raise Http404("No such version")
    page = None
    if shown is not None:
        page = Paginator(entries_of(request.user, shown), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
        services.chronology_viewed(actor=request.user, version=shown, count=len(page.object_list))
    may_edit = request.user.has_perm("chronology.edit", chronology)
    latest = versions[-1] if versions else None
    context = {
        "review": review,
        "agency": chronology.agency,
        "versions": versions,
        "shown": shown,
        "page": page,
        "may_edit": may_edit,
        "may_change_shown": may_edit and shown is not None and not shown.is_submitted,
        "may_start": may_edit and (latest is None or latest.is_submitted),
        "sees_drafts": request.user.has_perm("chronology.view_drafts", chronology),
    }
    return render(request, "chronology/agency.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def version_start(request, pk, agency_pk):
    """Ask, then start the chronology (version 1) or a new version copying the last submitted one."""
    chronology = _editable(request, pk, agency_pk)
    review, agency = chronology.review, chronology.agency
    back = reverse("chronology:agency", args=[review.pk, agency.pk])
    if current_draft(review, agency) is not None:
        return redirect(back)
    versions = versions_of(request.user, chronology)
    form = _refusal_form()
    if request.method == "POST":
        try:
            draft = services.chronology_draft(actor=request.user, review=review, agency=agency)
        except DomainError as error:
            form = _refusal_form(error)
        else:
            messages.success(request, f"Version {draft.number} of the chronology started")
            return redirect(back)
    context = {"review": review, "agency": agency, "previous": versions[-1] if versions else None, "form": form}
    return render(request, "chronology/agency_version_start.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def chronology_submit(request, pk, agency_pk):
    """Ask, then submit the draft: it is locked and the panel and the lead reviewer can read it."""
    chronology = _editable(request, pk, agency_pk)
    review, agency = chronology.review, chronology.agency
    back = reverse("chronology:agency", args=[review.pk, agency.pk])
    draft = current_draft(review, agency)
    if draft is None:
        return redirect(back)
    form = _refusal_form()
    if request.method == "POST":
        try:
            services.chronology_submit(actor=request.user, version=draft)
        except DomainError as error:
            form = _refusal_form(error)
        else:
            messages.success(request, f"Version {draft.number} of {agency}'s chronology submitted")
            return redirect(back)
    context = {"review": review, "agency": agency, "draft": draft, "entries": draft.entries.count(), "form": form}
    return render(request, "chronology/agency_submit.html", context)


def _entry_initial(entry) -> dict:
    return {
        "date": entry.date_text,
        "sequence": entry.sequence,
        "what_happened": entry.what_happened,
        "action": entry.action,
        "outcome": entry.outcome,
        "significance": entry.significance,
        "people": [person.pk for person in entry.people.all()],
        "practitioners": entry.practitioners,
        "source_kind": entry.source_kind,
        "source_file": entry.source_file_id,
        "source_reference": entry.source_reference,
        "analysis": entry.analysis,
    }


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk, agency_pk, entry_pk=None):
    """Add an entry to the draft, or (with `entry_pk`) change one of its entries."""
    chronology = _editable(request, pk, agency_pk)
    review, agency = chronology.review, chronology.agency
    back = reverse("chronology:agency", args=[review.pk, agency.pk])
    entry = entry_for_user_or_404(request.user, review, entry_pk, agency_pk=agency.pk) if entry_pk else None
    draft = entry.version if entry is not None else current_draft(review, agency)
    if draft is None:
        return redirect("chronology:version-new", review.pk, agency.pk)
    if draft.is_submitted:
        messages.error(request, services.submitted_refusal(draft).message)
        return redirect(back)
    form = EntryForm(
        request.POST or None,
        initial=_entry_initial(entry) if entry is not None else None,
        people=Person.objects.filter(review=review).order_by("pseudonym", "pk"),
        files=agency_record_files(review, agency),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                services.entry_add(actor=request.user, version=draft, **form.entry_values())
            else:
                services.entry_change(actor=request.user, entry=entry, **form.entry_values())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Entry saved" if entry is not None else "Entry added")
            return redirect(back)
    context = {
        "form": form,
        "title": "Change an entry" if entry is not None else "Add an entry",
        "caption": f"{review.reference}: {agency}'s chronology, version {draft.number}",
        "back_href": back,
        "back_text": f"Back to {agency}'s chronology",
        "submit_text": "Save entry",
    }
    return render(request, "chronology/entry_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_remove(request, pk, agency_pk, entry_pk):
    """Ask, then take an entry out of the draft."""
    chronology = _editable(request, pk, agency_pk)
    review, agency = chronology.review, chronology.agency
    back = reverse("chronology:agency", args=[review.pk, agency.pk])
    entry = entry_for_user_or_404(request.user, review, entry_pk, agency_pk=agency.pk)
    if entry.version.is_submitted:
        messages.error(request, services.submitted_refusal(entry.version).message)
        return redirect(back)
    form = _refusal_form()
    if request.method == "POST":
        try:
            services.entry_remove(actor=request.user, entry=entry)
        except DomainError as error:
            form = _refusal_form(error)
        else:
            messages.success(request, "Entry removed")
            return redirect(back)
    return render(
        request, "chronology/entry_remove.html", {"review": review, "agency": agency, "entry": entry, "form": form}
    )


# -- Integrated chronology ------------------------------------------------------------------------------------

TIMELINE_TABLE_ROWS = 300  # more entries than this: the timeline links to the table instead of repeating it


def _integrated_filters(request, review):
    """The filter form bound to the query string, and the versions merged (404 for anyone who may not see them)."""
    versions = integrated_versions_of(request.user, review)
    form = IntegratedFilterForm(request.GET or None, versions=versions, people=pseudonyms_of(review))
    return form, versions


def _filter_query(request, **changes) -> str:
    """The query string of this request (its filters) with `changes`, for links that keep the filters."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def _page_links(request, page: IntegratedPage) -> dict:
    """The GOV.UK pagination component: previous, next, and the pages around this one with ellipses."""
    numbers = sorted({1, page.pages, page.number - 1, page.number, page.number + 1} & set(range(1, page.pages + 1)))
    items, last = [], 0
    for number in numbers:
        if number - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": _filter_query(request, page=number), "current": number == page.number})
        last = number
    return {
        "items": items if page.pages > 1 else [],
        "previous": _filter_query(request, page=page.number - 1) if page.number > 1 else "",
        "next": _filter_query(request, page=page.number + 1) if page.number < page.pages else "",
    }


def _day(on) -> str:
    return format_uk_date(on, "day")


def _back_to_integrated(request, review) -> str:
    """Where to go after a decision or a note: the page of the chronology the user came from, if it was one."""
    base = reverse("chronology:integrated", args=[review.pk])
    back = request.POST.get("back") or request.GET.get("back") or ""
    if back.startswith(base) and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return back
    return base


@login_required
@require_GET
def integrated(request, pk):
    review = review_for_user_or_404(request.user, pk)
    form, versions = _integrated_filters(request, review)
    filters = form.filters()
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    page = integrated_page(request.user, review, filters, number)
    services.integrated_viewed(actor=request.user, review=review, count=page.count, filters=filters, page=page.number)
    context = {
        "review": review,
        "form": form,
        "page": page,
        "versions": versions,
        "filtered": any(key != "page" for key in request.GET),
        "pagination": _page_links(request, page),
        "here": request.get_full_path(),
        "here_quoted": quote(request.get_full_path(), safe=""),
        "export_xlsx": _filter_query(request, page=None, format="xlsx"),
        "export_docx": _filter_query(request, page=None, format="docx"),
        "timeline_query": _filter_query(request, page=None),
        "may_annotate": request.user.has_perm("chronology.annotate", review),
    }
    return render(request, "chronology/integrated.html", context)


@login_required
@require_GET
def timeline(request, pk):
    review = review_for_user_or_404(request.user, pk)
    form, versions = _integrated_filters(request, review)
    filters = form.filters()
    lanes, entries = integrated_timeline(request.user, review, filters)
    whole = integrated_period(request.user, review, filters)
    start = filters.date_from or (whole[0] if whole else None)
    end = filters.date_to or (whole[1] if whole else None)
    picture, zoom = "", []
    if entries:
        counts = {label: sum(1 for e in entries if e.significance == value) for value, label in Significance.choices}
        period = f"{_day(start)} to {_day(end)}"
        description = (
            f"{len(entries)} entries from {len(lanes)} agencies, {period}: "
            + ", ".join(f"{count} {str(label).lower()}" for label, count in counts.items())
            + ". The table below lists the same entries."
        )
        picture = mark_safe(  # nosec B308 B703: render_timeline escapes every text it draws
            render_timeline(
                entries,
                title=f"Timeline of the integrated chronology, {period}",
                description=description,
                lanes=lanes,
                start=start,
                end=end,
            )
        )
        zoom = [
            {"text": text, "href": _filter_query(request, date_from=_day(first), date_to=_day(last))}
            for text, first, last in zoom_periods(start, end, whole)
        ]
    services.integrated_viewed(actor=request.user, review=review, count=len(entries), filters=filters, via="timeline")
    context = {
        "review": review,
        "form": form,
        "picture": picture,
        "zoom": zoom,
        "entries": entries if len(entries) <= TIMELINE_TABLE_ROWS else None,
        "count": len(entries),
        "versions": versions,
        "table_query": _filter_query(request),
    }
    return render(request, "chronology/timeline.html", context)


@login_required
@require_GET
def integrated_export(request, pk):
    review = review_for_user_or_404(request.user, pk)
    form, _versions = _integrated_filters(request, review)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in services.EXPORT_FORMATS:
        raise Http404("No such format")
    export = services.integrated_export(actor=request.user, review=review, filters=form.filters(), fmt=fmt)
    return _download(export)


@login_required
@require_GET
def version_export(request, pk, version_pk):
    review = review_for_user_or_404(request.user, pk)
    version = version_for_user_or_404(request.user, review, version_pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in services.EXPORT_FORMATS:
        raise Http404("No such format")
    return _download(services.version_export(actor=request.user, version=version, fmt=fmt))


def _download(export) -> FileResponse:
    response = FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=export.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _may_annotate_or_404(request, review) -> None:
    if not request.user.has_perm("chronology.annotate", review):
        raise Http404("No such page")


@login_required
@require_http_methods(["GET", "POST"])
def pair(request, pk, entry_pk, other_pk):
    review = review_for_user_or_404(request.user, pk)
    integrated_versions_of(request.user, review)
    _may_annotate_or_404(request, review)
    entry = integrated_entry_for_user_or_404(request.user, review, entry_pk)
    other = integrated_entry_for_user_or_404(request.user, review, other_pk)
    if entry.key == other.key:
        raise Http404("No such pair")
    back = _back_to_integrated(request, review)
    mark = next((m for m in entry.duplicates if m.other.key == other.key), None)
    form = EntryPairForm(request.POST or None, initial={"decision": mark.decision if mark else None})
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.entry_pair_decide(
                actor=request.user, review=review, first_key=entry.key, second_key=other.key, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_errors(form, error, {"first_key": "decision", "second_key": "decision"})
        else:
            linked = decided.decision == PairDecision.LINKED
            words = "linked as the same event" if linked else "marked as different events"
            messages.success(request, f"The entries of {entry.agency} and {other.agency} are {words}")
            return redirect(back)
    context = {
        "review": review,
        "form": form,
        "entry": entry,
        "other": other,
        "mark": mark,
        "contradiction": next((c for c in entry.contradictions if c.other.key == other.key), None),
        "back": back,
    }
    return render(request, "chronology/pair.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def annotation(request, pk, entry_pk):
    review = review_for_user_or_404(request.user, pk)
    integrated_versions_of(request.user, review)
    _may_annotate_or_404(request, review)
    entry = integrated_entry_for_user_or_404(request.user, review, entry_pk)
    back = _back_to_integrated(request, review)
    latest = entry.annotation
    initial = {"note": latest.note, "themes": latest.themes} if latest else {}
    form = EntryAnnotationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_annotate(actor=request.user, review=review, entry_key=entry.key, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error, {"entry_key": "note"})
        else:
            messages.success(request, f"Your note on the entry of {entry.agency}, {entry.date_label}, is saved")
            return redirect(back)
    context = {
        "review": review,
        "form": form,
        "entry": entry,
        "history": annotations_of(review, entry.key),
        "back": back,
    }
    return render(request, "chronology/annotation.html", context)


# -- Imports: a spreadsheet into an agency's draft chronology ---------------------------------------------------------


class ImportSizeLimit(FileUploadHandler):
    """Stops receiving a file as soon as it passes the import size limit, so a huge body is neither kept in memory
    nor written to disk in full. Put first, before Django's own handlers."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = imports.max_bytes()
        if request is not None:
            request.import_file_too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.import_file_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        allow_empty_file=True,  # the service refuses an empty file with its own message
        error_messages={"required": "Select a CSV or Excel file", "invalid": "Select a CSV or Excel file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A CSV or Excel (.xlsx) file smaller than {imports.size_label(imports.max_bytes())}, "
            f"with at most {imports.max_rows():,} rows."
        )


class ImportColumnsForm(forms.Form):
    """For each part of an entry, the column of the file that holds it, or none."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Not in the file")] + [
            (str(number), f"Column {imports.column_letter(number)}: {heading or '(no heading)'}")
            for number, heading in enumerate(headers, start=1)
        ]
        for part in imports.PARTS:
            self.fields[part.code] = forms.TypedChoiceField(
                label=part.label if part.required else f"{part.label} (optional)",
                help_text=part.hint,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=mapping.get(part.code),
            )

    def mapping(self) -> dict[str, int]:
        return {code: number for code, number in self.cleaned_data.items() if number}


def _import_back(review, agency) -> str:
    return reverse("chronology:agency", args=[review.pk, agency.pk])


def _import_page(chronology_import) -> str:
    """Where an import is shown in its present state."""
    args = [chronology_import.review_id, chronology_import.pk]
    if chronology_import.is_running:
        return reverse("chronology:import-progress", args=args)
    if chronology_import.status == ImportStatus.DONE:
        return reverse("chronology:import-result", args=args)
    if chronology_import.checked_at is None and not chronology_import.problem:
        return reverse("chronology:import-columns", args=args)
    return reverse("chronology:import-check", args=args)


@login_required
@require_GET
def import_template(request):
    response = HttpResponse(imports.template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="chronology-template.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, pk, agency_pk):
    # The size limit must be in place before anything reads the body, the CSRF check included.
    request.upload_handlers.insert(0, ImportSizeLimit(request))
    return _import_upload(request, pk, agency_pk)


@csrf_protect
def _import_upload(request, pk, agency_pk):
    review = review_for_user_or_404(request.user, pk)
    chronology = agency_chronology_for_user_or_404(request.user, review, agency_pk)
    if not request.user.has_perm("chronology.edit", chronology):
        raise Http404("No such chronology")
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST":
        if getattr(request, "import_file_too_large", False):
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", f"The selected file must be smaller than {imports.size_label(imports.max_bytes())}")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                chronology_import = imports.import_upload(
                    actor=request.user, review=review, agency=chronology.agency, file=upload, name=upload.name
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                return redirect("chronology:import-columns", review.pk, chronology_import.pk)
    context = {
        "form": form,
        "review": review,
        "agency": chronology.agency,
        "parts": imports.PARTS,
        "back_href": _import_back(review, chronology.agency),
    }
    return render(request, "chronology/import_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_columns(request, pk, import_pk):
    review = review_for_user_or_404(request.user, pk)
    chronology_import = imports.import_for_user_or_404(request.user, review, import_pk)
    if chronology_import.is_running or chronology_import.status == ImportStatus.DONE:
        return redirect(_import_page(chronology_import))
    headers = chronology_import.headers
    form = ImportColumnsForm(
        request.POST if request.method == "POST" else None, headers=headers, mapping=chronology_import.mapping
    )
    if request.method == "POST" and form.is_valid():
        try:
            chronology_import = imports.import_map(
                actor=request.user, chronology_import=chronology_import, mapping=form.mapping()
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            return redirect(_import_page(chronology_import))
    samples = chronology_import.first_row
    columns = [
        {
            "letter": imports.column_letter(number),
            "heading": heading,
            "sample": samples[number - 1] if number <= len(samples) else "",
        }
        for number, heading in enumerate(headers, start=1)
    ]
    context = {
        "form": form,
        "review": review,
        "agency": chronology_import.agency,
        "chronology_import": chronology_import,
        "columns": columns,
        "first_row_number": chronology_import.header_row + 1,
        "back_href": reverse("chronology:import", args=[review.pk, chronology_import.agency_id]),
    }
    return render(request, "chronology/import_columns.html", context)


PROBLEMS_PER_PAGE = 500


@login_required
@require_http_methods(["GET", "POST"])
def import_check(request, pk, import_pk):
    review = review_for_user_or_404(request.user, pk)
    chronology_import = imports.import_for_user_or_404(request.user, review, import_pk)
    if request.method == "POST":
        try:
            chronology_import = imports.import_confirm(actor=request.user, chronology_import=chronology_import)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(_import_page(chronology_import))
    if reverse("chronology:import-check", args=[review.pk, chronology_import.pk]) != _import_page(chronology_import):
        return redirect(_import_page(chronology_import))
    problems = [
        # The column is shown beside the message: "Date: 31/02/2021 is not…" is shown as "31/02/2021 is not…".
        (row, column, message.removeprefix(f"{column}: ") if column else message)
        for row, column, message in chronology_import.row_errors
    ]
    page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    draft = current_draft(review, chronology_import.agency)
    mapped = [
        (part.label, imports.column_name(chronology_import.headers, chronology_import.mapping[part.code]))
        for part in imports.PARTS
        if part.code in chronology_import.mapping
    ]
    context = {
        "review": review,
        "agency": chronology_import.agency,
        "chronology_import": chronology_import,
        "problems_count": len(problems),
        "rows_with_problems": len({row for row, _column, _message in problems}),
        "page": page,
        "mapped": mapped,
        "draft_entries": draft.entries.count() if draft is not None else 0,
        "back_href": reverse("chronology:import-columns", args=[review.pk, chronology_import.pk]),
    }
    return render(request, "chronology/import_check.html", context)


@login_required
@require_GET
def import_progress(request, pk, import_pk):
    review = review_for_user_or_404(request.user, pk)
    chronology_import = imports.import_for_user_or_404(request.user, review, import_pk)
    if not chronology_import.is_running:
        return redirect(_import_page(chronology_import))
    checking = chronology_import.status == ImportStatus.CHECKING
    total, done = chronology_import.rows_total, chronology_import.rows_done
    started = done > 0
    if not started:
        stage = "waiting to start"
    elif checking:
        stage = "checking each row"
    else:
        stage = "reading the rows and adding them to the draft"
    waited = (timezone.now() - chronology_import.created_at).total_seconds()
    context = {
        "review": review,
        "agency": chronology_import.agency,
        "chronology_import": chronology_import,
        "heading": "Checking your file" if checking else "Importing your file",
        "stage": stage,
        "status_url": reverse("api:get_import", kwargs={"review_id": review.pk, "import_id": chronology_import.pk}),
        "done_for_bar": min(done, total or 0),
        "percent": f"{min(100, round(100 * done / total))}%" if total else "",
        "waiting_long": not started and waited > 300,
        "back_href": reverse("reviews:review", args=[review.pk]),
    }
    return render(request, "chronology/import_progress.html", context)


@login_required
@require_GET
def import_result(request, pk, import_pk):
    review = review_for_user_or_404(request.user, pk)
    chronology_import = imports.import_for_user_or_404(request.user, review, import_pk)
    if chronology_import.status != ImportStatus.DONE:
        return redirect(_import_page(chronology_import))
    context = {
        "review": review,
        "agency": chronology_import.agency,
        "chronology_import": chronology_import,
        "chronology_href": _import_back(review, chronology_import.agency),
    }
    return render(request, "chronology/import_result.html", context)
