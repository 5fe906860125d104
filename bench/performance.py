"""Benchmark of the performance module: 5,000 partners, 1,000,000 deal registrations and
1,000,000 projects.

    .venv/bin/python bench/performance.py               # SQLite: bench/performance.sqlite3, new
    BENCH_PARTNERS=500 BENCH_REGISTRATIONS=100000 BENCH_PROJECTS=100000 BENCH_N=10 \\
        .venv/bin/python bench/performance.py             # a smaller run
    BENCH_PERFORMANCE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qudao_bench_perf \\
        BENCH_FLUSH=1 .venv/bin/python bench/performance.py
    BENCH_REUSE=1 .venv/bin/python bench/performance.py  # time again, no seeding
    BENCH_SEED_ONLY=1 …                                    # seed, time nothing
    BENCH_REUSE=1 BENCH_SKIP_REBUILD=1 …                  # and keep the rollups as they are

Its own database (not bench/run.py's, nor bench/projects.py's): migrate, `seed_demo` (the demo
accounts, regions, tiers, product lines), then `measure` of bench/performance_measure.py,
which adds synthetic partners, registrations (with their product lines) and projects inside the
database (INSERT … SELECT), ANALYZEs, rebuilds the rollups, refreshes them (nothing changed),
computes every partner's scorecard for the quarter, and times each dashboard (HQ, region, channel
manager, partner; also HQ filtered by region and tier, and by product line) against the
equivalent raw aggregate SQL on the raw tables. Results: a table on stdout and
bench/results/performance.json (git-ignored). bench/PERFORMANCE.md describes the figures.
"""

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results" / "performance.json"
SQLITE_PATH = BENCH_DIR / "performance.sqlite3"
REUSE = os.environ.get("BENCH_REUSE") == "1"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def configure_database() -> str:
    url = os.environ.get("BENCH_PERFORMANCE_DATABASE_URL", "").strip()
    if not url:
        if not REUSE:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1"  # development settings; DEBUG is switched off by the command
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qudao.settings")
    sys.path.insert(0, str(ROOT))
    return url


configure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from performance_measure import measure  # noqa: E402  (bench/, this script's folder)

from qudao.core.models import Role, User  # noqa: E402
from qudao.demo.partners import seed_partner_reference  # noqa: E402
from qudao.projects.reference import templates_builtin_ensure  # noqa: E402
from qudao.registrations.models import Registration  # noqa: E402


def prepare_database() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    if REUSE:
        if not Registration.objects.filter(number__startswith="PMR-").exists():
            sys.exit("BENCH_REUSE=1 needs a database seeded by a previous run.")
        print("reusing the database as it is (BENCH_REUSE=1)")
        return
    if User.objects.exists():
        if os.environ.get("BENCH_FLUSH") != "1":
            sys.exit(
                f"{connection.settings_dict['NAME']} already has data. The bench needs a scratch "
                "database: set BENCH_FLUSH=1 to empty it first."
            )
        print(f"emptying {connection.settings_dict['NAME']} (BENCH_FLUSH=1)")
        call_command("flush", verbosity=0, interactive=False)
        # flush also removes what data migrations created: roles, tiers, product lines, templates
        Role.objects.bulk_create([Role(code=code) for code in Role.Code.values])
        seed_partner_reference()
        templates_builtin_ensure()
    started = time.perf_counter()
    call_command("seed_demo", verbosity=0)
    print(f"demo seeded in {time.perf_counter() - started:.1f}s")


def main() -> None:
    partners = env_int("BENCH_PARTNERS", 5_000)
    registrations = env_int("BENCH_REGISTRATIONS", 1_000_000)
    projects = env_int("BENCH_PROJECTS", 1_000_000)
    n = env_int("BENCH_N", 30)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"load average before: {os.getloadavg()}")
    started, cpu = time.perf_counter(), time.process_time()
    prepare_database()
    RESULTS.parent.mkdir(exist_ok=True)
    seed_only = os.environ.get("BENCH_SEED_ONLY") == "1"
    measure(
        partners=partners,
        registrations=registrations,
        projects=projects,
        runs=n,
        json=str(RESULTS),
        seed_only=seed_only,
        skip_rebuild=REUSE and os.environ.get("BENCH_SKIP_REBUILD") == "1",
    )
    if seed_only:
        print("seeded only (BENCH_SEED_ONLY=1): time it with BENCH_REUSE=1")
        return
    result = json.loads(RESULTS.read_text(encoding="utf-8"))
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "reused": REUSE,
        "runs": n,
        "goal_p95_ms": 100,
        "goal_scorecards_s": 60,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds_this_process": round(time.process_time() - cpu, 1),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    } | result
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    print(f"load average after: {os.getloadavg()}")
    print(f"results: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
