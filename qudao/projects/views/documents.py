"""The documents tab (项目档案): files by stage and type with their versions, the upload form
(type and size checked by the service) and the download, served only after the scope check."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from qudao.core.downloads import private_file_response
from qudao.core.errors import PermissionDenied
from qudao.core.uploads import upload_size_limit
from qudao.core.web import attempt_form, get_or_404

from .. import services
from ..forms.documents import DocumentUploadForm
from ..selectors.documents import project_document_get, project_documents
from ..selectors.stages import project_stage_list
from ..selectors.templates import document_types_active
from ..services.documents import document_upload_max_request_bytes
from .base import project_or_404, render_tab


def _grouped(project) -> list[dict]:
    """[{stage, types: [{type, versions}]}] in stage order, newest version first."""
    groups = []
    documents = project_documents(project)
    for _stage_id, in_stage in groupby(documents, key=lambda d: d.stage_id):
        in_stage = list(in_stage)
        types = [
            {"type": versions[0].document_type, "versions": versions}
            for versions in (
                list(rows) for _type, rows in groupby(in_stage, key=lambda d: d.document_type_id)
            )
        ]
        groups.append({"stage": in_stage[0].stage, "types": types})
    return groups


def _upload_form(project, stages, data=None, files=None, initial=None):
    return DocumentUploadForm(
        data,
        files,
        stages=stages,
        document_types=document_types_active(),
        initial=initial,
    )


@upload_size_limit(document_upload_max_request_bytes)
@login_required
def document_list(request, pk):
    user = request.user
    project = project_or_404(user, pk)
    stages = project_stage_list(project)
    can_upload = services.project_can_change(user, project)
    form = None
    if can_upload and request.method == "POST":
        form = _upload_form(project, stages, request.POST, request.FILES)
        if attempt_form(
            request,
            form,
            lambda: services.project_document_upload(
                actor=user,
                project=project,
                stage=form.cleaned_data["stage"],
                document_type=form.cleaned_data["document_type"],
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            ),
            lambda document: (
                _("%(type)s v%(version)s uploaded.")
                % {"type": document.document_type.name, "version": document.version}
            ),
        ):
            return redirect("projects:project-documents", pk=project.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("You cannot change this project."))
    if can_upload and form is None:
        stage = request.GET.get("stage", "")
        initial = {"stage": int(stage) if stage.isdigit() else project.current_stage_id}
        form = _upload_form(project, stages, initial=initial)
    context = {"groups": _grouped(project), "form": form}
    return render_tab(request, project, "documents", "projects/documents.html", context)


@login_required
def document_download(request, pk, document_pk):
    """Files are served only through here, after the project's scope check."""
    project = project_or_404(request.user, pk)
    document = get_or_404(project_document_get, project, document_pk)
    return private_file_response(document.file, document.original_name or document.file.name)


urlpatterns = [
    path("<int:pk>/documents/", document_list, name="project-documents"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        document_download,
        name="document-download",
    ),
]
