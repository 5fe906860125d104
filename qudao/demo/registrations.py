"""Demo deal registrations (项目报备): about thirty registrations of real-sounding Chinese
customers across partners, regions and every status, made through the real use cases (so they
carry numbers, keys, approvals, audit rows and notifications), including conflicting pairs:

- the same customer spelled differently by two partners (深圳市腾云智能科技有限公司 /
  腾云智能科技（深圳）有限公司), one approved and one waiting in the channel manager's queue;
- two partners registering 广州地铁 within a day of each other, both waiting;
- the same credit code under two different spellings (certain conflict) in 上海;
- a cross-region registration waiting for the customer region's manager.

Before them, about thirty closed registrations of the last two years (won, lost, cancelled,
rejected, expired), more of them in recent months, so that the trends have a history.

Every step happens at its own moment (`demo_clock`), relative to the moment of the seed: the
closed ones months ago, the live ones recently enough to be current (approved ones within their
protection and progress interval, waiting ones within days), so that the inboxes and the stories
above hold whenever the demo is loaded. Runs once: nothing happens when registrations exist.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qudao.catalog.models import ProductLine
from qudao.core.models import ApprovalRequest, Region, User
from qudao.demo.clock import HISTORY_DAYS, demo_clock, demo_moment
from qudao.demo.org import demo_user
from qudao.demo.partners import AREA_CODES, credit_code_for
from qudao.demo.tables import table
from qudao.partners.models import Partner
from qudao.registrations.models import Registration
from qudao.registrations.services import (
    REVIEW,
    registration_close,
    registration_decide,
    registration_expire_due,
    registration_save_draft,
    registration_submit,
    registration_update_progress,
)

# More partner users, so that conflicts happen between partners other than p1 and p2.
PARTNER_USERS = [
    ("p3_sales", "孙", "浦江销售", ["partner_sales"], "P-HD-001", "13900000005"),
    ("p4_sales", "张", "张江销售", ["partner_sales"], "P-HD-004", "13900000006"),
    ("p5_sales", "彭", "云启销售", ["partner_sales"], "P-HN-005", "13900000007"),
    ("p6_sales", "秦", "中关村销售", ["partner_sales"], "P-HB-001", "13900000008"),
]
USER_OF = {
    "P-HN-001": "p1_sales",
    "P-HN-002": "p2_sales",
    "P-HD-001": "p3_sales",
    "P-HD-004": "p4_sales",
    "P-HN-005": "p5_sales",
    "P-HB-001": "p6_sales",
}

# The live registrations (data/registrations.tsv): partner, customer, credit seed ("" = none),
# customer office, city, project, industry, products ("CODE:qty ..."), amount (CNY), close in
# days, stage, outcome.
REGISTRATIONS = table("registrations", ints=("close_in_days",))


# The closed registrations of the last two years (data/registration_history.tsv): partner,
# customer, credit seed ("" = none), customer office, city, project, industry, products, amount
# (CNY), months before the seed it was submitted, outcome (expired: approved, then its
# protection ran out).
HISTORY = table("registration_history", ints=("months_ago",))

# The moments of the live story above, in days before the seed, by outcome: submitted (a draft:
# saved), decided, and the last progress update. Approved registrations are decided well within
# the protection (90 days) and updated within the update interval (30 days) by default, so that
# they are current; the expiring one is decided 85 days ago and the stale one's last progress is
# 33 days old, their dates set besides (see below), whatever the protection rules say.
LIVE_DAYS = {
    "draft": (2, None, None),
    "submitted": (None, None, None),  # 1 to 9 days, by row: both 广州地铁 a day apart
    "info": (12, 9, None),
    "rejected": (14, 12, None),
    "approved": (None, None, None),  # 15 to 74 days, by row; the update within the last 24
    "approved-expiring": (88, 85, 6),
    "approved-stale": (36, 33, None),
    "won": (160, 157, 120),  # the update is the close
    "lost": (300, 297, 200),
    "cancelled": (400, None, 380),
}


def _live_days(index: int, outcome: str) -> tuple[int, int | None, int | None]:
    submitted, decided, later = LIVE_DAYS[outcome]
    if outcome == "submitted":
        return 1 + index % 9, None, None
    if outcome == "approved":
        submitted = 15 + (index * 11) % 60
        return submitted, submitted - 2, min(submitted - 3, 4 + index % 20)
    return submitted, decided, later


def _history_days(index: int, months: int, outcome: str) -> tuple[int, int | None, int | None]:
    """When a closed registration of HISTORY was submitted, decided and closed (expired: the
    day the daily job ran after its protection ended), in days before the seed."""
    submitted = months * 30 + (index * 7) % 20
    closed = {"won": 45, "lost": 60, "cancelled": 20, "rejected": None, "expired": 95}[outcome]
    return submitted, submitted - 3, submitted - closed if closed else None


def _products(spec: str) -> list[dict]:
    lines = {line.code: line for line in ProductLine.objects.filter(is_active=True)}
    rows = []
    for part in spec.split():
        code, quantity = part.split(":")
        if code in lines:
            rows.append({"product_line_id": lines[code].pk, "quantity": int(quantity)})
    return rows


def _decide_all(registration: Registration, decision: str, comment: str = "") -> None:
    """Decide every open step of the review, as whoever it waits for."""
    for _ in range(5):
        approval = ApprovalRequest.objects.filter(
            kind=REVIEW, object_id=str(registration.pk), status=ApprovalRequest.Status.PENDING
        ).first()
        if approval is None:
            return
        step = approval.steps.filter(status="pending").order_by("order").first()
        registration_decide(
            actor=step.approver,
            registration=registration,
            decision=decision,
            comment=comment,
        )
        registration.refresh_from_db()


def seed_registrations() -> int:
    if Registration.objects.exists():
        return 0
    now = timezone.now()
    partners = {p.code: p for p in Partner.objects.filter(code__in=USER_OF)}
    with demo_clock(demo_moment(now, HISTORY_DAYS, hour=11)):
        for username, last, first, roles, code, mobile in PARTNER_USERS:
            partner = partners.get(code)
            if partner is not None:
                demo_user(
                    username, last, first, roles, partner.region, None, mobile, partner=partner
                )
    users = {u.username: u for u in User.objects.filter(username__in=USER_OF.values())}
    offices = {r.code: r for r in Region.objects.filter(code__in=AREA_CODES)}
    today = timezone.localdate(now)
    # (submitted, decided, closed or updated days ago, index, row, expected close date): made in
    # the order they were submitted, so that their numbers follow their dates
    plan = []
    for index, (*head, months, outcome) in enumerate(HISTORY):
        days = _history_days(index, months, outcome)
        row = (*head, 60, "qualified", outcome)
        plan.append((*days, index, row, None))
    for index, row in enumerate(REGISTRATIONS):
        days = _live_days(index, row[-1])
        plan.append((*days, 1000 + index, row, today + datetime.timedelta(days=row[9])))
    plan.sort(key=lambda item: demo_moment(now, item[0], hour=9 + item[3] % 8))
    created = 0
    for submitted, decided, later, index, row, close_date in plan:
        (code, customer, credit, office, city, project, industry, products, amount, days, stage,
         outcome) = row  # fmt: skip
        user = users.get(USER_OF[code])
        if user is None or code not in partners or office not in offices:
            continue
        with demo_clock(demo_moment(now, submitted, hour=9 + index % 8)):
            registration = _register(
                user,
                offices[office],
                row,
                close_date or timezone.localdate() + datetime.timedelta(days=days),
                submit=outcome != "draft",
            )
        created += 1
        _outcome(registration, user, outcome, amount, now, decided, later, index)
    return created


def _register(user, office, row, close_date, *, submit: bool) -> Registration:
    (code, customer, credit, _office, city, project, industry, products, amount, _days, stage,
     _outcome) = row  # fmt: skip
    with transaction.atomic():
        draft = registration_save_draft(
            actor=user,
            data={
                "customer_name": customer,
                "customer_credit_code": credit_code_for(credit, AREA_CODES[office.code])
                if credit
                else "",
                "customer_region": office.pk,
                "customer_city": city,
                "project_name": project,
                "industry": industry,
                "products": _products(products),
                "estimated_amount": amount,
                "expected_close_date": close_date,
                "stage": stage,
                "decision_makers": "信息中心主任、分管副总",
                "competitors": "华为、新华三",
            },
        ).registration
        if not submit:
            return draft
        return registration_submit(actor=user, registration=draft).registration


def _outcome(registration, user, outcome, amount, now, decided, later, index) -> None:
    """Take a submitted registration to its outcome, each step at its own moment."""
    if outcome in ("draft", "submitted"):
        return
    today = timezone.localdate(now)
    hour = 10 + index % 7
    with transaction.atomic():
        if outcome == "cancelled":
            with demo_clock(demo_moment(now, later, hour)):
                registration_close(
                    actor=user,
                    registration=registration,
                    outcome="cancelled",
                    reason="客户项目延期至明年。",
                )
            return
        with demo_clock(demo_moment(now, decided, hour)):
            if outcome == "rejected":
                _decide_all(registration, "reject", "该客户已由其他伙伴先行报备并获批准。")
                return
            if outcome == "info":
                _decide_all(registration, "return", "请补充客户决策链和预算来源。")
                return
            _decide_all(registration, "approve", "信息完整，同意报备。")
        registration.refresh_from_db()
        if outcome == "expired":
            with demo_clock(demo_moment(now, later, hour=1)):
                registration_expire_due()  # the daily job of that day
        elif outcome in ("won", "lost"):
            with demo_clock(demo_moment(now, later, hour)):
                registration_close(
                    actor=user,
                    registration=registration,
                    outcome=outcome,
                    reason="" if outcome == "won" else "价格因素，客户选择竞品。",
                )
        elif outcome in ("approved", "approved-expiring"):
            with demo_clock(demo_moment(now, later, hour)):
                registration_update_progress(
                    actor=user,
                    registration=registration,
                    data={
                        "notes": "已完成方案交流，客户认可技术路线。",
                        "estimated_amount": Decimal(amount),
                    },
                )
            if outcome == "approved-expiring":
                # Demo data, not a change anybody made: no audit row. Five days left whatever
                # protection the rules give.
                Registration.objects.filter(pk=registration.pk).update(
                    protection_until=today + datetime.timedelta(days=5)
                )
        elif outcome == "approved-stale":
            # Likewise: three days overdue whatever update interval the rules give.
            overdue = now - datetime.timedelta(days=3)
            Registration.objects.filter(pk=registration.pk).update(progress_due_at=overdue)
