"""Reads of projects and process templates, always scoped (qudao.core.scopes).

The list pages over the ids first (no joins, so an index on the filter and sort columns can
answer) and then loads only the page's rows with their related rows: a count, the page's ids
and the page's rows, whatever the number of rows. The detail loads the stages, their
definitions and required document types, the documents and the team in a fixed number of
queries, whatever the number of stages or documents.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page
from django.db.models import Prefetch, Q, QuerySet

from qudao.core.models import ApprovalRequest, Role, User
from qudao.core.paging import IdsFirstPaginator, sort_by
from qudao.core.planning import in_written_join_order
from qudao.core.scopes import region_subtree_ids, visible, visible_in_regions
from qudao.core.selectors import (
    approvals_awaiting_counts,
    audit_entries_for_object,
    audit_rows,
)
from qudao.partners.models import Partner
from qudao.partners.selectors import partner_ids_named

from .models import (
    DocumentType,
    ProcessTemplate,
    Project,
    ProjectDocument,
    ProjectMember,
    ProjectStage,
    SavedFilter,
    StageDefinition,
    StageSubmission,
    StageTransition,
    TemplateVersion,
)
from .services.common import CREATOR_ROLES, GATE, OWNER_CHANGERS, in_region, is_hq

SORTS = {
    "code": "code",
    "name": "name",
    "customer": "customer_name",
    "amount": "amount",
    "close": "expected_close_date",
    "stage": "stage_code",
    "status": "status",
    "created": "created_at",
    "updated": "updated_at",
}
DEFAULT_SORT = "-created"


# What a project row shows (list, export, API): loaded with the row, never per row.
PROJECT_RELATED = (
    "region",
    "partner",
    "owner",
    "template_version__template",
    "current_stage__definition",
)
# ... and of those related rows, only what a row shows: 8 model instances a row are built from
# every column otherwise (the stage definitions' JSON checklists and approval chains included).
PAGE_FIELDS = (
    *(field.name for field in Project._meta.concrete_fields),
    "region__name",
    "partner__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "template_version__number",
    "template_version__template__name",
    "current_stage__status",
    "current_stage__definition__name",
)


# What the list page's table shows: not the process template (the API and the export show it),
# so 50 fewer instances and two fewer joins for a page of 25 (PostgreSQL: 11–13 → 9–10 ms).
TABLE_RELATED = tuple(name for name in PROJECT_RELATED if not name.startswith("template_version"))
TABLE_FIELDS = tuple(name for name in PAGE_FIELDS if not name.startswith("template_version__"))


def projects_visible_to(user: User) -> QuerySet[Project]:
    return visible(Project.objects.select_related(*PROJECT_RELATED), user)


def project_get_for_user(user: User, pk: int) -> Project:
    """The project, or Project.DoesNotExist (a 404) when outside `user`'s scope."""
    return in_written_join_order(lambda: projects_visible_to(user).get(pk=pk))


def projects_search(
    user: User,
    *,
    q: str = "",
    project_class: str = "",
    stage: str = "",
    region: int | None = None,
    partner: int | None = None,
    partner_name: str = "",
    owner: int | None = None,
    status: str = "",
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    tag: str = "",
    health: str = "",
    sort: str = "",
) -> tuple[QuerySet[Project], str]:
    """Scoped projects filtered and sorted; returns (rows, the sort key used). The date range
    is on the expected close date; `partner` is a partner's id, `partner_name` part of a
    partner's name or code."""
    if region:
        related = Project.objects.select_related(*PROJECT_RELATED)
        rows = visible_in_regions(related, user, region_subtree_ids(region))
    else:
        rows = projects_visible_to(user)
    q = (q or "").strip()[:100]
    if q:
        rows = rows.filter(
            Q(code__icontains=q) | Q(name__icontains=q) | Q(customer_name__icontains=q)
        )
    if project_class:
        rows = rows.filter(project_class=project_class)
    if stage:
        rows = rows.filter(stage_code=stage)
    if partner:
        rows = rows.filter(partner_id=partner)
    if (partner_name or "").strip():
        rows = rows.filter(partner__in=partner_ids_named(partner_name))
    if owner:
        rows = rows.filter(owner_id=owner)
    if status:
        rows = rows.filter(status=status)
    if health:
        rows = rows.filter(health=health)
    if amount_min is not None:
        rows = rows.filter(amount__gte=amount_min)
    if amount_max is not None:
        rows = rows.filter(amount__lte=amount_max)
    if date_from:
        rows = rows.filter(expected_close_date__gte=date_from)
    if date_to:
        rows = rows.filter(expected_close_date__lte=date_to)
    tag = (tag or "").strip()[:30]
    if tag:
        rows = rows.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag},")
            | Q(tags__endswith=f",{tag}")
            | Q(tags__contains=f",{tag},")
        )
    return sort_by(rows, sort, SORTS, DEFAULT_SORT)


