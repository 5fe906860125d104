"""What the partners pages share: the one-form page flow, the page-or-fragment choice of htmx
pages, the archive tab links and which rectifications are still open."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from qudao.core.errors import ValidationError
from qudao.core.web import form_errors, is_htmx

from ..models import Rectification


def partner_tab(partner, tab: str) -> str:
    """The URL of one tab of the partner's archive page."""
    return reverse("partners:partner-detail", args=[partner.pk]) + f"?tab={tab}"


def page_or_fragment(request, page: str, fragment: str, context: dict):
    """The whole page, or for htmx only the fragment it swaps in (a list's results)."""
    return render(request, fragment if is_htmx(request) else page, context)


def rectifications_open(rectifications) -> set[int]:
    """The ids of the rows a manager may still close or escalate (the template tests no
    status)."""
    return {r.pk for r in rectifications if r.status == Rectification.Status.OPEN}


def form_page(
    request,
    form,
    action: Callable[[dict], Any],
    *,
    success: str | Callable[[Any], str],
    then: Callable[[Any], Any],
    template: str,
    context: dict | Callable[[], dict],
):
    """A page with one form: a valid POST runs the service `action(cleaned_data)`, shows
    `success` (or `success(result)`) and redirects to `then(result)`; a ValidationError goes onto
    the form, and the page (`context`, or `context()` when it reads rows, plus the form) renders
    again."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(then(result))
    extra = context() if callable(context) else context
    return render(request, template, {"form": form, **extra})
