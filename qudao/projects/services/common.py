"""What every project use case shares: who may change a project, locking with the optimistic
version check, saving with a version bump, and recording a stage transition."""

from django.db.models import Model
from django.utils.translation import gettext as _

from qudao.core.errors import ConflictError, PermissionDenied
from qudao.core.models import AuditEntry, Role, User
from qudao.core.scopes import sees_everything, user_region_ids
from qudao.core.services.audit import audit_record

from ..models import Project, ProjectClass, ProjectMember, ProjectStage, StageTransition

GATE = "project_stage_gate"  # the approval kind of a stage gate
MAX_AMOUNT = 10_000_000_000  # 100亿: anything larger is a typing mistake
# Vendor roles that may create projects (a regional manager only in their region).
CREATOR_ROLES = (
    Role.Code.ADMIN,
    Role.Code.DIRECTOR,
    Role.Code.REGIONAL_MANAGER,
    Role.Code.CHANNEL_MANAGER,
    Role.Code.PROJECT_MANAGER,
    Role.Code.PRESALES,
    Role.Code.ACCOUNT_MANAGER,
)
# Roles that may hand a project to another owner (a regional manager only in their region).
OWNER_CHANGERS = (Role.Code.ADMIN, Role.Code.DIRECTOR, Role.Code.REGIONAL_MANAGER)
# Classes a partner may open itself; company-level, bid and delivery projects are the vendor's.
PARTNER_CLASSES = (ProjectClass.CHANNEL, ProjectClass.PRESALES)
# States in which the project's stages may move.
MOVING = (Project.Status.ACTIVE, Project.Status.WON)


def is_hq(user: User) -> bool:
    return user.is_superuser or (
        not user.is_partner_user and user.has_role(Role.Code.ADMIN, Role.Code.DIRECTOR)
    )


def in_region(user: User, region_id: int) -> bool:
    return (
        not user.is_partner_user
        and user.has_role(Role.Code.REGIONAL_MANAGER)
        and bool(user.region_id)
        and region_id in user_region_ids(user)
    )


def can_edit(user: User, project: Project) -> bool:
    """May `user` change `project` (data, stages, documents, team)? Monitors only watch."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_partner_user:
        return project.partner_id is not None and project.partner_id == user.partner_id
    if is_hq(user) or project.owner_id == user.pk:
        return True
    if project.partner_id and project.partner.owner_id == user.pk:
        return user.has_role(Role.Code.CHANNEL_MANAGER)
    if in_region(user, project.region_id):
        return True
    return (
        ProjectMember.objects.filter(project=project, user=user)
        .exclude(role__in=ProjectMember.WATCHERS)
        .exists()
    )


def require_edit(user: User, project: Project) -> None:
    if not can_edit(user, project):
        raise PermissionDenied(_("You cannot change this project."))


def require_editable(project: Project) -> None:
    if not project.is_editable:
        raise ConflictError(
            _("This project is %(status)s; it can no longer be changed.")
            % {"status": project.get_status_display()}
        )


def require_moving(project: Project) -> None:
    if project.status not in MOVING:
        raise ConflictError(
            _("This project is %(status)s; its stages cannot move.")
            % {"status": project.get_status_display()}
        )


def locked(project: Project, version: int | None = None) -> Project:
    """The project row locked for update; ConflictError when `version` is stale."""
    row = (
        Project.objects.select_for_update(of=("self",))
        .select_related("partner", "region", "owner")
        .get(pk=project.pk)
    )
    if version is not None and row.version != version:
        raise ConflictError(
            _("Someone else changed this project meanwhile; reload it and try again.")
        )
    return row


def save(project: Project, fields: list[str]) -> None:
    """Save `fields` of a locked project and bump its version."""
    project.version += 1
    project.save(update_fields=[*fields, "version", "updated_at"])


def transition_record(
    project: Project,
    action: str,
    *,
    actor: User | None,
    from_stage: ProjectStage | None = None,
    to_stage: ProjectStage | None = None,
    comment: str = "",
) -> StageTransition:
    """One transition row and the state-change audit entry of the project."""
    row = StageTransition.objects.create(
        project=project,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        comment=comment,
    )
    audit_record(
        actor=actor,
        obj=project,
        action=AuditEntry.Action.STATE,
        changes={
            "stage": [
                from_stage.definition.code if from_stage else None,
                to_stage.definition.code if to_stage else None,
            ]
        },
        note=f"{StageTransition.Action(action).label}: {comment}"[:200],
    )
    return row


def can_watch_everything(user: User) -> bool:
    return sees_everything(user)


def model_label(obj: Model) -> str:
    return str(obj._meta.verbose_name)
