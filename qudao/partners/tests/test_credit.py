"""Credit limits (信用额度): applications, their approval, the current credit and its usage,
through the services, the pages and the API."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry
from qudao.core.services.approvals import Decision, approval_decide
from qudao.core.tests.factories import UserFactory
from qudao.partners.models import CreditApplication, Partner
from qudao.partners.selectors.credit import credit_summary
from qudao.partners.services.credit import (
    DEFAULT_EXTRA_APPROVAL_THRESHOLD,
    credit_application_cancel,
    credit_application_submit,
    credit_usage_set,
    extra_approval_threshold,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def finance(world):
    return UserFactory(username="finance_t", roles=["finance"])


def normal(**changes):
    return {"kind": "normal", "amount": Decimal("800000"), "reason": "年度业务增长", **changes}


def special(**changes):
    return {
        "kind": "special",
        "amount": Decimal("300000"),
        "reason": "深圳地铁项目备货",
        "project_name": "深圳地铁14号线安防",
        "valid_from": TODAY(),
        "valid_to": TODAY() + timedelta(days=30),
        **changes,
    }


def approval_of(application) -> ApprovalRequest:
    return ApprovalRequest.objects.get(kind="credit_application", object_id=str(application.pk))


def step_roles(application) -> list[str]:
    return list(approval_of(application).steps.order_by("order").values_list("role", flat=True))


def approve_all(application, *deciders):
    approval = approval_of(application)
    for decider in deciders:
        approval = approval_decide(actor=decider, approval=approval, decision=Decision.APPROVE)
    return approval


# --- submitting -------------------------------------------------------------------------------


def test_channel_manager_applies_and_the_chain_is_regional_manager_then_finance(world):
    application = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=normal()
    )

    assert application.number.startswith(f"XY-{TODAY().year}-")
    assert application.status == CreditApplication.Status.IN_APPROVAL
    assert step_roles(application) == ["regional_manager", "finance"]
    assert AuditEntry.objects.filter(object_id=str(application.pk), action="create").exists()


def test_default_threshold_is_one_million_and_only_larger_amounts_need_the_director(world):
    at_threshold = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=normal(amount=Decimal("1000000"))
    )
    above = credit_application_submit(
        actor=world.channel_mgr, partner=world.p2, data=normal(amount=Decimal("1000000.01"))
    )

    assert extra_approval_threshold() == DEFAULT_EXTRA_APPROVAL_THRESHOLD == Decimal("1000000")
    assert step_roles(at_threshold) == ["regional_manager", "finance"]
    assert step_roles(above) == ["regional_manager", "finance", "director"]


def test_threshold_is_configurable(world, settings):
    settings.CREDIT_EXTRA_APPROVAL_THRESHOLD = "50000"
    by_env = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=normal(amount=Decimal("60000"))
    )
    settings.CREDIT_EXTRA_APPROVAL_THRESHOLD = 100000
    by_setting = credit_application_submit(
        actor=world.channel_mgr, partner=world.p2, data=normal(amount=Decimal("60000"))
    )

    assert step_roles(by_env)[-1] == "director"
    assert step_roles(by_setting) == ["regional_manager", "finance"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal("-1")}, "amount"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("1000000000.01")}, "amount"),  # absurd: above 10亿
        ({"amount": "1e15"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": None}, "amount"),
        ({"reason": "   "}, "reason"),
        ({"kind": "gold"}, "kind"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(world, changes, field):
    with pytest.raises(ValidationError) as error:
        credit_application_submit(actor=world.channel_mgr, partner=world.p1, data=normal(**changes))

    assert field in error.value.message_dict
    assert not CreditApplication.objects.exists()
    assert not ApprovalRequest.objects.exists()


def test_absurd_amount_message_says_what_is_wrong(world):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        credit_application_submit(
            actor=world.channel_mgr, partner=world.p1, data=normal(amount=Decimal("5e9"))
        )

    assert "1,000,000,000" in error.value.message_dict["amount"][0]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"project_name": ""}, {"project_name"}),
        ({"valid_from": None, "valid_to": None}, {"valid_from", "valid_to"}),
        ({"valid_to": None}, {"valid_to"}),
        ({"valid_to": TODAY() - timedelta(days=5), "valid_from": TODAY()}, {"valid_to"}),
        (
            {"valid_from": TODAY() - timedelta(days=60), "valid_to": TODAY() - timedelta(days=1)},
            {"valid_to"},
        ),  # already over
    ],
)
def test_special_credit_needs_a_project_and_an_ordered_period(world, changes, fields):
    with pytest.raises(ValidationError) as error:
        credit_application_submit(
            actor=world.channel_mgr, partner=world.p1, data=special(**changes)
        )

    assert set(error.value.message_dict) == fields
    assert not CreditApplication.objects.exists()


def test_a_one_day_special_period_is_fine(world):
    application = credit_application_submit(
        actor=world.channel_mgr,
        partner=world.p1,
        data=special(valid_from=TODAY(), valid_to=TODAY()),
    )

    assert application.valid_to == application.valid_from


@pytest.mark.parametrize("persona", ["channel_mgr", "south_manager", "hq", "admin", "p1_admin"])
def test_who_may_apply(world, persona):
    application = credit_application_submit(
        actor=getattr(world, persona), partner=world.p1, data=normal()
    )

    assert application.requested_by == getattr(world, persona)


@pytest.mark.parametrize("persona", ["p1_user", "pm", "east_manager", "other_cm", "p2_user"])
def test_others_may_not_apply(world, persona):
    with pytest.raises(PermissionDenied):
        credit_application_submit(actor=getattr(world, persona), partner=world.p1, data=normal())

    assert not CreditApplication.objects.exists()


def test_finance_may_not_apply_but_approves(world, finance):
    with pytest.raises(PermissionDenied):
        credit_application_submit(actor=finance, partner=world.p1, data=normal())


def test_an_exited_partner_cannot_apply(world):
    Partner.objects.filter(pk=world.p1.pk).update(status=Partner.Status.EXITED)
    world.p1.refresh_from_db()

    with pytest.raises(ValidationError):
        credit_application_submit(actor=world.channel_mgr, partner=world.p1, data=normal())


# --- deciding ---------------------------------------------------------------------------------


def test_approved_normal_credit_becomes_the_limit_with_an_audit_entry(world, finance):
    application = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=normal()
    )

    approval = approve_all(application, world.south_manager, finance)

    application.refresh_from_db()
    world.p1.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.APPROVED
    assert application.status == CreditApplication.Status.APPROVED
    assert application.decided_at is not None
    assert world.p1.credit_limit == Decimal("800000.00")
    entry = AuditEntry.objects.filter(object_id=str(world.p1.pk), changes__has_key="credit_limit")
    assert entry.get().changes["credit_limit"] == ["0.00", "800000.00"]


def test_large_amount_is_not_approved_until_the_director_decides(world, finance):
    application = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=normal(amount=Decimal("3000000"))
    )

    approve_all(application, world.south_manager, finance)
    world.p1.refresh_from_db()
    assert world.p1.credit_limit == 0
    with pytest.raises(PermissionDenied):  # finance cannot decide the director's step
        approve_all(application, finance)

    approve_all(application, world.hq)
    world.p1.refresh_from_db()
    assert world.p1.credit_limit == Decimal("3000000")


def test_regional_manager_of_another_region_cannot_decide(world):
    application = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=normal()
    )

    with pytest.raises(PermissionDenied):
        approve_all(application, world.east_manager)


def test_rejection_is_recorded_and_the_limit_stays(world):
    world.p1.credit_limit = Decimal("100000")
    world.p1.save()
    application = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=normal()
    )

    approval_decide(
        actor=world.south_manager,
        approval=approval_of(application),
        decision=Decision.REJECT,
        comment="额度过高",
    )

    application.refresh_from_db()
    world.p1.refresh_from_db()
    assert application.status == CreditApplication.Status.REJECTED
    assert application.decided_at is not None
    assert world.p1.credit_limit == Decimal("100000")
    assert AuditEntry.objects.filter(
        object_id=str(application.pk), action="state", changes__status=["in_approval", "rejected"]
    ).exists()


def test_special_credit_counts_only_inside_its_period(world, finance):
    world.p1.credit_limit = Decimal("500000")
    world.p1.credit_used = Decimal("200000")
    world.p1.save()
    application = credit_application_submit(
        actor=world.channel_mgr,
        partner=world.p1,
        data=special(valid_from=TODAY() + timedelta(days=2), valid_to=TODAY() + timedelta(days=9)),
    )
    before_approval = credit_summary(world.p1, TODAY() + timedelta(days=3))

    approve_all(application, world.south_manager, finance)

    world.p1.refresh_from_db()
    assert world.p1.credit_limit == Decimal("500000")  # a special credit leaves the limit alone
    assert before_approval.special == 0
    assert credit_summary(world.p1).special == 0  # not started yet
    inside = credit_summary(world.p1, TODAY() + timedelta(days=2))
    assert inside.special == Decimal("300000")
    assert inside.total == Decimal("800000") and inside.available == Decimal("600000")
    assert credit_summary(world.p1, TODAY() + timedelta(days=9)).special == Decimal("300000")
    assert credit_summary(world.p1, TODAY() + timedelta(days=10)).special == 0


def test_applicant_withdraws_and_the_approval_is_cancelled(world, finance):
    application = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=normal()
    )

    with pytest.raises(PermissionDenied):
        credit_application_cancel(actor=world.hq, application=application)
    credit_application_cancel(actor=world.channel_mgr, application=application)

    application.refresh_from_db()
    assert application.status == CreditApplication.Status.CANCELLED
    assert approval_of(application).status == ApprovalRequest.Status.CANCELLED
    with pytest.raises(ConflictError):
        credit_application_cancel(actor=world.channel_mgr, application=application)
    with pytest.raises(ConflictError):  # the closed approval can no longer be decided
        approve_all(application, world.south_manager)


# --- usage ------------------------------------------------------------------------------------


def test_finance_records_usage_with_an_audit_entry(world, finance):
    credit_usage_set(actor=finance, partner=world.p1, used=Decimal("1234.50"), note="3月对账")

    world.p1.refresh_from_db()
    assert world.p1.credit_used == Decimal("1234.50")
    entry = AuditEntry.objects.get(object_id=str(world.p1.pk), changes__has_key="credit_used")
    assert entry.actor == finance and entry.note == "3月对账"


@pytest.mark.parametrize("used", [Decimal("-0.01"), "x", Decimal("2000000000")])
def test_usage_cannot_be_negative_or_absurd(world, finance, used):
    with pytest.raises(ValidationError) as error:
        credit_usage_set(actor=finance, partner=world.p1, used=used)

    assert "credit_used" in error.value.message_dict
    world.p1.refresh_from_db()
    assert world.p1.credit_used == 0


@pytest.mark.parametrize("persona", ["channel_mgr", "south_manager", "p1_admin"])
def test_only_finance_records_usage(world, persona):
    with pytest.raises(PermissionDenied):
        credit_usage_set(actor=getattr(world, persona), partner=world.p1, used=Decimal("1"))


def test_usage_above_the_credit_notifies_the_channel_manager(
    world, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        credit_usage_set(actor=finance, partner=world.p1, used=Decimal("10"))

    assert world.channel_mgr.notifications.filter(title__contains=world.p1.name).exists()


# --- pages ------------------------------------------------------------------------------------


def make_applications(world, count: int, partner=None):
    partner = partner or world.p1
    return [
        credit_application_submit(
            actor=world.channel_mgr,
            partner=partner,
            data=normal(amount=Decimal(10000 + index)),
        )
        for index in range(count)
    ]


def test_partner_admin_applies_from_the_portal(world, as_user):
    client = as_user(world.p1_admin)
    form = {"partner": world.p1.pk, "kind": "normal", "amount": "250000", "reason": "扩大备货"}

    page = client.get("/partners/credit/new/")
    bad = client.post("/partners/credit/new/", {**form, "amount": "-5"})
    good = client.post("/partners/credit/new/", form)

    assert page.status_code == 200
    assert bad.status_code == 200 and "amount" in bad.context["form"].errors
    assert good.status_code == 302
    application = CreditApplication.objects.get()
    assert good["Location"] == f"/partners/credit/{application.pk}/"
    assert application.requested_by == world.p1_admin and application.partner == world.p1


def test_special_without_period_on_the_page_shows_field_errors(world, as_user):
    response = as_user(world.channel_mgr).post(
        "/partners/credit/new/",
        {"partner": world.p1.pk, "kind": "special", "amount": "1000", "reason": "项目"},
    )

    errors = response.context["form"].errors
    assert {"project_name", "valid_from", "valid_to"} <= set(errors)
    assert not CreditApplication.objects.exists()


def test_partner_2_cannot_apply_for_partner_1_on_the_page(world, as_user):
    p2_admin = UserFactory(roles=["partner_admin"], partner=world.p2)
    response = as_user(p2_admin).post(
        "/partners/credit/new/",
        {"partner": world.p1.pk, "kind": "normal", "amount": "1000", "reason": "x"},
    )

    assert response.status_code == 200 and "partner" in response.context["form"].errors
    assert world.p1.name not in response.content.decode()
    assert not CreditApplication.objects.exists()


def test_partner_sales_cannot_open_the_application_form(world, as_user):
    assert as_user(world.p1_user).get("/partners/credit/new/").status_code == 403


def test_partner_2_cannot_see_partner_1_applications(world, as_user):
    mine = make_applications(world, 1)[0]
    theirs = make_applications(world, 1, partner=world.p2)[0]
    client = as_user(world.p2_user)

    detail = client.get(f"/partners/credit/{mine.pk}/")
    listing = client.get("/partners/credit/")
    cancel = client.post(f"/partners/credit/{mine.pk}/cancel/")

    assert detail.status_code == 404 and cancel.status_code == 404
    assert [row.pk for row in listing.context["page"]] == [theirs.pk]
    assert world.p1.name not in listing.content.decode()


def test_list_filters_search_sort_and_htmx(world, as_user):
    make_applications(world, 3)
    special_one = credit_application_submit(
        actor=world.channel_mgr, partner=world.p2, data=special()
    )
    client = as_user(world.hq)

    by_kind = client.get("/partners/credit/?kind=special")
    by_partner = client.get(f"/partners/credit/?partner={world.p2.pk}")
    search = client.get(f"/partners/credit/?q={special_one.number}")
    by_amount = client.get("/partners/credit/?sort=-amount")
    fragment = client.get("/partners/credit/?q=地铁", headers={"HX-Request": "true"})
    bad_filter = client.get("/partners/credit/?status=nope&sort=evil")

    assert [a.pk for a in by_kind.context["page"]] == [special_one.pk]
    assert [a.pk for a in by_partner.context["page"]] == [special_one.pk]
    assert [a.pk for a in search.context["page"]] == [special_one.pk]
    amounts = [a.amount for a in by_amount.context["page"]]
    assert amounts == sorted(amounts, reverse=True)
    assert "<html" not in fragment.content.decode()
    assert special_one.number in fragment.content.decode()
    assert bad_filter.status_code == 200 and bad_filter.context["page"].paginator.count == 4


def test_export_is_a_real_workbook_of_the_scope_only(world, as_user):
    make_applications(world, 2)
    make_applications(world, 1, partner=world.p2)

    response = as_user(world.p2_user).get("/partners/credit/export/")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == world.p2.name and rows[1][3] == 10000
    assert all(world.p1.name not in str(cell) for row in rows for cell in row)


def test_detail_shows_the_approval_and_history(world, as_user):
    application = make_applications(world, 1)[0]

    response = as_user(world.south_manager).get(f"/partners/credit/{application.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"/approvals/{approval_of(application).pk}/" in html
    assert application.number in html


def test_usage_page_is_for_finance_only(world, finance, as_user):
    refused = as_user(world.channel_mgr).get(f"/partners/{world.p1.pk}/credit/usage/")
    bad = as_user(finance).post(f"/partners/{world.p1.pk}/credit/usage/", {"credit_used": "-3"})
    good = as_user(finance).post(f"/partners/{world.p1.pk}/credit/usage/", {"credit_used": "42"})

    assert refused.status_code == 403
    assert bad.status_code == 200 and "credit_used" in bad.context["form"].errors
    assert good.status_code == 302
    world.p1.refresh_from_db()
    assert world.p1.credit_used == Decimal("42")


def test_credit_list_query_count_is_flat(world, as_user, django_assert_max_num_queries):
    make_applications(world, 25)
    make_applications(world, 5, partner=world.p2)

    for persona in ("hq", "south_manager", "channel_mgr", "p1_admin"):
        client = as_user(getattr(world, persona))
        with django_assert_max_num_queries(9):
            response = client.get("/partners/credit/?sort=-amount")
        assert response.status_code == 200 and len(response.context["page"]) == 20


def test_credit_export_query_count_is_flat(world, as_user, django_assert_max_num_queries):
    make_applications(world, 25)
    client = as_user(world.hq)

    with django_assert_max_num_queries(5):
        assert client.get("/partners/credit/export/").status_code == 200


# --- API --------------------------------------------------------------------------------------


def api_payload(world, **changes):
    return {
        "partner_id": world.p1.pk,
        "kind": "normal",
        "amount": "600000",
        "reason": "新增项目备货",
        **changes,
    }


def test_api_create_and_read(world, as_api):
    api = as_api(world.p1_admin)

    created = api.post(
        "/api/v1/credit-applications", api_payload(world), content_type="application/json"
    )
    body = created.json()
    detail = api.get(f"/api/v1/credit-applications/{body['id']}")

    assert created.status_code == 201, body
    assert body["status"] == "in_approval" and Decimal(body["amount"]) == Decimal("600000")
    assert detail.status_code == 200 and detail.json()["number"] == body["number"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-10"}, "amount"),
        ({"amount": "99999999999"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"reason": ""}, "reason"),
        ({"kind": "special"}, "project_name"),
        ({"kind": "special", "project_name": "P", "valid_from": "2030-05-01"}, "valid_to"),
        (
            {
                "kind": "special",
                "project_name": "P",
                "valid_from": "2030-05-01",
                "valid_to": "2030-04-01",
            },
            "valid_to",
        ),
        ({"kind": "platinum"}, "kind"),
    ],
)
def test_api_bad_input_is_422_and_writes_nothing(world, as_api, changes, field):
    response = as_api(world.channel_mgr).post(
        "/api/v1/credit-applications",
        api_payload(world, **changes),
        content_type="application/json",
    )

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not CreditApplication.objects.exists()


def test_api_partner_2_cannot_apply_for_or_see_partner_1_credit(world, as_api):
    mine = make_applications(world, 1)[0]
    p2_admin = UserFactory(roles=["partner_admin"], partner=world.p2)
    api = as_api(p2_admin)

    apply = api.post(
        "/api/v1/credit-applications", api_payload(world), content_type="application/json"
    )
    detail = api.get(f"/api/v1/credit-applications/{mine.pk}")
    listing = api.get("/api/v1/credit-applications")
    summary = api.get(f"/api/v1/partners/{world.p1.pk}/credit")
    cancel = api.post(f"/api/v1/credit-applications/{mine.pk}/cancel")

    assert (apply.status_code, detail.status_code, summary.status_code) == (404, 404, 404)
    assert cancel.status_code == 404
    assert listing.json()["count"] == 0
    for response in (apply, detail, summary):
        assert world.p1.name not in response.content.decode()
    assert CreditApplication.objects.count() == 1


def test_api_credit_summary(world, as_api, finance):
    world.p1.credit_limit = Decimal("500000")
    world.p1.credit_used = Decimal("120000")
    world.p1.save()
    application = credit_application_submit(
        actor=world.channel_mgr, partner=world.p1, data=special()
    )
    approve_all(application, world.south_manager, finance)

    body = as_api(world.p1_user).get(f"/api/v1/partners/{world.p1.pk}/credit").json()

    assert Decimal(body["limit"]) == Decimal("500000")
    assert Decimal(body["special"]) == Decimal("300000")
    assert Decimal(body["used"]) == Decimal("120000")
    assert Decimal(body["available"]) == Decimal("680000")
    assert [s["number"] for s in body["specials"]] == [application.number]


def test_api_usage_by_finance_only(world, as_api, finance):
    url = f"/api/v1/partners/{world.p1.pk}/credit/usage"

    refused = as_api(world.channel_mgr).put(url, {"credit_used": "5"}, "application/json")
    negative = as_api(finance).put(url, {"credit_used": "-5"}, "application/json")
    done = as_api(finance).put(url, {"credit_used": "5"}, "application/json")

    assert refused.status_code == 403
    assert negative.status_code == 422 and "credit_used" in negative.json()["errors"]
    assert done.status_code == 200 and Decimal(done.json()["used"]) == Decimal("5")


def test_api_list_filters_and_query_count(world, as_api, django_assert_max_num_queries):
    make_applications(world, 25)
    api = as_api(world.south_manager)

    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/credit-applications?page_size=50&sort=-amount")
    filtered = api.get(f"/api/v1/credit-applications?partner={world.p2.pk}")
    bad = api.get("/api/v1/credit-applications?status=nope")

    assert response.json()["count"] == 25 and len(response.json()["items"]) == 25
    assert filtered.json()["count"] == 0
    assert bad.status_code == 422


def test_api_withdraw(world, as_api):
    application = make_applications(world, 1)[0]

    other = as_api(world.south_manager).post(f"/api/v1/credit-applications/{application.pk}/cancel")
    mine = as_api(world.channel_mgr).post(f"/api/v1/credit-applications/{application.pk}/cancel")
    again = as_api(world.channel_mgr).post(f"/api/v1/credit-applications/{application.pk}/cancel")

    assert other.status_code == 403
    assert mine.status_code == 200 and mine.json()["status"] == "cancelled"
    assert again.status_code == 409
