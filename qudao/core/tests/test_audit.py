"""The audit trail: actor, time and each changed field before → after, on every write."""

import pytest

from qudao.core.models import AuditEntry
from qudao.core.services.org import user_create, user_update
from qudao.partners.services import partner_create, partner_update
from qudao.partners.tests.factories import tier

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return AuditEntry.objects.filter(
        object_id=str(obj.pk), content_type__model=obj._meta.model_name
    )


def test_create_records_the_initial_values(world):
    partner = partner_create(
        actor=world.hq,
        data={
            "code": "P-NEW",
            "name": "新伙伴有限公司",
            "region": world.shenzhen,
            "owner": world.channel_mgr,
        },
    )

    entry = entries_for(partner).get()
    assert entry.action == "create" and entry.actor == world.hq
    assert entry.changes["name"] == [None, "新伙伴有限公司"]
    assert entry.changes["region"] == [None, "深圳办事处"]


def test_update_records_only_changed_fields_before_and_after(world):
    partner_update(
        actor=world.channel_mgr,
        partner=world.p1,
        data={"contact_name": "新联系人", "tier": tier("gold"), "name": world.p1.name},
    )

    entry = entries_for(world.p1).get(action="update")
    assert entry.actor == world.channel_mgr
    assert entry.changes == {"contact_name": ["", "新联系人"], "tier": ["银牌", "金牌"]}


def test_update_without_change_writes_nothing(world):
    partner_update(actor=world.hq, partner=world.p1, data={"name": world.p1.name})

    assert not entries_for(world.p1).filter(action="update").exists()


def test_rejected_update_changes_nothing_and_records_nothing(world):
    from qudao.core.errors import ValidationError

    with pytest.raises(ValidationError):
        partner_update(actor=world.hq, partner=world.p1, data={"code": "bad code!"})

    world.p1.refresh_from_db()
    assert world.p1.code == "P-ONE"
    assert not entries_for(world.p1).exists()


def test_user_role_change_is_audited(world):
    user = user_create(
        actor=world.admin,
        data={"username": "newbie", "last_name": "新", "first_name": "人", "region": world.south},
        role_codes=["presales"],
        password="A-long-enough-pass-2026",
    )
    user_update(
        actor=world.admin, user=user, data={"first_name": "员"}, role_codes=["presales", "monitor"]
    )

    update = entries_for(user).get(action="update")
    assert update.changes["first_name"] == ["人", "员"]
    assert update.changes["roles"] == ["presales", "monitor, presales"]


def test_history_tab_shows_labels_and_values(world, as_user):
    partner_update(actor=world.channel_mgr, partner=world.p1, data={"contact_name": "王五"})

    response = as_user(world.channel_mgr).get(f"/partners/{world.p1.pk}/?tab=history")

    rows = response.context["history"]
    assert rows[0]["entry"].actor == world.channel_mgr
    assert {"before": "", "after": "王五"}.items() <= rows[0]["changes"][0].items()
    assert "王五" in response.content.decode()


def test_history_api_and_audit_api(world, as_api):
    partner_update(actor=world.channel_mgr, partner=world.p1, data={"tier": tier("gold")})

    history = as_api(world.p1_admin).get(f"/api/v1/partners/{world.p1.pk}/history").json()
    audit = (
        as_api(world.hq).get(f"/api/v1/audit?model=partners.partner&object_id={world.p1.pk}").json()
    )

    assert history["count"] == 1
    change = history["items"][0]["changes"][0]
    assert change == {"field": "tier", "before": "银牌", "after": "金牌"}
    assert history["items"][0]["actor"] == str(world.channel_mgr)
    assert audit["items"] == history["items"]


def test_audit_log_page_is_for_admins(world, as_user):
    partner_update(actor=world.hq, partner=world.p1, data={"tier": tier("gold")})

    assert as_user(world.channel_mgr).get("/audit/").status_code == 403
    page = as_user(world.admin).get("/audit/?q=一号")
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 1


def test_scoped_audit_reads_skip_object_ids_that_are_not_numbers(world):
    """Object ids are text; the scope looks each object up by its primary key, and a text that
    is no number must neither fail (PostgreSQL's cast would) nor match."""
    from django.contrib.contenttypes.models import ContentType

    from qudao.core.selectors import audit_entries_visible_to

    users = ContentType.objects.get_for_model(type(world.p1_user))
    odd = AuditEntry.objects.create(
        content_type=users, object_id="not-a-number", object_repr="?", action="update"
    )
    own = AuditEntry.objects.create(
        content_type=users, object_id=str(world.p1_user.pk), object_repr="p1", action="update"
    )
    other = AuditEntry.objects.create(
        content_type=users, object_id=str(world.p2_user.pk), object_repr="p2", action="update"
    )

    seen = set(audit_entries_visible_to(world.p1_admin).values_list("pk", flat=True))

    assert own.pk in seen
    assert odd.pk not in seen and other.pk not in seen
