"""Benchmark of the projects module at 1,000,000 projects (issue 5, "Measured").

    .venv/bin/python bench/projects.py                 # SQLite, bench/projects.sqlite3, rebuilt
    BENCH_PROJECTS=200000 BENCH_N=10 .venv/bin/python bench/projects.py      # a smaller run
    BENCH_PROJECTS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qudao_bench_proj \\
        BENCH_FLUSH=1 .venv/bin/python bench/projects.py
    BENCH_REUSE=1 .venv/bin/python bench/projects.py   # time again, no seeding

Its own database (not bench/run.py's: that one is rebuilt by every `make bench`): migrate,
`seed_demo --scale 1` (the demo accounts, 50 more partners), then BENCH_PROJECTS projects with
their stage rows (qudao/demo/scale_projects.py), then ANALYZE. Timed in-process with
django.test.Client like bench/run.py (3 warm-up calls, BENCH_N timed ones, every response a 200):
the project list filtered by stage and region and sorted by amount as the director and as a
regional manager (page and API), the list as it first opens (no filter, newest first), the
detail's overview and stages tabs and the API detail for sampled projects (a different project
each call), and the stage advance service on fresh projects. The list has a floor: the same
count and page in hand-written SQL. Results: a table on stdout and bench/results/projects.json
(git-ignored).
"""

import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results" / "projects.json"
SQLITE_PATH = BENCH_DIR / "projects.sqlite3"
WARMUP = 3
REUSE = os.environ.get("BENCH_REUSE") == "1"
GOAL_MS = 50
HOME_GOAL_MS = 100  # the role home pages, with their charts


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def configure_database() -> str:
    url = os.environ.get("BENCH_PROJECTS_DATABASE_URL", "").strip()
    if not url:
        if not REUSE:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1"  # development settings; DEBUG is switched off after setup
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qudao.settings")
    sys.path.insert(0, str(ROOT))
    return url


configure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qudao.core.models import Region, Role, User  # noqa: E402
from qudao.core.scopes import region_subtree_ids  # noqa: E402
from qudao.core.services.auth import api_token_issue  # noqa: E402
from qudao.demo.scale_projects import CODE_PREFIX, seed_projects  # noqa: E402
from qudao.projects.models import (  # noqa: E402
    Project,
    ProjectMember,
    ProjectStage,
    StageDefinition,
)
from qudao.projects.reference import templates_builtin_ensure  # noqa: E402
from qudao.projects.services import stage_advance  # noqa: E402

settings.DEBUG = False
STAGE = "opportunity"  # the first stage of 售前标准流程: the most crowded one
REGION = "HN"  # 华南, south_manager's region


# --- the database ---------------------------------------------------------------------------


def prepare_database(count: int) -> float | None:
    call_command("migrate", verbosity=0, interactive=False)
    if REUSE:
        if not Project.objects.filter(code__startswith=CODE_PREFIX).exists():
            sys.exit("BENCH_REUSE=1 needs a database seeded by a previous run.")
        print("reusing the database as it is (BENCH_REUSE=1)")
        return None
    if User.objects.exists():
        if os.environ.get("BENCH_FLUSH") != "1":
            sys.exit(
                f"{connection.settings_dict['NAME']} already has data. The bench needs a scratch "
                "database: set BENCH_FLUSH=1 to empty it first."
            )
        print(f"emptying {connection.settings_dict['NAME']} (BENCH_FLUSH=1)")
        call_command("flush", verbosity=0, interactive=False)
        # flush also removes what data migrations created: roles, templates
        Role.objects.bulk_create([Role(code=code) for code in Role.Code.values])
        templates_builtin_ensure()
    started, cpu = time.perf_counter(), time.process_time()
    call_command("seed_demo", scale=1, verbosity=0)
    print(f"demo seeded in {time.perf_counter() - started:.1f}s")
    seed_started = time.perf_counter()
    counts = seed_projects(count, progress=lambda line: print(f"  {line}", flush=True))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    seconds = time.perf_counter() - seed_started
    print(
        f"seeded {counts} in {seconds:.1f}s "
        f"({time.process_time() - cpu:.1f}s CPU in this process, demo included)"
    )
    return seconds


def row_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model.objects.count()
        for model in (Project, ProjectStage, ProjectMember, User)
    }


# --- timing ---------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_calls(call, n: int, warmup: int = WARMUP) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def must_be_ok(response, label: str):
    if response.status_code != 200:
        body = response.content[:300].decode(errors="replace")
        raise SystemExit(f"{label}: HTTP {response.status_code}, not 200: {body}")
    return response


@dataclass
class Case:
    name: str
    call: Any  # () -> anything; one timed call
    floor: Any = None  # () -> int, the rows of the list in total
    count_check: Any = None  # () -> int, the app's count of the same list (API)
    warmup: int = WARMUP
    queries_call: Any = None  # a call for counting queries, when `call` must not repeat


