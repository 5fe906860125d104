"""The "Meetings" tab: meetings with their minutes and action items, each action tracked to
closure (its owner or the team closes it, as done or cancelled with a note); a new meeting with
up to three action rows at once, editing the minutes later, and adding an action afterwards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.web import form_errors, refusal

from ..forms.fields import team_field
from ..forms.meetings import ActionCloseForm, ActionForm, ActionFormSet, MeetingForm
from ..selectors.meetings import action_item_get, meeting_get, meetings_of
from ..services import meetings as meeting_services
from ..services.common import project_can_change
from .base import initial_of, item_action_view, item_edit_view, project_or_404, render_tab

TAB = "projects:work-meetings"


def team_members(project):
    return team_field(project).queryset


def _formset(project, data=None):
    return ActionFormSet(data, prefix="actions", form_kwargs={"project": project})


def _render(request, project, *, form=None, formset=None, edit=None):
    user = request.user
    can = project_can_change(user, project)
    meetings = list(meetings_of(project))
    open_count = 0
    for meeting in meetings:
        for action in meeting.actions.all():
            action.closable = (
                action.is_open and project.is_editable and (can or action.owner_id == user.pk)
            )
            open_count += action.is_open
    context = {
        "can_edit": can,
        "meetings": meetings,
        "open_actions": open_count,
        "form": form or (MeetingForm(initial={"held_at": timezone.localtime()}) if can else None),
        "formset": formset if formset is not None else (_formset(project) if can else None),
        "edit": edit,
        "close_form": ActionCloseForm(auto_id=False),
        # The per-meeting "another action" row: the team is listed once, not once per meeting.
        "team": list(team_members(project)) if can else [],
    }
    return render_tab(request, project, "meetings", "projects/meetings.html", context)


@login_required
def meeting_list(request, pk):
    return _render(request, project_or_404(request.user, pk))


def _put_action_errors(form, formset, error: ValidationError) -> None:
    """`actions.<row>.<field>` errors on that row of the formset; the rest on the meeting."""
    rest = {}
    for key, problems in error.message_dict.items():
        parts = key.split(".")
        if parts[0] == "actions" and len(parts) == 3 and parts[1].isdigit():
            row = formset.forms[int(parts[1])]
            row.add_error(parts[2] if parts[2] in row.fields else None, problems)
        else:
            rest[key] = problems
    if rest:
        form_errors(form, ValidationError(rest))


@login_required
@require_POST
def meeting_add(request, pk):
    project = project_or_404(request.user, pk)
    form, formset = MeetingForm(request.POST), _formset(project, request.POST)
    if form.is_valid() and formset.is_valid():
        rows = [dict(row.cleaned_data) for row in formset.forms]  # empty rows are skipped
        try:
            meeting_services.meeting_create(
                actor=request.user, project=project, data=form.cleaned_data, actions=rows
            )
        except ValidationError as error:
            _put_action_errors(form, formset, error)
        except (ConflictError, PermissionDenied) as refused:
            form.add_error(None, refusal(refused))
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect(TAB, pk=project.pk)
    return _render(request, project, form=form, formset=formset)


def _meeting_form(data, project, meeting):
    initial = initial_of(
        meeting,
        ("kind", "title", "location", "attendees", "minutes"),
        held_at=timezone.localtime(meeting.held_at),
    )
    return MeetingForm(data, initial=initial)


meeting_edit = item_edit_view(
    TAB,
    _meeting_form,
    meeting_get,
    update=lambda user, meeting, data: meeting_services.meeting_update(
        actor=user, meeting=meeting, data=data
    ),
    show=lambda request, project, form, meeting: _render(
        request, project, form=form, formset=False, edit=meeting
    ),
)


action_add = item_action_view(
    TAB,
    meeting_get,
    lambda request, project, meeting, data: meeting_services.action_item_add(
        actor=request.user, meeting=meeting, data=data
    ),
    gettext_lazy("Action added."),
    form=lambda data, project, meeting: ActionForm(data, project=project),
)
action_close = item_action_view(
    TAB,
    action_item_get,
    lambda request, project, action, data: meeting_services.action_item_close(
        actor=request.user, action=action, status=data["status"], note=data["note"]
    ),
    gettext_lazy("Action closed."),
    form=lambda data, project, action: ActionCloseForm(data),
)


urlpatterns = [
    path("<int:pk>/meetings/", meeting_list, name="work-meetings"),
    path("<int:pk>/meetings/add/", meeting_add, name="meeting-add"),
    path("<int:pk>/meetings/<int:item_pk>/edit/", meeting_edit, name="meeting-edit"),
    path("<int:pk>/meetings/<int:item_pk>/actions/add/", action_add, name="action-add"),
    path("<int:pk>/actions/<int:item_pk>/close/", action_close, name="action-close"),
]
