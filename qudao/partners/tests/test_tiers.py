"""Tiers (分级) as data, and tier changes decided through an approval: services, pages, API."""

from decimal import Decimal

import pytest
from django.utils import translation

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry
from qudao.core.services.approvals import approval_cancel, approval_decide
from qudao.partners.models import PartnerScorecard, ScorecardCriterion, Tier, TierChange
from qudao.partners.services import tiers as services
from qudao.partners.tests.factories import tier

pytestmark = pytest.mark.django_db


def tier_data(**changes):
    return {
        "code": "platinum",
        "name": "白金",
        "rank": 40,
        "discount_percent": Decimal("15"),
        "default_credit_limit": Decimal("8000000"),
        "mdf_share_percent": Decimal("6"),
        "training_seats": 8,
        "required_certifications": "高级安防工程师\n云架构师",
        "min_score": Decimal("90"),
        "is_active": True,
        **changes,
    }


def propose(world, partner=None, to="gold", actor=None, reason="年度业绩突出", **kwargs):
    return services.tier_change_propose(
        actor=actor or world.channel_mgr,
        partner=partner or world.p1,
        to_tier=tier(to),
        reason=reason,
        **kwargs,
    )


def approval_of(change: TierChange) -> ApprovalRequest:
    return ApprovalRequest.objects.get(kind="tier_change", object_id=str(change.pk))


# --- tiers ------------------------------------------------------------------------------------


def test_director_creates_a_tier_with_its_history(world):
    created = services.tier_create(actor=world.hq, data=tier_data())

    assert (created.code, created.discount_percent, created.training_seats) == (
        "platinum",
        Decimal("15.00"),
        8,
    )
    assert AuditEntry.objects.filter(object_id=str(created.pk), action="create").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"discount_percent": Decimal("100.01")}, "discount_percent"),
        ({"discount_percent": Decimal("-1")}, "discount_percent"),
        ({"mdf_share_percent": Decimal("101")}, "mdf_share_percent"),
        ({"default_credit_limit": Decimal("-0.01")}, "default_credit_limit"),
        ({"min_score": Decimal("120")}, "min_score"),
        ({"training_seats": -1}, "training_seats"),
        ({"rank": -5}, "rank"),
        ({"code": "gold"}, "code"),  # already exists
        ({"code": "Has Space"}, "code"),
        ({"name": "  "}, "name"),
    ],
)
def test_invalid_tier_is_refused_and_nothing_written(world, changes, field):
    before = Tier.objects.count()

    with pytest.raises(ValidationError) as error:
        services.tier_create(actor=world.hq, data=tier_data(**changes))

    assert field in error.value.message_dict
    assert Tier.objects.count() == before


@pytest.mark.parametrize("persona", ["channel_mgr", "south_manager", "p1_admin", "pm"])
def test_only_admins_and_the_director_manage_tiers(world, persona):
    with pytest.raises(PermissionDenied):
        services.tier_create(actor=getattr(world, persona), data=tier_data())
    with pytest.raises(PermissionDenied):
        services.tier_update(actor=getattr(world, persona), tier=tier("gold"), data={"rank": 1})


def test_a_tier_in_use_cannot_be_taken_out_of_use(world):
    silver = tier("silver")  # p1, p2 and p3 are silver

    with pytest.raises(ValidationError) as error:
        services.tier_update(actor=world.admin, tier=silver, data={"is_active": False})

    assert "is_active" in error.value.message_dict
    silver.refresh_from_db()
    assert silver.is_active
    unused = services.tier_update(actor=world.admin, tier=tier("gold"), data={"is_active": False})
    assert not unused.is_active


def test_the_default_tier_stays_in_use_and_codes_do_not_change(world):
    with pytest.raises(ValidationError) as error:
        services.tier_update(actor=world.admin, tier=tier("registered"), data={"is_active": False})
    assert "is_active" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.tier_update(actor=world.admin, tier=tier("gold"), data={"code": "golden"})
    assert "code" in error.value.message_dict


