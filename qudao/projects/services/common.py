"""What every project use case shares: who may change a project, locking with the optimistic
version check, saving with a version bump, recording a stage transition, and the lock and the
assignment notice of a write to one of the project's items (plan, risks, meetings…)."""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import roles
from qudao.core.errors import ConflictError, PermissionDenied
from qudao.core.models import AuditEntry, Role, User
from qudao.core.scopes import user_region_ids
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot
from qudao.core.services.notifications import notify

from ..models import Project, ProjectClass, ProjectMember, ProjectStage, StageTransition

GATE = "project_stage_gate"  # the approval kind of a stage gate
MAX_AMOUNT = 10_000_000_000  # 100亿: anything larger is a typing mistake
# Vendor roles that work on projects across partners and regions (a project may be opened for
# any active partner, not only those in the user's scope).
CROSS_PARTNER_ROLES = frozenset(
    {roles.Code.PROJECT_MANAGER, roles.Code.PRESALES, roles.Code.ACCOUNT_MANAGER}
)
# Classes a partner may open itself; company-level, bid and delivery projects are the vendor's.
PARTNER_CLASSES = (ProjectClass.CHANNEL, ProjectClass.PRESALES)
# States in which the project's stages may move.
MOVING = (Project.Status.ACTIVE, Project.Status.WON)


def is_hq(user: User) -> bool:
    """The company's leaders (admin, director) or a superuser: no region or partner limit."""
    return user.is_superuser or (not user.is_partner_user and user.has_role(*roles.LEADERS))


def in_region(user: User, region_id: int) -> bool:
    return (
        not user.is_partner_user
        and user.has_role(Role.Code.REGIONAL_MANAGER)
        and bool(user.region_id)
        and region_id in user_region_ids(user)
    )


def project_can_edit(user: User, project: Project) -> bool:
    """Is `user` one of those who change `project` (data, stages, documents, team, plan)?
    Monitors only watch. Whether the project's state still allows changes is
    project_can_change."""
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


def project_can_change(user: User, project: Project) -> bool:
    """May `user` change `project` now: one of its editors, in a state that allows changes?"""
    return project.is_editable and project_can_edit(user, project)


def require_edit(user: User, project: Project) -> None:
    if not project_can_edit(user, project):
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


def locked_editable(project: Project, version: int | None = None) -> Project:
    """The project row locked (`version` checked) in a state that allows changes."""
    row = locked(project, version)
    require_editable(row)
    return row


def locked_moving(project: Project, version: int | None = None) -> Project:
    """The project row locked (`version` checked) in a state in which its stages move."""
    row = locked(project, version)
    require_moving(row)
    return row


def save(project: Project, fields: list[str]) -> None:
    """Save `fields` of a locked project and bump its version."""
    project.version += 1
    project.save(update_fields=[*fields, "version", "updated_at"])


# Transitions whose audit entry would repeat another: the project's creation entry already
# holds its first stage (START), and the move off the last stage already records it (FINISH).
_NOT_AUDITED = (StageTransition.Action.START, StageTransition.Action.FINISH)


def transition_record(
    project: Project,
    action: str,
    *,
    actor: User | None,
    from_stage: ProjectStage | None = None,
    to_stage: ProjectStage | None = None,
    comment: str = "",
) -> StageTransition:
    """One transition row, and the project's state-change audit entry: a move records its
    current stage before and after (as ids, shown as the stages' names), once per move; a
    gate submitted, rejected or returned leaves the stage where it is and records no stage
    change."""
    row = StageTransition.objects.create(
        project=project,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        comment=comment,
    )
    if action in _NOT_AUDITED:
        return row
    before = from_stage.pk if from_stage else None
    after = to_stage.pk if to_stage else None
    label = str(StageTransition.Action(action).label)
    audit_record(
        actor=actor,
        obj=project,
        action=AuditEntry.Action.STATE,
        changes={"current_stage": [before, after]} if before != after else {},
        note=f"{label}: {comment}" if comment else label,
    )
    return row


def model_label(obj: Model) -> str:
    return str(obj._meta.verbose_name)


def project_lock_for_item(actor: User, project: Project) -> Project:
    """Lock the project for a write of one of its items (a task, a risk, a meeting…), so that an
    item never lands on a project being closed at the same moment; refuse a closed or lost
    project."""
    require_edit(actor, project)
    return locked_editable(project)


def assignee_notify(actor: User, owner: User | None, before_owner_id: int | None, what, project):
    """Tell a new owner (not the actor) that something of `project` is now theirs, once the
    write commits."""
    if owner is None or owner.pk == actor.pk or owner.pk == before_owner_id:
        return
    transaction.on_commit(
        lambda: notify(
            recipients=[owner],
            title=gettext_lazy("Assigned to you in %(code)s: %(what)s"),
            params={"code": project.code, "what": str(what)},
        )
    )


# The items of a project (tasks, risks, issues, meetings, action items) are written by everyone
# who may change the project (project_can_edit: the team except monitors, the owner, the
# partner's users, managers in scope); their owners are chosen from the team. The project row is
# locked while an item is written (project_lock_for_item), so an item never lands on a project
# that is being closed at the same moment, and a closed or lost project refuses every change.


def item_add(actor: User, project: Project, item, check: Callable[[Project], None] | None = None):
    """Save a new item of `project` (a task, a risk, an issue) built and checked by the caller:
    the project locked (project_lock_for_item) and, once locked, `check(project)` (a limit
    that only holds under the lock); then the audit entry, and the owner told."""
    with transaction.atomic():
        project = project_lock_for_item(actor, project)
        if check is not None:
            check(project)
        item.project = project
        item.save()
        audit_created(actor=actor, obj=item, note=project.code)
        assignee_notify(actor, item.owner, None, item, project)
    return item


def item_change(actor: User, item, change: Callable[[Model], None], *, owned: bool = True):
    """Write a change to an item of a project (a task, a risk, a meeting…): the project locked
    (project_lock_for_item), the item's row locked and read again, `change(item)` applied and
    saved, the audit entry of what changed, and a new owner told (`owned` items)."""
    with transaction.atomic():
        project = project_lock_for_item(actor, item.project)
        item = type(item).objects.select_for_update().get(pk=item.pk)
        before, owner_before = snapshot(item), getattr(item, "owner_id", None)
        change(item)
        item.save()
        audit_updated(actor=actor, obj=item, before=before, note=project.code)
        if owned:
            assignee_notify(actor, item.owner, owner_before, item, project)
    return item
