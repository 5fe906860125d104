"""The views' kit: what every app's pages share when they call a selector or a service. A view
parses the request, calls one selector or service through these helpers and renders."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .errors import ConflictError, PermissionDenied, ValidationError

REFUSALS = (ValidationError, ConflictError, PermissionDenied)


def is_htmx(request) -> bool:
    """The request comes from htmx (render the results fragment, not the page)."""
    return request.headers.get("HX-Request") == "true"


def posted(request):
    """The submitted data, or None for a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def safe_next(request, fallback: str) -> str:
    """The `next` URL of the request when it stays on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def get_or_404(getter: Callable[..., Any], *args) -> Any:
    """`getter(*args)` (a scoped selector); a row outside the user's scope, or a malformed id,
    is a 404 so that nobody learns it exists."""
    try:
        return getter(*args)
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise Http404 from None


def form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: known fields on the field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def refusal(error: Exception) -> str:
    """The user-facing text of a ValidationError, ConflictError or PermissionDenied."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return " ".join(m for problems in error.message_dict.values() for m in problems)
        return " ".join(error.messages)
    return getattr(error, "message", None) or str(error) or str(_("You cannot do this."))


def attempt(form, call: Callable[[], Any]) -> Any:
    """Run the service `call` for a form; on a refusal put its messages on `form` and return
    None (nothing was written). A call that returns nothing counts as done (True)."""
    try:
        return call() or True
    except ValidationError as error:
        form_errors(form, error)
    except (ConflictError, PermissionDenied) as refused:
        form.add_error(None, refusal(refused))
    return None


def attempt_message(request, call: Callable[[], Any], success: str | None = None) -> Any:
    """Run the service `call` for a button without a form; a refusal becomes an error message
    (nothing was written), success the `success` message. Returns the call's result or None."""
    try:
        result = call()
    except REFUSALS as error:
        messages.error(request, refusal(error))
        return None
    if success:
        messages.success(request, success)
    return result


def attempt_form(request, form, call: Callable[[], Any], success) -> Any:
    """For a page that shows its form again when nothing was written: on a POST with a valid
    `form`, run the service `call` as `attempt` does and, when it is done, show `success` (a
    text, or a function of the call's result giving it). Returns the call's result (True when
    it returns nothing), or None: a GET, an invalid form or a refusal (the form says why)."""
    if request.method != "POST" or not form.is_valid():
        return None
    result = attempt(form, call)
    if result:
        messages.success(request, success(result) if callable(success) else success)
    return result


def attempt_form_message(
    request, form, call: Callable[[dict], Any], success: str | None = None, invalid=None
) -> Any:
    """For a button's small form whose page is not shown again: with a valid `form`, run the
    service `call(form.cleaned_data)` as `attempt_message` does; with an invalid one, show
    `invalid` (when given) as the error. Returns the call's result or None."""
    if not form.is_valid():
        if invalid:
            messages.error(request, invalid)
        return None
    return attempt_message(request, lambda: call(form.cleaned_data), success)


def redirect_htmx(request, url: str) -> HttpResponse:
    """A redirect to `url`; for htmx, a 204 with HX-Redirect, which htmx follows as a full page
    load (a plain redirect would be swapped into the target)."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
