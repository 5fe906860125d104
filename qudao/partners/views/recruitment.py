"""Pages of recruitment and qualification: the public "become a partner" form, the staff review
queue with its detail page (data, files, scores, actions, history), and the scorecard settings.

The public form lives at /partners/apply/ (no log-in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core import selectors as core_selectors
from qudao.core.downloads import private_file_response
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.paging import paginate
from qudao.core.uploads import upload_size_limit
from qudao.core.web import form_errors

from ..forms.recruitment import (
    ApplicationFilterForm,
    ApplicationForm,
    AssignForm,
    CriterionFormSet,
    RejectForm,
    ScoreForm,
)
from ..models import PartnerApplication, PartnerScorecard
from ..selectors import recruitment as selectors
from ..services import recruitment as services
from ..services.recruitment.submission import APPLICATION_MAX_REQUEST_BYTES
from .common import page_or_fragment

EXPORT_LIMIT = 50_000
Status = PartnerApplication.Status


def client_ip(request) -> str:
    """The client's address as the server sees it. Behind a reverse proxy, have the proxy set
    REMOTE_ADDR (e.g. uvicorn/gunicorn --forwarded-allow-ips): X-Forwarded-For is not trusted."""
    return request.META.get("REMOTE_ADDR", "")


# --- public ---------------------------------------------------------------------------------


@upload_size_limit(APPLICATION_MAX_REQUEST_BYTES)
def application_apply(request):
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                data=form.application_data(),
                files=form.files_data(),
                client_ip=client_ip(request),
                actor=request.user if request.user.is_authenticated else None,
            )
        except services.RateLimited as limited:
            form.add_error(None, limited.message)
            return render(request, "partners/recruitment/apply.html", {"form": form}, status=429)
        except ValidationError as error:
            form_errors(form, error)
        else:
            request.session["application_number"] = application.number
            return redirect("partners:application-apply-done")
    return render(request, "partners/recruitment/apply.html", {"form": form})


def application_apply_done(request):
    number = request.session.get("application_number")
    if not number:
        return redirect("partners:application-apply")
    return render(request, "partners/recruitment/apply_done.html", {"number": number})


# --- review queue ---------------------------------------------------------------------------


def _require_staff(user) -> None:
    if user.is_partner_user:
        raise PermissionDenied


def _filtered(request):
    form = ApplicationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, sort = selectors.applications_search(
        request.user,
        q=(filters.get("q") or "").strip(),
        region=filters["region"].pk if filters.get("region") else None,
        status=filters.get("status") or "",
        sort=filters.get("sort") or "",
    )
    return form, rows, sort


@login_required
def application_list(request):
    _require_staff(request.user)
    form, rows, sort = _filtered(request)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "sort": sort,
        "can_edit_scorecards": services.scorecard_can_edit(request.user),
    }
    return page_or_fragment(
        request, "partners/recruitment/list.html", "partners/recruitment/_table.html", context
    )


@login_required
def application_export(request):
    _require_staff(request.user)
    _form, rows, _sort = _filtered(request)
    headers = [
        _("Number"),
        _("Company"),
        _("Unified social credit code"),
        _("Region/office"),
        _("Status"),
        _("Contact"),
        _("Contact phone"),
        _("Contact e-mail"),
        _("Staff"),
        _("Registered capital (10k CNY)"),
        _("Annual revenue (10k CNY)"),
        _("Channel manager"),
        _("Total score"),
        _("Recommended tier"),
        _("Submitted at"),
    ]
    book = workbook_from_rows(
        title=_("Partner applications"),
        headers=headers,
        rows=(
            [
                a.number,
                a.company_name,
                a.credit_code,
                str(a.region),
                a.get_status_display(),
                a.contact_name,
                a.contact_phone,
                a.contact_email,
                a.staff_count,
                float(a.registered_capital),
                float(a.annual_revenue),
                str(a.assignee) if a.assignee else "",
                float(a.total_score) if a.total_score is not None else None,
                a.recommended_tier.name if a.recommended_tier else "",
                a.submitted_at,
            ]
            for a in rows[:EXPORT_LIMIT]
        ),
        widths=[16, 36, 22, 14, 10, 12, 16, 24, 8, 14, 14, 14, 10, 12, 18],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"partner-applications-{stamp}.xlsx", book=book)


def _application_or_404(user, pk: int) -> PartnerApplication:
    _require_staff(user)
    try:
        return selectors.application_get_for_user(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _detail_context(request, application: PartnerApplication, **forms) -> dict:
    user = request.user
    scorecard = services.scorecard_active()
    can_review = services.application_can_review(user, application)
    approvals = list(selectors.application_approvals(user, application))
    open_approval = next((a for a in approvals if a.is_open), None)
    partner_admin = services.application_partner_admin(application)
    invitation_pending = bool(partner_admin and not partner_admin.has_usable_password())
    status = application.status
    context = {
        "application": application,
        "attachments": application.attachments.all(),
        "scorecard": scorecard,
        "sheet": selectors.score_sheet(application, scorecard),
        "can_review": can_review,
        "approvals": approvals,
        "open_approval": open_approval,
        "history": core_selectors.audit_rows(
            core_selectors.audit_entries_for_object(application)[:100]
        ),
        "partner_admin": partner_admin,
        "invitation_pending": invitation_pending,
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"assignee": application.assignee_id}),
        "reject_form": forms.get("reject_form") or RejectForm(),
        # What the page offers in this state (the template tests no status).
        "can_assign": status in (Status.SUBMITTED, Status.REVIEWING),
        "can_reject": status in (Status.SUBMITTED, Status.REVIEWING),
        "can_start_review": status == Status.SUBMITTED,
        "can_submit": status == Status.REVIEWING,
        "in_approval": status == Status.IN_APPROVAL,
        "can_resend_invitation": status == Status.APPROVED and invitation_pending,
        "is_rejected": status == Status.REJECTED,
    }
    if can_review and status == Status.REVIEWING and scorecard is not None:
        context["score_form"] = forms.get("score_form") or ScoreForm(
            scorecard=scorecard,
            initial_scores=selectors.application_my_scores(application, user),
        )
    return context


@login_required
def application_detail(request, pk: int):
    application = _application_or_404(request.user, pk)
    return render(
        request,
        "partners/recruitment/detail.html",
        _detail_context(request, application),
    )


def _run(request, action, success: str):
    """Call a review service; a refusal becomes a message on the detail page."""
    try:
        result = action()
    except (ValidationError, ConflictError) as error:
        text = error.message if isinstance(error, ConflictError) else " ".join(error.messages)
        messages.error(request, text)
        return None
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You are not allowed to do this."))
        return None
    messages.success(request, success)
    return result or True


def _detail_button(service, success, form_class=None, form_name: str = "", field: str = ""):
    """The view of one button of the detail page: check its form (an invalid one re-renders the
    page with status 422), call `service` (with the form's `field`, if any) and go back to the
    detail page; a refusal becomes an error message."""

    @login_required
    @require_POST
    def view(request, pk: int):
        application = _application_or_404(request.user, pk)
        values = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                context = _detail_context(request, application, **{form_name: form})
                return render(request, "partners/recruitment/detail.html", context, status=422)
            values[field] = form.cleaned_data[field]
        _run(
            request,
            lambda: service(actor=request.user, application=application, **values),
            success,
        )
        return redirect("partners:application-detail", pk=pk)

    return view


application_assign = _detail_button(
    services.application_assign, gettext_lazy("Assigned."), AssignForm, "assign_form", "assignee"
)
application_review_start = _detail_button(
    services.application_review_start, gettext_lazy("The review has started.")
)
application_reject = _detail_button(
    services.application_reject,
    gettext_lazy("The application is rejected; the applicant is informed by e-mail."),
    RejectForm,
    "reject_form",
    "reason",
)
application_review_resume = _detail_button(
    services.application_review_resume, gettext_lazy("The application is back under review.")
)
application_invitation_resend = _detail_button(
    services.application_invitation_resend, gettext_lazy("A new invitation has been sent.")
)


@login_required
@require_POST
def application_scores(request, pk: int):
    application = _application_or_404(request.user, pk)
    scorecard = services.scorecard_active()
    if scorecard is None:
        raise Http404
    form = ScoreForm(request.POST, scorecard=scorecard)
    if form.is_valid():
        try:
            services.application_score(
                actor=request.user,
                application=application,
                scores=form.scores(),
                comments=form.comments(),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("partners:application-detail", pk=pk)
    context = _detail_context(request, application, score_form=form)
    context["score_form"] = form
    return render(request, "partners/recruitment/detail.html", context, status=422)


@login_required
@require_POST
def application_submit_for_approval(request, pk: int):
    application = _application_or_404(request.user, pk)
    approval = _run(
        request,
        lambda: services.application_submit_for_approval(
            actor=request.user, application=application
        ),
        _("Submitted for approval."),
    )
    if approval:
        return redirect("core:approval-detail", pk=approval.pk)
    return redirect("partners:application-detail", pk=pk)


@login_required
def application_attachment(request, pk: int, attachment_pk: int):
    """Download a file of an application the user may see; the files are never public."""
    _require_staff(request.user)
    try:
        attachment = selectors.application_attachment_get_for_user(request.user, pk, attachment_pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    response = private_file_response(attachment.file, attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- scorecard settings ---------------------------------------------------------------------


@login_required
def scorecard_settings(request):
    if not services.scorecard_can_edit(request.user):
        raise PermissionDenied
    scorecards = list(PartnerScorecard.objects.order_by("kind", "code"))
    if not scorecards:
        raise Http404
    selected = request.GET.get("card", "")
    scorecard = (
        get_object_or_404(PartnerScorecard, pk=selected)
        if selected.isdigit()
        else next((c for c in scorecards if c.is_active and c.kind == "qualification"), None)
        or scorecards[0]
    )
    queryset = scorecard.criteria.order_by("order", "code")
    formset = CriterionFormSet(request.POST or None, queryset=queryset, prefix="criteria")
    if request.method == "POST" and formset.is_valid():
        rows = []
        for form in formset.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue  # the empty extra row
            data = form.cleaned_data
            rows.append(
                {
                    "id": form.instance.pk,
                    "delete": bool(data.get("DELETE")),
                    "code": data.get("code", ""),
                    "name": data.get("name", ""),
                    "weight": data.get("weight"),
                    "max_score": data.get("max_score"),
                    "order": data.get("order") or 0,
                }
            )
        try:
            services.scorecard_criteria_save(actor=request.user, scorecard=scorecard, rows=rows)
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                parts = key.split(".")
                if len(parts) == 3 and parts[0] == "rows":
                    form = _row_form(formset, rows, int(parts[1]))
                    field = parts[2] if parts[2] in form.fields else None
                    form.add_error(field, problems)
                else:
                    formset._non_form_errors = formset.error_class(
                        [*formset.non_form_errors(), *problems]
                    )
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?card={scorecard.pk}")
    context = {"scorecards": scorecards, "scorecard": scorecard, "formset": formset}
    return render(request, "partners/recruitment/scorecards.html", context)


def _row_form(formset, rows, index):
    """The form of the index-th submitted row (the empty extra rows were skipped)."""
    submitted = [
        form for form in formset.forms if form.has_changed() or form.instance.pk is not None
    ]
    return submitted[index]


urlpatterns = [
    path("apply/", application_apply, name="application-apply"),
    path("apply/done/", application_apply_done, name="application-apply-done"),
    path("applications/", application_list, name="application-list"),
    path("applications/export/", application_export, name="application-export"),
    path("applications/<int:pk>/", application_detail, name="application-detail"),
    path("applications/<int:pk>/assign/", application_assign, name="application-assign"),
    path("applications/<int:pk>/review/", application_review_start, name="application-review"),
    path("applications/<int:pk>/scores/", application_scores, name="application-scores"),
    path(
        "applications/<int:pk>/submit/",
        application_submit_for_approval,
        name="application-submit",
    ),
    path("applications/<int:pk>/reject/", application_reject, name="application-reject"),
    path("applications/<int:pk>/resume/", application_review_resume, name="application-resume"),
    path(
        "applications/<int:pk>/invitation/",
        application_invitation_resend,
        name="application-invitation",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        application_attachment,
        name="application-attachment",
    ),
    path("settings/scorecards/", scorecard_settings, name="scorecard-settings"),
]
