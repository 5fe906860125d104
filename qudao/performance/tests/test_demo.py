"""The performance demo: loaded with the rest of the demo, it gives every page something to show
(targets decomposed, a scheme and scorecards, a policy with an approved statement, benchmarks
with a note, alerts, and actions — one closed, one overdue and escalated); loading it twice
changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from qudao.performance.models import (
    BenchmarkEntry,
    BenchmarkNote,
    CorrectiveAction,
    KpiScheme,
    PartnerMonthFact,
    RebateStatement,
    Scorecard,
    Target,
)
from qudao.performance.selectors.targets import with_attainment

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_whole_loop_and_loads_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=StringIO())

    company = Target.objects.get(unit_kind="company", metric="won_amount")
    with_attainment([company])
    assert company.children_count == 4 and not company.adds_up  # 西部 has no share
    assert Target.objects.filter(unit_kind="person").exists()
    assert PartnerMonthFact.objects.values("month").distinct().count() >= 6
    assert KpiScheme.objects.count() == 1 and Scorecard.objects.filter(below_warning=True).exists()
    assert RebateStatement.objects.filter(status="approved").count() == 1
    assert BenchmarkEntry.objects.filter(is_best=True).exists() and BenchmarkNote.objects.exists()
    statuses = set(CorrectiveAction.objects.values_list("status", flat=True))
    assert {"open", "closed"} <= statuses
    assert CorrectiveAction.objects.filter(escalated_at__isnull=False).count() == 1

    before = {model: model.objects.count() for model in (Target, Scorecard, CorrectiveAction)}
    call_command("seed_demo", stdout=StringIO())
    assert {model: model.objects.count() for model in before} == before
