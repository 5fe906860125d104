"""Projects: create (by staff in scope, by a partner for its own partner in the classes it may
open, or from a won deal registration), update, owner change and the team."""

import datetime
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import roles
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, Region, Role, User
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot
from qudao.core.services.notifications import notify
from qudao.partners.models import Partner
from qudao.partners.validators import normalise_credit_code, validate_credit_code
from qudao.registrations.models import Registration

from ..models import (
    ProcessTemplate,
    Project,
    ProjectClass,
    ProjectMember,
    ProjectStage,
    StageTransition,
    TemplateVersion,
)
from .common import (
    CROSS_PARTNER_ROLES,
    MAX_AMOUNT,
    PARTNER_CLASSES,
    in_region,
    is_hq,
    locked,
    locked_editable,
    require_edit,
    require_editable,
    save,
    transition_record,
)
from .conflicts import project_keys_refresh
from .numbering import project_code_next

logger = logging.getLogger("qudao.projects")

# The template a won deal registration's project starts on (a template code).
WON_TEMPLATE_SETTING = "PROJECT_TEMPLATE_FOR_WON_REGISTRATION"
WON_TEMPLATE_DEFAULT = "channel"
UPDATABLE = (
    "name",
    "customer_name",
    "customer_credit_code",
    "amount",
    "expected_close_date",
    "start_date",
    "end_date",
    "tags",
    "notes",
)
# The fields the conflict-check keys are computed from (services.conflicts).
CUSTOMER_FIELDS = {"customer_name", "customer_credit_code"}
PARTNER_MEMBER_ROLES = (ProjectMember.Role.PARTNER_ENGINEER, ProjectMember.Role.PARTNER_SALES)


# --- cleaning ----------------------------------------------------------------------------------


