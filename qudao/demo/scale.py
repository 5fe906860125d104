"""Bulk rows for benchmarks: `seed_demo --scale N` adds N blocks of the big tables.

Per block: 50 partners, 1,000 audit entries, 1,000 notifications, 100 approval requests with
two steps each, and 10,000 deal registrations with their products and candidate-index keys (see
`scale_registrations`). Rows are written in large batches, so N=100 (1,000,000 registrations)
takes minutes, not hours.
"""

import random
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from qudao.core.models import ApprovalRequest, ApprovalStep, AuditEntry, Notification, Region, User
from qudao.partners.models import Partner, Tier

from . import scale_registrations

BATCH = 5000
PER_BLOCK = {
    "partners": 50,
    "audit": 1000,
    "notifications": 1000,
    "approvals": 100,
    "registrations": scale_registrations.PER_BLOCK,
}


def _bulk(model, rows, batch=BATCH) -> int:
    buffer, count = [], 0
    for row in rows:
        buffer.append(row)
        if len(buffer) >= batch:
            model.objects.bulk_create(buffer, batch_size=batch)
            count += len(buffer)
            buffer = []
    if buffer:
        model.objects.bulk_create(buffer, batch_size=batch)
        count += len(buffer)
    return count


def seed_scale(blocks: int, progress: Callable[[str], None] = print) -> dict[str, int]:
    rng = random.Random(20261123)
    offices = list(Region.objects.filter(kind=Region.Kind.OFFICE).values_list("pk", flat=True))
    owners = list(User.objects.filter(roles__code="channel_manager").values_list("pk", flat=True))
    everyone = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    requesters = owners or everyone
    start = Partner.objects.filter(code__startswith="S").count()
    tiers = list(Tier.objects.values_list("code", flat=True))
    partner_ct = ContentType.objects.get_for_model(Partner)
    counts = {}
    with transaction.atomic():
        total = blocks * PER_BLOCK["partners"]
        counts["partners"] = _bulk(
            Partner,
            (
                Partner(
                    code=f"S{start + i:07d}",
                    name=f"规模测试伙伴{start + i:07d}有限公司",
                    region_id=rng.choice(offices),
                    status=rng.choice(Partner.Status.values),
                    tier_id=rng.choice(tiers),
                    owner_id=rng.choice(owners),
                )
                for i in range(total)
            ),
        )
        progress(f"partners: {counts['partners']}")
    partner_ids = list(Partner.objects.values_list("pk", flat=True))
    with transaction.atomic():
        counts["audit_entries"] = _bulk(
            AuditEntry,
            (
                AuditEntry(
                    content_type=partner_ct,
                    object_id=str(rng.choice(partner_ids)),
                    object_repr="规模测试",
                    action=AuditEntry.Action.UPDATE,
                    actor_id=rng.choice(everyone),
                    changes={"contact_phone": ["", f"1390000{i % 10000:04d}"]},
                )
                for i in range(blocks * PER_BLOCK["audit"])
            ),
        )
        progress(f"audit entries: {counts['audit_entries']}")
    with transaction.atomic():
        counts["notifications"] = _bulk(
            Notification,
            (
                Notification(
                    recipient_id=rng.choice(everyone),
                    title=f"规模测试通知 {i}",
                    body="批量生成，用于性能测试。",
                )
                for i in range(blocks * PER_BLOCK["notifications"])
            ),
        )
        progress(f"notifications: {counts['notifications']}")
    with transaction.atomic():
        # Several approvals may target one partner, but at most one of them is open.
        open_on = set(
            ApprovalRequest.objects.filter(
                content_type=partner_ct, status__in=["pending", "returned"]
            ).values_list("object_id", flat=True)
        )
        approvals = []
        for _ in range(blocks * PER_BLOCK["approvals"]):
            target = str(rng.choice(partner_ids))
            status = rng.choice(["pending", "approved", "rejected"])
            if status == "pending":
                if target in open_on:
                    status = "approved"
                else:
                    open_on.add(target)
            approvals.append(
                ApprovalRequest(
                    kind="partner_activation",
                    title=f"规模测试审批 {target}",
                    content_type=partner_ct,
                    object_id=target,
                    requested_by_id=rng.choice(requesters),
                    status=status,
                )
            )
        created = ApprovalRequest.objects.bulk_create(approvals, batch_size=BATCH)
        counts["approvals"] = len(created)
        step_states = {
            "pending": ("pending", "waiting"),
            "approved": ("approved", "approved"),
            "rejected": ("rejected", "cancelled"),
        }
        steps = []
        for approval in created:
            first, second = step_states[approval.status]
            steps.append(
                ApprovalStep(
                    request=approval,
                    order=0,
                    name="大区经理审核",
                    role="regional_manager",
                    status=first,
                )
            )
            steps.append(
                ApprovalStep(
                    request=approval, order=1, name="渠道总监审批", role="director", status=second
                )
            )
        _bulk(ApprovalStep, steps)
        progress(f"approvals: {counts['approvals']}")
    counts.update(scale_registrations.seed_registrations(blocks, progress))
    return counts
