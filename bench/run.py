"""Benchmarks of Qudao's key pages and API calls on a scaled database.

    make bench                                  # SQLite, bench/bench.sqlite3, rebuilt every run
    BENCH_SCALE=10 BENCH_N=10 make bench        # a quick run
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qudao_bench BENCH_FLUSH=1 make bench

Each request runs in-process through django.test.Client, 3 warm-up calls and then BENCH_N timed
ones; every response must be a 200. List requests are compared with a "floor": the equivalent
hand-written SQL, timed the same way, so that the gap shows what the ORM, the template and the
middleware add. Results: a table on stdout and bench/results/latest.json.
"""

import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results" / "latest.json"
SQLITE_PATH = BENCH_DIR / "bench.sqlite3"
WARMUP = 3
SEARCH = "伙伴00012"  # matches 100 of the scaled partners' names (…伙伴0001200… to …99)


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def configure_database() -> str:
    """Point Django at the bench database through DATABASE_URL, before django.setup()."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if not url:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    os.environ["DATABASE_URL"] = url
    # The bench always runs the development settings (no HTTPS redirect, no static manifest);
    # DEBUG is switched off once Django is set up, so that no query log slows the requests.
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qudao.settings")
    sys.path.insert(0, str(ROOT))
    return url


configure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qudao.core.models import (  # noqa: E402
    ApprovalRequest,
    ApprovalStep,
    AuditEntry,
    Notification,
    Role,
    User,
)
from qudao.core.scopes import region_subtree_ids  # noqa: E402
from qudao.core.services.auth import api_token_issue  # noqa: E402
from qudao.partners.models import Partner  # noqa: E402

settings.DEBUG = False


# --- the database ---------------------------------------------------------------------------


def prepare_database(scale: int) -> float:
    """Migrate and seed; returns the seconds seeding took."""
    call_command("migrate", verbosity=0, interactive=False)
    if User.objects.exists():
        if os.environ.get("BENCH_FLUSH") != "1":
            sys.exit(
                f"{connection.settings_dict['NAME']} already has data. The bench needs a scratch "
                "database: set BENCH_FLUSH=1 to empty it first."
            )
        print(f"emptying {connection.settings_dict['NAME']} (BENCH_FLUSH=1)")
        call_command("flush", verbosity=0, interactive=False)
        # flush also removes the roles that a data migration created
        Role.objects.bulk_create([Role(code=code) for code in Role.Code.values])
    started = time.perf_counter()
    call_command("seed_demo", scale=scale)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a live database would have
    print(f"seeded scale {scale} in {seconds:.1f}s")
    return seconds


def row_counts() -> dict[str, int]:
    models = [Partner, AuditEntry, Notification, ApprovalRequest, ApprovalStep, User]
    return {model._meta.db_table: model.objects.count() for model in models}


# --- timing ---------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_calls(call, n: int) -> list[float]:
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


# --- floors: the same rows with hand-written SQL ---------------------------------------------


def run_sql(statements: list[tuple[str, list[Any]]]) -> int:
    """Run the statements; returns the first one's first value (the COUNT where there is one)."""
    first = None
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if first is None:
                first = rows[0][0] if rows else 0
    return first or 0


def like() -> str:
    return "ILIKE" if connection.vendor == "postgresql" else "LIKE"


def placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


PARTNER_COLUMNS = (
    "p.id, p.code, p.name, p.status, p.tier, p.contact_name, p.contact_phone, p.created_at, "
    "p.updated_at, r.id, r.code, r.name, u.id, u.username, u.last_name, u.first_name"
)


def partner_floor(where: str = "", params: list | None = None):
    params = params or []
    clause = f"WHERE {where}" if where else ""
    return lambda: run_sql(
        [
            (f"SELECT COUNT(*) FROM partners_partner p {clause}", params),
            (
                f"SELECT {PARTNER_COLUMNS} FROM partners_partner p "
                "JOIN core_region r ON r.id = p.region_id JOIN core_user u ON u.id = p.owner_id "
                f"{clause} ORDER BY p.code, p.id LIMIT 20",
                params,
            ),
        ]
    )


