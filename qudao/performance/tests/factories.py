"""Test helpers: real projects and registrations placed in chosen months, the facts rebuilt from
them, and a small KPI scheme. Projects are made through the projects services; their outcome
(won_at, closed_at) is then set directly so that wins can be put in past months."""

import datetime
from decimal import Decimal

from django.utils import timezone

from qudao.core.tests.factories import UserFactory
from qudao.performance import services
from qudao.performance.models import KpiScheme
from qudao.projects.models import ProcessTemplate, Project
from qudao.projects.tests.factories import project as make_project
from qudao.projects.tests.factories import template as make_template
from qudao.registrations.models import Registration
from qudao.registrations.tests.factories import RegistrationFactory


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _template():
    found = ProcessTemplate.objects.filter(code="gates").first()
    return found or make_template(actor=UserFactory(roles=["admin"]))


def won_project(
    partner,
    *,
    amount="100000",
    won_on: datetime.date | None = None,
    customer: str | None = None,
    status: str = Project.Status.WON,
) -> Project:
    """A project of `partner`, won (or lost, or still active) on `won_on` (default today)."""
    tpl = _template()
    admin = UserFactory(roles=["admin"])
    made = make_project(
        actor=admin,
        template_obj=tpl,
        region=partner.region,
        partner=partner,
        amount=str(amount),
        customer_name=customer or f"客户{Project.objects.count() + 1}有限公司",
    )
    when = at(won_on or timezone.localdate())
    if status == Project.Status.WON:
        Project.objects.filter(pk=made.pk).update(status=status, won_at=when)
    elif status == Project.Status.LOST:
        Project.objects.filter(pk=made.pk).update(status=status, closed_at=when)
    made.refresh_from_db()
    return made


def registration(
    partner, *, status=Registration.Status.SUBMITTED, submitted_on=None, amount="500000"
):
    return RegistrationFactory(
        partner=partner,
        status=status,
        submitted_at=at(submitted_on or timezone.localdate()),
        estimated_amount=Decimal(amount),
        index=False,
    )


def scheme(actor, *, warning_line="60", lines=None, **data) -> KpiScheme:
    return services.kpi_scheme_save(
        actor=actor,
        data={
            "code": "partner-q",
            "name": "伙伴季度考核",
            "unit_kind": "partner",
            "period_kind": "quarter",
            "warning_line": warning_line,
        }
        | data,
        lines=lines
        or [
            {"metric": "won_amount", "weight": "60", "rule": "linear", "cap": "120"},
            {
                "metric": "registrations",
                "weight": "20",
                "rule": "threshold",
                "thresholds": "50:50, 100:100",
            },
            {"metric": "manual", "name": "配合度", "weight": "20", "rule": "manual"},
        ],
    )