def _text(data, field, errors, *, required=False, max_length=200) -> str:
    value = str(data.get(field) or "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("Keep it under %(max)s characters.") % {"max": max_length}
    return value


def _date(data, field, errors) -> datetime.date | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("Enter a date as YYYY-MM-DD.")
        return None


def _tags(value: Any) -> str:
    raw = value if isinstance(value, list) else str(value or "").replace("，", ",").split(",")
    tags = list(dict.fromkeys(str(tag).strip()[:30] for tag in raw if str(tag).strip()))
    return ",".join(tags)


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _clean(data: dict[str, Any], fields: tuple[str, ...] | set[str]) -> dict[str, Any]:
    """Validate the project fields present in `fields`; raise ValidationError(field → message)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "name" in fields:
        values["name"] = _text(data, "name", errors, required=True)
    if "customer_name" in fields:
        values["customer_name"] = _text(data, "customer_name", errors, required=True)
    if "customer_credit_code" in fields:
        code = normalise_credit_code(str(data.get("customer_credit_code") or ""))
        if code:
            try:
                validate_credit_code(code)
            except DjangoValidationError as error:
                errors["customer_credit_code"] = " ".join(error.messages)
        values["customer_credit_code"] = code
    if "amount" in fields:
        try:
            amount = Decimal(str(data.get("amount") if data.get("amount") is not None else "0"))
            if not amount.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["amount"] = _("Enter an amount in CNY.")
            amount = Decimal("0")
        if amount < 0 or amount > MAX_AMOUNT:
            errors["amount"] = _("The amount is 0 to 10,000,000,000 CNY.")
        values["amount"] = amount.quantize(Decimal("0.01")) if "amount" not in errors else amount
    for field in ("expected_close_date", "start_date", "end_date"):
        if field in fields:
            values[field] = _date(data, field, errors)
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = _("The end date is before the start date.")
    if "tags" in fields:
        values["tags"] = _tags(data.get("tags"))
        if len(values["tags"]) > 200:
            errors["tags"] = _("Too many tags.")
    if "notes" in fields:
        values["notes"] = _text(data, "notes", errors, max_length=5000)
    if errors:
        raise ValidationError(errors)
    return values


def _vendor_user(pk: Any, field: str) -> User:
    user = User.objects.filter(pk=_pk(pk), is_active=True, partner=None).first() if pk else None
    if user is None:
        raise ValidationError({field: _("Choose an active vendor user.")})
    return user


# --- create ------------------------------------------------------------------------------------


def _start(
    *,
    actor: User,
    version: TemplateVersion,
    values: dict[str, Any],
    region: Region,
    partner: Partner | None,
    owner: User,
    members: list[tuple[User, str]],
    registration: Registration | None = None,
) -> Project:
    """Create the project on `version` with one stage row per stage, the first one active."""
    now = timezone.now()
    definitions = list(version.stages.order_by("order"))
    if not definitions:
        raise ValidationError({"template": _("This template has no stages.")})
    project = Project.objects.create(
        code=project_code_next(region=region),
        region=region,
        partner=partner,
        owner=owner,
        template_version=version,
        source_registration=registration,
        created_by=actor,
        **values,
    )
    stages = ProjectStage.objects.bulk_create(
        ProjectStage(
            project=project,
            definition=definition,
            order=definition.order,
            status=ProjectStage.Status.ACTIVE if index == 0 else ProjectStage.Status.PENDING,
            entered_at=now if index == 0 else None,
        )
        for index, definition in enumerate(definitions)
    )
    first = ProjectStage.objects.select_related("definition").get(pk=stages[0].pk)
    project.current_stage = first
    project.stage_code = first.definition.code
    project.stage_entered_at = now
    project.save(update_fields=["current_stage", "stage_code", "stage_entered_at"])
    project_keys_refresh(project)
    seen = set()
    rows = []
    for user, role in [(owner, ProjectMember.Role.MANAGER), *members]:
        if (user.pk, role) not in seen:
            seen.add((user.pk, role))
            rows.append(ProjectMember(project=project, user=user, role=role, added_by=actor))
    ProjectMember.objects.bulk_create(rows)
    audit_created(actor=actor, obj=project)
    transition_record(project, StageTransition.Action.START, actor=actor, to_stage=first)
    if owner.pk != actor.pk:
        transaction.on_commit(
            lambda: notify(
                recipients=[owner],
                title=gettext_lazy("You own a new project: %(code)s %(name)s"),
                params={"code": project.code, "name": project.name},
            )
        )
    return project


def _template_version(template: Any) -> TemplateVersion:
    found = (
        ProcessTemplate.objects.filter(pk=_pk(template), is_active=True).first()
        if template
        else None
    )
    version = (
        found.versions.filter(status=TemplateVersion.Status.PUBLISHED).first() if found else None
    )
    if version is None:
        raise ValidationError(
            {"template": _("Choose an active template with a published version.")}
        )
    return version


def project_create(*, actor: User, data: dict[str, Any]) -> Project:
    """A new project on the published version of `data["template"]`.

    Vendor staff with a creating role may create (a regional manager only in their region, a
    channel manager only for partners they own); a partner user only for its own partner and only
    in the classes partners may open, with the partner's channel manager as owner.
    """
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("You cannot create projects."))
    fields = {"name", "customer_name", "customer_credit_code", "amount", "tags", "notes"}
    values = _clean(data, fields | {"expected_close_date", "start_date", "end_date"})
    errors: dict[str, str] = {}
    try:
        version = _template_version(data.get("template"))
    except ValidationError as error:
        errors.update(error.message_dict)
        version = None
    project_class = str(data.get("project_class") or (version and version.template.project_class))
    if project_class not in ProjectClass.values:
        errors["project_class"] = _("Choose a project class.")
    region = (
        Region.objects.filter(pk=_pk(data.get("region"))).first() if data.get("region") else None
    )
    if region is None:
        errors["region"] = _("Choose a region or office.")
    partner = None
    if actor.is_partner_user:
        partner = actor.partner
        if project_class not in PARTNER_CLASSES:
            raise PermissionDenied(_("Partners can open channel and presales projects only."))
    elif data.get("partner"):
        partner = Partner.objects.filter(pk=_pk(data["partner"])).first()
        if partner is None:
            errors["partner"] = _("Choose a partner.")
    if errors:
        raise ValidationError(errors)
    members: list[tuple[User, str]] = []
    if actor.is_partner_user:
        owner = partner.owner
        role = (
            ProjectMember.Role.PARTNER_SALES
            if actor.has_role(Role.Code.PARTNER_SALES)
            else ProjectMember.Role.PARTNER_ENGINEER
        )
        members.append((actor, role))
    else:
        if not (actor.is_superuser or actor.has_role(*roles.PROJECT_CREATORS)):
            raise PermissionDenied(_("You cannot create projects."))
        if not is_hq(actor):
            broad = actor.has_role(*CROSS_PARTNER_ROLES)
            if (
                actor.has_role(Role.Code.REGIONAL_MANAGER)
                and not broad
                and not in_region(actor, region.pk)
                and not (partner and partner.owner_id == actor.pk)
            ):
                raise PermissionDenied(_("You can create projects in your own region only."))
            if (
                partner
                and actor.has_role(Role.Code.CHANNEL_MANAGER)
                and not broad
                and not actor.has_role(Role.Code.REGIONAL_MANAGER)
                and partner.owner_id != actor.pk
            ):
                raise PermissionDenied(_("You can create projects for your own partners only."))
        owner = _vendor_user(data.get("owner"), "owner") if data.get("owner") else actor
        if owner.pk != actor.pk and not is_hq(actor):
            members.append((actor, ProjectMember.Role.MEMBER))
    values["project_class"] = project_class
    with transaction.atomic():
        return _start(
            actor=actor,
            version=version,
            values=values,
            region=region,
            partner=partner,
            owner=owner,
            members=members,
        )


def project_create_from_registration(*, actor: User, registration: Registration) -> Project | None:
    """The project of a won deal registration: customer, amount, partner, region and products
    are copied; the partner's channel manager owns it. Runs inside the closing transaction, so
    the registration is won only together with its project. Idempotent."""
    existing = Project.objects.filter(source_registration=registration).first()
    if existing is not None:
        return existing
    code = getattr(settings, WON_TEMPLATE_SETTING, WON_TEMPLATE_DEFAULT)
    version = TemplateVersion.objects.filter(
        template__code=code, template__is_active=True, status=TemplateVersion.Status.PUBLISHED
    ).first()
    if version is None:
        logger.warning(
            "No published template %r: won registration %s has no project",
            code,
            registration.number,
        )
        return None
    products = [
        f"{line.product_line.name} × {line.quantity}"
        + (f" ({line.description})" if line.description else "")
        for line in registration.products.select_related("product_line")
    ]
    notes = [_("From deal registration %(number)s.") % {"number": registration.number}]
    if products:
        notes.append(_("Products: %(products)s") % {"products": "; ".join(products)})
    if registration.competitors:
        notes.append(_("Competitors: %(names)s") % {"names": registration.competitors})
    values = {
        "name": registration.project_name,
        "project_class": version.template.project_class,
        "customer_name": registration.customer_name,
        "customer_credit_code": registration.customer_credit_code,
        "amount": registration.estimated_amount,
        "expected_close_date": registration.expected_close_date,
        "notes": "\n".join(notes),
    }
    members = []
    creator = registration.created_by
    if creator.is_active and creator.partner_id == registration.partner_id:
        members.append((creator, ProjectMember.Role.PARTNER_SALES))
    with transaction.atomic():
        return _start(
            actor=actor,
            version=version,
            values=values,
            region=registration.customer_region,
            partner=registration.partner,
            owner=registration.partner.owner,
            members=members,
            registration=registration,
        )


def on_registration_won(registration: Registration, actor: User) -> None:
    """The registrations app's `on_won` hook (connected in ProjectsConfig.ready)."""
    project_create_from_registration(actor=actor, registration=registration)


# --- change ------------------------------------------------------------------------------------


def project_update(
    *, actor: User, project: Project, data: dict[str, Any], version: int | None = None
) -> Project:
    """Change the fields present in `data` (see UPDATABLE); not once the project is closed."""
    require_edit(actor, project)
    values = _clean(data, {field for field in UPDATABLE if field in data})
    with transaction.atomic():
        project = locked_editable(project, version)
        before = snapshot(project)
        for field, value in values.items():
            setattr(project, field, value)
        save(project, list(values))
        if CUSTOMER_FIELDS & set(values):
            project_keys_refresh(project)
        audit_updated(actor=actor, obj=project, before=before)
    return project


def project_can_create(user: User) -> bool:
    """Whether to offer "New project": partner users (for their own partner) and vendor staff
    with a creating role; project_create decides the details (region, partner, class)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_partner_user or user.is_superuser or user.has_role(*roles.PROJECT_CREATORS)


def project_can_change_owner(user: User, project: Project) -> bool:
    """May `user` hand `project` to another owner: HQ, or the regional manager of the project's
    region (a superuser may)? Whether the project is still open is the caller's other check."""
    if user.is_superuser:
        return True
    return (
        user.is_active
        and not user.is_partner_user
        and user.has_role(*roles.ORG_MANAGERS)
        and (is_hq(user) or in_region(user, project.region_id))
    )


def project_owner_change(
    *, actor: User, project: Project, owner: Any, reason: str, version: int | None = None
) -> Project:
    """Hand the project to another vendor user: admins, directors, or the regional manager of
    its region. Recorded in the audit trail; the old and the new owner are notified."""
    if not project_can_change_owner(actor, project):
        raise PermissionDenied(_("You are not allowed to change the owner of this project."))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason for the change.")
    new_owner = None
    try:
        new_owner = _vendor_user(owner, "owner")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if new_owner is not None and new_owner.pk == project.owner_id:
        errors["owner"] = _("This user already owns the project.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = locked_editable(project, version)
        old_owner = project.owner
        project.owner = new_owner
        save(project, ["owner"])
        ProjectMember.objects.get_or_create(
            project=project,
            user=new_owner,
            role=ProjectMember.Role.MANAGER,
            defaults={"added_by": actor},
        )
        audit_record(
            actor=actor,
            obj=project,
            action=AuditEntry.Action.UPDATE,
            changes={"owner": [old_owner.pk, new_owner.pk]},  # ids: shown as their names
            note=reason[:200],
        )
        transaction.on_commit(
            lambda: notify(
                recipients=[old_owner, new_owner],
                title=gettext_lazy("Project owner changed: %(code)s %(name)s"),
                body=gettext_lazy("%(old)s → %(new)s. Reason: %(reason)s"),
                params={
                    "code": project.code,
                    "name": project.name,
                    "old": str(old_owner),
                    "new": str(new_owner),
                    "reason": reason,
                },
            )
        )
    return project


def project_member_add(*, actor: User, project: Project, user: Any, role: str) -> ProjectMember:
    """Add a person to the team. Partner users join only their own partner's projects, in a
    partner role; partner users may add only their own colleagues."""
    require_edit(actor, project)
    require_editable(project)
    member_user = User.objects.filter(pk=_pk(user), is_active=True).first() if user else None
    errors = {}
    if member_user is None:
        errors["user"] = _("Choose an active user.")
    if role not in ProjectMember.Role.values:
        errors["role"] = _("Choose a project role.")
    if not errors:
        if member_user.is_partner_user:
            if member_user.partner_id != project.partner_id:
                errors["user"] = _("Only users of the project's partner can join it.")
            elif role not in PARTNER_MEMBER_ROLES:
                errors["role"] = _("Partner users join as partner engineer or partner sales.")
        elif actor.is_partner_user:
            errors["user"] = _("You can add your own colleagues only.")
        elif role in PARTNER_MEMBER_ROLES:
            errors["role"] = _("This role is for partner users.")
    if (
        not errors
        and ProjectMember.objects.filter(project=project, user=member_user, role=role).exists()
    ):
        errors["user"] = _("This person already has this role in the team.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = locked(project)
        member = ProjectMember.objects.create(
            project=project, user=member_user, role=role, added_by=actor
        )
        save(project, [])
        audit_record(
            actor=actor,
            obj=project,
            action=AuditEntry.Action.UPDATE,
            changes={"members": [None, str(member)]},
        )
        transaction.on_commit(
            lambda: notify(
                recipients=[member_user],
                title=gettext_lazy("You joined project %(code)s %(name)s as %(role)s"),
                params={
                    "code": project.code,
                    "name": project.name,
                    "role": member.get_role_display(),
                },
            )
        )
    return member


def project_member_remove(*, actor: User, project: Project, member: ProjectMember) -> None:
    require_edit(actor, project)
    require_editable(project)
    if member.project_id != project.pk:
        raise ValidationError({"member": _("This person is not on this project's team.")})
    if member.user_id == project.owner_id and member.role == ProjectMember.Role.MANAGER:
        raise ValidationError({"member": _("The owner stays on the team; change the owner first.")})
    if actor.is_partner_user and member.user.partner_id != actor.partner_id:
        raise PermissionDenied(_("You can remove your own colleagues only."))
    with transaction.atomic():
        project = locked(project)
        label = str(member)
        member.delete()
        save(project, [])
        audit_record(
            actor=actor,
            obj=project,
            action=AuditEntry.Action.UPDATE,
            changes={"members": [label, None]},
        )
