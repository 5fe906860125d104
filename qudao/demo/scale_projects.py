"""Bulk projects for benchmarks: `seed_projects(count)` adds `count` projects with their stage
rows and their owner as team member, spread over the published template versions, their
stages, the regions, the partners and the vendor owners, with amounts from 50,000 to 50 million
CNY (many small, few large).

Why not the services: `project_create` writes a code, an audit entry, a transition, a member and
a notification per project; a million of them would take hours. Here the projects go in with
`executemany` in batches, and the stage rows, the current stage and the members are derived
inside the database from the projects just written (INSERT … SELECT, UPDATE … FROM), so that
they are consistent by construction: one stage row per stage definition of the project's
template version, the stages before the current one done, the current one active (done for won
and closed projects, which sit in their last stage), the later ones pending, and `stage_code`
equal to the current stage's code. No audit entries, transitions or notifications are written.

Codes are `XM-S0000001` …, outside the `XM-<year>-…` series of the numbering service.
"""

import datetime
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from qudao.core.models import Region, Role, User
from qudao.partners.models import Partner
from qudao.projects.models import Project, ProjectMember, ProjectStage, TemplateVersion

from .scale_registrations import COMPETITORS, PROJECTS, customer

CODE_PREFIX = "XM-S"
BATCH = 10_000
SEED = 20261124
DIRECT_SHARE = 0.25  # projects the vendor runs without a partner
# The built-in templates' share of the projects (others: 5 each).
TEMPLATE_WEIGHTS = {
    "presales_standard": 35,
    "channel": 20,
    "security_presales": 10,
    "company": 10,
    "bid": 10,
    "delivery": 10,
    "service": 5,
}
STATUS_WEIGHTS = {
    Project.Status.ACTIVE: 72,
    Project.Status.SUSPENDED: 4,
    Project.Status.WON: 12,
    Project.Status.LOST: 8,
    Project.Status.CLOSED: 4,
}
HEALTH_WEIGHTS = {
    Project.Health.GOOD: 80,
    Project.Health.WARNING: 15,
    Project.Health.CRITICAL: 5,
}
TAGS = ["", "", "", "重点", "战略客户", "信创", "续约", "重点,信创"]
# Won and closed projects have passed every gate: they sit, done, in their last stage.
FINISHED = (Project.Status.WON, Project.Status.CLOSED)


def _versions() -> list[dict]:
    versions = []
    for version in (
        TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED)
        .select_related("template")
        .order_by("template__pk")
    ):
        codes = list(version.stages.order_by("order").values_list("code", flat=True))
        if codes:
            versions.append(
                {
                    "id": version.pk,
                    "project_class": version.template.project_class,
                    "codes": codes,
                    "weight": TEMPLATE_WEIGHTS.get(version.template.code, 5),
                    # Early stages hold more projects than late ones (a funnel).
                    "stage_weights": [1 / (i + 2) for i in range(len(codes))],
                }
            )
    return versions


