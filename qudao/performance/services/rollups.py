"""Keeping the facts (PartnerMonthFact, PipelineFact and their product-line versions) current.

Three ways, all computing with the same function (`_compute`) so they always agree:

- `facts_refresh()` — the worker, every few minutes (`manage.py performance_refresh`) and daily:
  finds the registrations, projects and partners changed since its last run (their updated_at)
  and recomputes only the partner-months they touch, plus the touched partners' pipeline.
- `on_registration_won` — the registrations app's on_won hook: the partner's month of that
  registration is recomputed right after the closing transaction commits, so conversion shows
  at once. It runs after the commit and never fails the close: if it does not run, the next
  worker run catches up.
- `on_project_saved` — a project saved with a new stage, status or amount (a post_save signal,
  connected in apps.py): its partner's open pipeline (the stage and region bars) is recomputed
  after the commit, and for a new status also its months, so a project that moved stage or was
  won leaves its old bar at once instead of at the worker's next run.
- `facts_rebuild()` — everything from scratch (`manage.py performance_rebuild`, and once a day by
  the daily task): heals what incremental runs cannot see (a project moved to another partner,
  rows changed with a bulk update that skipped updated_at).

Recomputing a partner-month is idempotent: its rows are deleted and written again from the raw
tables, in one transaction per batch of partners.
"""

import datetime
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qudao.catalog.models import ProductLine
from qudao.partners.models import Partner
from qudao.projects.models import Project, ProjectStage
from qudao.registrations.models import Registration, RegistrationProduct

from ..metrics import FACT_COLUMNS, FACT_SUMS
from ..models import (
    PartnerLineMonthFact,
    PartnerMonthFact,
    PartnerPeriodFact,
    PipelineFact,
    PipelineLineFact,
    RollupState,
    ScopeLineMonthFact,
    ScopeMonthFact,
    ScopePipelineFact,
)
from ..periods import QUARTER, YEAR, Period, add_months, month_start
from .common import require_hq_planner

logger = logging.getLogger("qudao.performance")

