"""Pages of the records vault: the agencies' records of a review, confirming them secured, upload, download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from casereview.core.errors import DomainError
from casereview.core.forms import add_domain_errors
from casereview.core.permissions import require_or_404
from casereview.records import conf, services
from casereview.records.forms import RecordsSecuredForm, RecordUploadForm, VaultSizeLimit
from casereview.records.selectors import (
    agency_vault_for_user_or_404,
    record_file_for_user_or_404,
    records_of,
    records_secured_by_agency,
    records_secured_of,
    vault_agencies_of,
    vault_records_of,
)
from casereview.reviews.selectors import review_for_user_or_404


@login_required
@require_GET
def vault(request, pk):
    review = review_for_user_or_404(request.user, pk)
    agencies = vault_agencies_of(request.user, review)
    secured = dict((agency.pk, row) for agency, row in records_secured_by_agency(review))
    counts = {}
    for record in vault_records_of(request.user, review):
        counts[record.agency_id] = counts.get(record.agency_id, 0) + 1
    rows = [(agency, secured.get(agency.pk), counts.get(agency.pk, 0)) for agency in agencies]
    return render(request, "records/vault.html", {"review": review, "rows": rows})


@login_required
@require_GET
def agency_records(request, pk, agency_pk):
    review = review_for_user_or_404(request.user, pk)
    vault = agency_vault_for_user_or_404(request.user, review, agency_pk)
    records = list(records_of(request.user, vault))
    services.records_viewed(
        actor=request.user, review=review, agency=vault.agency, count=sum(len(r.files.all()) for r in records)
    )
    context = {
        "review": review,
        "agency": vault.agency,
        "records": records,
        "secured": records_secured_of(request.user, vault),
        "may_upload": request.user.has_perm("records.upload", vault),
        "may_secure": request.user.has_perm("records.secure", vault),
    }
    return render(request, "records/agency.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def records_secure(request, pk, agency_pk):
    review = review_for_user_or_404(request.user, pk)
    vault = agency_vault_for_user_or_404(request.user, review, agency_pk)
    require_or_404(request.user, "records.secure", vault)
    back = reverse("records:agency", args=[review.pk, vault.agency.pk])
    form = RecordsSecuredForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.records_secure(actor=request.user, vault=vault, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{vault.agency}'s records confirmed as secured")
            return redirect(back)
    return render(
        request,
        "frontend/form_page.html",
        {
            "form": form,
            "title": f"Confirm {vault.agency}'s case records are secured",
            "caption": f"{review.reference}: {review.subject_pseudonym}",
            "back_href": back,
            "submit_text": "Confirm records secured",
        },
    )


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def record_upload(request, pk, agency_pk):
    # The size limit must be in place before anything reads the body, the CSRF check included.
    request.upload_handlers.insert(0, VaultSizeLimit(request))
    return _record_upload(request, pk, agency_pk)


@csrf_protect
def _record_upload(request, pk, agency_pk):
    review = review_for_user_or_404(request.user, pk)
    vault = agency_vault_for_user_or_404(request.user, review, agency_pk)
    require_or_404(request.user, "records.upload", vault)
    back = reverse("records:agency", args=[review.pk, vault.agency.pk])
    form = RecordUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        too_large = getattr(request, "vault_file_too_large", False)
        if form.is_valid() and not too_large:
            upload = form.cleaned_data["file"]
            try:
                stored = services.record_upload(
                    actor=request.user, vault=vault, file=upload, name=upload.name, title=form.cleaned_data["title"]
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, f"{stored.name} added as version {stored.version} of {stored.record.title}")
                return redirect(back)
        elif too_large:
            form.errors.pop("file", None)
            form.add_error("file", f"The selected file must be smaller than {conf.size_label(conf.max_bytes())}")
    return render(
        request, "records/upload.html", {"form": form, "review": review, "agency": vault.agency, "back_href": back}
    )


@login_required
@require_GET
def record_download(request, pk, file_pk):
    review = review_for_user_or_404(request.user, pk)
    record_file = record_file_for_user_or_404(request.user, review, file_pk)
    try:
        opened = services.record_download(actor=request.user, record_file=record_file)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("records:agency", review.pk, record_file.record.agency_id)
    response = FileResponse(opened, as_attachment=True, filename=record_file.name, content_type=record_file.mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(record_file.size)
    response["Cache-Control"] = "private, no-store"
    return response
