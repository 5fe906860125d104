"""The daily agreement check: expiry and reminders, through the service and the real worker."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from qudao.core.models import AuditEntry, Notification
from qudao.core.tests.factories import UserFactory
from qudao.core.tests.worker import run_worker
from qudao.partners.models import Agreement
from qudao.partners.services import agreements as services

TODAY = datetime.date(2026, 6, 15)
TASK_PATH = "qudao.partners.tasks.agreements_expiry_check_task"


def make(world, *, partner=None, end, status=Agreement.Status.ACTIVE, number=None):
    partner = partner or world.p1
    agreement = Agreement.objects.create(
        number=number or f"HT-X-{Agreement.objects.count() + 1:04d}",
        partner=partner,
        start_date=end - datetime.timedelta(days=364),
        end_date=end,
        status=status,
        created_by=world.channel_mgr,
    )
    agreement.territory.set([world.shenzhen])
    return agreement


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.django_db
def test_ended_agreements_expire_with_a_system_audit_entry(world):
    ended = make(world, end=TODAY - datetime.timedelta(days=1))
    last_day = make(world, end=TODAY)
    draft = make(world, end=TODAY - datetime.timedelta(days=5), status=Agreement.Status.DRAFT)

    assert services.agreements_expire(today=TODAY) == 1

    ended.refresh_from_db(), last_day.refresh_from_db(), draft.refresh_from_db()
    assert ended.status == Agreement.Status.EXPIRED
    assert last_day.status == Agreement.Status.ACTIVE  # still in force on its last day
    assert draft.status == Agreement.Status.DRAFT
    entry = AuditEntry.objects.get(object_id=str(ended.pk), action="state")
    assert entry.actor is None and entry.changes["status"] == ["active", "expired"]
    assert services.agreements_expire(today=TODAY) == 0


@pytest.mark.django_db
def test_reminders_go_once_to_the_channel_manager_and_partner_admins(world):
    other_admin = UserFactory(roles=["partner_admin"], partner=world.p2)
    soon = make(world, end=TODAY + datetime.timedelta(days=30), number="HT-SOON")
    make(world, end=TODAY + datetime.timedelta(days=31), number="HT-LATER")
    make(world, end=TODAY + datetime.timedelta(days=3), status=Agreement.Status.DRAFT)

    first = services.agreements_remind(today=TODAY)
    second = services.agreements_remind(today=TODAY)

    assert (first, second) == (1, 0)
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert len(titles(world.channel_mgr)) == 1 and "HT-SOON" in titles(world.channel_mgr)[0]
    assert len(titles(world.p1_admin)) == 1
    assert titles(world.p1_user) == []  # partner sales are not the agreement's owners
    assert titles(other_admin) == [] and titles(world.p2_user) == []


@pytest.mark.django_db
def test_reminder_days_can_be_changed(world):
    make(world, end=TODAY + datetime.timedelta(days=45))

    assert services.agreements_remind(today=TODAY, days=30) == 0
    assert services.agreements_remind(today=TODAY, days=60) == 1


@pytest.mark.django_db(transaction=True)
def test_daily_command_enqueues_and_the_worker_expires_and_reminds_once(world):
    # Given one agreement that has ended and one that ends within 30 days (relative to today)
    today = datetime.date.today()
    ended = make(world, end=today - datetime.timedelta(days=2), number="HT-ENDED")
    soon = make(world, partner=world.p2, end=today + datetime.timedelta(days=7), number="HT-SOON")

    # When the daily command runs twice and the worker processes the queue each time
    out = StringIO()
    call_command("daily", stdout=out)
    assert "enqueued" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1
    run_worker()
    call_command("daily", stdout=StringIO())
    run_worker()

    # Then the ended agreement is expired, and the reminder went out once
    ended.refresh_from_db(), soon.refresh_from_db()
    assert ended.status == Agreement.Status.EXPIRED
    assert soon.status == Agreement.Status.ACTIVE and soon.reminder_sent_at is not None
    assert len(titles(world.channel_mgr)) == 1 and "HT-SOON" in titles(world.channel_mgr)[0]
    results = DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("enqueued_at")
    assert [r.status for r in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert [r.return_value for r in results] == [
        {"expired": 1, "reminded": 1},
        {"expired": 0, "reminded": 0},
    ]