def projects_page(
    rows: QuerySet[Project],
    number: Any,
    per_page: int,
    *,
    count_cap: int | None = None,
    table: bool = False,
) -> Page:
    """One page of `rows` (from projects_search), as Paginator.get_page gives it (not a number:
    the first page; out of range: the last), in three queries whatever the rows: the count, the
    page's ids, the page's rows with their related rows.

    Why: with the related rows joined, a database sorting a large match (a stage in a region's
    subtree, sorted by amount) joins every matching row before it sorts (SQLite: all ~26,000 of
    them at 1,000,000 projects, ~250 ms); on the ids alone the filter and the sort are answered
    by the project's own indexes. The ids are fetched, not kept as a subquery: PostgreSQL plans
    `id IN (SELECT … LIMIT 25)` under the joins as a hash semi-join over every project.
    `count_cap`: see IdsFirstPaginator (the page passes one, the API counts every row). The
    related rows hold PAGE_FIELDS only; PostgreSQL joins them in the written order (planning
    all orders of the 8 tables cost 4 ms, the query 0.8). `table`: the rows hold what the list
    page's table shows only (TABLE_RELATED, TABLE_FIELDS)."""
    shown, fields = (TABLE_RELATED, TABLE_FIELDS) if table else (PROJECT_RELATED, PAGE_FIELDS)
    related = Project.objects.select_related(*shown).only(*fields).order_by()

    def load(ids: list[int]) -> dict[int, Project]:
        return in_written_join_order(lambda: related.in_bulk(ids))

    paginator = IdsFirstPaginator(rows, per_page, load=load, count_cap=count_cap)
    return paginator.get_page(number)


def project_stages(project: Project) -> list[dict[str, Any]]:
    """Every stage with what its gate requires and what is missing (the archive view), in a
    fixed number of queries."""
    stages = list(
        project.stages.select_related("definition")
        .prefetch_related("definition__document_types")
        .order_by("order")
    )
    latest: dict[tuple[int, int], ProjectDocument] = {}
    for document in project.documents.select_related("document_type").order_by("version"):
        latest[(document.stage_id, document.document_type_id)] = document
    rows = []
    for stage in stages:
        definition = stage.definition
        required = list(definition.document_types.all())
        ticked = set(stage.checklist_done)
        rows.append(
            {
                "stage": stage,
                "definition": definition,
                "required": required,
                "present": [
                    latest[(stage.pk, d.pk)] for d in required if (stage.pk, d.pk) in latest
                ],
                "missing": [d for d in required if (stage.pk, d.pk) not in latest],
                "checklist": [
                    {"index": i, "item": item, "done": i in ticked}
                    for i, item in enumerate(definition.checklist)
                ],
            }
        )
    return rows


def project_members(project: Project) -> QuerySet[ProjectMember]:
    return project.members.select_related("user")


def project_documents(project: Project, *, stage: int | None = None) -> QuerySet[ProjectDocument]:
    rows = project.documents.select_related("document_type", "stage__definition", "uploaded_by")
    if stage:
        rows = rows.filter(stage_id=stage)
    return rows.order_by("stage__order", "document_type__code", "-version")


def project_document_get(project: Project, pk: int) -> ProjectDocument:
    return project.documents.select_related("document_type").get(pk=pk)


def project_transitions(project: Project) -> QuerySet[StageTransition]:
    return project.transitions.select_related(
        "actor", "from_stage__definition", "to_stage__definition"
    ).order_by("created_at", "id")


def project_stage_get(project: Project, pk: int) -> ProjectStage:
    return project.stages.select_related("definition").get(pk=pk)


# --- templates ---------------------------------------------------------------------------------


def _templates_for(user: User) -> QuerySet[ProcessTemplate]:
    """Templates are shared configuration: staff see all, partner users the active ones."""
    rows = ProcessTemplate.objects.all()
    if user.is_partner_user:
        rows = rows.filter(is_active=True)
    return rows if user.is_authenticated and user.is_active else rows.none()


def templates_visible_to(user: User) -> QuerySet[ProcessTemplate]:
    return _templates_for(user).prefetch_related(
        Prefetch("versions", queryset=TemplateVersion.objects.order_by("-number"))
    )


def template_get_for_user(user: User, pk: int) -> ProcessTemplate:
    stages = StageDefinition.objects.prefetch_related("document_types").order_by("order")
    return (
        _templates_for(user)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=TemplateVersion.objects.prefetch_related(
                    Prefetch("stages", queryset=stages)
                ).order_by("-number"),
            )
        )
        .get(pk=pk)
    )


def template_version_get(template: ProcessTemplate, pk: int) -> TemplateVersion:
    return template.versions.get(pk=pk)


def document_types_active() -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(is_active=True)


# --- reads of the HTML pages (views/) ----------------------------------------------------------


def stage_choices() -> list[tuple[str, str]]:
    """Each stage code used by a published or retired template version once, with a name, for
    the list's stage filter (templates are few, so this stays one small query)."""
    rows = (
        StageDefinition.objects.exclude(version__status=TemplateVersion.Status.DRAFT)
        .order_by("code", "-version_id")
        .values_list("code", "name")
    )
    found: dict[str, str] = {}
    for code, name in rows:
        found.setdefault(code, name)
    return sorted(found.items(), key=lambda pair: pair[1])


