"""Pages of the partner import: template, upload, preview with per-row errors, confirm.

The stored upload's token lives in the session only; the preview is a GET page (so that it can
be paged and filtered) that checks the stored file again each time it is shown.
"""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.exports import xlsx_response
from qudao.core.paging import paginate
from qudao.core.uploads import FORM_ALLOWANCE, upload_size_limit
from qudao.core.web import form_errors, redirect_htmx

from ..forms.imports import PartnerImportForm
from ..selectors.imports import import_reference, partner_import_template
from ..services import imports as services
from .common import page_or_fragment

SESSION_KEY = "partner_import_token"
PREVIEW_PAGE_SIZE = 100


def _require_allowed(user) -> None:
    if not services.partner_import_allowed(user):
        raise PermissionDenied


def _forget_previous(request) -> None:
    token = request.session.pop(SESSION_KEY, "")
    if token:
        with contextlib.suppress(ValidationError):  # already gone
            services.partner_import_discard(actor=request.user, upload_token=token)


@upload_size_limit(services.MAX_BYTES + FORM_ALLOWANCE)
@login_required
def partner_import(request):
    _require_allowed(request.user)
    form = PartnerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _forget_previous(request)
        try:
            preview = services.partner_import_preview(
                actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            request.session[SESSION_KEY] = preview.token
            return redirect("partners:partner-import-preview")
    context = {
        "form": form,
        "reference": import_reference(request.user),
        "has_pending": bool(request.session.get(SESSION_KEY)),
    }
    return render(request, "partners/imports/upload.html", context)


@login_required
@require_GET
def partner_import_template_download(request):
    _require_allowed(request.user)
    book = partner_import_template(request.user)
    return xlsx_response(filename="partner-import-template.xlsx", book=book)


@login_required
@require_GET
def partner_import_preview(request):
    _require_allowed(request.user)
    token = request.session.get(SESSION_KEY, "")
    if not token:
        messages.info(request, _("Upload a file to import."))
        return redirect("partners:partner-import")
    if _in_worker(request, token):
        return redirect("partners:partner-import-progress")
    try:
        preview = services.partner_import_review(actor=request.user, upload_token=token)
    except ValidationError as error:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, " ".join(error.messages))
        return redirect("partners:partner-import")
    only_errors = request.GET.get("errors") == "1"
    rows = [row for row in preview.rows if not row.ok] if only_errors else preview.rows
    context = {
        "preview": preview,
        "columns": services.COLUMNS,
        "page": paginate(request, rows, per_page=PREVIEW_PAGE_SIZE),
        "only_errors": only_errors,
    }
    return render(request, "partners/imports/preview.html", context)


@login_required
@require_POST
def partner_import_confirm(request):
    _require_allowed(request.user)
    token = request.session.get(SESSION_KEY, "")
    if not token:
        messages.error(request, _("There is nothing to import: this import was already done."))
        return redirect_htmx(request, reverse("partners:partner-import"))
    try:
        outcome = services.partner_import_confirm(actor=request.user, upload_token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect_htmx(request, reverse("partners:partner-import-preview"))
    if outcome.queued:
        return redirect_htmx(request, reverse("partners:partner-import-progress"))
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _imported_message(outcome.created))
    return redirect_htmx(request, reverse("partners:partner-list"))


def _in_worker(request, token: str) -> bool:
    """Whether this upload was handed to the task worker and has not failed there."""
    try:
        status = services.partner_import_status(actor=request.user, upload_token=token)
    except ValidationError:
        return False
    return bool(status) and status.get("state") != "failed"


def _imported_message(count: int) -> str:
    return _("%(count)s partners were imported.") % {"count": f"{count:,}"}


@login_required
@require_GET
def partner_import_progress(request):
    """A large import running in the task worker; htmx polls the progress fragment."""
    _require_allowed(request.user)
    token = request.session.get(SESSION_KEY, "")
    try:
        status = services.partner_import_status(actor=request.user, upload_token=token)
    except ValidationError:
        status = None
    if status is None:
        return redirect("partners:partner-import")
    state = status.get("state")
    if state == "done":
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _imported_message(int(status.get("created") or 0)))
        return redirect_htmx(request, reverse("partners:partner-list"))
    total = int(status.get("total") or 0)
    done = int(status.get("done") or 0)
    context = {
        "status": status,
        "state": state,
        "total": total,
        "done": done,
        "percent": int(done * 100 / total) if total else 0,
        "running": state in ("queued", "running"),
        "queued": state == "queued",
    }
    return page_or_fragment(
        request, "partners/imports/progress.html", "partners/imports/_progress.html", context
    )


@login_required
@require_POST
def partner_import_cancel(request):
    _require_allowed(request.user)
    _forget_previous(request)
    messages.info(request, _("The import was cancelled; nothing was imported."))
    return redirect("partners:partner-import")


urlpatterns = [
    path("import/", partner_import, name="partner-import"),
    path(
        "import/template/",
        partner_import_template_download,
        name="partner-import-template",
    ),
    path("import/preview/", partner_import_preview, name="partner-import-preview"),
    path("import/confirm/", partner_import_confirm, name="partner-import-confirm"),
    path("import/progress/", partner_import_progress, name="partner-import-progress"),
    path("import/cancel/", partner_import_cancel, name="partner-import-cancel"),
]
