"""Process templates, edited by admins: create, edit the draft version's stages, publish, start a
new version from the published one. A published version is immutable: projects running on it
must keep exactly the stages they started with."""

import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import roles
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, Role, User
from qudao.core.models.org import PARTNER_ROLES
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot

from ..models import DocumentType, ProcessTemplate, ProjectClass, StageDefinition, TemplateVersion

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_STAGES = 40
MAX_CHECKLIST = 30
MAX_CHAIN = 10
MAX_TARGET_DAYS = 3650
Approval = StageDefinition.Approval


# Who edits the process templates: company-wide configuration, the system admins only.
TEMPLATE_EDITORS = frozenset({roles.Code.ADMIN})


def template_can_edit(user: User) -> bool:
    """May `user` create templates and edit their draft versions (a superuser may)?"""
    return user.is_active and (
        user.is_superuser or (not user.is_partner_user and user.has_role(*TEMPLATE_EDITORS))
    )


def _require_admin(actor: User) -> None:
    if not template_can_edit(actor):
        raise PermissionDenied(_("Only system admins can edit process templates."))


def _require_draft(version: TemplateVersion) -> None:
    if not version.is_editable:
        raise ConflictError(
            _("Version %(number)s is %(status)s and cannot be changed; start a new version.")
            % {"number": version.number, "status": version.get_status_display()}
        )


def stage_as_data(stage: StageDefinition) -> dict[str, Any]:
    """A stage definition in the shape the services accept (used to copy and re-validate)."""
    return {
        "code": stage.code,
        "name": stage.name,
        "target_days": stage.target_days,
        "document_types": [doc.code for doc in stage.document_types.all()],
        "checklist": list(stage.checklist),
        "approval": stage.approval,
        "approval_role": stage.approval_role,
        "approval_chain": list(stage.approval_chain),
        "skippable": stage.skippable,
        "repeatable": stage.repeatable,
    }


def _clean_role(value: Any) -> str | None:
    role = str(value or "")
    if role not in Role.Code.values or role in PARTNER_ROLES:
        return None
    return role


def _clean_chain(raw: Any, prefix: str, errors: dict) -> list[dict]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_CHAIN:
        errors[f"{prefix}.approval_chain"] = _("A chain has 1 to %(max)s steps.") % {
            "max": MAX_CHAIN
        }
        return []
    steps = []
    user_ids = [s.get("user") for s in raw if isinstance(s, dict) and s.get("user")]
    users = set(
        User.objects.filter(
            pk__in=[u for u in user_ids if isinstance(u, int)], is_active=True, partner=None
        ).values_list("pk", flat=True)
    )
    for index, step in enumerate(raw):
        where = f"{prefix}.approval_chain.{index}"
        if not isinstance(step, dict):
            errors[where] = _("Each step needs a name and a role or a user.")
            continue
        name = str(step.get("name") or "").strip()[:100]
        role = _clean_role(step.get("role")) if step.get("role") else ""
        user = step.get("user")
        if not name:
            errors[f"{where}.name"] = _("Give the step a name.")
        if role is None:
            errors[f"{where}.role"] = _("Choose a vendor role.")
        elif user:
            if user not in users:
                errors[f"{where}.user"] = _("Choose an active vendor user.")
            else:
                steps.append({"name": name, "user": user})
        elif role:
            steps.append({"name": name, "role": role})
        else:
            errors[where] = _("Each step needs a role or a user.")
    return steps


