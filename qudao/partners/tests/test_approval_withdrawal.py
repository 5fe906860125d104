"""Withdrawing an approval from the approvals page brings the object it decides along."""

import pytest

from qudao.core.models import ApprovalRequest, AuditEntry
from qudao.partners.models import CreditApplication
from qudao.partners.services.credit import credit_application_cancel, credit_application_submit

pytestmark = pytest.mark.django_db


def apply(world):
    return credit_application_submit(
        actor=world.channel_mgr,
        partner=world.p1,
        data={"kind": "normal", "amount": "300000", "reason": "年度备货"},
    )


def test_withdrawing_the_approval_cancels_the_credit_application(world, as_user):
    application = apply(world)
    approval = ApprovalRequest.objects.get(kind="credit_application", object_id=str(application.pk))

    response = as_user(world.channel_mgr).post(f"/approvals/{approval.pk}/", {"action": "cancel"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == CreditApplication.Status.CANCELLED
    entries = AuditEntry.objects.filter(object_id=str(application.pk), action="state")
    assert entries.count() == 1


def test_withdrawing_the_application_cancels_its_approval_once(world):
    application = apply(world)

    credit_application_cancel(actor=world.channel_mgr, application=application)

    application.refresh_from_db()
    approval = ApprovalRequest.objects.get(kind="credit_application", object_id=str(application.pk))
    assert application.status == CreditApplication.Status.CANCELLED
    assert approval.status == ApprovalRequest.Status.CANCELLED
    assert AuditEntry.objects.filter(object_id=str(application.pk), action="state").count() == 1
