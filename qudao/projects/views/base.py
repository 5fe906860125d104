"""What the project pages share: loading a project through the user's scope (outside it: 404),
rendering a tab inside the common project frame, and the add, edit and button views of the
items a tab lists (risks, issues, tasks, meetings…). Form errors, refusals, running a service from a
form and looking a child row up are the kit's (qudao.core.web)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.web import attempt_form, attempt_form_message, attempt_message, get_or_404, posted

from ..models import Project
from ..selectors.projects import project_get_for_user
from .tabs import project_context


def project_or_404(user, pk) -> Project:
    """The project in `user`'s scope; outside it, or a malformed id: 404."""
    return get_or_404(lambda: project_get_for_user(user, int(pk)))


def render_tab(request, project: Project, active_key: str, template: str, context=None):
    """Render `template` (which extends projects/_project_base.html) with the frame's context."""
    return render(
        request, template, {**project_context(request, project, active_key), **(context or {})}
    )


def initial_of(obj, fields, **extra) -> dict:
    """A form's initial values: the object's `fields` as they are, and `extra` as given."""
    return {**{name: getattr(obj, name) for name in fields}, **extra}


def item_views(tab: str, make_form, getter, added, *, create, update, show):
    """The add view and the edit view of one kind of item on a project's tab (a risk, an
    issue, a task…): see item_add_view and item_edit_view."""
    return (
        item_add_view(tab, make_form, added, create=create, show=show),
        item_edit_view(tab, make_form, getter, update=update, show=show),
    )


def item_add_view(tab: str, make_form, added, *, create, show):
    """A POST view that adds an item to a project's tab: the form `make_form(data, project)`,
    then `create(actor=, project=, data=)` with its data. Done: the `added` message and back to
    the `tab` URL; invalid or refused: the tab again with the form, `show(request, project,
    form)`."""

    @login_required
    @require_POST
    def view(request, pk):
        project = project_or_404(request.user, pk)
        form = make_form(request.POST, project)
        if attempt_form(
            request,
            form,
            lambda: create(actor=request.user, project=project, data=dict(form.cleaned_data)),
            added,
        ):
            return redirect(tab, pk=project.pk)
        return show(request, project, form)

    return view


def item_edit_view(tab: str, make_form, getter, *, update, show):
    """The edit page of one item of a project's tab: the item `getter(project, item_pk)`
    (another project's item: 404) and the form `make_form(data, project, item)` filled from it.
    A valid POST runs `update(actor, item, data)`, says "Saved." and goes back to the `tab` URL;
    otherwise the tab again with the form, `show(request, project, form, item)`."""

    @login_required
    def view(request, pk, item_pk):
        project = project_or_404(request.user, pk)
        item = get_or_404(getter, project, item_pk)
        form = make_form(posted(request), project, item)
        if attempt_form(
            request, form, lambda: update(request.user, item, dict(form.cleaned_data)), _("Saved.")
        ):
            return redirect(tab, pk=project.pk)
        return show(request, project, form, item)

    return view


def item_action_view(tab: str, getter, call, done, *, form=None, invalid=None):
    """A POST button on one item of a project's tab (a task's status, withdrawing a handover,
    closing an action…) that goes back to the `tab` URL with a message. The item is
    `getter(project, item_pk)` (another project's item: 404). Without a `form` the button runs
    `call(request, project, item)`; with one, the form `form(data, project, item)` and, when
    it is valid, `call(request, project, item, cleaned_data)` (an invalid one: the `invalid`
    message, when given). A refusal is the error message, success the `done` one."""

    @login_required
    @require_POST
    def view(request, pk, item_pk):
        project = project_or_404(request.user, pk)
        item = get_or_404(getter, project, item_pk)
        if form is None:
            attempt_message(request, lambda: call(request, project, item), done)
        else:
            attempt_form_message(
                request,
                form(request.POST, project, item),
                lambda data: call(request, project, item, data),
                done,
                invalid=invalid,
            )
        return redirect(tab, pk=project.pk)

    return view


def project_action_view(tab: str, call, done, *, form, invalid=None):
    """A POST button with a small form on a project's tab (advancing or skipping a stage) that
    goes back to the `tab` URL with a message: when `form(data)` is valid,
    `call(request, project, cleaned_data)` (an invalid one: the `invalid` message, when given).
    A refusal is the error message, success the `done` one."""

    @login_required
    @require_POST
    def view(request, pk):
        project = project_or_404(request.user, pk)
        attempt_form_message(
            request,
            form(request.POST),
            lambda data: call(request, project, data),
            done,
            invalid=invalid,
        )
        return redirect(tab, pk=project.pk)

    return view