FACTS = "facts"
BATCH = 500  # partners per recomputation batch
# Changes committed while the previous run was reading are caught by looking back a little.
LOOKBACK = datetime.timedelta(minutes=10)
APPROVED_EVER = (
    Registration.Status.APPROVED,
    Registration.Status.EXPIRED,
    Registration.Status.WON,
    Registration.Status.LOST,
)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _month_of(value) -> datetime.date | None:
    """The local calendar month of a datetime or date (TruncMonth gives either by backend)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date().replace(day=1)
    return value.replace(day=1)


def _partner_dims(partner_ids: Iterable[int] | None) -> dict[int, dict]:
    """The scope and filter columns of each partner (region, top region, tier, channel manager)."""
    rows = Partner.objects.all()
    if partner_ids is not None:
        rows = rows.filter(pk__in=list(partner_ids))
    return {
        pk: {
            "region_id": region_id,
            "top_region_id": parent_id or region_id,
            "tier": tier_id,
            "owner_id": owner_id,
        }
        for pk, region_id, parent_id, tier_id, owner_id in rows.values_list(
            "pk", "region_id", "region__parent_id", "tier_id", "owner_id"
        )
    }


def _in(rows, field: str, partner_ids, start, end, date_field: str):
    if partner_ids is not None:
        rows = rows.filter(**{f"{field}__in": partner_ids})
    if start is not None:
        rows = rows.filter(**{f"{date_field}__gte": _aware(start)})
    if end is not None:
        rows = rows.filter(**{f"{date_field}__lt": _aware(end)})
    return rows


def _of_line(rows, registration: str, product_line: int | None):
    """`rows` limited to those whose registration (the path to its id) names the product line
    (None: no limit). A semi-join: a registration with the line twice still counts once."""
    if product_line is None:
        return rows
    return rows.filter(
        Exists(
            RegistrationProduct.objects.filter(
                registration_id=OuterRef(registration), product_line_id=product_line
            )
        )
    )


def _compute(
    partner_ids: list[int] | None,
    start: datetime.date | None,
    end: datetime.date | None,
    product_line: int | None = None,
) -> dict[tuple[int, datetime.date], dict]:
    """Every fact value of the partners (None: all) for the months in [start, end) (None: all
    time), from the raw tables in five grouped queries; with `product_line`, counting only the
    registrations that name it and the projects whose source registration names it."""
    values: dict[tuple[int, datetime.date], dict] = defaultdict(dict)

    def add(partner_id, month, **found):
        if partner_id is None or month is None:
            return
        row = values[(partner_id, month)]
        for key, value in found.items():
            row[key] = row.get(key, 0) + (value or 0)

    def monthly(rows, registration: str, partner: str, date_field: str, **aggregates):
        """(partner id, month, aggregates) of `rows` per partner and month of `date_field`, for
        the partners, months and product line asked for (`registration`, `partner`: the paths
        to the row's registration id and partner id)."""
        rows = _in(
            _of_line(rows, registration, product_line),
            partner,
            partner_ids,
            start,
            end,
            date_field,
        ).exclude(**{date_field: None})
        for row in (
            rows.annotate(m=TruncMonth(date_field))
            .values(partner, "m")
            .annotate(**aggregates)
            .order_by()
        ):
            yield row[partner], _month_of(row["m"]), row

    won = Project.objects.filter(status=Project.Status.WON, partner__isnull=False)
    for partner_id, month, row in monthly(
        won, "source_registration_id", "partner_id", "won_at", amount=Sum("amount"), n=Count("pk")
    ):
        add(partner_id, month, won_amount=row["amount"], won_count=row["n"])

    lost = Project.objects.filter(status=Project.Status.LOST, partner__isnull=False)
    for partner_id, month, row in monthly(
        lost, "source_registration_id", "partner_id", "closed_at", n=Count("pk")
    ):
        add(partner_id, month, lost_count=row["n"])

    # A customer is new in the month of its first won project with this partner (over all time;
    # by credit code where known, else by name).
    firsts = _of_line(won, "source_registration_id", product_line).exclude(won_at=None)
    if partner_ids is not None:
        firsts = firsts.filter(partner_id__in=partner_ids)
    customer = Case(
        When(customer_credit_code="", then=F("customer_name")),
        default=F("customer_credit_code"),
        output_field=CharField(),
    )
    for row in (
        firsts.annotate(customer=customer)
        .values("partner_id", "customer")
        .annotate(first=Min("won_at"))
        .order_by()
    ):
        month = _month_of(row["first"])
        if (start is None or month >= start) and (end is None or month < end):
            add(row["partner_id"], month, new_customers=1)

    for partner_id, month, row in monthly(
        Registration.objects.all(),
        "pk",
        "partner_id",
        "submitted_at",
        n=Count("pk"),
        approved=Count("pk", filter=Q(status__in=APPROVED_EVER)),
        won=Count("pk", filter=Q(status=Registration.Status.WON)),
        lost=Count("pk", filter=Q(status=Registration.Status.LOST)),
        amount=Sum("estimated_amount"),
    ):
        add(
            partner_id,
            month,
            registrations=row["n"],
            registrations_approved=row["approved"],
            registrations_won=row["won"],
            registrations_lost=row["lost"],
            registration_amount=row["amount"],
        )

    stages = ProjectStage.objects.filter(
        status=ProjectStage.Status.DONE, entered_at__isnull=False, project__partner__isnull=False
    )
    duration = ExpressionWrapper(F("completed_at") - F("entered_at"), output_field=DurationField())
    for partner_id, month, row in monthly(
        stages,
        "project__source_registration_id",
        "project__partner_id",
        "completed_at",
        n=Count("pk"),
        took=Sum(duration),
    ):
        took = row["took"]
        days = round(took.total_seconds() / 86400) if took else 0
        add(partner_id, month, stage_days=days, stages_completed=row["n"])
    return values


def _fact_rows(
    values: dict, dims: dict[int, dict], model=PartnerMonthFact, **extra
) -> list[PartnerMonthFact]:
    rows = []
    for (partner_id, month), found in values.items():
        dim = dims.get(partner_id)
        if dim is None or not any(found.values()):
            continue
        row = model(partner_id=partner_id, month=month, **dim, **extra)
        for column in FACT_COLUMNS:
            setattr(row, column.name, column.value(found.get(column.name)))
        rows.append(row)
    return rows


def _pipeline_rows(
    partner_ids: list[int] | None, dims: dict[int, dict], product_line: int | None = None
) -> list[PipelineFact]:
    active = _of_line(
        Project.objects.filter(status=Project.Status.ACTIVE, partner__isnull=False),
        "source_registration_id",
        product_line,
    )
    model, extra = (
        (PipelineFact, {})
        if product_line is None
        else (PipelineLineFact, {"product_line_id": product_line})
    )
    if partner_ids is not None:
        active = active.filter(partner_id__in=partner_ids)
    rows = []
    for row in (
        active.values("partner_id", "stage_code")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by()
    ):
        dim = dims.get(row["partner_id"])
        if dim is None:
            continue
        rows.append(
            model(
                partner_id=row["partner_id"],
                stage_code=row["stage_code"] or "",
                project_count=row["n"],
                amount=row["amount"] or 0,
                **dim,
                **extra,
            )
        )
    return rows


def _line_ids() -> list[int]:
    """Every product line, in use or not: old registrations may name a retired line."""
    return list(ProductLine.objects.order_by("pk").values_list("pk", flat=True))


def _line_fact_rows(
    partner_ids: list[int] | None,
    start: datetime.date | None,
    end: datetime.date | None,
    dims: dict[int, dict],
) -> list[PartnerLineMonthFact]:
    """The product-line month facts: the same computation once per product line."""
    rows = []
    for line in _line_ids():
        values = _compute(partner_ids, start, end, line)
        rows += _fact_rows(values, dims, PartnerLineMonthFact, product_line_id=line)
    return rows


def _line_pipeline_rows(partner_ids: list[int] | None, dims: dict[int, dict]) -> list:
    return [row for line in _line_ids() for row in _pipeline_rows(partner_ids, dims, line)]


def _periods_rebuild(
    partner_ids: list[int] | None = None, months: set[datetime.date] | None = None
) -> int:
    """Rewrite the quarter and year rows (PartnerPeriodFact) of the partners (None: all) for the
    periods that contain `months` (None: all), summed from their month rows."""
    periods = None
    facts = PartnerMonthFact.objects.all()
    old = PartnerPeriodFact.objects.all()
    if partner_ids is not None:
        facts, old = (
            facts.filter(partner_id__in=partner_ids),
            old.filter(partner_id__in=partner_ids),
        )
    if months is not None:
        periods = {Period.of(kind, month) for month in months for kind in (QUARTER, YEAR)}
        if not periods:
            return 0
        facts = facts.filter(
            month__gte=min(p.start for p in periods), month__lte=max(p.end for p in periods)
        )
        which = Q(pk__in=[])
        for period in periods:
            which |= Q(period_kind=period.kind, period_start=period.start)
        old = old.filter(which)
    dims_fields = ("region_id", "top_region_id", "tier", "owner_id")
    totals: dict[tuple, dict] = {}
    for row in facts.values("partner_id", "month", *dims_fields, *FACT_SUMS).iterator(2000):
        for kind in (QUARTER, YEAR):
            period = Period.of(kind, row["month"])
            if periods is not None and period not in periods:
                continue
            key = (row["partner_id"], kind, period.start)
            found = totals.get(key)
            if found is None:
                totals[key] = {field: row[field] for field in (*dims_fields, *FACT_SUMS)}
            else:
                for field in FACT_SUMS:
                    found[field] += row[field]
    old.delete()
    return len(
        PartnerPeriodFact.objects.bulk_create(
            (
                PartnerPeriodFact(
                    partner_id=partner, period_kind=kind, period_start=start, **values
                )
                for (partner, kind, start), values in totals.items()
            ),
            batch_size=2000,
        )
    )


def _cube_rebuild(months: set[datetime.date] | None = None, *, lines: bool = False) -> int:
    """Rewrite the cube (ScopeMonthFact) of the given months (None: all) from the partner facts;
    with `lines`, the product-line cube (ScopeLineMonthFact) from the product-line facts."""
    facts = (PartnerLineMonthFact if lines else PartnerMonthFact).objects.all()
    model = ScopeLineMonthFact if lines else ScopeMonthFact
    cube = model.objects.all()
    keys = ("month", "region_id", "top_region_id", "tier", "owner_id")
    if lines:
        keys += ("product_line_id",)
    if months is not None:
        facts, cube = facts.filter(month__in=months), cube.filter(month__in=months)
    rows = [
        model(
            **{key: row[key] for key in keys},
            partners=row["partners"],
            **{field: row[field] or 0 for field in FACT_SUMS},
        )
        for row in facts.values(*keys)
        .annotate(partners=Count("pk"), **{field: Sum(field) for field in FACT_SUMS})
        .order_by()
    ]
    cube.delete()
    return len(model.objects.bulk_create(rows, batch_size=2000))


def _pipeline_cube_rebuild() -> int:
    """Rewrite the pipeline cube (ScopePipelineFact) from the partners' pipeline rows, every
    line's and each product line's: two grouped reads of a few ten thousand rows."""
    keys = ("stage_code", "region_id", "top_region_id", "tier", "owner_id")
    rows = []
    for model, extra in ((PipelineFact, ()), (PipelineLineFact, ("product_line_id",))):
        grouped = (
            model.objects.values(*keys, *extra)
            .annotate(n=Sum("project_count"), total=Sum("amount"))
            .order_by()
        )
        for row in grouped:
            rows.append(
                ScopePipelineFact(
                    **{key: row[key] for key in (*keys, *extra)},
                    project_count=row["n"] or 0,
                    amount=row["total"] or 0,
                )
            )
    ScopePipelineFact.objects.all().delete()
    return len(ScopePipelineFact.objects.bulk_create(rows, batch_size=2000))


def facts_recompute(
    months_by_partner: dict[int, set[datetime.date]], *, pipeline: bool = True
) -> int:
    """Recompute the given partner-months (and those partners' pipeline); returns rows written."""
    written = 0
    partner_ids = sorted(months_by_partner)
    rewritten: set[datetime.date] = set()
    lines_rewritten: set[datetime.date] = set()
    for index in range(0, len(partner_ids), BATCH):
        chunk = partner_ids[index : index + BATCH]
        months = {m for pk in chunk for m in months_by_partner[pk]}
        dims = _partner_dims(chunk)
        with transaction.atomic():
            if months:
                start, end = min(months), add_months(max(months), 1)
                values = _compute(chunk, start, end)
                rewritten |= set(
                    PartnerMonthFact.objects.filter(
                        partner_id__in=chunk, month__gte=start, month__lt=end
                    ).values_list("month", flat=True)
                )
                rewritten |= {month for _partner, month in values}
                PartnerMonthFact.objects.filter(
                    partner_id__in=chunk, month__gte=start, month__lt=end
                ).delete()
                created = PartnerMonthFact.objects.bulk_create(
                    _fact_rows(values, dims), batch_size=1000
                )
                written += len(created)
                old_lines = PartnerLineMonthFact.objects.filter(
                    partner_id__in=chunk, month__gte=start, month__lt=end
                )
                lines_rewritten |= set(old_lines.values_list("month", flat=True))
                old_lines.delete()
                created = PartnerLineMonthFact.objects.bulk_create(
                    _line_fact_rows(chunk, start, end, dims), batch_size=1000
                )
                lines_rewritten |= {row.month for row in created}
                written += len(created)
                span = (end.year - start.year) * 12 + end.month - start.month
                _periods_rebuild(chunk, {add_months(start, i) for i in range(span)})
            if pipeline:
                PipelineFact.objects.filter(partner_id__in=chunk).delete()
                written += len(
                    PipelineFact.objects.bulk_create(_pipeline_rows(chunk, dims), batch_size=1000)
                )
                PipelineLineFact.objects.filter(partner_id__in=chunk).delete()
                written += len(
                    PipelineLineFact.objects.bulk_create(
                        _line_pipeline_rows(chunk, dims), batch_size=1000
                    )
                )
    if rewritten or lines_rewritten or (pipeline and partner_ids):
        with transaction.atomic():
            if rewritten:
                _cube_rebuild(rewritten)
            if lines_rewritten:
                _cube_rebuild(lines_rewritten, lines=True)
            if pipeline and partner_ids:
                _pipeline_cube_rebuild()
    return written


def facts_rebuild() -> dict[str, int]:
    """Every fact from scratch, in one pass over each raw table."""
    started = timezone.now()
    dims = _partner_dims(None)
    values = _compute(None, None, None)
    facts = _fact_rows(values, dims)
    pipeline = _pipeline_rows(None, dims)
    line_facts = _line_fact_rows(None, None, None, dims)
    line_pipeline = _line_pipeline_rows(None, dims)
    with transaction.atomic():
        for model in (PartnerMonthFact, PipelineFact, PartnerLineMonthFact, PipelineLineFact):
            model.objects.all().delete()
        PartnerMonthFact.objects.bulk_create(facts, batch_size=2000)
        PipelineFact.objects.bulk_create(pipeline, batch_size=2000)
        PartnerLineMonthFact.objects.bulk_create(line_facts, batch_size=2000)
        PipelineLineFact.objects.bulk_create(line_pipeline, batch_size=2000)
        result = {
            "facts": len(facts),
            "pipeline": len(pipeline),
            "periods": _periods_rebuild(),
            "cube": _cube_rebuild(),
            "line_facts": len(line_facts),
            "line_pipeline": len(line_pipeline),
            "line_cube": _cube_rebuild(lines=True),
            "pipeline_cube": _pipeline_cube_rebuild(),
        }
        RollupState.objects.update_or_create(
            key=FACTS,
            defaults={"last_run_at": started, "last_full_at": started, "last_result": result},
        )
    _analyze()
    return result


def _analyze() -> None:
    """Fresh planner statistics for the rewritten rollups: until autovacuum gets to them,
    PostgreSQL plans the dashboards' queries with the row counts of before (after a first
    rebuild: empty tables), and picks sorts and scans instead of the rollups' indexes."""
    models = (
        PartnerMonthFact,
        PartnerPeriodFact,
        PipelineFact,
        ScopeMonthFact,
        PartnerLineMonthFact,
        PipelineLineFact,
        ScopeLineMonthFact,
        ScopePipelineFact,
    )
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _touched_since(since: datetime.datetime) -> tuple[dict[int, set], set[int]]:
    """The partner-months and the partners whose facts may have changed since `since`."""
    touched: dict[int, set] = defaultdict(set)
    this_month = month_start(timezone.localdate())
    for partner_id, submitted_at in Registration.objects.filter(updated_at__gte=since).values_list(
        "partner_id", "submitted_at"
    ):
        if submitted_at is not None:
            touched[partner_id].add(_month_of(submitted_at))
    for partner_id, won_at, closed_at in Project.objects.filter(
        updated_at__gte=since, partner__isnull=False
    ).values_list("partner_id", "won_at", "closed_at"):
        months = touched[partner_id]
        # Stages completed by the change count in the current month.
        months.add(this_month)
        for value in (won_at, closed_at):
            if value is not None:
                months.add(_month_of(value))
    moved = set(Partner.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    return touched, moved


def _dims_refresh(partner_ids: set[int]) -> None:
    """Partners that changed region, tier or channel manager: their fact rows follow (the
    partner rows themselves only when something differs), then the cube."""
    dims = _partner_dims(partner_ids)
    stale = {
        partner_id
        for partner_id, region_id, top_id, tier, owner_id in PartnerMonthFact.objects.filter(
            partner_id__in=list(partner_ids)
        )
        .values_list("partner_id", "region_id", "top_region_id", "tier", "owner_id")
        .distinct()
        if (region_id, top_id, tier, owner_id)
        != tuple(
            dims.get(partner_id, {}).get(k)
            for k in ("region_id", "top_region_id", "tier", "owner_id")
        )
    }
    if not stale:
        return
    with transaction.atomic():
        for partner_id in stale:
            dim = dims.get(partner_id)
            if dim is None:
                continue
            for model in (
                PartnerMonthFact,
                PartnerPeriodFact,
                PipelineFact,
                PartnerLineMonthFact,
                PipelineLineFact,
            ):
                model.objects.filter(partner_id=partner_id).update(**dim)
        _cube_rebuild()
        _cube_rebuild(lines=True)
        _pipeline_cube_rebuild()


def facts_refresh() -> dict[str, int]:
    """Bring the facts up to date since the last run (a full rebuild the first time)."""
    state = RollupState.objects.filter(key=FACTS).first()
    if state is None or state.last_run_at is None:
        return facts_rebuild()
    started = timezone.now()
    touched, moved = _touched_since(state.last_run_at - LOOKBACK)
    written = facts_recompute(touched) if touched else 0
    if moved:
        _dims_refresh(moved)
    result = {"partners": len(touched), "rows": written, "moved": len(moved)}
    RollupState.objects.filter(pk=state.pk).update(last_run_at=started, last_result=result)
    return result


def facts_refresh_request(*, actor) -> None:
    """HQ asks the worker to bring the facts up to date now, before the scheduled refresh."""
    require_hq_planner(actor)
    from ..tasks import facts_refresh_task

    facts_refresh_task.enqueue()


def on_registration_won(registration: Registration, actor) -> None:
    """The registrations app's on_won hook: recompute the registration's partner-month once the
    closing transaction has committed (a failure here must never undo the close)."""
    if registration.submitted_at is None:
        return
    partner_id, month = registration.partner_id, _month_of(registration.submitted_at)

    def recompute():
        try:
            facts_recompute({partner_id: {month}}, pipeline=False)
        except Exception:  # the worker's next run recomputes it anyway
            logger.exception("Could not update the facts of partner %s", partner_id)

    transaction.on_commit(recompute)


# A project save changing one of these changes the pipeline (stage bars) or the month facts.
PIPELINE_FIELDS = {"stage_code", "status", "amount", "partner", "source_registration"}
MONTH_FIELDS = {"status", "won_at", "closed_at", "amount", "partner"}
_pending = threading.local()


def pipeline_recompute(partner_ids: Iterable[int]) -> int:
    """Rewrite the open pipeline of the partners (every line's and each product line's rows) and
    the pipeline cube; returns the partner rows written."""
    chunk = sorted(set(partner_ids))
    if not chunk:
        return 0
    dims = _partner_dims(chunk)
    with transaction.atomic():
        PipelineFact.objects.filter(partner_id__in=chunk).delete()
        written = len(PipelineFact.objects.bulk_create(_pipeline_rows(chunk, dims)))
        PipelineLineFact.objects.filter(partner_id__in=chunk).delete()
        written += len(PipelineLineFact.objects.bulk_create(_line_pipeline_rows(chunk, dims)))
        _pipeline_cube_rebuild()
    return written


def _project_facts_flush() -> None:
    """After the commit: recompute what the transaction's project saves touched (once per
    partner, however many saves)."""
    pipeline, months = getattr(_pending, "pipeline", set()), getattr(_pending, "months", {})
    _pending.pipeline, _pending.months = set(), {}
    if not pipeline and not months:
        return
    try:
        if months:
            facts_recompute(months, pipeline=False)
        pipeline_recompute(pipeline)
    except Exception:  # the worker's next run recomputes it anyway
        logger.exception("Could not update the facts of partners %s", sorted(pipeline))


def on_project_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """post_save of a project: once the transaction commits, its partner's pipeline (new stage,
    status or amount) and, for a new status, its months are recomputed (see the module's
    docstring). Bulk writes send no signal: the worker's runs catch those."""
    if instance.partner_id is None:
        return
    changed = None if update_fields is None else set(update_fields)
    if changed is not None and not changed & (PIPELINE_FIELDS | MONTH_FIELDS):
        return
    if not hasattr(_pending, "pipeline"):
        _pending.pipeline, _pending.months = set(), {}
    _pending.pipeline.add(instance.partner_id)
    if changed is None or changed & MONTH_FIELDS:
        months = _pending.months.setdefault(instance.partner_id, set())
        months |= {_month_of(v) for v in (instance.won_at, instance.closed_at) if v is not None}
        months.add(month_start(timezone.localdate()))
    transaction.on_commit(_project_facts_flush)
