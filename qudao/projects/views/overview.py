"""The project's overview tab: its data, the stage progress bar over every stage of its
template version, the team (add / remove for those who may change the project) and the owner
change (admins, directors, the regional manager of its region)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError

from .. import services
from ..forms import MemberAddForm, OwnerChangeForm
from ..models import ProjectStage
from ..selectors import (
    can_change_owner,
    partner_users_of,
    project_members,
    project_stage_list,
    vendor_users_active,
)
from .base import form_errors, project_or_404, refusal, render_tab
from .tabs import register_tab

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
    editable = services.can_edit(user, project) and project.is_editable
    owner_changer = can_change_owner(user, project)
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


@login_required
@require_POST
def member_add(request, pk):
    user = request.user
    project = project_or_404(user, pk)
    form = MemberAddForm(request.POST, users=_team_users(user, project))
    if form.is_valid():
        try:
            services.project_member_add(
                actor=user,
                project=project,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except (ConflictError, PermissionDenied) as refused:
            form.add_error(None, refusal(refused))
        else:
            messages.success(request, _("Added to the team."))
            return redirect("projects:project-detail", pk=project.pk)
    return _render(request, project, member_form=form)


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    user = request.user
    project = project_or_404(user, pk)
    try:
        member = project_members(project).get(pk=member_pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        services.project_member_remove(actor=user, project=project, member=member)
    except (ValidationError, ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("Removed from the team."))
    return redirect("projects:project-detail", pk=project.pk)


@login_required
@require_POST
def owner_change(request, pk):
    user = request.user
    project = project_or_404(user, pk)
    form = OwnerChangeForm(request.POST, users=vendor_users_active())
    if form.is_valid():
        try:
            services.project_owner_change(
                actor=user,
                project=project,
                owner=form.cleaned_data["owner"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except (ConflictError, PermissionDenied) as refused:
            form.add_error(None, refusal(refused))
        else:
            messages.success(request, _("The owner has been changed."))
            return redirect("projects:project-detail", pk=project.pk)
    return _render(request, project, owner_form=form)


urlpatterns = [
    path("<int:pk>/", project_detail, name="project-detail"),
    path("<int:pk>/team/add/", member_add, name="member-add"),
    path("<int:pk>/team/<int:member_pk>/remove/", member_remove, name="member-remove"),
    path("<int:pk>/owner/", owner_change, name="owner-change"),
]

register_tab("overview", gettext_lazy("Overview"), "projects:project-detail", order=10)
