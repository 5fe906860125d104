"""The measurements of bench/performance.py: seed a scratch database up to the sizes asked for,
then time the fact rebuild, the scorecards of every partner for one quarter, and each dashboard's
p50/p95 warm against the time of the equivalent raw aggregate SQL on the raw tables in the same
run. The goals and the figures are in bench/PERFORMANCE.md.

`measure(partners=, registrations=, projects=)` adds synthetic rows (spread over 24 months and
every partner; registrations with their product lines, three projects in five from a
registration) until the tables hold that many, then ANALYZE; then the measurements run (not with
`seed_only`). The dashboards are timed unfiltered for each kind of viewer, and filtered by region
and tier and by product line. Results go to stdout as a table and as JSON (`json=FILE`). It needs
Django set up on a scratch database whose name contains "perf" (bench/performance.py does both).
"""

import datetime
import json as json_module
import random
import statistics
import time

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qudao.catalog.models import ProductLine
from qudao.core.models import Region, Role, User
from qudao.partners.models import Partner, Tier
from qudao.performance.models import KpiScheme, Target
from qudao.performance.periods import Period, add_months
from qudao.performance.services import (
    facts_rebuild,
    facts_refresh,
    kpi_scheme_save,
    scorecards_compute,
    target_children_set,
    target_create,
)
from qudao.projects.models import Project, StageDefinition, TemplateVersion
from qudao.registrations.models import Registration, RegistrationProduct

BATCH = 5000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(
    *,
    partners: int = 0,
    registrations: int = 0,
    projects: int = 0,
    runs: int = 30,
    json: str = "",
    skip_rebuild: bool = False,
    seed_only: bool = False,
) -> dict | None:
    """Seed up to the sizes given, then (unless `seed_only`) time everything; the results are
    returned, printed as a table and written as JSON to `json` when given."""
    if "perf" not in str(connection.settings_dict["NAME"]):
        raise SystemExit("Run this on a scratch database (its name must contain 'perf').")
    settings.DEBUG = False  # no query log while timing
    rng = random.Random(6)
    started = time.monotonic()
    before = (Partner.objects.count(), Registration.objects.count(), Project.objects.count())
    seed_partners(partners, rng)
    seed_registrations(registrations, rng)
    seed_products()
    seed_projects(projects, rng)
    seeded = before != (
        Partner.objects.count(),
        Registration.objects.count(),
        Project.objects.count(),
    )
    if seeded:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    if seed_only:
        print(f"seeded in {time.monotonic() - started:.0f}s")
        return None
    result = {
        "seed_seconds": round(time.monotonic() - started, 1) if seeded else None,
        "database": connection.vendor,
        "partners": Partner.objects.count(),
        "registrations": Registration.objects.count(),
        "projects": Project.objects.count(),
    }
    if not skip_rebuild:
        started = time.monotonic()
        result["facts_rebuild"] = facts_rebuild() | {
            "seconds": round(time.monotonic() - started, 1)
        }
        print(f"facts rebuilt: {result['facts_rebuild']}")
    started = time.monotonic()
    result["facts_refresh"] = facts_refresh() | {"seconds": round(time.monotonic() - started, 1)}
    print(f"facts refreshed (nothing changed): {result['facts_refresh']}")
    quarter = Period.current("quarter")
    targets_seed(quarter)
    result["scorecards"] = scorecards_time(quarter)
    print(f"scorecards: {result['scorecards']}")
    line = ProductLine.objects.order_by("pk").first()
    result["dashboards"] = dashboards_time(quarter, runs, line)
    result["homes"] = homes_time(runs)
    result["raw_sql"] = raw_sql_time(quarter, runs)
    if line is not None:
        result["raw_sql_product_line"] = raw_sql_time(quarter, runs, line)
    for name, row in result["dashboards"].items():
        print(
            f"dashboard {name:28} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
            f"(CPU p50 {row['cpu_p50_ms']:6.1f}, p95 {row['cpu_p95_ms']:6.1f})  "
            f"queries {row['queries']}"
        )
    for name, row in result["homes"].items():
        print(
            f"home {name:33} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
            f"(CPU p50 {row['cpu_p50_ms']:6.1f}, p95 {row['cpu_p95_ms']:6.1f})  "
            f"queries {row['queries']}, panels {row['panels']}"
        )
    for key in ("raw_sql", "raw_sql_product_line"):
        if key in result:
            raw = result[key]
            print(f"{key:38} p50 {raw['p50_ms']:7.1f} ms  p95 {raw['p95_ms']:7.1f} ms")
    if json:
        with open(json, "w", encoding="utf-8") as out:
            out.write(json_module.dumps(result, indent=2, default=str))
    return result