def test_update_records_what_changed(world):
    gold = services.tier_update(
        actor=world.hq, tier=tier("gold"), data={"discount_percent": Decimal("13.5")}
    )

    entry = AuditEntry.objects.get(object_id=str(gold.pk), action="update")
    assert entry.changes == {"discount_percent": ["12.00", "13.50"]}


def test_tier_pages_for_everyone_and_forms_for_the_director(world, as_user):
    tier("gold")
    Tier.objects.filter(code="gold").update(required_certifications="高级工程师\n项目经理")
    Tier.objects.create(code="retired", name="停用级", is_active=False)

    partner_view = as_user(world.p1_user).get("/partners/tiers/").content.decode()
    assert "金牌" in partner_view and "高级工程师" in partner_view and "停用级" not in partner_view
    assert "/partners/tiers/new/" not in partner_view
    director = as_user(world.hq)
    assert "停用级" in director.get("/partners/tiers/").content.decode()
    for persona in ("p1_admin", "channel_mgr", "south_manager"):
        client = as_user(getattr(world, persona))
        assert client.get("/partners/tiers/new/").status_code == 403
        assert client.get(f"/partners/tiers/{tier('gold').pk}/edit/").status_code == 403

    response = director.post(
        "/partners/tiers/new/",
        {
            "code": "platinum",
            "name": "白金",
            "rank": 40,
            "discount_percent": "15",
            "default_credit_limit": "8000000",
            "mdf_share_percent": "6",
            "training_seats": 8,
            "required_certifications": "",
            "min_score": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Tier.objects.get(code="platinum").min_score is None


def test_tier_form_shows_errors_and_writes_nothing(world, as_user):
    gold = tier("gold")
    client = as_user(world.admin)

    response = client.post(
        f"/partners/tiers/{gold.pk}/edit/",
        {
            "code": "gold",
            "name": "金牌",
            "rank": 30,
            "discount_percent": "150",
            "default_credit_limit": "-1",
            "mdf_share_percent": "5",
            "training_seats": 6,
        },
    )

    html = response.content.decode()
    assert response.status_code == 200 and html.count("invalid-feedback") >= 2
    gold.refresh_from_db()
    assert gold.discount_percent == Decimal("12")


def test_tier_list_query_count_is_pinned(world, as_user, django_assert_max_num_queries):
    for index in range(25):
        Tier.objects.create(code=f"t{index:02d}", name=f"级别{index}", rank=index)
    client = as_user(world.p1_user)

    with django_assert_max_num_queries(6):
        response = client.get("/partners/tiers/")

    assert response.status_code == 200 and "级别24" in response.content.decode()


def test_tier_api_read_for_everyone_write_for_the_director(world, as_api):
    partner_client = as_api(world.p1_user)
    listing = partner_client.get("/api/v1/tiers")
    assert listing.status_code == 200
    assert {"gold", "silver", "certified", "registered"} <= {
        t["code"] for t in listing.json()["items"]
    }
    gold = tier("gold")
    assert partner_client.get(f"/api/v1/tiers/{gold.pk}").json()["discount_percent"] == "12.00"
    assert (
        partner_client.patch(f"/api/v1/tiers/{gold.pk}", {}, "application/json").status_code == 403
    )

    payload = {**tier_data(), "required_certifications": ["云架构师"]}
    payload = {k: str(v) if isinstance(v, Decimal) else v for k, v in payload.items()}
    assert (
        as_api(world.channel_mgr).post("/api/v1/tiers", payload, "application/json").status_code
        == 403
    )
    created = as_api(world.hq).post("/api/v1/tiers", payload, "application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["required_certifications"] == ["云架构师"]
    patched = as_api(world.hq).patch(
        f"/api/v1/tiers/{created.json()['id']}",
        {"mdf_share_percent": "7", "min_score": None},
        "application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["mdf_share_percent"] == "7.00" and patched.json()["min_score"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"discount_percent": "101"}, "discount_percent"),
        ({"default_credit_limit": "-1"}, "default_credit_limit"),
        ({"code": "silver"}, "code"),
        ({"training_seats": -2}, "training_seats"),
        ({"discount_percent": "abc"}, "discount_percent"),
    ],
)
def test_tier_api_bad_input_is_422(world, as_api, changes, field):
    payload = {"code": "platinum", "name": "白金", **changes}
    before = Tier.objects.count()

    response = as_api(world.hq).post("/api/v1/tiers", payload, "application/json")

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert Tier.objects.count() == before


# --- tier changes -----------------------------------------------------------------------------


def test_approved_tier_change_moves_the_partner_with_an_audit_entry(world):
    change = propose(world)
    assert change.status == TierChange.Status.PENDING
    assert change.from_tier == tier("silver") and change.requested_by == world.channel_mgr
    approval = approval_of(change)
    assert [s.role for s in approval.steps.order_by("order")] == ["regional_manager", "director"]

    approval_decide(actor=world.south_manager, approval=approval, decision="approve")
    world.p1.refresh_from_db()
    assert world.p1.tier_id == "silver"  # not before the last step
    approval_decide(actor=world.hq, approval=approval, decision="approve", comment="同意")

    world.p1.refresh_from_db()
    change.refresh_from_db()
    assert world.p1.tier_id == "gold"
    assert change.status == TierChange.Status.APPROVED and change.decided_at is not None
    entry = AuditEntry.objects.get(
        content_type__model="partner", object_id=str(world.p1.pk), action="update"
    )
    assert entry.changes == {"tier": ["silver", "gold"]} and entry.actor == world.hq
    assert f"#{change.pk}" in entry.note


def test_rejected_tier_change_keeps_the_tier(world):
    change = propose(world)

    approval_decide(
        actor=world.south_manager, approval=approval_of(change), decision="reject", comment="不足"
    )

    change.refresh_from_db()
    world.p1.refresh_from_db()
    assert change.status == TierChange.Status.REJECTED and change.decided_at is not None
    assert world.p1.tier_id == "silver"
    # And a new proposal may follow
    assert propose(world, to="certified").status == TierChange.Status.PENDING


def test_a_second_pending_change_is_refused_with_a_clear_message(world):
    propose(world)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        propose(world, to="certified")

    assert "already in approval" in error.value.messages[0]
    assert TierChange.objects.filter(partner=world.p1).count() == 1
    assert ApprovalRequest.objects.count() == 1
    assert propose(world, partner=world.p2).pk  # other partners are not blocked


def test_a_withdrawn_approval_releases_the_pending_change(world):
    first = propose(world)
    approval_cancel(actor=world.channel_mgr, approval=approval_of(first))

    second = propose(world, to="certified")

    first.refresh_from_db()
    assert first.status == TierChange.Status.CANCELLED
    assert second.status == TierChange.Status.PENDING


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"to": "silver"}, "to_tier"),  # already there
        ({"source": "whim"}, "source"),
    ],
)
def test_tier_change_bad_input_is_refused(world, kwargs, field):
    with pytest.raises(ValidationError) as error:
        propose(world, **kwargs)

    assert field in error.value.message_dict
    assert not TierChange.objects.exists()


