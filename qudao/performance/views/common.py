"""What the performance pages share: the filters, the 404 for objects outside the scope, and
turning a service's errors into messages."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError

from ..forms import FilterForm
from ..periods import Period
from ..selectors.dashboard import Filters


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


def get_or_404(getter: Callable[..., Any], user, pk: int):
    try:
        return getter(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return " ".join(m for ms in error.message_dict.values() for m in ms)
        return " ".join(error.messages)
    if isinstance(error, ConflictError):
        return error.message
    return str(error)


def attempt(request, action: Callable[[], Any], success: str | None = None) -> Any:
    """Run a service call; its refusal becomes an error message (nothing was written)."""
    try:
        result = action()
    except (ValidationError, ConflictError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return None
    if success:
        messages.success(request, success)
    return result
