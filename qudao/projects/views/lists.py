"""The project list (filters, sort, pagination, htmx refresh), its Excel export with the same
filters, saved filters, the navigation entry and the home-page cards."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.paging import COUNT_CAP
from qudao.core.web import get_or_404, is_htmx, redirect_htmx

from ..forms.projects import ProjectFilterForm, SavedFilterForm
from ..selectors.projects import (
    projects_page,
    projects_search,
    projects_total,
    stage_choices_by_template,
    vendor_users_active,
)
from ..selectors.saved_filters import saved_filter_get, saved_filters_for
from ..services.projects import project_can_create
from ..services.saved_filters import saved_filter_delete, saved_filter_save
from .tabs import health_colour

PAGE_KEY = "projects"
EXPORT_LIMIT = 50_000


def _filter_form(request) -> ProjectFilterForm:
    user = request.user
    vendor = not user.is_partner_user
    owners = (
        vendor_users_active().only("pk", "username", "first_name", "last_name") if vendor else None
    )
    return ProjectFilterForm(request.GET or None, owners=owners, stages=stage_choices_by_template())


def _filtered(request):
    form = _filter_form(request)
    kwargs = form.search_kwargs() if form.is_valid() else {"sort": request.GET.get("sort", "")}
    rows, sort = projects_search(request.user, **kwargs)
    return form, rows, sort


@login_required
def project_list(request):
    form, rows, sort = _filtered(request)
    page = projects_page(
        rows, request.GET.get("page"), settings.PAGE_SIZE, count_cap=COUNT_CAP, table=True
    )
    for project in page.object_list:
        project.health_colour = health_colour(project.health)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "total": projects_total(page, rows, COUNT_CAP),
        "show_partner": not request.user.is_partner_user,
        "partner_user": request.user.is_partner_user,
    }
    if is_htmx(request):
        return render(request, "projects/_table.html", context)
    context |= {
        "can_create": project_can_create(request.user),
        "saved_filters": saved_filters_for(request.user, PAGE_KEY),
        "save_form": SavedFilterForm(initial={"query": request.GET.urlencode()}),
    }
    return render(request, "projects/list.html", context)


@login_required
def project_export(request):
    _form, rows, _sort = _filtered(request)
    headers = [
        _("Code"),
        _("Name"),
        _("Class"),
        _("Customer"),
        _("Region"),
        _("Partner"),
        _("Owner"),
        _("Template"),
        _("Stage"),
        _("Status"),
        _("Health"),
        _("Amount (CNY)"),
        _("Expected close date"),
        _("Tags"),
        _("Created at"),
    ]
    book = workbook_from_rows(
        title=_("Projects"),
        headers=headers,
        rows=(
            [
                p.code,
                p.name,
                p.get_project_class_display(),
                p.customer_name,
                p.region.name,
                p.partner.name if p.partner_id else "",
                p.owner.display_name,
                p.template_version.template.name,
                p.current_stage.definition.name if p.current_stage_id else "",
                p.get_status_display(),
                p.get_health_display(),
                float(p.amount),
                p.expected_close_date,
                p.tags,
                p.created_at,
            ]
            for p in rows[:EXPORT_LIMIT].iterator(chunk_size=1000)
        ),
        widths=[22, 30, 14, 30, 14, 26, 12, 16, 14, 10, 10, 16, 14, 20, 18],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"projects-{stamp}.xlsx", book=book)


def _list_url(query: str = "") -> str:
    url = reverse("projects:project-list")
    return f"{url}?{query}" if query else url


def _posted_query(request) -> str:
    """The filters to save: with htmx, the filter form's current fields are posted along
    (hx-include), so filters changed after the page loaded count; without, the query string
    the page was loaded with."""
    if not is_htmx(request):
        return request.POST.get("query", "")
    fields = request.POST.copy()
    for key in ("name", "query", "csrfmiddlewaretoken"):
        fields.pop(key, None)
    return fields.urlencode()


@login_required
@require_POST
def saved_filter_create(request):
    form = SavedFilterForm(request.POST)
    query = _posted_query(request)
    if form.is_valid():
        try:
            saved = saved_filter_save(
                actor=request.user, page_key=PAGE_KEY, name=form.cleaned_data["name"], query=query
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
            return redirect_htmx(request, _list_url(saved.query))
    else:
        messages.error(request, _("Give the filter a name of up to 60 characters."))
    return redirect_htmx(request, _list_url(query if len(query) < 2000 else ""))


@login_required
@require_POST
def saved_filter_remove(request, pk: int):
    saved = get_or_404(saved_filter_get, request.user, pk)
    try:
        saved_filter_delete(actor=request.user, saved=saved)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect(_list_url())


urlpatterns = [
    path("", project_list, name="project-list"),
    path("export/", project_export, name="project-export"),
    path("filters/", saved_filter_create, name="saved-filter-create"),
    path("filters/<int:pk>/delete/", saved_filter_remove, name="saved-filter-delete"),
]


# --- home-page cards ---------------------------------------------------------------------------
