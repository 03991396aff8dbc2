"""A review's audit trail for its board manager: filter, page through, export as CSV."""

import csv
import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from casereview.audit.forms import TrailFilterForm
from casereview.audit.selectors import trail_of
from casereview.audit.services import audit_read
from casereview.reviews.selectors import review_for_user_or_404

PAGE_SIZE = 50
CSV_COLUMNS = ["Time (UK)", "Actor", "Action", "Object", "IP address", "Request id", "Data", "Hash"]
# A spreadsheet runs a cell beginning with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _filtered(request, pk):
    review = review_for_user_or_404(request.user, pk)
    trail = trail_of(request.user, review)
    form = TrailFilterForm(request.GET, trail=trail)
    return review, form, (form.apply(trail) if form.is_valid() else None)


def _page(request, review, form, events):
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")) if events is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    context = {"review": review, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/trail.html", context)


@login_required
def trail(request, pk):
    return _page(request, *_filtered(request, pk))


@login_required
def trail_csv(request, pk):
    review, form, events = _filtered(request, pk)
    if events is None:
        return _page(request, review, form, events)
    last_id = events.values_list("id", flat=True).first()  # newest first: what exists as the export starts
    events = events.filter(id__lte=last_id or 0)
    audit_read(
        actor=request.user,
        action="audit.exported",
        obj=review,
        review=review,
        data={"filters": form.described(), "events": events.count()},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{review.reference}-audit-trail.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=500):
        row = [
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.actor or "",
            event.action,
            f"{event.object_type}:{event.object_id}",
            event.ip_address or "",
            event.request_id,
            json.dumps(event.data, sort_keys=True, ensure_ascii=False),
            event.hash,
        ]
        writer.writerow([csv_safe(value) for value in row])
    return response