# --- seeding ---------------------------------------------------------------------------------


def seed_partners(wanted: int, rng) -> None:
    missing = wanted - Partner.objects.count()
    if missing <= 0:
        return
    offices = list(Region.objects.filter(kind=Region.Kind.OFFICE).values_list("pk", flat=True))
    owners = list(
        User.objects.filter(roles__code=Role.Code.CHANNEL_MANAGER).values_list("pk", flat=True)
    )
    tiers = list(Tier.objects.filter(is_active=True).values_list("code", flat=True))
    if not (offices and owners and tiers):
        raise SystemExit("Seed the demo first (regions, channel managers, tiers).")
    start = Partner.objects.count()
    rows = [
        Partner(
            code=f"PM-{start + i:06d}",
            name=f"测评伙伴{start + i:06d}有限公司",
            region_id=rng.choice(offices),
            owner_id=rng.choice(owners),
            tier_id=rng.choice(tiers),
            status=Partner.Status.ACTIVE,
            sales_staff_count=rng.randint(1, 30),
        )
        for i in range(missing)
    ]
    Partner.objects.bulk_create(rows, batch_size=BATCH)
    print(f"partners: +{missing}")


# Registrations and projects are generated inside the database (INSERT … SELECT over a
# generated sequence joined to the partners): a million rows in seconds, not half an hour.
# Every column the generator does not set gets the model field's default.


def spread_moment() -> tuple[str, list]:
    """A timestamp spread over the 24 months up to now, from the row number n."""
    start = timezone.now() - datetime.timedelta(days=730)
    spread = "((seq.n * 7919) %% 63072000)"
    if connection.vendor == "sqlite":
        return f"datetime(%s, '+' || {spread} || ' seconds')", [
            start.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
        ]
    return f"(%s::timestamptz + {spread} * interval '1 second')", [start]


def rows_generate(
    model, count: int, columns: dict[str, tuple[str, list]], extra_join: str = ""
) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS perf_p")
        cursor.execute(
            "CREATE TEMP TABLE perf_p AS SELECT (ROW_NUMBER() OVER (ORDER BY id)) - 1 AS k, "
            "id, region_id, owner_id FROM partners_partner"
        )
        cursor.execute("SELECT COUNT(*) FROM perf_p")
        partners = cursor.fetchone()[0]
        names, selects, params = [], [], []
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            names.append(connection.ops.quote_name(field.column))
            if field.name in columns:
                expression, values = columns[field.name]
                selects.append(expression)
                params += values
            else:
                selects.append("%s")
                params.append(field.get_db_prep_save(field.get_default(), connection))
        body = (
            f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
            f"SELECT {', '.join(selects)} FROM "
        )
        join = f"JOIN perf_p p ON p.k = seq.n %% {partners} {extra_join}"
        if vendor == "sqlite":
            sql = (
                f"WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq "
                f"WHERE n < {count - 1}) {body} seq {join}"
            )
        else:
            sql = f"{body} generate_series(0::bigint, {count - 1}::bigint) AS seq(n) {join}"
        cursor.execute(sql, params)


def number_sql(prefix: str, base: int) -> str:
    if connection.vendor == "sqlite":
        return f"'{prefix}' || printf('%%08d', seq.n + {base})"
    return f"'{prefix}' || lpad((seq.n + {base})::text, 8, '0')"


def date_after_sql(moment: str, days: int) -> str:
    if connection.vendor == "sqlite":
        return f"date({moment}, '+{days} days')"
    return f"(({moment})::date + {days})"