def clean_stages(raw_stages: Any) -> list[dict[str, Any]]:
    """Validate stage data; raise ValidationError with keys like "stages.2.target_days"."""
    errors: dict[str, str] = {}
    if not isinstance(raw_stages, list):
        raise ValidationError({"stages": _("Give the stages as a list.")})
    if len(raw_stages) > MAX_STAGES:
        raise ValidationError(
            {"stages": _("At most %(max)s stages per template.") % {"max": MAX_STAGES}}
        )
    doc_codes = {
        code
        for raw in raw_stages
        if isinstance(raw, dict)
        for code in raw.get("document_types") or []
    }
    doc_types = {
        doc.code: doc
        for doc in DocumentType.objects.filter(code__in=[str(c) for c in doc_codes], is_active=True)
    }
    cleaned, seen = [], set()
    for index, raw in enumerate(raw_stages):
        prefix = f"stages.{index}"
        if not isinstance(raw, dict):
            errors[prefix] = _("Each stage needs a code, a name and a target duration.")
            continue
        code = str(raw.get("code") or "").strip().lower()
        name = str(raw.get("name") or "").strip()
        if not CODE_RE.match(code) or len(code) > 30:
            errors[f"{prefix}.code"] = _(
                "Use up to 30 lower-case letters, digits, - or _ for the code."
            )
        elif code in seen:
            errors[f"{prefix}.code"] = _("The code %(code)s is used twice.") % {"code": code}
        seen.add(code)
        if not name or len(name) > 100:
            errors[f"{prefix}.name"] = _("Give a name of up to 100 characters.")
        try:
            target_days = int(raw.get("target_days"))
        except (TypeError, ValueError):
            target_days = 0
        if not 0 < target_days <= MAX_TARGET_DAYS:
            errors[f"{prefix}.target_days"] = _("The target duration is 1 to %(max)s days.") % {
                "max": MAX_TARGET_DAYS
            }
        documents = [str(c) for c in raw.get("document_types") or []]
        unknown = [c for c in documents if c not in doc_types]
        if unknown:
            errors[f"{prefix}.document_types"] = _("Unknown document types: %(codes)s.") % {
                "codes": ", ".join(unknown)
            }
        checklist = raw.get("checklist") or []
        if (
            not isinstance(checklist, list)
            or len(checklist) > MAX_CHECKLIST
            or any(not str(item).strip() or len(str(item)) > 200 for item in checklist)
        ):
            errors[f"{prefix}.checklist"] = _(
                "The checklist is a list of up to %(max)s non-empty items of 200 characters."
            ) % {"max": MAX_CHECKLIST}
            checklist = []
        approval = str(raw.get("approval") or Approval.NONE)
        role, chain = "", []
        if approval not in Approval.values:
            errors[f"{prefix}.approval"] = _("Choose no approval, a role or a chain.")
        elif approval == Approval.ROLE:
            role = _clean_role(raw.get("approval_role"))
            if not role:
                errors[f"{prefix}.approval_role"] = _("Choose the vendor role that approves.")
        elif approval == Approval.CHAIN:
            chain = _clean_chain(raw.get("approval_chain"), prefix, errors)
        cleaned.append(
            {
                "code": code,
                "name": name,
                "target_days": target_days,
                "document_types": [
                    doc_types[c] for c in dict.fromkeys(documents) if c in doc_types
                ],
                "checklist": [str(item).strip() for item in checklist],
                "approval": approval,
                "approval_role": role or "",
                "approval_chain": chain,
                "skippable": bool(raw.get("skippable", False)),
                "repeatable": bool(raw.get("repeatable", False)),
            }
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _write_stages(version: TemplateVersion, stages: list[dict[str, Any]]) -> None:
    version.stages.all().delete()
    for order, data in enumerate(stages, start=1):
        values = {k: v for k, v in data.items() if k != "document_types"}
        stage = StageDefinition.objects.create(version=version, order=order, **values)
        stage.document_types.set(data["document_types"])


def _clean_template(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors, values = {}, {}
    if creating:
        code = str(data.get("code") or "").strip().lower()
        if not CODE_RE.match(code) or len(code) > 40:
            errors["code"] = _("Use up to 40 lower-case letters, digits, - or _ for the code.")
        elif ProcessTemplate.objects.filter(code=code).exists():
            errors["code"] = _("A template with this code exists.")
        values["code"] = code
        project_class = str(data.get("project_class") or "")
        if project_class not in ProjectClass.values:
            errors["project_class"] = _("Choose a project class.")
        values["project_class"] = project_class
    if creating or "name" in data:
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 100:
            errors["name"] = _("Give a name of up to 100 characters.")
        values["name"] = name
    if "description" in data:
        values["description"] = str(data.get("description") or "").strip()[:2000]
    if "is_active" in data and not creating:
        values["is_active"] = bool(data["is_active"])
    if errors:
        raise ValidationError(errors)
    return values


def template_create(
    *, actor: User, data: dict[str, Any], stages: list[dict[str, Any]] | None = None
) -> ProcessTemplate:
    """A new template with a draft version 1 holding `stages`."""
    _require_admin(actor)
    values = _clean_template(data, creating=True)
    cleaned = clean_stages(stages or [])
    with transaction.atomic():
        template = ProcessTemplate.objects.create(**values)
        version = TemplateVersion.objects.create(template=template, number=1, created_by=actor)
        _write_stages(version, cleaned)
        audit_created(actor=actor, obj=template)
    return template


def template_update(*, actor: User, template: ProcessTemplate, data: dict[str, Any]):
    """Rename, describe, (de)activate a template; its stages live in versions."""
    _require_admin(actor)
    values = _clean_template(data, creating=False)
    with transaction.atomic():
        template = ProcessTemplate.objects.select_for_update().get(pk=template.pk)
        before = snapshot(template)
        for field, value in values.items():
            setattr(template, field, value)
        template.save()
        audit_updated(actor=actor, obj=template, before=before)
    return template


def template_version_save(
    *, actor: User, version: TemplateVersion, stages: list[dict[str, Any]], note: str = ""
) -> TemplateVersion:
    """Replace the stages of a draft version."""
    _require_admin(actor)
    cleaned = clean_stages(stages)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=version.pk)
        _require_draft(version)
        _write_stages(version, cleaned)
        version.note = (note or version.note)[:200]
        version.save(update_fields=["note"])
        audit_record(
            actor=actor,
            obj=version.template,
            action=AuditEntry.Action.UPDATE,
            changes={"stages": [None, [s["name"] for s in cleaned]]},  # as people read them
            note=_("version %(number)s edited") % {"number": version.number},
        )
    return version


def template_version_publish(*, actor: User, version: TemplateVersion) -> TemplateVersion:
    """Publish a draft: checked again as a whole; the previously published version retires
    (projects running on it keep it)."""
    _require_admin(actor)
    with transaction.atomic():
        version = (
            TemplateVersion.objects.select_for_update()
            .select_related("template")
            .get(pk=version.pk)
        )
        _require_draft(version)
        stages = list(version.stages.prefetch_related("document_types").order_by("order"))
        if not stages:
            raise ValidationError({"stages": _("A version needs at least one stage to publish.")})
        clean_stages([stage_as_data(stage) for stage in stages])
        TemplateVersion.objects.filter(
            template=version.template, status=TemplateVersion.Status.PUBLISHED
        ).update(status=TemplateVersion.Status.RETIRED)
        version.status = TemplateVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = actor
        version.save(update_fields=["status", "published_at", "published_by"])
        audit_record(
            actor=actor,
            obj=version.template,
            action=AuditEntry.Action.STATE,
            changes={"published_version": [None, version.number]},
        )
    return version


def template_version_new(*, actor: User, template: ProcessTemplate) -> TemplateVersion:
    """A new draft version, a copy of the latest version's stages."""
    _require_admin(actor)
    with transaction.atomic():
        template = ProcessTemplate.objects.select_for_update().get(pk=template.pk)
        if template.versions.filter(status=TemplateVersion.Status.DRAFT).exists():
            raise ConflictError(_("This template already has a draft version; edit that one."))
        latest = template.versions.order_by("-number").first()
        number = (template.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = TemplateVersion.objects.create(template=template, number=number, created_by=actor)
        if latest is not None:
            stages = latest.stages.prefetch_related("document_types").order_by("order")
            copied = [stage_as_data(stage) for stage in stages]
            for data in copied:
                data["document_types"] = list(
                    DocumentType.objects.filter(code__in=data["document_types"])
                )
            _write_stages(version, copied)
        audit_record(
            actor=actor,
            obj=template,
            action=AuditEntry.Action.UPDATE,
            changes={"draft_version": [None, number]},
        )
    return version


def published_version(template: ProcessTemplate) -> TemplateVersion | None:
    return template.versions.filter(status=TemplateVersion.Status.PUBLISHED).first()
