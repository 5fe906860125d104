"""The project form: create on a process template (services.project_create), edit the data of
a project (services.project_update with the version the page showed, so a change made meanwhile
is refused with a clear message instead of being overwritten)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from qudao.core.errors import PermissionDenied
from qudao.core.web import attempt_form

from .. import services
from ..forms.projects import ProjectCreateForm, ProjectEditForm
from ..models import ProcessTemplate, TemplateVersion
from ..selectors.projects import partners_for_projects, vendor_users_active
from ..services.projects import project_can_create
from .base import project_or_404


def _templates_for(user):
    """Active templates with a published version (partner users: the classes they may open)."""
    rows = ProcessTemplate.objects.filter(
        is_active=True, versions__status=TemplateVersion.Status.PUBLISHED
    ).order_by("name")
    if user.is_partner_user:
        rows = rows.filter(project_class__in=services.PARTNER_CLASSES)
    return rows.distinct()


@login_required
def project_create(request):
    user = request.user
    if not project_can_create(user):
        raise PermissionDenied(_("You cannot create projects."))
    vendor = not user.is_partner_user
    options = {
        "templates": _templates_for(user),
        "partners": partners_for_projects(user) if vendor else None,
        "owners": vendor_users_active() if vendor else None,
        "classes": services.PARTNER_CLASSES if not vendor else None,
    }
    if request.method == "POST":
        form = ProjectCreateForm(request.POST, **options)
        project = attempt_form(
            request,
            form,
            lambda: services.project_create(actor=user, data=form.service_data()),
            lambda project: _("Project %(code)s created.") % {"code": project.code},
        )
        if project:
            return redirect("projects:project-detail", pk=project.pk)
    else:
        initial = {"region": user.region_id} if user.region_id else {}
        form = ProjectCreateForm(initial=initial, **options)
    return render(request, "projects/form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk: int):
    user = request.user
    project = project_or_404(user, pk)
    if not services.project_can_edit(user, project):
        raise PermissionDenied(_("You cannot change this project."))
    if not project.is_editable:
        messages.error(
            request,
            _("This project is %(status)s; it can no longer be changed.")
            % {"status": project.get_status_display()},
        )
        return redirect("projects:project-detail", pk=project.pk)
    if request.method == "POST":
        form = ProjectEditForm(request.POST)
        if attempt_form(
            request,
            form,
            lambda: services.project_update(
                actor=user,
                project=project,
                data=form.service_data(),
                version=form.cleaned_data["version"],
            ),
            _("Saved."),
        ):
            return redirect("projects:project-detail", pk=project.pk)
    else:
        initial = {name: getattr(project, name) for name in ProjectEditForm.base_fields}
        form = ProjectEditForm(initial=initial)
    return render(request, "projects/form.html", {"form": form, "project": project})


urlpatterns = [
    path("new/", project_create, name="project-create"),
    path("<int:pk>/edit/", project_edit, name="project-edit"),
]