def _amount(rng: random.Random) -> Decimal:
    """Log-uniform from 50,000 to 50,000,000, rounded to a thousand."""
    value = 50_000 * 1000 ** rng.random()
    return Decimal(int(value // 1000) * 1000)


def _columns() -> list:
    return [field for field in Project._meta.concrete_fields if not field.primary_key]


def seed_projects(count: int, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Add `count` projects (with stage and member rows); returns the rows added per table."""
    if count <= 0:
        return {"projects": 0}
    rng = random.Random(SEED + Project.objects.count())
    versions = _versions()
    if not versions:
        raise RuntimeError("No published process template: migrate first.")
    offices = list(Region.objects.filter(kind=Region.Kind.OFFICE).values_list("pk", flat=True))
    partners = list(Partner.objects.values_list("pk", "region_id", "owner_id"))
    owners = list(
        User.objects.filter(
            is_active=True,
            partner__isnull=True,
            roles__code__in=[Role.Code.CHANNEL_MANAGER, Role.Code.PROJECT_MANAGER],
        )
        .distinct()
        .values_list("pk", flat=True)
    ) or list(
        User.objects.filter(is_active=True, partner__isnull=True).values_list("pk", flat=True)
    )
    if not (offices and owners):
        raise RuntimeError("Seed the demo first (regions and vendor users).")
    ops = connection.ops
    fields = _columns()
    names = [field.column for field in fields]
    defaults = {
        field.name: field.get_db_prep_save(field.get_default(), connection) for field in fields
    }
    sql = (
        f"INSERT INTO {Project._meta.db_table} "
        f"({', '.join(ops.quote_name(name) for name in names)}) "
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    version_weights = [v["weight"] for v in versions]
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    healths, health_weights = list(HEALTH_WEIGHTS), list(HEALTH_WEIGHTS.values())
    now = timezone.now()
    start_number = Project.objects.filter(code__startswith=CODE_PREFIX).count()
    first_id = Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    dt, day = ops.adapt_datetimefield_value, ops.adapt_datefield_value

    def money(value: Decimal):
        return ops.adapt_decimalfield_value(value, 14, 2)

    def row(n: int) -> list:
        version = rng.choices(versions, version_weights)[0]
        status = rng.choices(statuses, status_weights)[0]
        codes = version["codes"]
        if status in FINISHED:
            stage_code = codes[-1]
        else:
            stage_code = rng.choices(codes, version["stage_weights"])[0]
        if partners and rng.random() >= DIRECT_SHARE:
            partner, region, owner = rng.choice(partners)
            owner = owner or rng.choice(owners)
        else:
            partner, region, owner = None, rng.choice(offices), rng.choice(owners)
        created = now - datetime.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        entered = created + (now - created) * rng.random() * 0.5
        buyer = customer(rng.randrange(400_000))
        close = (created + datetime.timedelta(days=rng.randrange(30, 365))).date()
        values = dict(defaults)
        values.update(
            code=f"{CODE_PREFIX}{start_number + n + 1:07d}",
            name=f"{buyer.brand}{rng.choice(PROJECTS)}",
            project_class=version["project_class"],
            customer_name=buyer.name,
            customer_credit_code=buyer.credit_code if rng.random() < 0.35 else "",
            region=region,
            partner=partner,
            amount=money(_amount(rng)),
            expected_close_date=day(close),
            start_date=day(created.date()),
            owner=owner,
            status=status,
            tags=rng.choice(TAGS),
            won_at=dt(entered) if status in FINISHED else None,
            closed_at=dt(entered)
            if status in (Project.Status.LOST, Project.Status.CLOSED)
            else None,
            competitor=rng.choice(COMPETITORS) if status == Project.Status.LOST else "",
            outcome_reason="价格因素" if status == Project.Status.LOST else "",
            health=rng.choices(healths, health_weights)[0],
            template_version=version["id"],
            stage_code=stage_code,
            stage_entered_at=dt(entered),
            created_by=owner,
            created_at=dt(created),
            updated_at=dt(entered),
        )
        return [values[field.name] for field in fields]

    with transaction.atomic(), connection.cursor() as cursor:
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            cursor.executemany(sql, [row(done + i) for i in range(size)])
            done += size
            if done % 100_000 == 0 or done == count:
                progress(f"projects: {done}")
        stages = _stage_rows(cursor, first_id)
        progress(f"project stages: {stages}")
        _current_stages(cursor, first_id)
        members = _members(cursor, first_id)
        progress(f"project members: {members}")
    return {"projects": count, "project_stages": stages, "project_members": members}


def _stage_rows(cursor, first_id: int) -> int:
    """One row per stage definition of each new project's version, by the current stage's
    order: before it done, it active (done when the project is won or closed), after pending."""
    q = connection.ops.quote_name
    finished = ", ".join(f"'{status}'" for status in FINISHED)
    order = q("order")
    done_now = f"(d.{order} < c.{order} OR (d.{order} = c.{order} AND p.status IN ({finished})))"
    cursor.execute(
        f"""
        INSERT INTO {ProjectStage._meta.db_table}
            (project_id, definition_id, {q("order")}, status, entered_at, completed_at,
             checklist_done, draft, return_reason)
        SELECT p.id, d.id, d.{q("order")},
            CASE WHEN {done_now} THEN '{ProjectStage.Status.DONE}'
                 WHEN d.{q("order")} = c.{q("order")} THEN '{ProjectStage.Status.ACTIVE}'
                 ELSE '{ProjectStage.Status.PENDING}' END,
            CASE WHEN d.{q("order")} <= c.{q("order")} THEN p.stage_entered_at END,
            CASE WHEN {done_now} THEN p.stage_entered_at END,
            '[]', '{{}}', ''
        FROM {Project._meta.db_table} p
        JOIN projects_stagedefinition c
            ON c.version_id = p.template_version_id AND c.code = p.stage_code
        JOIN projects_stagedefinition d ON d.version_id = p.template_version_id
        WHERE p.id > %s
        """,
        [first_id],
    )
    return cursor.rowcount


def _current_stages(cursor, first_id: int) -> None:
    """Point each new project at its stage row whose definition has the project's stage_code."""
    project, stage = Project._meta.db_table, ProjectStage._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(
            f"""
            UPDATE {project} p SET current_stage_id = s.id
            FROM {stage} s JOIN projects_stagedefinition d ON d.id = s.definition_id
            WHERE s.project_id = p.id AND d.code = p.stage_code AND p.id > %s
            """,
            [first_id],
        )
    else:
        cursor.execute(
            f"""
            UPDATE {project} SET current_stage_id = (
                SELECT s.id FROM {stage} s JOIN projects_stagedefinition d ON d.id = s.definition_id
                WHERE s.project_id = {project}.id AND d.code = {project}.stage_code
            ) WHERE id > %s
            """,
            [first_id],
        )


def _members(cursor, first_id: int) -> int:
    """The owner is always on the team, as project manager (what the services do)."""
    cursor.execute(
        f"""
        INSERT INTO {ProjectMember._meta.db_table}
            (project_id, user_id, role, added_by_id, added_at)
        SELECT id, owner_id, '{ProjectMember.Role.MANAGER}', created_by_id, created_at
        FROM {Project._meta.db_table} WHERE id > %s
        """,
        [first_id],
    )
    return cursor.rowcount