def seed_registrations(wanted: int, rng) -> None:
    missing = wanted - Registration.objects.count()
    if missing <= 0:
        return
    started = time.monotonic()
    moment, when = spread_moment()
    status = (
        "CASE WHEN seq.n %% 20 < 3 THEN 'won' WHEN seq.n %% 20 < 5 THEN 'lost' "
        "WHEN seq.n %% 20 < 10 THEN 'approved' WHEN seq.n %% 20 < 16 THEN 'expired' "
        "WHEN seq.n %% 20 < 18 THEN 'rejected' ELSE 'submitted' END"
    )
    customer = "'测评客户' || ((seq.n * 7) %% 400000) || '有限公司'"
    with transaction.atomic():
        rows_generate(
            Registration,
            missing,
            {
                "number": (number_sql("PMR-", Registration.objects.count()), []),
                "partner": ("p.id", []),
                "created_by": ("p.owner_id", []),
                "customer_name": (customer, []),
                "customer_region": ("p.region_id", []),
                "project_name": ("'测评项目'", []),
                "estimated_amount": ("(50000 + ((seq.n * 37) %% 500) * 10000)", []),
                "expected_close_date": (date_after_sql(moment, 90), when),
                "status": (status, []),
                "submitted_at": (moment, when),
                "created_at": (moment, when),
                "updated_at": (moment, when),
            },
        )
    print(f"registrations: +{missing} in {time.monotonic() - started:.0f}s")


def seed_products() -> None:
    """Every synthetic registration gets a product line, one in three a second one (so that
    the product-line filter has something to filter), like the forms would write them."""
    lines = list(ProductLine.objects.order_by("pk").values_list("pk", flat=True))
    if (
        not lines
        or RegistrationProduct.objects.filter(registration__number__startswith="PMR-").exists()
    ):
        return
    started = time.monotonic()

    def line_of(expression: str) -> str:
        cases = " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(lines))
        return f"CASE ({expression}) %% {len(lines)} {cases} END"

    with transaction.atomic(), connection.cursor() as cursor:
        for which, line in (
            ("1 = 1", line_of("r.id")),
            ("r.id %% 3 = 0", line_of("r.id / 3 + 1")),
        ):
            cursor.execute(
                "INSERT INTO registrations_registrationproduct "
                "(registration_id, product_line_id, description, quantity) "
                f"SELECT r.id, {line}, '', 1 + r.id %% 5 FROM registrations_registration r "
                f"WHERE r.number LIKE 'PMR-%%' AND {which}",
                [],
            )
    count = RegistrationProduct.objects.count()
    print(f"registration products: {count} in {time.monotonic() - started:.0f}s")


def seed_projects(wanted: int, rng) -> None:
    missing = wanted - Project.objects.count()
    if missing <= 0:
        return
    version = TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED).first()
    stages = list(StageDefinition.objects.filter(version=version).values_list("code", flat=True))
    started = time.monotonic()
    moment, when = spread_moment()
    bucket = "seq.n %% 20"
    status = f"CASE WHEN {bucket} < 7 THEN 'won' WHEN {bucket} < 10 THEN 'lost' ELSE 'active' END"
    stage = (
        "CASE "
        + " ".join(
            f"WHEN seq.n %% {len(stages)} = {i} THEN '{code}'" for i, code in enumerate(stages)
        )
        + " END"
        if stages
        else "''"
    )
    with transaction.atomic():
        # Three projects in five come from a synthetic registration (their product lines).
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS perf_r")
            cursor.execute(
                "CREATE TEMP TABLE perf_r AS SELECT (ROW_NUMBER() OVER (ORDER BY id)) - 1 "
                "AS k, id FROM registrations_registration r WHERE r.number LIKE 'PMR-%%' "
                "AND NOT EXISTS (SELECT 1 FROM projects_project x "
                "WHERE x.source_registration_id = r.id)",
                [],
            )
            cursor.execute("CREATE INDEX perf_r_k ON perf_r (k)")
        rows_generate(
            Project,
            missing,
            {
                "code": (number_sql("PMP-", Project.objects.count()), []),
                "name": ("'测评项目'", []),
                "project_class": ("%s", [version.template.project_class]),
                "customer_name": ("'测评客户' || ((seq.n * 11) %% 400000) || '有限公司'", []),
                "region": ("p.region_id", []),
                "partner": ("p.id", []),
                "amount": ("(50000 + ((seq.n * 53) %% 500) * 10000)", []),
                "owner": ("p.owner_id", []),
                "created_by": ("p.owner_id", []),
                "status": (status, []),
                "won_at": (f"CASE WHEN {bucket} < 7 THEN {moment} END", when),
                "closed_at": (
                    f"CASE WHEN {bucket} >= 7 AND {bucket} < 10 THEN {moment} END",
                    when,
                ),
                "template_version": ("%s", [version.pk]),
                "stage_code": (stage, []),
                "source_registration": ("CASE WHEN seq.n %% 5 < 3 THEN rr.id END", []),
                "created_at": (moment, when),
                "updated_at": (moment, when),
            },
            extra_join="LEFT JOIN perf_r rr ON rr.k = seq.n",
        )
    print(f"projects: +{missing} in {time.monotonic() - started:.0f}s")


