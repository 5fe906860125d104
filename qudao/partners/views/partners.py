from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.paging import paginate

from .. import services
from ..forms.partners import PartnerFilterForm, PartnerForm
from ..selectors import partner_get_for_user, partners_search
from ..services.credit import credit_can_apply
from ..services.evaluation import EXIT_FROM
from . import archive as archive_views
from .common import form_page, page_or_fragment

EXPORT_LIMIT = 50_000


def _filtered(request):
    form = PartnerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, sort = partners_search(
        request.user,
        q=(filters.get("q") or "").strip(),
        region=filters["region"].pk if filters.get("region") else None,
        status=filters.get("status") or "",
        tier=filters["tier"].code if filters.get("tier") else "",
        owner=filters["owner"].pk if filters.get("owner") else None,
        created_from=filters.get("created_from"),
        created_to=filters.get("created_to"),
        sort=filters.get("sort") or "",
    )
    return form, rows, sort


@login_required
def partner_list(request):
    # A partner user's list would be one row, its own company: its page is shown instead.
    if request.user.is_partner_user:
        return redirect("partners:partner-detail", pk=request.user.partner_id)
    form, rows, sort = _filtered(request)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "sort": sort,
        "can_create": services.partner_can_manage(request.user),
    }
    return page_or_fragment(request, "partners/list.html", "partners/_table.html", context)


@login_required
def partner_export(request):
    _form, rows, _sort = _filtered(request)
    headers = [
        _("Code"),
        _("Name"),
        _("Region/office"),
        _("Status"),
        _("Tier"),
        _("Channel manager"),
        _("Contact"),
        _("Contact phone"),
        _("Created at"),
    ]
    book = workbook_from_rows(
        title=_("Partners"),
        headers=headers,
        rows=(
            [
                p.code,
                p.name,
                str(p.region),
                p.get_status_display(),
                p.tier.name,
                str(p.owner),
                p.contact_name,
                p.contact_phone,
                p.created_at,
            ]
            for p in rows[:EXPORT_LIMIT]
        ),
        widths=[14, 36, 14, 10, 10, 14, 12, 16, 20],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"partners-{stamp}.xlsx", book=book)


def _partner_or_404(user, pk):
    try:
        return partner_get_for_user(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
def partner_detail(request, pk: int):
    """The partner archive (管理档案): one tab at a time, each reading only its own rows."""
    partner = _partner_or_404(request.user, pk)
    tabs = archive_views.archive_tabs(request.user, partner)
    tab = archive_views.archive_tab_shown(tabs, request.GET.get("tab", "overview"))
    can_manage = services.partner_can_manage(request.user, partner)
    exited = partner.status == partner.Status.EXITED
    context = {
        "partner": partner,
        "tab": tab,
        "tabs": tabs,
        "can_manage": can_manage,
        "can_activate": partner.status == partner.Status.PROSPECT,
        "exited": exited,
        "can_evaluate": can_manage and not exited,
        "can_exit": can_manage and partner.status in EXIT_FROM,
        "can_apply_credit": credit_can_apply(request.user, partner) and not exited,
        **archive_views.archive_tab_context(request, partner, tab),
    }
    return render(request, "partners/detail.html", context)


@login_required
def partner_edit(request, pk: int | None = None):
    partner = _partner_or_404(request.user, pk) if pk else None
    if not services.partner_can_manage(request.user, partner):
        raise PermissionDenied
    form = PartnerForm(
        request.POST or None,
        instance=type(partner).objects.get(pk=pk) if partner else None,
        regions=services.regions_assignable(request.user),
    )
    return form_page(
        request,
        form,
        lambda data: (
            services.partner_create(actor=request.user, data=data)
            if partner is None
            else services.partner_update(actor=request.user, partner=partner, data=data)
        ),
        success=_("Saved."),
        then=lambda created: partner or created,
        template="partners/form.html",
        context={"partner": partner},
    )


@login_required
@require_POST
def partner_activate(request, pk: int):
    partner = _partner_or_404(request.user, pk)
    try:
        approval = services.partner_activation_submit(actor=request.user, partner=partner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(partner)
    messages.success(request, _("Submitted for approval."))
    return redirect("core:approval-detail", pk=approval.pk)