def cycling(paths: list[str], client: Client):
    """A different path each call: sampled projects, not one project served from caches."""
    state = {"i": 0}

    def run():
        path = paths[state["i"] % len(paths)]
        state["i"] += 1
        return must_be_ok(client.get(path), f"GET {path}")

    return run


PROJECT_COLUMNS = (
    "p.id, p.code, p.name, p.project_class, p.customer_name, p.amount, p.expected_close_date, "
    "p.status, p.health, p.stage_code, p.created_at, r.id, r.name, pa.id, pa.name, u.id, "
    "u.username, u.last_name, u.first_name, s.id, s.status, d.id, d.code, d.name, tv.id, "
    "t.id, t.name"
)


def list_floor(region_ids: list[int], rows: int):
    """The list's data in hand-written SQL, director's scope (all): the count, then one page
    sorted by amount with the region, partner, owner, current stage and template it shows. The
    page's ids come first from the (stage_code, region, amount) index, and only those rows are
    joined: joining every matching row before sorting (what one SELECT … JOIN … ORDER BY …
    LIMIT does on SQLite) costs hundreds of milliseconds at 1,000,000 projects."""
    marks = ", ".join(["%s"] * len(region_ids))
    where = f"stage_code = %s AND region_id IN ({marks})"
    params = [STAGE, *region_ids]
    count_sql = f"SELECT COUNT(*) FROM projects_project WHERE {where}"
    page_sql = (
        f"SELECT {PROJECT_COLUMNS} FROM ("
        f"SELECT id FROM projects_project WHERE {where} ORDER BY amount DESC, id LIMIT {rows}"
        ") page JOIN projects_project p ON p.id = page.id "
        "JOIN core_region r ON r.id = p.region_id "
        "LEFT JOIN partners_partner pa ON pa.id = p.partner_id "
        "JOIN core_user u ON u.id = p.owner_id "
        "LEFT JOIN projects_projectstage s ON s.id = p.current_stage_id "
        "LEFT JOIN projects_stagedefinition d ON d.id = s.definition_id "
        "JOIN projects_templateversion tv ON tv.id = p.template_version_id "
        "JOIN projects_processtemplate t ON t.id = tv.template_id "
        "ORDER BY p.amount DESC, p.id"
    )

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(count_sql, params)
            count = cursor.fetchone()[0]
            cursor.execute(page_sql, params)
            cursor.fetchall()
        return count

    return floor