def test_inactive_tier_cannot_be_proposed(world):
    Tier.objects.filter(code="gold").update(is_active=False)

    with pytest.raises(ValidationError) as error:
        propose(world)

    assert "to_tier" in error.value.message_dict


@pytest.mark.parametrize("persona", ["p1_admin", "pm", "other_cm", "east_manager"])
def test_only_managers_in_scope_propose(world, persona):
    with pytest.raises(PermissionDenied):
        propose(world, actor=getattr(world, persona))


def test_evaluations_propose_with_their_source(world):
    change = propose(world, actor=world.hq, source="evaluation")

    assert change.source == TierChange.Source.EVALUATION


def test_propose_page_shows_history_and_refuses_a_second_pending(world, as_user):
    client = as_user(world.channel_mgr)
    url = f"/partners/{world.p1.pk}/tier-change/"

    first = client.post(url, {"to_tier": tier("gold").pk, "reason": "业绩突出"})
    second = client.post(url, {"to_tier": tier("certified").pk, "reason": "再议"})
    page = client.get(url).content.decode()

    assert first.status_code == 302 and first["Location"] == f"/partners/{world.p1.pk}/"
    assert second.status_code == 200 and "alert-danger" in second.content.decode()
    assert TierChange.objects.count() == 1
    assert 'data-testid="tier-history"' in page and "业绩突出" in page


