"""The audit trail: actor, time and each changed field before → after, on every write."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from qudao.core.models import AuditEntry
from qudao.core.selectors import audit_rows
from qudao.core.services.audit import audited_update
from qudao.core.services.org import user_create, user_update
from qudao.partners.models import Partner
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
    # A foreign key is kept as its id; the history shows the related object's name.
    assert entry.changes["region"] == [None, world.shenzhen.pk]


def test_update_records_only_changed_fields_before_and_after(world):
    partner_update(
        actor=world.channel_mgr,
        partner=world.p1,
        data={"contact_name": "新联系人", "tier": tier("gold"), "name": world.p1.name},
    )

    entry = entries_for(world.p1).get(action="update")
    assert entry.actor == world.channel_mgr
    assert entry.changes == {"contact_name": ["", "新联系人"], "tier": ["silver", "gold"]}


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
    assert {"before": None, "after": "王五"}.items() <= rows[0]["changes"][0].items()
    assert "王五" in response.content.decode()


def test_history_api_and_audit_api(world, as_api):
    partner_update(actor=world.channel_mgr, partner=world.p1, data={"tier": tier("gold")})

    history = as_api(world.p1_admin).get(f"/api/v1/partners/{world.p1.pk}/history").json()
    audit = (
        as_api(world.hq).get(f"/api/v1/audit?model=partners.partner&object_id={world.p1.pk}").json()
    )

    assert history["count"] == 1
    change = history["items"][0]["changes"][0]
    assert change == {
        "field": "tier",
        "before": "silver",
        "after": "gold",
        "label": "等级",
        "before_text": "银牌",
        "after_text": "金牌",
    }
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


# --- the history as a person reads it: labels, names, dates and money ----------------------------

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def history_html(client, partner, language: str) -> str:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/partners/{partner.pk}/?tab=history")
    assert response.status_code == 200
    table = re.search(
        r'<table[^>]*data-testid="history".*?</table>', response.content.decode(), re.S
    )
    return re.sub(r"\s+", " ", table.group(0))


def change_text(html: str, name: str) -> str:
    found = re.search(rf'<div class="small" data-field="{name}">(.*?)</div>', html)
    assert found, f"no change of {name} shown"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-hans",
            {
                "status": "状态: 潜在 → 正常合作",
                "owner": "渠道经理: {old} → {new}",
                "exited_at": "退出时间: — → 2026-03-09 16:05",
                "credit_limit": "信用额度: 0.00 → 1,234,567.50",
            },
        ),
        (
            "en",
            {
                "status": "Status: Prospect → Active",
                "owner": "Channel manager: {old} → {new}",
                "exited_at": "Exited at: — → 2026-03-09 16:05",
                "credit_limit": "Credit limit: 0.00 → 1,234,567.50",
            },
        ),
    ],
)
def test_history_shows_field_labels_and_readable_values(world, as_user, language, expected):
    """A choice, a foreign key, a time and a money field, in each language: labels instead of
    field names, the choice's label instead of its code, the person instead of an id, the time
    in the reader's time zone (Asia/Shanghai) without its ISO form, money with separators."""
    partner = world.p3
    partner.status = Partner.Status.PROSPECT
    partner.save(update_fields=["status"])
    old_owner = partner.owner
    audited_update(
        actor=world.hq,
        obj=partner,
        values={
            "status": Partner.Status.ACTIVE,
            "owner": world.channel_mgr,
            # 08:05:01.768651 UTC is 16:05 in Shanghai
            "exited_at": datetime.datetime(2026, 3, 9, 8, 5, 1, 768651, tzinfo=datetime.UTC),
            "credit_limit": Decimal("1234567.50"),
        },
    )

    html = history_html(as_user(world.hq), partner, language)

    for name, text in expected.items():
        assert change_text(html, name) == text.format(old=old_owner, new=world.channel_mgr)
    assert not ISO_TIME.search(html)
    assert "active" not in html and "prospect" not in html


def test_created_entries_show_values_not_a_dash_and_arrow(world, as_user):
    partner = partner_create(
        actor=world.hq,
        data={
            "code": "P-NEW",
            "name": "新伙伴",
            "region": world.shenzhen,
            "owner": world.channel_mgr,
        },
    )

    html = history_html(as_user(world.hq), partner, "zh-hans")

    assert change_text(html, "region") == "大区/办事处: 深圳办事处"
    assert change_text(html, "owner") == f"渠道经理: {world.channel_mgr}"


