"""What the performance pages share: the dashboard and report filters read from the query, the
pages of the reference data HQ keeps (KPI schemes, rebate policies), the pages that create one
thing, and raising a corrective action from another page."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qudao.core.errors import ValidationError
from qudao.core.web import attempt_form, attempt_message, form_errors

from ..forms.dashboard import FilterForm
from ..periods import Period
from ..selectors.dashboard import Filters
from ..services.common import is_hq_planner


def filters_from(request, default_kind: str = "quarter") -> tuple[FilterForm, Filters]:
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    period = data.get("period") or Period.current(default_kind)
    tier = data.get("tier")
    return form, Filters(
        period=period,
        region=data.get("region"),
        tier=tier.code if tier else "",
        product_line=data.get("product_line"),
    )


def reference_page(request, template: str, **context):
    """A page of reference data HQ keeps: every vendor user reads it, HQ planners edit it."""
    return render(request, template, {**context, "can_edit": is_hq_planner(request.user)})


def reference_edit(
    request,
    form,
    lines: list,
    save: Callable[[dict, list[dict]], Any],
    *,
    current,
    success,
    detail: str,
    template: str,
    context: dict,
):
    """The form of a KPI scheme or a rebate policy (`current`; None: a new one) with its numbered
    line forms: on a valid POST `save(data, rows)` (the blank lines left out) and on to the page
    `detail` of what was saved; else the form again, with the errors. A saved one keeps its
    code."""
    if current is not None:
        form.fields["code"].disabled = True
    if form.is_bound and form.is_valid() and all(line.is_valid() for line in lines):
        data = dict(form.cleaned_data)
        data["tier"] = data["tier"].code if data.get("tier") else None
        rows = [row for row in (line.row() for line in lines) if row]
        try:
            saved = save(data, rows)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(detail, pk=saved.pk)
    return render(request, template, {"form": form, **context})


def action_raise_page(request, call: Callable[[], Any], back: str):
    """Raise a corrective action through the service `call` (from an alert, a benchmark gap):
    on to the action, or back to the page `back` with the reason it was refused."""
    action = attempt_message(request, call, _("Corrective action raised."))
    if action is not None:
        return redirect("performance:action-detail", pk=action.pk)
    return redirect(back)


def create_page(request, form, create: Callable[[], Any], *, success, detail: str, template: str):
    """A page that creates one thing from `form`: on to the page `detail` of what `create()`
    made, or the form again with why not."""
    created = attempt_form(request, form, create, success)
    if created:
        return redirect(detail, pk=created.pk)
    return render(request, template, {"form": form})
