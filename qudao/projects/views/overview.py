"""The project's overview tab: its data, the stage progress bar over every stage of its
template version, the team (add / remove for those who may change the project) and the owner
change (admins, directors, the regional manager of its region)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.web import attempt_form, attempt_message, get_or_404

from .. import services
from ..forms.projects import MemberAddForm, OwnerChangeForm
from ..models import ProjectStage
from ..selectors.projects import partner_users_of, project_members, vendor_users_active
from ..selectors.stages import project_stage_list
from ..services.projects import project_can_change_owner
from .base import project_or_404, render_tab

STAGE_COLOURS = {
    ProjectStage.Status.DONE: "success",
    ProjectStage.Status.SKIPPED: "secondary",
    ProjectStage.Status.ACTIVE: "primary",
    ProjectStage.Status.IN_APPROVAL: "warning",
    ProjectStage.Status.RETURNED: "danger",
    ProjectStage.Status.PENDING: "light",
}


def _team_users(user, project):
    """Who may be added: vendor staff (not by partner users) and the project's partner users."""
    partner_users = partner_users_of(project)
    if user.is_partner_user:
        return partner_users
    return vendor_users_active() | partner_users


def stage_bar(project) -> list[dict]:
    stages = project_stage_list(project)
    return [
        {
            "stage": stage,
            "colour": STAGE_COLOURS.get(stage.status, "light"),
            "current": stage.pk == project.current_stage_id,
        }
        for stage in stages
    ]


def _render(request, project, member_form=None, owner_form=None):
    user = request.user
    editable = services.project_can_change(user, project)
    owner_changer = project.is_editable and project_can_change_owner(user, project)
    context = {
        "stage_bar": stage_bar(project),
        "members": list(project_members(project)),
        "can_edit": editable,
        "can_manage_team": editable,
        "can_change_owner": owner_changer,
        "member_form": member_form
        or (MemberAddForm(users=_team_users(user, project)) if editable else None),
        "owner_form": owner_form
        or (
            OwnerChangeForm(users=vendor_users_active(), initial={"version": project.version})
            if owner_changer
            else None
        ),
    }
    return render_tab(request, project, "overview", "projects/overview.html", context)


@login_required
def project_detail(request, pk):
    project = project_or_404(request.user, pk)
    return _render(request, project)


def _back(project):
    return redirect("projects:project-detail", pk=project.pk)


def _submit(request, project, key: str, form, call, success):
    """Run `call(cleaned_data)` for a valid `form`: done, back to the overview; else the
    overview again with the form (under `key`) saying why."""
    if attempt_form(request, form, lambda: call(form.cleaned_data), success):
        return _back(project)
    return _render(request, project, **{key: form})


@login_required
@require_POST
def member_add(request, pk):
    user = request.user
    project = project_or_404(user, pk)
    return _submit(
        request,
        project,
        "member_form",
        MemberAddForm(request.POST, users=_team_users(user, project)),
        lambda data: services.project_member_add(
            actor=user, project=project, user=data["user"], role=data["role"]
        ),
        _("Added to the team."),
    )


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    user = request.user
    project = project_or_404(user, pk)
    member = get_or_404(lambda: project_members(project).get(pk=member_pk))
    attempt_message(
        request,
        lambda: services.project_member_remove(actor=user, project=project, member=member),
        _("Removed from the team."),
    )
    return _back(project)


@login_required
@require_POST
def owner_change(request, pk):
    user = request.user
    project = project_or_404(user, pk)
    return _submit(
        request,
        project,
        "owner_form",
        OwnerChangeForm(request.POST, users=vendor_users_active()),
        lambda data: services.project_owner_change(
            actor=user,
            project=project,
            owner=data["owner"],
            reason=data["reason"],
            version=data["version"],
        ),
        _("The owner has been changed."),
    )


urlpatterns = [
    path("<int:pk>/", project_detail, name="project-detail"),
    path("<int:pk>/team/add/", member_add, name="member-add"),
    path("<int:pk>/team/<int:member_pk>/remove/", member_remove, name="member-remove"),
    path("<int:pk>/owner/", owner_change, name="owner-change"),
]
