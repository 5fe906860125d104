"""Reads of projects, always scoped (qudao.core.scopes): the list with its filters and pages,
one project, its team, and the pickers of the project forms.

The list pages over the ids first (no joins, so an index on the filter and sort columns can
answer) and then loads only the page's rows with their related rows: a count, the page's ids
and the page's rows, whatever the number of rows.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from qudao.core.listing import filter_given, text_search
from qudao.core.models import User
from qudao.core.paging import IdsFirstPaginator, capped_count, sort_by
from qudao.core.planning import in_written_join_order
from qudao.core.scopes import region_subtree_ids, visible, visible_in_regions
from qudao.partners.models import Partner
from qudao.partners.selectors import partner_ids_named
from qudao.registrations.models import RegistrationProduct

from ..models import Project, ProjectMember, StageDefinition, TemplateVersion
from ..services.common import CROSS_PARTNER_ROLES, is_hq

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

# The date a list's date range applies to (`date_field`): the expected close date (the
# default), the day won, the day closed (won or lost), the day created.
DATE_FIELDS = {
    "close": "expected_close_date",
    "won": "won_at",
    "closed": "closed_at",
    "created": "created_at",
}


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
# so two fewer joins and fewer instances a row.
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
    date_field: str = "close",
    partner_region: int | None = None,
    partnered: bool = False,
    tier: str = "",
    product_line: int | None = None,
    tag: str = "",
    health: str = "",
    sort: str = "",
) -> tuple[QuerySet[Project], str]:
    """Scoped projects filtered and sorted; returns (rows, the sort key used).

    The date range is on `date_field` (DATE_FIELDS: the expected close date by default; a day
    in the site's time zone for the moments); `partner` is a partner's id, `partner_name`
    part of a partner's name or code, `partnered` only projects with a partner; `region` the
    project's region, `partner_region` the
    partner's (each with its offices); `tier` the partner's tier code; `product_line` a product
    line's id named by the project's source registration. The performance dashboard's
    drill-downs use the partner's region, tier and product line as its facts do."""
    if region:
        related = Project.objects.select_related(*PROJECT_RELATED)
        rows = visible_in_regions(related, user, region_subtree_ids(region))
    else:
        rows = projects_visible_to(user)
    q = (q or "").strip()[:100]
    rows = text_search(rows, q, ("code", "name", "customer_name"))
    rows = filter_given(rows, project_class=project_class, stage_code=stage, partner_id=partner)
    if (partner_name or "").strip():
        rows = rows.filter(partner__in=partner_ids_named(partner_name))
    rows = filter_given(rows, owner_id=owner, status=status, health=health)
    if amount_min is not None:
        rows = rows.filter(amount__gte=amount_min)
    if amount_max is not None:
        rows = rows.filter(amount__lte=amount_max)
    if partnered:
        rows = rows.filter(partner__isnull=False)
    if partner_region:
        rows = rows.filter(partner__region_id__in=region_subtree_ids(partner_region))
    if tier:
        rows = rows.filter(partner__tier_id=tier)
    if product_line:
        rows = rows.filter(
            Exists(
                RegistrationProduct.objects.filter(
                    registration_id=OuterRef("source_registration_id"),
                    product_line_id=product_line,
                )
            )
        )
    rows = in_date_range(
        rows, DATE_FIELDS.get(date_field, "expected_close_date"), date_from, date_to
    )
    tag = (tag or "").strip()[:30]
    if tag:
        rows = rows.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag},")
            | Q(tags__endswith=f",{tag}")
            | Q(tags__contains=f",{tag},")
        )
    return sort_by(rows, sort, SORTS, DEFAULT_SORT)


def in_date_range(
    rows: QuerySet, field: str, start: datetime.date | None, end: datetime.date | None
) -> QuerySet:
    """`rows` whose `field` lies in [start, end] (both days included; a moment by its day in the
    site's time zone, in which the performance facts count months, so that a drill-down from a
    chart lists the rows of its month whoever reads it)."""
    timed = rows.model._meta.get_field(field).get_internal_type() == "DateTimeField"

    def aware(day: datetime.date):
        moment = datetime.datetime.combine(day, datetime.time.min)
        return timezone.make_aware(moment, timezone.get_default_timezone())

    if start:
        rows = rows.filter(**{f"{field}__gte": aware(start) if timed else start})
    if end:
        if timed:
            rows = rows.filter(**{f"{field}__lt": aware(end + datetime.timedelta(days=1))})
        else:
            rows = rows.filter(**{f"{field}__lte": end})
    return rows


def projects_total(page: Page, rows: QuerySet[Project], cap: int) -> dict[str, Any] | None:
    """The count and summed amount of every row of the filter (not only the page's), when the
    count is exact (at most `cap`): one more query, over rows the count already read."""
    count = page.paginator.count
    if count > cap:
        return None
    if not count:
        return {"count": 0, "amount": Decimal(0)}
    amount = rows.order_by().aggregate(total=Sum("amount"))["total"]
    return {"count": count, "amount": amount or Decimal(0)}


def stage_choices_by_template() -> list[tuple[str, list[tuple[str, str]]]]:
    """The stage filter's choices grouped by process template (optgroups), each template's
    stages in their order, from its published or retired versions (a stage code once per
    template). One small query: templates and their stages are few."""
    rows = (
        StageDefinition.objects.exclude(version__status=TemplateVersion.Status.DRAFT)
        .order_by("version__template__name", "-version_id", "order")
        .values_list("version__template__name", "version_id", "code", "name")
    )
    groups: dict[str, dict[str, str]] = {}
    newest: dict[str, int] = {}
    for template, version, code, name in rows:
        newest.setdefault(template, version)
        stages = groups.setdefault(template, {})
        if version == newest[template] or code not in stages:
            stages.setdefault(code, name)
    return [(template, list(stages.items())) for template, stages in groups.items()]


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
    subtree, sorted by amount) joins every matching row before it sorts; on the ids alone the
    filter and the sort are answered by the project's own indexes. The ids are fetched, not
    kept as a subquery: PostgreSQL plans `id IN (SELECT … LIMIT 25)` under the joins as a hash
    semi-join over every project. `count_cap`: see IdsFirstPaginator (the page passes one, the
    API counts every row). The related rows hold PAGE_FIELDS only; PostgreSQL joins them in the
    written order (planning every order of the 8 tables costs more than the query). `table`: the
    rows hold what the list page's table shows only (TABLE_RELATED, TABLE_FIELDS)."""
    shown, fields = (TABLE_RELATED, TABLE_FIELDS) if table else (PROJECT_RELATED, PAGE_FIELDS)
    related = Project.objects.select_related(*shown).only(*fields).order_by()

    def load(ids: list[int]) -> dict[int, Project]:
        return in_written_join_order(lambda: related.in_bulk(ids))

    paginator = IdsFirstPaginator(rows, per_page, load=load, count_cap=count_cap)
    return paginator.get_page(number)


def project_members(project: Project) -> QuerySet[ProjectMember]:
    return project.members.select_related("user")


def projects_open_owned_count(user: User) -> str:
    """For the home card: "10,000+" past the list's count cap."""
    return capped_count(
        visible(Project.objects.all(), user).filter(owner=user, status=Project.Status.ACTIVE)
    )


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
    broad = is_hq(user) or user.has_role(*CROSS_PARTNER_ROLES)
    if user.is_partner_user or not broad:
        return visible(rows, user)
    in_scope = visible(Partner.objects.all(), user).values("pk")
    return rows.filter(Q(status=Partner.Status.ACTIVE) | Q(pk__in=in_scope))
