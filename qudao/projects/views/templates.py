"""Process templates (流程模板): everyone on the vendor side reads them; admins create them,
edit the draft version's stages (add, edit, reorder, remove — each a whole-version save through
services.template_version_save, which validates the result as a whole), publish the draft and
start a new version. A published version is never edited: the services refuse it, and the pages
say so."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.web import form_errors, get_or_404, refusal

from .. import services
from ..forms.templates import (
    ChainFormSet,
    StageDefinitionForm,
    TemplateCreateForm,
    TemplateEditForm,
    chain_steps,
)
from ..models import TemplateVersion
from ..selectors.templates import document_types_active, template_get_for_user, templates_visible_to
from ..services.templates import stage_as_data, template_can_edit

CHAIN_BLANK_ROWS = 2


def _require_vendor(user) -> None:
    if user.is_partner_user:
        raise PermissionDenied(_("Process templates are shown to vendor staff only."))


def _template_or_404(user, pk):
    """The template (vendor staff only; another id: 404)."""
    _require_vendor(user)
    return get_or_404(lambda: template_get_for_user(user, int(pk)))


def _version_of(template, vpk) -> TemplateVersion:
    for version in template.versions.all():
        if version.pk == int(vpk):
            return version
    raise Http404


def _template_version(user, pk, vpk) -> tuple:
    """The template (vendor staff only) and one of its versions."""
    template = _template_or_404(user, pk)
    return template, _version_of(template, vpk)


def _shown_version(template, requested: str, admin: bool) -> TemplateVersion | None:
    versions = list(template.versions.all())
    if requested.isdigit():
        found = next((v for v in versions if v.pk == int(requested)), None)
        if found is not None:
            return found
    by_status = {v.status: v for v in versions}
    if admin and TemplateVersion.Status.DRAFT in by_status:
        return by_status[TemplateVersion.Status.DRAFT]
    return by_status.get(TemplateVersion.Status.PUBLISHED) or (versions[0] if versions else None)


@login_required
def template_list(request):
    user = request.user
    _require_vendor(user)
    rows = []
    for template in templates_visible_to(user):
        versions = list(template.versions.all())
        rows.append(
            {
                "template": template,
                "published": next((v for v in versions if v.status == "published"), None),
                "draft": next((v for v in versions if v.status == "draft"), None),
                "count": len(versions),
            }
        )
    return render(
        request,
        "projects/templates/list.html",
        {"rows": rows, "is_admin": template_can_edit(user)},
    )


@login_required
def template_create(request):
    user = request.user
    if not template_can_edit(user):
        raise PermissionDenied(_("Only system admins can edit process templates."))
    form = TemplateCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(actor=user, data=form.cleaned_data, stages=[])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Template created; add its stages to version 1."))
            return redirect("projects:template-detail", pk=template.pk)
    return render(request, "projects/templates/create.html", {"form": form})


def _detail_context(request, template, version, edit_form=None) -> dict:
    admin = template_can_edit(request.user)
    stages = list(version.stages.all()) if version else []
    return {
        "template": template,
        "versions": list(template.versions.all()),
        "version": version,
        "stages": stages,
        "is_admin": admin,
        "can_edit_stages": admin and version is not None and version.is_editable,
        "has_draft": any(v.is_editable for v in template.versions.all()),
        "edit_form": edit_form
        or (
            TemplateEditForm(
                initial={
                    "name": template.name,
                    "description": template.description,
                    "is_active": template.is_active,
                }
            )
            if admin
            else None
        ),
    }


@login_required
def template_detail(request, pk):
    user = request.user
    template = _template_or_404(user, pk)
    version = _shown_version(template, request.GET.get("version", ""), template_can_edit(user))
    return render(
        request, "projects/templates/detail.html", _detail_context(request, template, version)
    )


@login_required
@require_POST
def template_edit(request, pk):
    user = request.user
    template = _template_or_404(user, pk)
    form = TemplateEditForm(request.POST)
    if form.is_valid():
        try:
            services.template_update(actor=user, template=template, data=form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:template-detail", pk=template.pk)
    version = _shown_version(template, "", template_can_edit(user))
    context = _detail_context(request, template, version, edit_form=form)
    return render(request, "projects/templates/detail.html", context)


def _to_version(template, version):
    url = reverse("projects:template-detail", args=[template.pk])
    return redirect(f"{url}?version={version.pk}")


@login_required
@require_POST
def version_new(request, pk):
    user = request.user
    template = _template_or_404(user, pk)
    try:
        version = services.template_version_new(actor=user, template=template)
    except ConflictError as refused:
        messages.error(request, refusal(refused))
        return redirect("projects:template-detail", pk=template.pk)
    messages.success(
        request, _("Version %(number)s created as a draft.") % {"number": version.number}
    )
    return _to_version(template, version)


@login_required
@require_POST
def version_publish(request, pk, vpk):
    user = request.user
    template, version = _template_version(user, pk, vpk)
    try:
        services.template_version_publish(actor=user, version=version)
    except (ValidationError, ConflictError) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(
            request,
            _("Version %(number)s published; new projects start on it.")
            % {"number": version.number},
        )
    return _to_version(template, version)


# --- the draft version's stages ----------------------------------------------------------------


def _stages_data(version) -> list[dict]:
    return [stage_as_data(stage) for stage in version.stages.all()]


def _save_stages(request, template, version, stages: list[dict]) -> bool:
    """Save the whole list; a refusal (published version, invalid stage) becomes a message."""
    try:
        services.template_version_save(actor=request.user, version=version, stages=stages)
    except (ValidationError, ConflictError) as refused:
        messages.error(request, refusal(refused))
        return False
    return True


def _index_of(stages: list[dict], code: str) -> int:
    for index, stage in enumerate(stages):
        if stage["code"] == code:
            return index
    raise Http404


@login_required
def stage_edit(request, pk, vpk, code: str | None = None):
    user = request.user
    template, version = _template_version(user, pk, vpk)
    if not template_can_edit(user):
        raise PermissionDenied(_("Only system admins can edit process templates."))
    stages = _stages_data(version)
    index = _index_of(stages, code) if code is not None else len(stages)
    if not version.is_editable:
        messages.error(
            request,
            _("Version %(number)s is %(status)s and cannot be changed; start a new version.")
            % {"number": version.number, "status": version.get_status_display()},
        )
        return _to_version(template, version)
    options = {"document_types": document_types_active()}
    if request.method == "POST":
        form = StageDefinitionForm(request.POST, **options)
        chain = ChainFormSet(request.POST, prefix="chain")
        if form.is_valid() and chain.is_valid():
            stage = form.stage_data(chain_steps(chain))
            changed = stages[:index] + [stage] + stages[index + 1 :]
            try:
                services.template_version_save(actor=user, version=version, stages=changed)
            except ValidationError as error:
                _stage_errors(form, chain, error, index)
            except ConflictError as refused:
                form.add_error(None, refusal(refused))
            else:
                messages.success(request, _("Stage %(name)s saved.") % {"name": stage["name"]})
                return _to_version(template, version)
    else:
        current = stages[index] if code is not None else {"target_days": 7, "approval": "none"}
        initial = dict(current)
        initial["checklist"] = "\n".join(current.get("checklist", []))
        initial["document_types"] = list(
            options["document_types"]
            .filter(code__in=current.get("document_types", []))
            .values_list("pk", flat=True)
        )
        form = StageDefinitionForm(initial=initial, **options)
        rows = list(current.get("approval_chain", []))
        chain = ChainFormSet(prefix="chain", initial=rows + [{}] * CHAIN_BLANK_ROWS)
        chain.extra = 0
    context = {
        "template": template,
        "version": version,
        "form": form,
        "chain": chain,
        "code": code,
    }
    return render(request, "projects/templates/stage_form.html", context)


def _stage_errors(form, chain, error: ValidationError, index: int) -> None:
    """Service keys look like "stages.<i>.<field>" or "stages.<i>.approval_chain.<j>.<field>";
    those of the edited stage go on its fields, the rest on top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, problems in error.message_dict.items():
        parts = key.split(".")
        mine = len(parts) >= 3 and parts[0] == "stages" and parts[1] == str(index)
        if mine and parts[2] == "approval_chain" and len(parts) >= 4 and parts[3].isdigit():
            row = int(parts[3])
            field = parts[4] if len(parts) > 4 else None
            if row < len(chain.forms) and field in chain.forms[row].fields:
                chain.forms[row].add_error(field, problems)
                continue
        if mine and parts[2] in form.fields:
            form.add_error(parts[2], problems)
        else:
            form.add_error(None, problems)