APPROVAL_COLUMNS = (
    "ar.id, ar.kind, ar.title, ar.status, ar.version, ar.object_id, ar.created_at, "
    "ar.decided_at, u.id, u.username, u.last_name, u.first_name, ct.app_label, ct.model"
)


def approval_floor(where: str = "", params: list | None = None):
    params = params or []
    clause = f"WHERE {where}" if where else ""
    return lambda: run_sql(
        [
            (f"SELECT COUNT(*) FROM core_approvalrequest ar {clause}", params),
            (
                f"SELECT {APPROVAL_COLUMNS} FROM core_approvalrequest ar "
                "JOIN core_user u ON u.id = ar.requested_by_id "
                "JOIN django_content_type ct ON ct.id = ar.content_type_id "
                f"{clause} ORDER BY ar.created_at DESC, ar.id DESC LIMIT 20",
                params,
            ),
        ]
    )


def partner_ids_sql(where: str) -> str:
    return f"SELECT CAST(p.id AS VARCHAR(64)) FROM partners_partner p WHERE {where}"


def inbox_floor(user: User, partner_ct: int):
    """Open approvals with a pending step for this user, or for their roles within their scope
    (all of the bench's approvals are on partners)."""
    roles = sorted(user.role_codes)
    step = (
        "ar.status = 'pending' AND ar.id IN (SELECT s.request_id FROM core_approvalstep s "
        "WHERE s.status = 'pending' AND (s.approver_id = %s OR (s.approver_id IS NULL "
        f"AND s.role IN ({placeholders(roles)}))))"
    )
    params: list[Any] = [user.pk, *roles]
    if user.region_id and not user.has_role(Role.Code.DIRECTOR, Role.Code.ADMIN):
        regions = region_subtree_ids(user.region_id)
        partners = partner_ids_sql(f"p.region_id IN ({placeholders(regions)})")
        step += f" AND ar.content_type_id = %s AND ar.object_id IN ({partners})"
        params += [partner_ct, *regions]
    return approval_floor(step, params)


def notification_floor(user: User, with_unread: bool = False):
    statements = [
        ("SELECT COUNT(*) FROM core_notification n WHERE n.recipient_id = %s", [user.pk]),
        (
            "SELECT n.id, n.title, n.body, n.url, n.created_at, n.read_at FROM core_notification n "
            "WHERE n.recipient_id = %s ORDER BY n.created_at DESC, n.id DESC LIMIT 20",
            [user.pk],
        ),
    ]
    if with_unread:
        statements.append(
            (
                "SELECT COUNT(*) FROM core_notification n "
                "WHERE n.recipient_id = %s AND n.read_at IS NULL",
                [user.pk],
            )
        )
    return lambda: run_sql(statements)


def history_floor(partner: Partner, partner_ct: int):
    """The history tab shows the latest 100 entries, without a count."""
    sql = (
        "SELECT a.id, a.object_repr, a.action, a.changes, a.note, a.created_at, "
        "u.id, u.username, u.last_name, u.first_name FROM core_auditentry a "
        "LEFT JOIN core_user u ON u.id = a.actor_id "
        "WHERE a.content_type_id = %s AND a.object_id = %s "
        "ORDER BY a.created_at DESC, a.id DESC LIMIT 100"
    )

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [partner_ct, str(partner.pk)])
            return len(cursor.fetchall())

    return floor


# --- the requests ---------------------------------------------------------------------------


DEMO_USERS = ["director", "south_manager", "channel_mgr", "p1_sales"]


@dataclass
class Case:
    name: str
    call: Any  # () -> response
    floor: Any = None  # () -> int, the rows the list has in total
    count_check: Any = None  # () -> int, the app's own count (from the API) to compare with
    results: dict = field(default_factory=dict)


