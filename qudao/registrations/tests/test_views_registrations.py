"""The registration pages: list (filters, sort, pagination, htmx, export), the form with its
product rows and live conflict hint, the detail page with its conflict panel and partner actions,
and scopes (partner 2 never sees partner 1's registration, nor its name through a conflict)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qudao.core.models import ApprovalRequest
from qudao.partners.validators import credit_code_check_char
from qudao.registrations import services
from qudao.registrations.models import Registration
from qudao.registrations.services import registration_save_draft, registration_submit
from qudao.registrations.tests.factories import RegistrationFactory, product_line

pytestmark = pytest.mark.django_db
S = Registration.Status
TODAY = timezone.localdate
# The same customer, spelled the way each partner wrote it.
P1_CUSTOMER = "深圳市腾云智能科技有限公司"
P2_CUSTOMER = "腾云智能科技（深圳）有限公司"
GOOD_CODE = "91440300123456780" + credit_code_check_char("91440300123456780")
BAD_CODE = GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1")


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def fields(world, **overrides) -> dict:
    """Service data of a valid registration."""
    values = {
        "customer_name": P1_CUSTOMER,
        "customer_region": world.shenzhen.pk,
        "customer_city": "深圳",
        "project_name": "园区网络改造",
        "industry": "制造业",
        "products": [{"product_line_id": product_line("NET", "网络").pk, "quantity": 20}],
        "estimated_amount": "1500000",
        "expected_close_date": TODAY() + datetime.timedelta(days=60),
        "stage": Registration.Stage.QUALIFIED,
    }
    return values | overrides


def register(world, user, *, submit=True, **overrides) -> Registration:
    """A registration made through the services, submitted unless told otherwise."""
    draft = registration_save_draft(actor=user, data=fields(world, **overrides)).registration
    if not submit:
        return draft
    return registration_submit(actor=user, registration=draft).registration


def posted(world, action="submit", rows=None, **overrides) -> dict:
    """What the browser posts from the registration form."""
    rows = (
        [{"product_line": product_line("NET", "网络").pk, "quantity": "20"}]
        if rows is None
        else rows
    )
    data = {
        "customer_name": P1_CUSTOMER,
        "customer_credit_code": "",
        "customer_region": world.shenzhen.pk,
        "customer_city": "深圳",
        "project_name": "园区网络改造",
        "industry": "制造业",
        "estimated_amount": "1500000",
        "expected_close_date": (TODAY() + datetime.timedelta(days=60)).isoformat(),
        "stage": "qualified",
        "competitors": "",
        "decision_makers": "",
        "notes": "",
        "products-TOTAL_FORMS": str(max(len(rows), 1) + 1),
        "products-INITIAL_FORMS": "0",
        "action": action,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"products-{index}-{name}"] = value
    return data | overrides


def review_of(registration) -> ApprovalRequest:
    return ApprovalRequest.objects.get(kind=services.REVIEW, object_id=str(registration.pk))


def many(world, count: int, **overrides) -> list[Registration]:
    return [
        RegistrationFactory(
            partner=world.p1,
            customer_region=world.shenzhen,
            customer_name=f"测试客户{i}号有限公司",
            products=[("NET", 2), ("SW", 3)],
            **overrides,
        )
        for i in range(count)
    ]


# --- list ----------------------------------------------------------------------------------------


def test_a_partner_user_sees_only_their_own_registrations(world, as_user):
    mine = register(world, world.p1_user)
    theirs = register(world, world.p2_user, customer_name="广州天河软件园有限公司")

    html = as_user(world.p1_user).get("/registrations/").content.decode()

    assert mine.number in html
    assert theirs.number not in html
    assert world.p2.name not in html
    assert 'data-testid="new-registration"' in html


def test_vendor_staff_see_their_scope_without_drafts_and_cannot_create(world, as_user):
    submitted = register(world, world.p1_user)
    draft = register(world, world.p1_user, submit=False, customer_name="深圳湾科技有限公司")

    mine = as_user(world.channel_mgr).get("/registrations/").content.decode()
    other_region = as_user(world.other_cm).get("/registrations/").content.decode()

    assert submitted.number in mine and draft.number not in mine
    assert 'data-testid="new-registration"' not in mine
    assert submitted.number not in other_region
    assert as_user(world.channel_mgr).get("/registrations/new/").status_code == 403


def test_list_filters(world, as_user):
    lead = RegistrationFactory(
        partner=world.p1, customer_name="东莞制造有限公司", stage="lead", status=S.SUBMITTED
    )
    approved = RegistrationFactory(
        partner=world.p1,
        customer_name="佛山陶瓷有限公司",
        status=S.APPROVED,
        protection_until=TODAY() + datetime.timedelta(days=3),
    )
    later = RegistrationFactory(
        partner=world.p1,
        customer_name="惠州电池有限公司",
        status=S.APPROVED,
        protection_until=TODAY() + datetime.timedelta(days=60),
    )
    other = RegistrationFactory(partner=world.p2, customer_name="珠海航空有限公司")
    client = as_user(world.channel_mgr)

    def numbers(query):
        html = client.get(f"/registrations/?{query}").content.decode()
        return {r.number for r in (lead, approved, later, other) if r.number in html}

    assert numbers("q=陶瓷") == {approved.number}
    assert numbers("status=approved") == {approved.number, later.number}
    assert numbers("stage=lead") == {lead.number}
    assert numbers("partner=二号") == {other.number}  # part of the partner's name
    assert numbers(f"partner={world.p2.code}") == {other.number}
    assert numbers("partner=没有这个伙伴") == set()
    assert numbers("expiring=on") == {approved.number}
    assert numbers(f"region={world.east.pk}") == set()


def test_list_sorts_by_amount_and_paginates_with_htmx_fragments(world, as_user):
    rows = many(world, 25)
    for index, registration in enumerate(rows):
        Registration.objects.filter(pk=registration.pk).update(
            estimated_amount=Decimal(1000 + index)
        )
    client = as_user(world.p1_user)

    first = client.get("/registrations/?sort=-amount").content.decode()
    second = client.get(
        "/registrations/?sort=-amount&page=2", headers={"HX-Request": "true"}
    ).content.decode()

    assert first.index(rows[24].number) < first.index(rows[23].number)
    assert rows[0].number not in first
    assert "<html" not in second  # the htmx request gets the table only
    assert rows[0].number in second and rows[24].number not in second


def test_export_is_a_workbook_of_the_filtered_scope_with_numbers_as_numbers(world, as_user):
    approved = RegistrationFactory(
        partner=world.p1,
        customer_name="佛山陶瓷有限公司",
        status=S.APPROVED,
        estimated_amount=Decimal("2500000.50"),
        products=[("NET", 4)],
    )
    RegistrationFactory(partner=world.p1, customer_name="东莞制造有限公司")
    RegistrationFactory(partner=world.p2, customer_name="珠海航空有限公司", status=S.APPROVED)

    response = as_user(world.p1_user).get("/registrations/export/?status=approved")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert response.status_code == 200
    assert len(rows) == 2  # the header and partner 1's one approved registration
    assert rows[1][0] == approved.number
    assert rows[1][2] == "佛山陶瓷有限公司"
    assert rows[1][9] == 2500000.5 and isinstance(rows[1][9], float)
    assert "× 4" in rows[1][8]
    assert all(world.p2.name not in str(cell) for row in rows for cell in row)


# --- form ----------------------------------------------------------------------------------------


def test_save_and_submit_through_the_form(world, as_user):
    client = as_user(world.p1_user)
    data = posted(
        world,
        rows=[
            {"product_line": product_line("NET", "网络").pk, "quantity": "20"},
            {"product_line": product_line("SW", "软件").pk, "quantity": "5", "description": "授权"},
        ],
    )

    response = client.post("/registrations/new/", data)

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/registrations/{registration.pk}/"
    assert registration.status == S.SUBMITTED
    assert registration.partner == world.p1
    assert sorted(registration.products.values_list("quantity", flat=True)) == [5, 20]
    assert review_of(registration).status == ApprovalRequest.Status.PENDING


def test_save_draft_then_edit_then_submit_from_the_detail_page(world, as_user):
    client = as_user(world.p1_user)

    client.post("/registrations/new/", posted(world, action="draft"))
    registration = Registration.objects.get()
    edit_page = client.get(f"/registrations/{registration.pk}/edit/").content.decode()
    edited = client.post(
        f"/registrations/{registration.pk}/edit/",
        posted(world, action="draft", project_name="园区网络二期", estimated_amount="1800000"),
    )
    submitted = client.post(f"/registrations/{registration.pk}/submit/")

    registration.refresh_from_db()
    assert registration.project_name == "园区网络二期"
    assert registration.estimated_amount == Decimal("1800000")
    assert 'value="园区网络改造"' in edit_page  # the saved values are in the form
    assert edited.status_code == 302 and submitted.status_code == 302
    assert registration.status == S.SUBMITTED
    assert registration.products.count() == 1  # rows replaced, not added


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("expected_close_date", "2020-01-01", "The expected close date is in the past."),
        ("estimated_amount", "0", "The amount must be greater than zero."),
        ("estimated_amount", "-5", "The amount must be greater than zero."),
        ("customer_credit_code", BAD_CODE, "its check digit is wrong"),
    ],
)
def test_bad_input_shows_errors_on_the_form_and_writes_nothing(
    world, as_user, field, value, message
):
    client = in_english(as_user(world.p1_user))

    for action in ("draft", "submit"):
        response = client.post(
            "/registrations/new/", posted(world, action=action, **{field: value})
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert f'data-testid="error-{field}"' in html
        assert message in html
    assert not Registration.objects.exists()
    assert not ApprovalRequest.objects.exists()


def test_a_product_row_error_from_the_service_lands_on_its_row(world, as_user):
    client = in_english(as_user(world.p1_user))
    line = product_line("NET", "网络")
    rows = [{"quantity": ""}, {"product_line": line.pk, "quantity": "0"}]  # the first is blank

    response = client.post("/registrations/new/", posted(world, rows=rows))

    html = response.content.decode()
    assert 'data-testid="error-quantity"' in html
    assert "The quantity must be greater than zero." in html
    assert not Registration.objects.exists()


def test_submitting_without_products_writes_nothing(world, as_user):
    client = in_english(as_user(world.p1_user))

    response = client.post("/registrations/new/", posted(world, rows=[]))
    saved = client.post("/registrations/new/", posted(world, action="draft", rows=[]))

    assert "Add at least one product line." in response.content.decode()
    assert saved.status_code == 302  # a draft may wait for its products
    assert Registration.objects.get().status == S.DRAFT


def test_an_extra_product_row_comes_with_the_new_total(world, as_user):
    product_line("NET", "网络")

    html = as_user(world.p1_user).get("/registrations/product-row/?index=3").content.decode()

    assert 'name="products-3-product_line"' in html
    assert 'name="products-TOTAL_FORMS" value="4"' in html
    assert "index=4" in html


def test_submitting_an_old_draft_whose_close_date_passed_says_why(world, as_user):
    draft = RegistrationFactory(
        partner=world.p1,
        status=S.DRAFT,
        expected_close_date=TODAY() - datetime.timedelta(days=1),
        products=[("NET", 2)],
    )
    client = in_english(as_user(world.p1_user))

    response = client.post(f"/registrations/{draft.pk}/submit/", follow=True)

    assert "The expected close date is in the past." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert not ApprovalRequest.objects.exists()


def test_a_submitted_registration_cannot_be_edited(world, as_user):
    registration = register(world, world.p1_user)
    client = as_user(world.p1_user)

    assert client.get(f"/registrations/{registration.pk}/edit/").status_code == 403
    refused = client.post(f"/registrations/{registration.pk}/edit/", posted(world, action="draft"))
    assert refused.status_code == 403
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED


# --- live conflict hint ------------------------------------------------------------------------


def test_the_hint_tells_partner_2_the_level_but_not_who(world, as_user):
    register(world, world.p1_user)
    client = in_english(as_user(world.p2_user))

    response = client.post(
        "/registrations/check/",
        {"customer_name": P2_CUSTOMER, "customer_region": world.shenzhen.pk},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-level="certain"' in html or 'data-level="likely"' in html
    assert world.p1.name not in html
    assert P1_CUSTOMER not in html
    assert "BB-" not in html


def test_the_hint_for_a_new_customer_says_no_conflict_and_an_empty_name_says_nothing(
    world, as_user
):
    register(world, world.p1_user)
    client = as_user(world.p2_user)

    fresh = client.post("/registrations/check/", {"customer_name": "拉萨高原牧业有限公司"})
    empty = client.post("/registrations/check/", {"customer_name": "  "})

    assert 'data-level="none"' in fresh.content.decode()
    assert "conflict-hint" not in empty.content.decode()


def test_only_partner_users_ask_for_the_hint(world, as_user):
    response = as_user(world.channel_mgr).post(
        "/registrations/check/", {"customer_name": P1_CUSTOMER}
    )

    assert response.status_code == 403


# --- scope ---------------------------------------------------------------------------------------


def test_partner_2_gets_404_on_everything_of_partner_1(world, as_user):
    draft = register(world, world.p1_user, submit=False)
    submitted = register(world, world.p1_user, customer_name="深圳湾科技有限公司")
    client = as_user(world.p2_user)

    for registration in (draft, submitted):
        pk = registration.pk
        assert client.get(f"/registrations/{pk}/").status_code == 404
        assert client.get(f"/registrations/{pk}/edit/").status_code == 404
        assert client.post(f"/registrations/{pk}/edit/", posted(world)).status_code == 404
        assert client.post(f"/registrations/{pk}/submit/").status_code == 404
        assert client.post(f"/registrations/{pk}/progress/", {"stage": "lead"}).status_code == 404
        assert client.post(f"/registrations/{pk}/extend/", {"reason": "x"}).status_code == 404
        assert client.post(f"/registrations/{pk}/close/", {"outcome": "lost"}).status_code == 404
        check = client.post(
            "/registrations/check/", {"registration": pk, "customer_name": P1_CUSTOMER}
        )
        assert check.status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert as_user(world.other_cm).get(f"/registrations/{submitted.pk}/").status_code == 404


def test_partner_page_shows_the_conflict_level_but_never_the_other_partner(world, as_user):
    first = register(world, world.p1_user)
    second = register(world, world.p2_user, customer_name=P2_CUSTOMER, project_name="园区无线网络")

    html = as_user(world.p2_user).get(f"/registrations/{second.pk}/").content.decode()

    assert 'data-testid="conflict-panel"' in html
    assert 'data-testid="conflict-hint"' in html
    assert 'data-level="none"' not in html
    assert world.p1.name not in html
    assert first.number not in html
    assert P1_CUSTOMER not in html
    assert 'data-testid="conflict-reason"' not in html


def test_staff_page_shows_both_sides_and_the_reasons(world, as_user):
    first = register(world, world.p1_user)
    second = register(world, world.p2_user, customer_name=P2_CUSTOMER)

    html = as_user(world.channel_mgr).get(f"/registrations/{second.pk}/").content.decode()

    assert world.p1.name in html and world.p2.name in html
    assert first.number in html
    assert f"/registrations/{first.pk}/" in html
    assert html.count('data-testid="conflict-reason"') >= 1
    assert 'data-testid="decision-card"' in html
    assert 'data-testid="override"' in html  # partner 1 claimed it first


# --- detail and partner actions ----------------------------------------------------------------


def test_detail_shows_fields_products_approval_and_history(world, as_user):
    registration = register(world, world.p1_user)

    html = as_user(world.p1_user).get(f"/registrations/{registration.pk}/").content.decode()

    assert registration.number in html
    assert P1_CUSTOMER in html
    assert "网络" in html
    assert f"/approvals/{review_of(registration).pk}/" in html
    assert 'data-testid="history"' in html
    assert 'data-testid="progress-card"' in html
    assert 'data-testid="decision-card"' not in html  # partners never decide
    assert 'data-testid="edit"' not in html  # submitted: no longer editable


@pytest.mark.parametrize(("days", "urgent"), [(5, True), (30, False)])
def test_the_protection_countdown_turns_red_in_the_last_week(world, as_user, days, urgent):
    registration = RegistrationFactory(
        partner=world.p1,
        status=S.APPROVED,
        protection_until=TODAY() + datetime.timedelta(days=days),
    )

    html = as_user(world.p1_user).get(f"/registrations/{registration.pk}/").content.decode()

    assert f'data-days="{days}"' in html
    assert ("alert-danger d-flex" in html) is urgent
    assert 'data-testid="extend-card"' in html


def test_progress_update_through_the_page(world, as_user):
    registration = register(world, world.p1_user)
    client = in_english(as_user(world.p1_user))

    bad = client.post(
        f"/registrations/{registration.pk}/progress/",
        {"stage": "bidding", "estimated_amount": "-1", "notes": "已投标"},
    )
    good = client.post(
        f"/registrations/{registration.pk}/progress/",
        {"stage": "bidding", "estimated_amount": "1700000", "notes": "已投标"},
    )

    assert "The amount must be greater than zero." in bad.content.decode()
    assert good.status_code == 302
    registration.refresh_from_db()
    assert registration.stage == "bidding"
    assert registration.estimated_amount == Decimal("1700000")


def test_extension_request_through_the_page(world, as_user):
    registration = RegistrationFactory(
        partner=world.p1,
        status=S.APPROVED,
        protection_until=TODAY() + datetime.timedelta(days=5),
    )
    client = in_english(as_user(world.p1_user))

    empty = client.post(f"/registrations/{registration.pk}/extend/", {"reason": ""})
    asked = client.post(f"/registrations/{registration.pk}/extend/", {"reason": "客户预算推迟"})
    page = client.get(f"/registrations/{registration.pk}/").content.decode()

    assert "This field is required." in empty.content.decode()
    assert asked.status_code == 302
    assert ApprovalRequest.objects.filter(kind=services.EXTENSION).count() == 1
    assert 'data-testid="extension-pending"' in page
    assert 'data-testid="extend-card"' not in page


def test_close_as_lost_needs_a_reason(world, as_user):
    registration = RegistrationFactory(
        partner=world.p1, status=S.APPROVED, protection_until=TODAY() + datetime.timedelta(days=50)
    )
    client = in_english(as_user(world.p1_user))

    refused = client.post(f"/registrations/{registration.pk}/close/", {"outcome": "lost"})
    registration.refresh_from_db()
    assert "Give the reason." in refused.content.decode()
    assert registration.status == S.APPROVED

    closed = client.post(
        f"/registrations/{registration.pk}/close/", {"outcome": "lost", "reason": "价格没有优势"}
    )
    registration.refresh_from_db()
    assert closed.status_code == 302
    assert registration.status == S.LOST


def test_an_outcome_the_state_does_not_allow_is_refused(world, as_user):
    registration = register(world, world.p1_user)  # submitted: only withdrawing is possible

    response = as_user(world.p1_user).post(
        f"/registrations/{registration.pk}/close/", {"outcome": "won"}
    )

    registration.refresh_from_db()
    assert response.status_code == 200  # the form says the choice is not available
    assert registration.status == S.SUBMITTED


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_grow_with_rows(
    world, as_user, django_assert_max_num_queries, count
):
    many(world, count)
    for user in (world.p1_user, world.hq):
        client = as_user(user)
        # 11: the list's count and estimated amount for the filter (one aggregate) included
        with django_assert_max_num_queries(11):
            response = client.get("/registrations/?sort=amount")
        assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_export_query_count_does_not_grow_with_rows(
    world, as_user, django_assert_max_num_queries, count
):
    many(world, count)
    client = as_user(world.hq)

    with django_assert_max_num_queries(6):
        response = client.get("/registrations/export/")

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == count + 1


@pytest.mark.parametrize("count", [3, 30])
def test_detail_query_count_does_not_grow_with_conflicts(
    world, as_user, django_assert_max_num_queries, count
):
    registration = register(world, world.p1_user)
    for index in range(count):
        RegistrationFactory(
            partner=world.p2,
            customer_name=P2_CUSTOMER,
            customer_region=world.shenzhen,
            project_name=f"园区网络{index}期",
            products=[("NET", 1)],
        )
    for user in (world.channel_mgr, world.p1_user):
        client = as_user(user)
        # 20: the history reads the names its foreign keys point to, one query per related
        # model whatever the rows.
        with django_assert_max_num_queries(20):
            response = client.get(f"/registrations/{registration.pk}/")
        assert response.status_code == 200