def test_old_entries_and_unknown_fields_fall_back_gracefully(world, as_user):
    """Entries written before foreign keys were kept as ids hold the name itself; a field the
    model no longer has, a reverse relation, lists, JSON, yes/no and ISO times without a field
    still read as text."""
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Partner),
        object_id=str(world.p1.pk),
        object_repr=str(world.p1),
        action="update",
        changes={
            "region": ["华南", "深圳办事处"],
            "tier": ["silver", "platinum-gone"],
            "contacts": [None, "王五"],
            "no_such_field": [None, ["甲", "乙"]],
            "band_rules": [None, {"min_attainment": "80", "rebate_percent": "2.5"}],
            "is_checked": [True, False],
            "warned_time": [None, "2026-12-06T06:12:01.768651+00:00"],
        },
    )

    html = history_html(as_user(world.hq), world.p1, "zh-hans")

    assert change_text(html, "region") == "大区/办事处: 华南 → 深圳办事处"
    assert change_text(html, "tier") == "等级: 银牌 → platinum-gone"
    assert change_text(html, "contacts") == "渠道伙伴联系人: — → 王五"
    assert change_text(html, "no_such_field") == "No such field: — → 甲, 乙"
    assert (
        change_text(html, "band_rules") == "Band rules: — → min attainment: 80; rebate percent: 2.5"
    )
    assert change_text(html, "is_checked") == "Is checked: 是 → 否"
    assert change_text(html, "warned_time") == "Warned time: — → 2026-12-06 14:12"
    assert not ISO_TIME.search(html)


def test_history_reads_related_names_in_one_query_per_model(world, django_assert_num_queries):
    """Thirty entries naming thirty different people and offices: the names are read in one
    query per related model, not one per row."""
    users = [world.hq, world.channel_mgr, world.other_cm, world.pm, world.south_manager]
    regions = [world.south, world.east, world.shenzhen, world.shanghai]
    partner_type = ContentType.objects.get_for_model(Partner)
    for i in range(30):
        AuditEntry.objects.create(
            content_type=partner_type,
            object_id=str(world.p1.pk),
            object_repr="p1",
            action="update",
            changes={
                "owner": [users[i % 5].pk, users[(i + 1) % 5].pk],
                "region": [regions[i % 4].pk, regions[(i + 1) % 4].pk],
                "tier": ["silver", "gold"],
            },
        )
    entries = list(AuditEntry.objects.filter(object_id=str(world.p1.pk)))

    with django_assert_num_queries(3):  # users, regions, tiers
        rows = audit_rows(entries)

    assert {c["after"] for row in rows for c in row["changes"] if c["name"] == "owner"} == {
        str(u) for u in users
    }


def test_audit_log_page_queries_do_not_grow_with_rows(
    world, as_user, django_assert_max_num_queries
):
    client = as_user(world.admin)
    partner_update(actor=world.hq, partner=world.p1, data={"owner": world.other_cm})
    client.get("/audit/")
    with django_assert_max_num_queries(12) as few:
        client.get("/audit/")
    for i in range(20):
        partner_update(
            actor=world.hq,
            partner=world.p1,
            data={"contact_name": f"人{i}", "owner": [world.other_cm, world.channel_mgr][i % 2]},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/audit/")
    assert response.status_code == 200


def test_roles_read_as_their_names_not_codes(world):
    user = user_create(
        actor=world.admin,
        data={"username": "newbie", "last_name": "新", "first_name": "人", "region": world.south},
        role_codes=["presales"],
        password="A-long-enough-pass-2026",
    )
    user_update(
        actor=world.admin, user=user, data={"first_name": "员"}, role_codes=["presales", "monitor"]
    )

    with translation.override("en"):
        rows = audit_rows(entries_for(user).order_by("id"))
    created, updated = ({c["name"]: c for c in row["changes"]} for row in rows)

    assert created["roles"]["after"] == "Presales engineer"
    assert updated["roles"]["before"] == "Presales engineer"
    assert updated["roles"]["after"] == "Project monitor, Presales engineer"
    assert created["region"]["after"] == "华南" and created["region"]["field"] == "Region/office"


def test_a_model_leaves_its_bookkeeping_columns_out_of_the_trail(world, monkeypatch):
    monkeypatch.setattr(Partner, "audit_exclude", ("contact_phone",), raising=False)

    partner_update(
        actor=world.hq,
        partner=world.p1,
        data={"contact_name": "新联系人", "contact_phone": "13900000000"},
    )

    assert entries_for(world.p1).get(action="update").changes == {"contact_name": ["", "新联系人"]}
