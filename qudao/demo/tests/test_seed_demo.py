"""The demo data set: what `make run` loads on an empty database, loaded once however often the
command runs, and the bulk blocks the benchmarks add with --scale."""

import datetime
import random
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from qudao.core.models import (
    ApprovalRequest,
    ApprovalStep,
    AuditEntry,
    Counter,
    Notification,
    Region,
    User,
)
from qudao.core.tests.factories import UserFactory
from qudao.customers.keys import customer_keys
from qudao.customers.matching import Level, normalise_name
from qudao.demo.scale import PER_BLOCK
from qudao.demo.scale_registrations import variant_of
from qudao.partners.models import (
    Agreement,
    CreditApplication,
    Partner,
    PartnerApplication,
    PartnerContact,
    PartnerEvaluation,
    Rectification,
    TierChange,
)
from qudao.partners.validators import validate_credit_code
from qudao.performance.periods import QUARTER, Period
from qudao.performance.selectors.dashboard import Filters, dashboard_data
from qudao.projects.models import Project
from qudao.registrations.models import (
    CustomerKey,
    CustomerName,
    Registration,
    RegistrationProduct,
)
from qudao.registrations.services import registration_conflicts, registration_expire_due
from qudao.registrations.tests.factories import RegistrationFactory

REGIONS = {"华南", "华东", "华中", "华北", "西部"}
ACCOUNTS = [
    "admin",
    "director",
    "south_manager",
    "channel_mgr",
    "pm",
    "presales",
    "finance",
    "p1_admin",
    "p1_sales",
    "p2_admin",
    "p2_sales",
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # seed_demo hashes a password per account; PBKDF2 would spend seconds on it in every test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed(django_capture_on_commit_callbacks):
    """Run seed_demo as a deployment would: its after-commit work (notifications) runs too."""

    def run(*args: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", *args, stdout=out)
        return out.getvalue()

    return run


def row_counts() -> dict[str, int]:
    """How many rows every table holds (many-to-many tables included)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
    }


def logs_in(username: str, password: str) -> bool:
    response = Client().post("/accounts/login/", {"identifier": username, "password": password})
    return response.status_code == 302


def test_seed_demo_loads_the_demo_data_into_an_empty_database(db, seed):
    # Given an empty database (no users)
    assert not User.objects.exists()

    # When the demo data is loaded the way `make run` does it
    output = seed("--if-empty")

    # Then the five regions exist, each with its offices
    assert "demo data ready" in output
    regions = Region.objects.filter(kind=Region.Kind.REGION, parent=None)
    assert set(regions.values_list("name", flat=True)) == REGIONS
    for region in regions:
        offices = Region.objects.filter(parent=region, kind=Region.Kind.OFFICE)
        assert offices.count() >= 1, region.name
    # And every demo account can log in with the demo password
    for username in ACCOUNTS:
        assert logs_in(username, settings.DEMO_PASSWORD), username
    assert not logs_in("admin", "not-the-demo-password")
    # And the accounts have their roles, partner users their partner
    p1_sales = User.objects.get(username="p1_sales")
    assert p1_sales.role_codes and p1_sales.partner.code == "P-HN-001"
    assert User.objects.get(username="p2_admin").partner.code == "P-HN-002"
    assert "regional_manager" in User.objects.get(username="south_manager").role_codes
    # And there are partners in every status, and approvals waiting for a decision
    assert set(Partner.objects.values_list("status", flat=True)) == set(Partner.Status.values)
    assert ApprovalRequest.objects.filter(status=ApprovalRequest.Status.PENDING).count() >= 2


def test_seed_demo_twice_changes_nothing(db, seed):
    # Given the demo data
    seed()
    before = row_counts()

    # When it is loaded again
    seed()

    # Then no table gained or lost a row
    assert row_counts() == before


def test_seed_demo_covers_the_partner_lifecycle(db, seed):
    # When the demo data is loaded (its speed is not asserted here: `make run` prints it)
    seed()

    # Then about forty partners sit in every region, in every status and tier, with the two
    # named partners of the demo accounts
    partners = Partner.objects.select_related("region__parent")
    assert 35 <= partners.count() <= 50
    assert {p.region.parent.name for p in partners} == REGIONS
    assert set(partners.values_list("status", flat=True)) == set(Partner.Status.values)
    assert set(partners.values_list("tier", flat=True)) == {
        "gold",
        "silver",
        "certified",
        "registered",
    }
    assert partners.get(code="P-HN-001").name == "深圳市鹏程信息技术有限公司"
    assert partners.get(code="P-HN-002").name == "广州市天河智联科技有限公司"
    # with profiles whose credit codes are valid and unique, created with an audit entry
    codes = [p.credit_code for p in partners]
    for code in codes:
        validate_credit_code(code)
    assert len(set(codes)) == len(codes)
    assert all(p.legal_representative and p.address and p.staff_count for p in partners)
    created = AuditEntry.objects.filter(content_type__model="partner", action="create")
    assert created.count() == partners.count()
    assert PartnerContact.objects.filter(is_primary=True).count() == partners.count()
    # And agreements in several states, one of them expiring within a month
    statuses = set(Agreement.objects.values_list("status", flat=True))
    assert {"active", "expired", "draft"} <= statuses
    soon = timezone.localdate() + datetime.timedelta(days=30)
    assert Agreement.objects.filter(status="active", end_date__lte=soon).exists()
    assert all(a.territory.exists() and a.product_lines.exists() for a in Agreement.objects.all())
    # And the tier history, credit applications approved and in approval
    assert TierChange.objects.filter(status="approved").count() >= 3
    credit = set(CreditApplication.objects.values_list("status", flat=True))
    assert {"approved", "in_approval"} <= credit
    # And final evaluations with their scores, and one open rectification
    final = PartnerEvaluation.objects.filter(status="final")
    assert final.count() >= 10
    assert all(e.scores.count() == 5 and e.total_score is not None for e in final)
    assert Rectification.objects.filter(status="open").count() == 1
    # And applications waiting for a decision, with valid credit codes
    pending = PartnerApplication.objects.filter(status__in=["submitted", "reviewing"])
    assert pending.count() >= 3
    assert {"submitted", "reviewing"} <= set(pending.values_list("status", flat=True))
    for application in pending:
        validate_credit_code(application.credit_code)


def months_of(moments) -> set[str]:
    return {f"{timezone.localtime(m):%Y-%m}" for m in moments}


def test_seed_demo_spreads_its_dates_over_the_last_two_years(db, seed):
    # When the demo data is loaded
    seed()
    now = timezone.now()
    today = timezone.localdate()
    two_years_ago = now - datetime.timedelta(days=731)

    # Then registrations were submitted in at least twelve months of the last twenty-four,
    # none before them and none in the future
    submitted = list(
        Registration.objects.exclude(submitted_at=None).values_list("submitted_at", flat=True)
    )
    assert len(months_of(submitted)) >= 12
    assert min(submitted) >= two_years_ago and max(submitted) <= now
    # and projects were won in at least twelve months, more of them in the last six
    won = list(Project.objects.exclude(won_at=None).values_list("won_at", flat=True))
    assert len(months_of(won)) >= 12
    recent = now - datetime.timedelta(days=183)
    assert sum(w >= recent for w in won) > sum(w < recent for w in won) / 3
    # And nothing at all is dated in the future or before the two years: audit, approvals
    audit = AuditEntry.objects.values_list("created_at", flat=True)
    assert len(months_of(audit)) >= 20
    assert min(audit) >= two_years_ago and max(audit) <= now
    assert not ApprovalRequest.objects.filter(created_at__gt=now).exists()
    assert not Project.objects.filter(created_at__gt=now).exists()
    assert not Registration.objects.filter(created_at__gt=now).exists()

    # And the current stories still hold: registrations waiting for review in the inbox,
    review = ApprovalRequest.objects.filter(kind="registration_review", status="pending")
    reviewed = {int(pk) for pk in review.values_list("object_id", flat=True)}  # a text column
    waiting = Registration.objects.filter(status="submitted", pk__in=reviewed)
    assert waiting.count() >= 5
    assert all(r.submitted_at >= now - datetime.timedelta(days=30) for r in waiting)
    # approved ones still protected (the daily job expires none), one ending within a week,
    approved = Registration.objects.filter(status="approved")
    assert approved.count() >= 5
    assert all(r.protection_until >= today for r in approved)
    assert approved.filter(protection_until__lte=today + datetime.timedelta(days=7)).exists()
    assert registration_expire_due(today)["expired"] == 0
    # one whose progress update is overdue, the others' not,
    assert approved.filter(progress_due_at__lt=now).count() == 1
    # and projects in progress
    assert Project.objects.filter(status="active").count() >= 3

    # And the dashboard's twelve-month trend has wins and registrations in most months
    director = User.objects.get(username="director")
    trend = dashboard_data(director, Filters(Period.of(QUARTER, today)))["trend"]
    assert len(trend) == 12
    assert sum(month["registrations"] > 0 for month in trend) >= 8
    assert sum(month["won_amount"] > 0 for month in trend) >= 8


def test_if_empty_leaves_a_database_with_users_alone(db, seed):
    # Given a database that already has a user
    UserFactory(username="someone")
    before = row_counts()

    # When the demo data is loaded only if the database is empty
    output = seed("--if-empty")

    # Then nothing is loaded
    assert "already has data" in output
    assert row_counts() == before
    assert not Region.objects.exists()


def test_scale_one_adds_one_block_of_each_table(db, seed):
    # Given the demo data
    seed()
    tables = {
        "partners": Partner,
        "audit": AuditEntry,
        "notifications": Notification,
        "approvals": ApprovalRequest,
        "registrations": Registration,
    }
    before = {name: model.objects.count() for name, model in tables.items()}
    steps_before = ApprovalStep.objects.count()

    # When one block is added
    seed("--scale", "1")

    # Then each table grew by exactly the documented block size (approvals with two steps each)
    added = {name: model.objects.count() - before[name] for name, model in tables.items()}
    assert added == PER_BLOCK
    assert ApprovalStep.objects.count() - steps_before == 2 * PER_BLOCK["approvals"]


def test_scaled_registrations_are_indexed_as_the_services_would_index_them(db, seed):
    # Given the demo data and its registration counter
    seed()
    counters = dict(Counter.objects.values_list("key", "value"))

    # When one block of registrations is added
    seed("--scale", "1")

    # Then there are 10,000 of them, numbered in their own series, the real counter untouched
    scaled = Registration.objects.filter(number__startswith="BB-S")
    assert scaled.count() == PER_BLOCK["registrations"]
    assert scaled.values("number").distinct().count() == scaled.count()
    assert dict(Counter.objects.values_list("key", "value")) == counters
    # with a realistic status mix: mostly closed, a large live share, a few drafts
    live = scaled.filter(status__in=Registration.LIVE)
    assert 0.2 < live.count() / scaled.count() < 0.45
    assert scaled.filter(status=Registration.Status.DRAFT).exists()
    closed = {"rejected", "expired", "won", "lost", "cancelled"}
    assert closed <= set(scaled.values_list("status", flat=True))
    # and one or two product lines each
    lines = RegistrationProduct.objects.filter(registration__in=scaled)
    per_registration = {}
    for registration_id in lines.values_list("registration_id", flat=True):
        per_registration[registration_id] = per_registration.get(registration_id, 0) + 1
    assert len(per_registration) == scaled.count()
    assert set(per_registration.values()) == {1, 2}
    # And only live registrations hold keys, exactly the keys of their customer
    assert not CustomerKey.objects.exclude(registration__status__in=Registration.LIVE).exists()
    sample = list(live.order_by("pk")[::25])
    assert len(sample) > 50
    for registration in sample:
        stored = set(
            CustomerKey.objects.filter(registration=registration).values_list(
                "partner_id", "kind", "key"
            )
        )
        expected = customer_keys(registration.customer_name, registration.customer_credit_code)
        assert stored == {(registration.partner_id, kind, key) for kind, key in expected}
        # and their name taken apart, as the services store it
        parts = CustomerName.objects.get(registration=registration)
        assert parts.parts(registration.customer_name) == normalise_name(registration.customer_name)
    assert CustomerName.objects.filter(registration__in=scaled).count() == live.count()
    # And customers repeat across partners, some with valid credit codes, without giant lists
    with_codes = [r.customer_credit_code for r in sample if r.customer_credit_code]
    assert 0.2 < len(with_codes) / len(sample) < 0.5
    for code in with_codes:
        validate_credit_code(code)
    names = CustomerKey.objects.filter(kind="name").values_list("key", "partner_id")
    partners_per_name: dict[str, set[int]] = {}
    for key, partner_id in names:
        partners_per_name.setdefault(key, set()).add(partner_id)
    assert sum(len(partners) >= 3 for partners in partners_per_name.values()) >= 20
    assert max(len(partners) for partners in partners_per_name.values()) < 100
    # And a partner who writes a seeded customer differently is told of the conflict
    source = sample[7]
    other = Partner.objects.exclude(pk=source.partner_id).first()
    draft = Registration(
        partner=other,
        customer_name=variant_of(source.customer_name, random.Random(1)),
        customer_region_id=source.customer_region_id,
        project_name="园区网络改造",
        estimated_amount=source.estimated_amount,
    )
    conflicts = registration_conflicts(registration=draft, product_lines=frozenset())
    assert source.pk in {c.registration.pk for c in conflicts}
    assert max(c.level for c in conflicts) >= Level.LIKELY

    # When a second block is added, the numbers go on
    seed("--scale", "1")
    assert scaled.count() == 2 * PER_BLOCK["registrations"]
    assert scaled.values("number").distinct().count() == scaled.count()
    # And a registration made the usual way afterwards gets a new id and the next real number
    last = Registration.objects.order_by("-pk").first()
    made = RegistrationFactory()
    assert made.pk > last.pk
    assert made.number.startswith(f"BB-{timezone.localdate().year}-")


@pytest.mark.parametrize("scale", ["-1", "10001"])
def test_scale_out_of_range_is_an_error(db, seed, scale):
    with pytest.raises(CommandError, match="--scale"):
        seed("--scale", scale)

    assert not User.objects.exists()
    assert not Region.objects.exists()


def test_partner_sales_sees_only_their_own_partner(db, seed):
    # Given the demo data, with about forty partners
    seed()
    assert Partner.objects.count() > 1
    own = Partner.objects.get(code="P-HN-001")
    client = Client()
    login = {"identifier": "p1_sales", "password": settings.DEMO_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302

    # When partner 1's sales user opens the partner list
    response = client.get("/partners/", follow=True)

    # Then they are sent to their own partner's page, the only one they may see
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/partners/{own.pk}/", 302)]
    assert response.context["partner"] == own
    html = response.content.decode()
    assert own.name in html
    for other in Partner.objects.exclude(pk=own.pk):
        assert other.name not in html, other.code