def test_propose_page_is_scoped(world, as_user):
    url = f"/partners/{world.p1.pk}/tier-change/"

    assert as_user(world.p2_user).get(url).status_code == 404
    assert as_user(world.other_cm).get(url).status_code == 404
    assert as_user(world.p1_admin).get(url).status_code == 403
    assert as_user(world.south_manager).get(url).status_code == 200


def test_tier_change_api_propose_and_scoped_list(world, as_api):
    created = as_api(world.channel_mgr).post(
        "/api/v1/tiers/changes",
        {"partner_id": world.p1.pk, "to_tier": "gold", "reason": "业绩突出"},
        "application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["from_tier"] == "silver" and created.json()["status"] == "pending"
    again = as_api(world.channel_mgr).post(
        "/api/v1/tiers/changes",
        {"partner_id": world.p1.pk, "to_tier": "certified", "reason": "再议"},
        "application/json",
        headers={"Accept-Language": "en"},
    )
    assert (
        again.status_code == 422 and "already in approval" in again.json()["errors"]["__all__"][0]
    )
    unknown = as_api(world.channel_mgr).post(
        "/api/v1/tiers/changes",
        {"partner_id": world.p1.pk, "to_tier": "diamond", "reason": "x"},
        "application/json",
    )
    assert unknown.status_code == 422 and "to_tier" in unknown.json()["errors"]

    own = as_api(world.p1_user).get(f"/api/v1/tiers/changes?partner={world.p1.pk}").json()
    other = as_api(world.p2_user).get(f"/api/v1/tiers/changes?partner={world.p1.pk}").json()
    assert own["count"] == 1 and other["count"] == 0
    refused = as_api(world.p2_user).post(
        "/api/v1/tiers/changes",
        {"partner_id": world.p1.pk, "to_tier": "gold", "reason": "x"},
        "application/json",
    )
    assert refused.status_code == 404


def test_tier_change_list_query_count_is_pinned(world, as_api, django_assert_max_num_queries):
    for index in range(22):
        partner = world.p1 if index % 2 else world.p2
        TierChange.objects.create(
            partner=partner,
            from_tier=tier("silver"),
            to_tier=tier("gold"),
            reason=f"原因{index}",
            status=TierChange.Status.REJECTED,
            requested_by=world.channel_mgr,
        )
    client = as_api(world.channel_mgr)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/tiers/changes?page_size=50")

    assert response.json()["count"] == 22


# --- the built-in reference data -------------------------------------------------------------


def test_builtin_tiers_and_scorecards_are_ensured_without_overwriting_edits():
    # Given the data the migration created, one tier edited and one scorecard criterion gone
    Tier.objects.filter(code="gold").update(name="金牌伙伴")
    ScorecardCriterion.objects.filter(scorecard__code="evaluation-default", code="sales").delete()
    tiers_before = Tier.objects.count()

    # When the reference data is ensured (twice: it is idempotent)
    services.tiers_builtin_ensure()
    services.tiers_builtin_ensure()

    # Then the edit stays, the missing criterion is back and nothing is duplicated
    assert Tier.objects.get(code="gold").name == "金牌伙伴"
    assert Tier.objects.count() == tiers_before
    assert Tier.objects.get(code="certified").discount_percent == 5
    sales = ScorecardCriterion.objects.get(scorecard__code="evaluation-default", code="sales")
    assert (sales.weight, sales.max_score, sales.order) == (40, 10, 0)
    for code, _name, kind, criteria in services.SCORECARDS_BUILTIN:
        card = PartnerScorecard.objects.get(code=code)
        assert card.kind == kind and card.criteria.count() == len(criteria)
