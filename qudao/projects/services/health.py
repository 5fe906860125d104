"""Project health and alerts: which running projects need attention, and why.

Four conditions, each identified by a code and a subject (see models.health):
- milestone_overdue: an open milestone past its due date (subject: the milestone);
- stage_overdue: the current stage has run longer than its target duration (subject: the stage);
- documents_missing: the current stage still misses required documents after a grace period of
  PROJECT_DOCUMENTS_GRACE_DAYS (default 7) in it (subject: the stage);
- stale: no weekly report and no stage transition for PROJECT_STALE_DAYS (default 14) days
  (subject: the date of the last update).
No condition: on track. One mild condition: at risk. Two kinds of condition, or a severe one (a
milestone more than 14 days late, a stage over twice its target, silent for twice the limit):
critical.

Computed in bulk: projects are read in chunks of CHUNK by primary key, and each chunk costs a
fixed number of queries (milestones, stages, required and present documents, last weekly report,
last transition, alerts, the writes), whatever the chunk holds. Notifications go out only for
conditions never alerted before (ProjectAlert), to the owner and the project's monitors.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.models import User
from qudao.core.services.notifications import notify

from ..models import (
    Project,
    ProjectAlert,
    ProjectDocument,
    ProjectMember,
    ProjectStage,
    StageDefinition,
    StageTransition,
    WeeklyReport,
    WorkItem,
)

Code = ProjectAlert.Code
CHECKED = (Project.Status.ACTIVE, Project.Status.WON)  # the projects still being worked on
CHUNK = 500
LATE_DAYS = 14  # a milestone later than this is severe
FINISHED_STAGE = (ProjectStage.Status.DONE, ProjectStage.Status.SKIPPED)


def stale_days() -> int:
    return int(getattr(settings, "PROJECT_STALE_DAYS", 14))


def documents_grace_days() -> int:
    return int(getattr(settings, "PROJECT_DOCUMENTS_GRACE_DAYS", 7))


@dataclass
class Condition:
    code: str
    subject: str
    params: dict[str, Any] = field(default_factory=dict)
    severe: bool = False

    def as_reason(self) -> dict[str, Any]:
        return {"code": self.code, "subject": self.subject, "severe": self.severe, **self.params}


def reason_text(reason: dict[str, Any]) -> str:
    """A reason stored in Project.health_reasons, as a sentence in the current language."""
    code = reason.get("code")
    if code == Code.MILESTONE_OVERDUE:
        return _("Milestone %(name)s is %(days)s days overdue (due %(due)s).") % reason
    if code == Code.STAGE_OVERDUE:
        return _("Stage %(stage)s has run %(days)s days over its %(target)s-day target.") % reason
    if code == Code.DOCUMENTS_MISSING:
        return _("Stage %(stage)s still misses: %(names)s.") % reason
    if code == Code.STALE:
        return _("No weekly report or stage change for %(days)s days.") % reason
    return str(code)


def _conditions(projects: list[Project], now: datetime.datetime) -> dict[int, list[Condition]]:
    """The conditions of each project in `projects`, in a fixed number of queries."""
    today = timezone.localdate(now)
    ids = [p.pk for p in projects]
    found: dict[int, list[Condition]] = defaultdict(list)

    milestones = WorkItem.objects.filter(
        project_id__in=ids,
        kind=WorkItem.Kind.MILESTONE,
        status__in=WorkItem.OPEN,
        due_date__lt=today,
    ).values_list("project_id", "pk", "name", "due_date")
    for project_id, pk, name, due in milestones:
        days = (today - due).days
        found[project_id].append(
            Condition(
                Code.MILESTONE_OVERDUE,
                str(pk),
                {"name": name, "days": days, "due": due.isoformat()},
                severe=days > LATE_DAYS,
            )
        )

    stages = {
        row[0]: row
        for row in ProjectStage.objects.filter(
            pk__in=[p.current_stage_id for p in projects if p.current_stage_id]
        ).values_list(
            "pk",
            "project_id",
            "status",
            "entered_at",
            "definition_id",
            "definition__target_days",
            "definition__name",
        )
    }
    required: dict[int, list[tuple[int, str]]] = defaultdict(list)
    through = StageDefinition.document_types.through
    for definition_id, type_id, type_name in through.objects.filter(
        stagedefinition_id__in={row[4] for row in stages.values()}
    ).values_list("stagedefinition_id", "documenttype_id", "documenttype__name"):
        required[definition_id].append((type_id, type_name))
    present = set(
        ProjectDocument.objects.filter(stage_id__in=list(stages))
        .values_list("stage_id", "document_type_id")
        .distinct()
    )
    grace = documents_grace_days()
    for stage_pk, project_id, status, entered_at, definition_id, target, name in stages.values():
        if status in FINISHED_STAGE or entered_at is None:
            continue
        days_in = (now - entered_at).days
        if days_in > target:
            over = days_in - target
            found[project_id].append(
                Condition(
                    Code.STAGE_OVERDUE,
                    str(stage_pk),
                    {"stage": name, "days": over, "target": target},
                    severe=over >= target,
                )
            )
        missing = [n for t, n in required[definition_id] if (stage_pk, t) not in present]
        if missing and days_in > grace:
            found[project_id].append(
                Condition(
                    Code.DOCUMENTS_MISSING,
                    str(stage_pk),
                    {"stage": name, "names": "、".join(missing)},
                )
            )

    last: dict[int, datetime.datetime] = {p.pk: p.created_at for p in projects}
    for model in (WeeklyReport, StageTransition):
        for project_id, when in (
            model.objects.filter(project_id__in=ids)
            .values("project_id")
            .annotate(last=Max("created_at"))
            .values_list("project_id", "last")
        ):
            if when and when > last[project_id]:
                last[project_id] = when
    limit = stale_days()
    for project_id, when in last.items():
        days = (now - when).days
        if days > limit:
            found[project_id].append(
                Condition(
                    Code.STALE,
                    timezone.localdate(when).isoformat(),
                    {"days": days},
                    severe=days > 2 * limit,
                )
            )
    return found


def health_of(conditions: list[Condition]) -> str:
    if not conditions:
        return Project.Health.GOOD
    if any(c.severe for c in conditions) or len({c.code for c in conditions}) > 1:
        return Project.Health.CRITICAL
    return Project.Health.WARNING


def _check_chunk(projects: list[Project], now: datetime.datetime, counts: dict[str, int]) -> None:
    conditions = _conditions(projects, now)
    changed = []
    for project in projects:
        current = conditions.get(project.pk, [])
        health = health_of(current)
        reasons = [c.as_reason() for c in current]
        if project.health != health or project.health_reasons != reasons:
            project.health, project.health_reasons = health, reasons
            changed.append(project)
        counts[health] += 1
    ids = [p.pk for p in projects]
    with transaction.atomic():
        if changed:
            # Not through services.common.save: health is derived, not a user's change, so it
            # neither bumps the optimistic version nor touches updated_at.
            Project.objects.bulk_update(changed, ["health", "health_reasons"])
        Project.objects.filter(pk__in=ids).update(health_checked_at=now)
        alerted = {
            (project_id, code, subject): (pk, cleared_at)
            for pk, project_id, code, subject, cleared_at in ProjectAlert.objects.filter(
                project_id__in=ids
            ).values_list("pk", "project_id", "code", "subject", "cleared_at")
        }
        holding = {
            (project_id, c.code, c.subject): c
            for project_id, items in conditions.items()
            for c in items
        }
        cleared = [pk for key, (pk, when) in alerted.items() if when is None and key not in holding]
        if cleared:
            ProjectAlert.objects.filter(pk__in=cleared).update(cleared_at=now)
        new = {key: c for key, c in holding.items() if key not in alerted}
        if not new:
            return
        ProjectAlert.objects.bulk_create(
            [ProjectAlert(project_id=p, code=code, subject=subject) for p, code, subject in new],
            ignore_conflicts=True,
        )
        counts["alerts"] += len(new)
        by_project: dict[int, list[Condition]] = defaultdict(list)
        for (project_id, _code, _subject), condition in new.items():
            by_project[project_id].append(condition)
        transaction.on_commit(lambda: _notify(projects, by_project))


def _notify(projects: list[Project], by_project: dict[int, list[Condition]]) -> None:
    """One notification per project with new alerts, to its owner and its monitors."""
    monitors: dict[int, set[int]] = defaultdict(set)
    for project_id, user_id in ProjectMember.objects.filter(
        project_id__in=list(by_project), role=ProjectMember.Role.MONITOR
    ).values_list("project_id", "user_id"):
        monitors[project_id].add(user_id)
    named = {p.pk: p for p in projects if p.pk in by_project}
    wanted = {p.owner_id for p in named.values()} | {u for s in monitors.values() for u in s}
    users = User.objects.select_related("department").in_bulk(wanted)
    for project_id, items in by_project.items():
        project = named[project_id]
        recipients = [users[u] for u in {project.owner_id, *monitors[project_id]} if u in users]
        notify(
            recipients=recipients,
            title=gettext_lazy("Project needs attention: %(code)s %(name)s"),
            body=gettext_lazy("%(reasons)s"),
            params={
                "code": project.code,
                "name": project.name,
                "reasons": _Reasons([c.as_reason() for c in items]),
            },
        )


class _Reasons:
    """Renders the reasons in the language notify() switches to for each recipient."""

    def __init__(self, reasons: list[dict[str, Any]]):
        self.reasons = reasons

    def __str__(self) -> str:
        return " ".join(reason_text(reason) for reason in self.reasons)


def projects_health_check(
    *, project_ids: list[int] | None = None, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Compute the health of every running project (or of `project_ids`), store it with its
    reasons, and alert new conditions once. Returns counts per health and of new alerts."""
    now = now or timezone.now()
    counts: dict[str, int] = defaultdict(int)
    rows = Project.objects.filter(status__in=CHECKED).only(
        "pk",
        "code",
        "name",
        "owner_id",
        "current_stage_id",
        "created_at",
        "health",
        "health_reasons",
    )
    if project_ids is not None:
        rows = rows.filter(pk__in=project_ids)
    last_pk = 0
    while True:
        chunk = list(rows.filter(pk__gt=last_pk).order_by("pk")[:CHUNK])
        if not chunk:
            break
        _check_chunk(chunk, now, counts)
        last_pk = chunk[-1].pk
    return {key: counts[key] for key in (*Project.Health.values, "alerts")}


def project_health_refresh(*, project: Project) -> Project:
    """Check one project now (e.g. right after its plan changed)."""
    projects_health_check(project_ids=[project.pk])
    return Project.objects.get(pk=project.pk)