def sample_projects(user: User, count: int) -> list[int]:
    """`count` projects spread over the id range, visible to `user` (region scope)."""
    rows = Project.objects.filter(code__startswith=CODE_PREFIX)
    if not user.has_role(Role.Code.DIRECTOR):
        rows = rows.filter(region_id__in=region_subtree_ids(user.region_id))
    ids = list(rows.order_by("pk").values_list("pk", flat=True)[:: max(1, rows.count() // count)])
    return ids[:count]


def advance_candidates(count: int) -> list[Project]:
    """Active projects, never touched by the bench before, whose current stage has no required
    documents and no approval; their checklist is ticked here (not timed), so the gate passes."""
    definitions = list(
        StageDefinition.objects.filter(
            approval=StageDefinition.Approval.NONE,
            document_types__isnull=True,
            version__status="published",
        ).values_list("pk", "checklist")
    )
    ticks = {pk: list(range(len(checklist))) for pk, checklist in definitions}
    stages = list(
        ProjectStage.objects.filter(
            definition_id__in=ticks,
            status=ProjectStage.Status.ACTIVE,
            project__status=Project.Status.ACTIVE,
            project__code__startswith=CODE_PREFIX,
            project__version=1,  # never changed: fresh
            project__current_stage=F("pk"),
        )
        .select_related("project")
        .order_by("-project_id")[:count]
    )
    for stage in stages:
        ProjectStage.objects.filter(pk=stage.pk).update(checklist_done=ticks[stage.definition_id])
    return [stage.project for stage in stages]


def advance_case(n: int) -> tuple[dict, int]:
    projects = advance_candidates(WARMUP + n + 1)
    if len(projects) < WARMUP + n + 1:
        raise SystemExit("not enough fresh projects for the stage advance")
    state = {"i": 0}

    def run():
        project = projects[state["i"]]
        state["i"] += 1
        actor = project.owner
        with transaction.atomic():
            stage_advance(actor=actor, project=project, version=project.version)

    samples = time_calls(run, n)
    with CaptureQueriesContext(connection) as queries:
        run()
    return summary("stage advance (service, owner)", samples, None, len(queries)), len(projects)


def summary(name: str, samples: list[float], floor: list[float] | None, queries: int) -> dict:
    return {
        "name": name,
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "floor_ms": round(statistics.median(floor), 2) if floor else None,
        "floor_p95_ms": round(percentile(floor, 0.95), 2) if floor else None,
        "queries": queries,
    }


def cases(n: int) -> tuple[list[Case], dict]:
    director = User.objects.get(username="director")
    south = User.objects.get(username="south_manager")
    region = Region.objects.get(code=REGION)
    web, api = {}, {}
    for user in (director, south):
        web[user.username] = Client()
        web[user.username].force_login(user, backend="qudao.core.auth.IdentifierBackend")
        api[user.username] = Client(
            headers={"Authorization": f"Bearer {api_token_issue(user=user)}"}
        )
    query = f"?stage={STAGE}&region={region.pk}&sort=-amount"
    list_path = f"/projects/{query}"
    api_path = f"/api/v1/projects{query}&page_size=25"
    floor = list_floor(region_subtree_ids(region.pk), 25)
    sampled = max(n + WARMUP, 30)
    found = []
    for username in ("director", "south_manager"):
        user = director if username == "director" else south
        ids = sample_projects(user, sampled)
        found.append(Case(f"project list (page, {username})", cycling([list_path], web[username])))
        found.append(
            Case(
                f"project list (API 25, {username})",
                cycling([api_path], api[username]),
                floor=floor if username == "director" else None,
                count_check=lambda u=username: must_be_ok(api[u].get(api_path), api_path).json()[
                    "count"
                ],
            )
        )
        found.append(
            Case(
                f"project list, no filter (page, {username})",
                cycling(["/projects/"], web[username]),
            )
        )
        found.append(
            Case(
                f"project detail overview ({username})",
                cycling([f"/projects/{pk}/" for pk in ids], web[username]),
            )
        )
        found.append(
            Case(
                f"project detail stages ({username})",
                cycling([f"/projects/{pk}/stages/" for pk in ids], web[username]),
            )
        )
        found.append(
            Case(
                f"project detail (API, {username})",
                cycling([f"/api/v1/projects/{pk}" for pk in ids], api[username]),
            )
        )
    # The role home pages (charts from the rollups, the inbox, the cards); goal p95 < 100 ms.
    for username in ("director", "south_manager", "channel_mgr", "p1_sales"):
        if username not in web:
            web[username] = Client()
            web[username].force_login(
                User.objects.get(username=username), backend="qudao.core.auth.IdentifierBackend"
            )
        found.append(Case(f"home ({username})", cycling(["/"], web[username])))
    info = {
        "stage": STAGE,
        "region": REGION,
        "list_path": list_path,
        "api_path": api_path,
        "default_list_path": "/projects/",
    }
    return found, info


def measure(case: Case, n: int) -> dict:
    samples = time_calls(case.call, n, case.warmup)
    with CaptureQueriesContext(connection) as queries:
        case.call()
    # Counted now: the next request (the count check) resets the query log.
    query_count = len(queries)
    floor_samples = None
    note = ""
    if case.floor is not None:
        floor_samples = time_calls(case.floor, n)
        floor_rows = case.floor()
        app_rows = case.count_check() if case.count_check else None
        if app_rows is not None and app_rows != floor_rows:
            note = f"floor counts {floor_rows} rows, the app {app_rows}"
        else:
            note = f"{floor_rows} rows"
    result = summary(case.name, samples, floor_samples, query_count)
    if note:
        result["note"] = note
    return result


def print_table(results: list[dict]) -> None:
    print(
        f"\n{'request':44} {'p50 ms':>8} {'p95 ms':>8} {'floor':>8} {'x floor':>8} {'queries':>8}"
    )
    for row in results:
        floor = row["floor_ms"]
        ratio = f"{row['p50_ms'] / floor:.1f}" if floor else ""
        limit = HOME_GOAL_MS if row["name"].startswith("home") else GOAL_MS
        goal = " " if row["name"].startswith("stage") or row["p95_ms"] < limit else "!"
        print(
            f"{row['name']:44} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f}{goal}"
            f"{(f'{floor:.1f}' if floor else ''):>8} {ratio:>8} {row['queries']:>8}"
            + (f"   {row['note']}" if row.get("note") else "")
        )
    print(f"(! = p95 over the {GOAL_MS} ms goal, {HOME_GOAL_MS} ms for the home pages)")


def main() -> None:
    count, n = env_int("BENCH_PROJECTS", 1_000_000), env_int("BENCH_N", 30)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    seed_seconds = prepare_database(count)
    counts = row_counts()
    print(f"rows: {counts}")
    started_cpu, started = time.process_time(), time.perf_counter()
    found, info = cases(n)
    results = []
    for case in found:
        results.append(measure(case, n))
        print(f"  {results[-1]['name']}: p95 {results[-1]['p95_ms']} ms", flush=True)
    advance, _used = advance_case(n)
    results.append(advance)
    print_table(results)
    print(
        f"timed in {time.perf_counter() - started:.0f}s "
        f"({time.process_time() - started_cpu:.0f}s CPU in this process)"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": connection.vendor,
                "projects": count,
                "seed_seconds": round(seed_seconds, 1) if seed_seconds is not None else None,
                "rows": counts,
                "requests": info,
                "goal_p95_ms": GOAL_MS,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"results: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