# --- measuring -------------------------------------------------------------------------------


def targets_seed(quarter: Period) -> None:
    """A company target decomposed to every region and to 20 partners of each region, so
    that the dashboards compute attainment at three levels."""
    if Target.objects.filter(period_start=quarter.start).exists():
        return
    director = User.objects.filter(roles__code=Role.Code.DIRECTOR).first()
    company = target_create(
        actor=director,
        data={
            "unit_kind": "company",
            "metric": "won_amount",
            "period": quarter.label,
            "value": "1000000000",
        },
    )
    regions = Region.objects.filter(parent=None)
    children = target_children_set(
        actor=director, parent=company, values={f"region:{r.pk}": "200000000" for r in regions}
    )
    for child in children:
        partners = Partner.objects.filter(
            region__in=[child.region_id, *child.region.children.values_list("pk", flat=True)],
            status=Partner.Status.ACTIVE,
        )[:20]
        target_children_set(
            actor=director,
            parent=child,
            values={f"partner:{p.pk}": "5000000" for p in partners},
        )


def scorecards_time(quarter: Period) -> dict:
    if not KpiScheme.objects.filter(
        is_active=True, period_kind="quarter", unit_kind="partner"
    ).exists():
        director = User.objects.filter(roles__code=Role.Code.DIRECTOR).first()
        kpi_scheme_save(
            actor=director,
            data={
                "code": "measure-q",
                "name": "测评方案",
                "unit_kind": "partner",
                "period_kind": "quarter",
                "warning_line": "60",
            },
            lines=[
                {
                    "metric": "won_amount",
                    "weight": "60",
                    "rule": "linear",
                    "cap": "120",
                    "standard": "1000000",
                },
                {
                    "metric": "registrations",
                    "weight": "20",
                    "rule": "threshold",
                    "thresholds": "10:60, 30:100",
                },
                {"metric": "closure_rate", "weight": "20", "rule": "linear", "standard": "90"},
            ],
        )
    started = time.monotonic()
    counts = scorecards_compute(period=quarter)
    return counts | {"seconds": round(time.monotonic() - started, 1)}


def viewers_pick() -> dict[str, User]:
    found = {}
    hq = User.objects.filter(roles__code=Role.Code.DIRECTOR, is_active=True).first()
    region = User.objects.filter(roles__code=Role.Code.REGIONAL_MANAGER, is_active=True).first()
    cm = User.objects.filter(roles__code=Role.Code.CHANNEL_MANAGER, is_active=True).first()
    partner = User.objects.filter(partner__isnull=False, is_active=True).first()
    for name, user in (
        ("hq", hq),
        ("region", region),
        ("channel_manager", cm),
        ("partner", partner),
    ):
        if user is not None:
            found[name] = user
    return found


