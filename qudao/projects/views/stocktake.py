"""Project stock-take pages (项目盘点): the rounds (managers open one), a round's entries with
its progress, the unconfirmed projects, each owner's confirm-or-correct form, and closing the
round. A home card tells owners how many of their projects wait for confirmation."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.paging import paginate
from qudao.core.web import attempt_form, attempt_message, get_or_404, refusal

from ..forms.stocktake import EntryConfirmForm, EntryFilterForm, StockTakeForm
from ..selectors.stocktake import (
    my_pending_entries,
    stocktake_entries,
    stocktake_entry_get,
    stocktake_get_for_user,
    stocktake_progress,
    stocktakes_visible_to,
)
from ..services import stocktake as services

PER_PAGE = 50


def _list(request, form=None):
    user = request.user
    can_open = services.stocktake_can_open(user)
    context = {
        "page": paginate(request, stocktakes_visible_to(user), 20),
        "form": form
        or (
            StockTakeForm(initial={"due_date": timezone.localdate() + datetime.timedelta(days=7)})
            if can_open
            else None
        ),
        "mine": list(my_pending_entries(user)[:50]),
    }
    return render(request, "projects/stocktake_list.html", context)


@login_required
def stocktake_list(request):
    if request.user.is_partner_user:
        raise Http404
    return _list(request)


@login_required
@require_POST
def stocktake_open(request):
    form = StockTakeForm(request.POST)
    stocktake = attempt_form(
        request,
        form,
        lambda: services.stocktake_open(actor=request.user, data=form.cleaned_data),
        _("Stock-take opened; the owners are asked to confirm."),
    )
    if stocktake:
        return redirect("projects:stocktake-detail", pk=stocktake.pk)
    return _list(request, form=form)


def _stocktake_or_404(user, pk):
    return get_or_404(lambda: stocktake_get_for_user(user, int(pk)))


@login_required
def stocktake_detail(request, pk):
    user = request.user
    stocktake = _stocktake_or_404(user, pk)
    filters = EntryFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    everyone = stocktake_entries(user, stocktake)
    rows = stocktake_entries(
        user, stocktake, status=chosen.get("status") or "", mine=bool(chosen.get("mine"))
    )
    page = paginate(request, rows, PER_PAGE)
    manager = services.stocktake_can_manage(user, stocktake)
    for entry in page:
        entry.confirmable = (
            stocktake.is_open
            and entry.status == entry.Status.PENDING
            and (entry.project.owner_id == user.pk or manager)
        )
    context = {
        "stocktake": stocktake,
        "progress": stocktake_progress(everyone),
        "filters": filters,
        "page": page,
        "confirm_form": EntryConfirmForm(auto_id=False),
        "can_close": manager and stocktake.is_open,
    }
    return render(request, "projects/stocktake_detail.html", context)


@login_required
@require_POST
def entry_confirm(request, pk, entry_pk):
    user = request.user
    stocktake = _stocktake_or_404(user, pk)
    entry = get_or_404(stocktake_entry_get, user, stocktake, entry_pk)
    form = EntryConfirmForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") or k == "note"}
        try:
            services.stocktake_confirm(actor=user, entry=entry, data=data)
        except (ValidationError, ConflictError, PermissionDenied) as refused:
            messages.error(request, f"{entry.project.code}: {refusal(refused)}")
        else:
            messages.success(request, _("%(code)s confirmed.") % {"code": entry.project.code})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("projects:stocktake-detail", args=[stocktake.pk]) + "?status=pending")


@login_required
@require_POST
def stocktake_close(request, pk):
    stocktake = _stocktake_or_404(request.user, pk)
    attempt_message(
        request,
        lambda: services.stocktake_close(actor=request.user, stocktake=stocktake),
        _("Stock-take closed."),
    )
    return redirect("projects:stocktake-detail", pk=stocktake.pk)


urlpatterns = [
    path("stock-takes/", stocktake_list, name="stocktake-list"),
    path("stock-takes/open/", stocktake_open, name="stocktake-open"),
    path("stock-takes/<int:pk>/", stocktake_detail, name="stocktake-detail"),
    path(
        "stock-takes/<int:pk>/entries/<int:entry_pk>/confirm/",
        entry_confirm,
        name="stocktake-confirm",
    ),
    path("stock-takes/<int:pk>/close/", stocktake_close, name="stocktake-close"),
]