def saved_filters_for(user: User, page_key: str) -> QuerySet:
    return SavedFilter.objects.filter(user=user, page_key=page_key).order_by("name")


def saved_filter_get(user: User, pk: int):
    """The user's own saved filter (another user's: DoesNotExist, a 404)."""
    return SavedFilter.objects.get(user=user, pk=pk)


def can_create_projects(user: User) -> bool:
    """Whether to offer "New project": partner users (for their own partner) and vendor staff
    with a creating role; the service decides the details (region, partner, class)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_partner_user or user.is_superuser or user.has_role(*CREATOR_ROLES)


def can_change_owner(user: User, project: Project) -> bool:
    """The same rule as services.project_owner_change: HQ, or the regional manager of the
    project's region; never once the project is closed."""
    if not (user.is_authenticated and user.is_active) or not project.is_editable:
        return False
    if user.is_superuser:
        return True
    return (
        not user.is_partner_user
        and user.has_role(*OWNER_CHANGERS)
        and (is_hq(user) or in_region(user, project.region_id))
    )


def project_stage_list(project: Project) -> list[ProjectStage]:
    """The stages in order with their definitions (the overview's progress bar)."""
    return list(project.stages.select_related("definition").order_by("order"))


def stage_submissions(project: Project) -> dict[int, list]:
    """Repeated submissions of the project's stages, by stage id, in one query."""
    found: dict[int, list] = {}
    rows = (
        StageSubmission.objects.filter(stage__project=project)
        .select_related("submitted_by")
        .order_by("stage_id", "number")
    )
    for row in rows:
        found.setdefault(row.stage_id, []).append(row)
    return found


def _gate_approvals(project: Project) -> QuerySet[ApprovalRequest]:
    """The project's stage-gate approvals. `project` was loaded through the user's scope
    (project_get_for_user), and whoever sees an object sees its approvals
    (approvals_visible_to), so the approvals are not scoped again: that filter is a subquery
    over every project the user sees (a regional manager at 1,000,000 projects: ~15 ms on
    SQLite, ~85 ms on a loaded PostgreSQL, against ~1 ms for this one)."""
    return ApprovalRequest.objects.select_related("requested_by", "content_type").filter(
        content_type=ContentType.objects.get_for_model(project),
        object_id=str(project.pk),
        kind=GATE,
    )


def gate_approval_open(user: User, project: Project):
    """The open (pending or returned) stage-gate approval of `project`, which `user` sees
    (loaded through project_get_for_user)."""
    return (
        _gate_approvals(project)
        .filter(status__in=[ApprovalRequest.Status.PENDING, ApprovalRequest.Status.RETURNED])
        .order_by("-created_at", "-id")
        .first()
    )


def gate_approval_get(user: User, project: Project, pk: int):
    """A stage-gate approval of `project`, which `user` sees (loaded through
    project_get_for_user); another object's approval: DoesNotExist."""
    return _gate_approvals(project).get(pk=pk)


def project_history(project: Project, limit: int = 200) -> list[dict]:
    """The project's latest audit entries, ready to show (field labels, choice values)."""
    return audit_rows(audit_entries_for_object(project).order_by("-created_at", "-id")[:limit])


def projects_open_owned_count(user: User) -> int:
    return (
        visible(Project.objects.all(), user)
        .filter(owner=user, status=Project.Status.ACTIVE)
        .count()
    )


def gate_approvals_awaiting_count(user: User) -> int:
    """How many stage-gate approvals `user` may decide now (counted once per request with the
    other kinds: `approvals_awaiting_counts`)."""
    return approvals_awaiting_counts(user).get(GATE, 0)


def vendor_users_active() -> QuerySet[User]:
    """Active vendor users, for the owner and team pickers."""
    return User.objects.filter(is_active=True, partner__isnull=True).order_by("username")


def partner_users_of(project: Project) -> QuerySet[User]:
    """Active users of the project's partner (the partner roles of the team)."""
    if not project.partner_id:
        return User.objects.none()
    return User.objects.filter(is_active=True, partner_id=project.partner_id).order_by("username")


def partners_for_projects(user: User) -> QuerySet:
    """Partners a vendor user may pick for a project (and filter the list by): those in their
    scope, and every active partner for the roles that work across partners (HQ, project
    managers, presales, account managers), as services.project_create allows."""
    rows = Partner.objects.only("pk", "name").order_by("name")
    broad = is_hq(user) or user.has_role(
        Role.Code.PROJECT_MANAGER, Role.Code.PRESALES, Role.Code.ACCOUNT_MANAGER
    )
    if user.is_partner_user or not broad:
        return visible(rows, user)
    in_scope = visible(Partner.objects.all(), user).values("pk")
    return rows.filter(Q(status=Partner.Status.ACTIVE) | Q(pk__in=in_scope))