def must_be_ok(response, label: str):
    if response.status_code != 200:
        body = response.content[:300].decode(errors="replace")
        raise SystemExit(f"{label}: HTTP {response.status_code}, not 200: {body}")
    return response


def cases() -> list[Case]:
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    missing = set(DEMO_USERS) - set(users)
    if missing:
        raise SystemExit(f"demo accounts missing: {sorted(missing)}")
    director, south, cm, p1 = (users[name] for name in DEMO_USERS)
    web = {}
    for username, user in users.items():
        web[username] = Client()
        web[username].force_login(user, backend="qudao.core.auth.IdentifierBackend")
    api = {
        username: Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})
        for username, user in users.items()
    }
    anonymous = Client()
    partner_ct = ContentType.objects.get_for_model(Partner).pk
    # A scaled partner with the usual share of audit entries, visible to the director.
    scaled = Partner.objects.filter(code__startswith="S").order_by("code")
    sample = scaled[scaled.count() // 2]
    token_body = json.dumps({"username": cm.username, "password": settings.DEMO_PASSWORD})

    def get(client, path):
        label = f"GET {path}"
        return lambda: must_be_ok(client.get(path), label)

    def api_count(username, path):
        return lambda: must_be_ok(api[username].get(path), path).json()["count"]

    q = quote(SEARCH)
    return [
        Case("login page", get(anonymous, "/accounts/login/")),
        Case("home (director)", get(web["director"], "/")),
        Case("home (south_manager)", get(web["south_manager"], "/")),
        Case("home (p1_sales)", get(web["p1_sales"], "/")),
        Case(
            "partners p1 (director)",
            get(web["director"], "/partners/"),
            partner_floor(),
            api_count("director", "/api/v1/partners"),
        ),
        Case(
            "partners p1 (channel_mgr)",
            get(web["channel_mgr"], "/partners/"),
            partner_floor("p.owner_id = %s", [cm.pk]),
            api_count("channel_mgr", "/api/v1/partners"),
        ),
        Case(
            "partners p1 (p1_sales)",
            get(web["p1_sales"], "/partners/"),
            partner_floor("p.id = %s", [p1.partner_id]),
            api_count("p1_sales", "/api/v1/partners"),
        ),
        Case(
            "partners ?q=name search (director)",
            get(web["director"], f"/partners/?q={q}"),
            partner_floor(
                f"(p.name {like()} %s OR p.code {like()} %s OR p.contact_name {like()} %s)",
                [f"%{SEARCH}%"] * 3,
            ),
            api_count("director", f"/api/v1/partners?q={q}"),
        ),
        Case(
            "partners ?status=active (director)",
            get(web["director"], "/partners/?status=active"),
            partner_floor("p.status = %s", ["active"]),
            api_count("director", "/api/v1/partners?status=active"),
        ),
        Case(
            "partners ?tier=gold&status=active (director)",
            get(web["director"], "/partners/?tier=gold&status=active"),
            partner_floor("p.tier = %s AND p.status = %s", ["gold", "active"]),
            api_count("director", "/api/v1/partners?tier=gold&status=active"),
        ),
        Case("partner detail (director)", get(web["director"], f"/partners/{sample.pk}/")),
        Case(
            "partner history tab (director)",
            get(web["director"], f"/partners/{sample.pk}/?tab=history"),
            history_floor(sample, partner_ct),
            lambda: min(
                100,
                api_count("director", f"/api/v1/partners/{sample.pk}/history")(),
            ),
        ),
        Case(
            "approvals inbox (south_manager)",
            get(web["south_manager"], "/approvals/"),
            inbox_floor(south, partner_ct),
            api_count("south_manager", "/api/v1/approvals?box=awaiting"),
        ),
        Case(
            "approvals inbox (director)",
            get(web["director"], "/approvals/"),
            inbox_floor(director, partner_ct),
            api_count("director", "/api/v1/approvals?box=awaiting"),
        ),
        Case(
            "notifications (director)",
            get(web["director"], "/notifications/"),
            notification_floor(director),
            api_count("director", "/api/v1/notifications"),
        ),
        Case(
            "API POST auth/token",
            lambda: must_be_ok(
                anonymous.post("/api/v1/auth/token", token_body, content_type="application/json"),
                "POST /api/v1/auth/token",
            ),
        ),
        Case(
            "API partners (director)",
            get(api["director"], "/api/v1/partners"),
            partner_floor(),
            api_count("director", "/api/v1/partners"),
        ),
        Case(
            "API partners (channel_mgr)",
            get(api["channel_mgr"], "/api/v1/partners"),
            partner_floor("p.owner_id = %s", [cm.pk]),
            api_count("channel_mgr", "/api/v1/partners"),
        ),
        Case(
            "API approvals box=all (director)",
            get(api["director"], "/api/v1/approvals?box=all"),
            approval_floor(),
            api_count("director", "/api/v1/approvals?box=all"),
        ),
        Case(
            "API approvals box=all (channel_mgr)",
            get(api["channel_mgr"], "/api/v1/approvals?box=all"),
            approval_floor(
                "ar.requested_by_id = %s OR ar.id IN (SELECT s.request_id FROM core_approvalstep s"
                " WHERE s.approver_id = %s OR s.decided_by_id = %s) OR (ar.content_type_id = %s"
                f" AND ar.object_id IN ({partner_ids_sql('p.owner_id = %s')}))",
                [cm.pk, cm.pk, cm.pk, partner_ct, cm.pk],
            ),
            api_count("channel_mgr", "/api/v1/approvals?box=all"),
        ),
        Case(
            "API notifications (director)",
            get(api["director"], "/api/v1/notifications"),
            notification_floor(director, with_unread=True),
            api_count("director", "/api/v1/notifications"),
        ),
    ]


def measure(case: Case, n: int) -> None:
    connection.queries_log.clear()  # a full log (maxlen) would make the capture look empty
    with CaptureQueriesContext(connection) as queries:
        case.call()
    query_count = len(queries)  # now: the next request clears the log
    samples = time_calls(case.call, n)
    floor_ms = None
    if case.floor is not None:
        floor_ms = round(statistics.median(time_calls(case.floor, n)), 2)
        if case.count_check is not None:
            expected, got = case.count_check(), case.floor()
            if expected != got:
                print(f"  note: the floor of {case.name!r} finds {got} rows, the app {expected}")
    case.results = {
        "name": case.name,
        "n": n,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "floor_ms": floor_ms,
        "queries": query_count,
    }


def print_table(results: list[dict]) -> None:
    width = max(len(r["name"]) for r in results)
    header = f"{'request':<{width}}  {'n':>3}  {'p50 ms':>8}  {'p95 ms':>8}  {'floor ms':>8}"
    header += f"  {'x floor':>7}  queries"
    print(header)
    print("-" * len(header))
    for r in results:
        floor = r["floor_ms"]
        ratio = f"{r['p50_ms'] / floor:.1f}" if floor else "-"
        print(
            f"{r['name']:<{width}}  {r['n']:>3}  {r['p50_ms']:>8.2f}  {r['p95_ms']:>8.2f}  "
            f"{floor if floor is not None else '-':>8}  {ratio:>7}  {r['queries']:>7}"
        )


def main() -> None:
    scale, n = env_int("BENCH_SCALE", 100), env_int("BENCH_N", 30)
    started = time.perf_counter()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    seed_seconds = prepare_database(scale)
    rows = row_counts()
    print("rows: " + ", ".join(f"{table} {count:,}" for table, count in rows.items()))
    print(f"timing {WARMUP} warm-up + {n} calls per request …\n")
    all_cases = cases()
    for case in all_cases:
        measure(case, n)
    results = [case.results for case in all_cases]
    print_table(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": connection.vendor,
                "scale": scale,
                "seed_seconds": round(seed_seconds, 1),
                "rows": rows,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\n{RESULTS.relative_to(ROOT)} written; {time.perf_counter() - started:.0f}s in all")


if __name__ == "__main__":
    main()
