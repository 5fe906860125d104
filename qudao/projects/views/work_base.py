"""What the project work pages share: running a service from a form (its ValidationError on the
form's fields, a refusal on top), and who may change the project now. No pages of its own."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError

from ..models import Project
from ..services.common import can_edit
from .base import form_errors, refusal

urlpatterns: list = []


def posted(request):
    """The submitted data, or None for a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def editable(user, project: Project) -> bool:
    """May `user` change `project` now (the team, in a state that allows changes)?"""
    return project.is_editable and can_edit(user, project)


def attempt(form, call: Callable[[], Any]) -> Any:
    """Run the service `call`; on failure put its messages on `form` and return None."""
    try:
        return call() or True
    except ValidationError as error:
        form_errors(form, error)
    except (ConflictError, PermissionDenied) as refused:
        form.add_error(None, refusal(refused))
    return None


def child_or_404(lookup: Callable[..., Any], *args) -> Any:
    """A child row looked up inside an already scoped project (another project's: 404)."""
    try:
        return lookup(*args)
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise Http404 from None