@login_required
@require_POST
def stage_move(request, pk, vpk, code):
    template, version = _template_version(request.user, pk, vpk)
    stages = _stages_data(version)
    index = _index_of(stages, code)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(stages):
        stages[index], stages[target] = stages[target], stages[index]
        if _save_stages(request, template, version, stages):
            messages.success(request, _("Order saved."))
    return _to_version(template, version)


@login_required
@require_POST
def stage_remove(request, pk, vpk, code):
    template, version = _template_version(request.user, pk, vpk)
    stages = _stages_data(version)
    removed = stages.pop(_index_of(stages, code))
    if _save_stages(request, template, version, stages):
        messages.success(request, _("Stage %(name)s removed.") % {"name": removed["name"]})
    return _to_version(template, version)


urlpatterns = [
    path("templates/", template_list, name="template-list"),
    path("templates/new/", template_create, name="template-create"),
    path("templates/<int:pk>/", template_detail, name="template-detail"),
    path("templates/<int:pk>/edit/", template_edit, name="template-edit"),
    path("templates/<int:pk>/versions/new/", version_new, name="template-version-new"),
    path(
        "templates/<int:pk>/versions/<int:vpk>/publish/",
        version_publish,
        name="template-version-publish",
    ),
    path(
        "templates/<int:pk>/versions/<int:vpk>/stages/new/",
        stage_edit,
        name="template-stage-create",
    ),
    path(
        "templates/<int:pk>/versions/<int:vpk>/stages/<slug:code>/edit/",
        stage_edit,
        name="template-stage-edit",
    ),
    path(
        "templates/<int:pk>/versions/<int:vpk>/stages/<slug:code>/move/",
        stage_move,
        name="template-stage-move",
    ),
    path(
        "templates/<int:pk>/versions/<int:vpk>/stages/<slug:code>/remove/",
        stage_remove,
        name="template-stage-remove",
    ),
]
