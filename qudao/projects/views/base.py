"""What the project pages share: loading a project through the user's scope (outside it: 404)
and rendering a tab inside the common project frame."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qudao.core.errors import ValidationError

from ..models import Project
from ..selectors import project_get_for_user
from .tabs import project_context


def project_or_404(user, pk) -> Project:
    try:
        return project_get_for_user(user, int(pk))
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise Http404 from None


def render_tab(request, project: Project, active_key: str, template: str, context=None):
    """Render `template` (which extends projects/_project_base.html) with the frame's context."""
    return render(
        request, template, {**project_context(request, project, active_key), **(context or {})}
    )


def form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: known fields on the field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def refusal(error: Exception) -> str:
    """The user-facing text of a ConflictError, PermissionDenied or ValidationError."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", None) or str(error) or str(_("You cannot do this."))