def dashboards_time(quarter: Period, runs: int, line) -> dict:
    """Each viewer's dashboard data (the JSON behind the charts: every figure), unfiltered;
    then HQ filtered by a region and a tier, HQ and a partner filtered by a product line."""
    result = {}
    base = f"/performance/dashboard/data/?period={quarter.label}"
    viewers = viewers_pick()
    cases = [(name, user, base) for name, user in viewers.items()]
    region = Region.objects.filter(parent=None).order_by("pk").first()
    tier = Tier.objects.filter(is_active=True).order_by("rank").first()
    if "hq" in viewers and region is not None and tier is not None:
        cases.append(
            ("hq_region_tier", viewers["hq"], f"{base}&region={region.pk}&tier={tier.code}")
        )
    if line is not None:
        for name in ("hq", "partner"):
            if name in viewers:
                cases.append(
                    (f"{name}_product_line", viewers[name], f"{base}&product_line={line.code}")
                )
    for name, user, url in cases:
        client = Client()
        client.force_login(user)
        for _ in range(3):
            assert client.get(url).status_code == 200
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        result[name] = {
            "url": url,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            # CPU time of this process (on SQLite the query work too; not PostgreSQL's):
            # on a shared machine, wall time minus this is mostly waiting for a core.
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
            "queries": len(queries.captured_queries),
        }
    return result


# The role home pages (charts from the rollups, the inbox, the cards) of the demo accounts:
# HQ, a regional manager, a channel manager and a partner user. Goal: p95 < 100 ms.
HOME_USERS = ("director", "south_manager", "channel_mgr", "p1_sales")


def homes_time(runs: int) -> dict:
    """Each demo role's home page (GET /, the whole HTML with its panels' chart data)."""
    result = {}
    for user in User.objects.filter(username__in=HOME_USERS).order_by("username"):
        client = Client()
        client.force_login(user, backend="qudao.core.auth.IdentifierBackend")
        for _ in range(3):
            assert client.get("/").status_code == 200
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/")
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        result[user.username] = {
            "url": "/",
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
            "queries": len(queries.captured_queries),
            "panels": response.content.decode().count('data-panel="'),
        }
    return result


def raw_sql_time(quarter: Period, runs: int, line: ProductLine | None = None) -> dict:
    """The same figures as the HQ dashboard's main charts, straight from the raw tables;
    with `line`, for the registrations naming that product line and the projects whose
    source registration names it (EXISTS on the registration's products)."""
    start = timezone.make_aware(datetime.datetime.combine(quarter.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(quarter.after, datetime.time.min))
    trend_start = timezone.make_aware(
        datetime.datetime.combine(add_months(quarter.after, -12), datetime.time.min)
    )
    month = (
        "strftime('%%Y-%%m', p.won_at)"
        if connection.vendor == "sqlite"
        else "date_trunc('month', p.won_at)"
    )
    names_line = (
        "AND EXISTS (SELECT 1 FROM registrations_registrationproduct rp "
        "WHERE rp.registration_id = {} AND rp.product_line_id = %s)"
    )
    project_line = names_line.format("p.source_registration_id") if line else ""
    registration_line = names_line.format("g.id") if line else ""
    extra = [line.pk] if line else []
    statements = [
        (
            "SELECT COALESCE(r.parent_id, r.id), SUM(p.amount), COUNT(*) "
            "FROM projects_project p "
            "JOIN partners_partner pa ON pa.id = p.partner_id "
            "JOIN core_region r ON r.id = pa.region_id "
            "WHERE p.status = 'won' AND p.won_at >= %s AND p.won_at < %s "
            f"{project_line} GROUP BY 1",
            [start, end, *extra],
        ),
        (
            "SELECT COUNT(*), SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status IN ('approved','expired','won','lost') THEN 1 ELSE 0 END) "
            "FROM registrations_registration g WHERE submitted_at >= %s AND submitted_at < %s "
            f"{registration_line}",
            [start, end, *extra],
        ),
        (
            "SELECT p.stage_code, COUNT(*), SUM(p.amount) FROM projects_project p "
            f"WHERE p.status = 'active' AND p.partner_id IS NOT NULL {project_line} "
            "GROUP BY p.stage_code",
            extra,
        ),
        (
            f"SELECT {month}, SUM(p.amount) FROM projects_project p WHERE p.status = 'won' "
            f"AND p.won_at >= %s AND p.won_at < %s {project_line} GROUP BY 1",
            [trend_start, end, *extra],
        ),
    ]
    runs = min(runs, 10)  # each run scans the raw tables several times
    timings = []
    with connection.cursor() as cursor:
        for index in range(runs + 3):
            started = time.perf_counter()
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            if index >= 3:
                timings.append((time.perf_counter() - started) * 1000)
    return {
        "n": runs,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
    }
