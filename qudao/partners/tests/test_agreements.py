"""Agreements (合作协议) through the services, pages and API: validation (period, target,
territory, overlap, uploads), the approval flow, termination, renewal, and data scopes."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from qudao.catalog.models import ProductLine
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, Counter
from qudao.core.sample_files import image_bytes, pdf_bytes
from qudao.core.services.approvals import approval_decide
from qudao.partners.models import Agreement, PartnerDocument
from qudao.partners.services import agreements as services

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()
PNG = image_bytes("PNG")
# Every test here runs at this moment, the clock ticking on: the agreements run the calendar year,
# which ends more than 30 days later (so they are not "expiring").
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY, Y = NOW.date(), NOW.year
JAN1, DEC31 = datetime.date(Y, 1, 1), datetime.date(Y, 12, 31)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def data(world, **changes):
    return {
        "start_date": JAN1,
        "end_date": DEC31,
        "territory": [world.shenzhen],
        "product_lines": list(ProductLine.objects.filter(code__in=["SEC", "NET"])),
        "annual_target": Decimal("1000000"),
        "rebate_policy": "FL-2026-A",
        "rights_obligations": "甲方提供授权；乙方完成年度任务。",
        **changes,
    }


def draft(world, partner=None, actor=None, **changes) -> Agreement:
    return services.agreement_create(
        actor=actor or world.channel_mgr, partner=partner or world.p1, data=data(world, **changes)
    )


def approve(world, approval: ApprovalRequest) -> None:
    approval_decide(actor=world.south_manager, approval=approval, decision="approve")
    approval_decide(actor=world.hq, approval=approval, decision="approve")


def active(world, partner=None, **changes) -> Agreement:
    agreement = draft(world, partner=partner, **changes)
    approve(world, services.agreement_submit(actor=world.channel_mgr, agreement=agreement))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    return agreement


def audit_of(obj, action=None):
    rows = AuditEntry.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk)
    )
    return rows.filter(action=action) if action else rows


# --- create and validate ----------------------------------------------------------------------


def test_channel_manager_creates_a_numbered_draft_with_its_history(world):
    agreement = draft(world)

    assert agreement.number == f"HT-{Y}-000001"
    assert agreement.status == Agreement.Status.DRAFT
    assert list(agreement.territory.all()) == [world.shenzhen]
    assert {line.code for line in agreement.product_lines.all()} == {"SEC", "NET"}
    created = audit_of(agreement, "create").get()
    assert created.actor == world.channel_mgr
    assert created.changes["territory"] == [None, "深圳办事处"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": datetime.date(Y, 1, 1) - datetime.timedelta(days=1)}, "end_date"),
        ({"annual_target": Decimal("-1")}, "annual_target"),
        ({"annual_target": "abc"}, "annual_target"),
        ({"territory": []}, "territory"),
        ({"start_date": None}, "start_date"),
    ],
    ids=["end-before-start", "negative-target", "target-not-a-number", "no-territory", "no-start"],
)
def test_invalid_agreement_is_refused_with_a_clear_message_and_nothing_written(
    world, changes, field
):
    with pytest.raises(ValidationError) as error:
        draft(world, **changes)

    assert field in error.value.message_dict
    assert not Agreement.objects.exists()
    assert not Counter.objects.exists()  # not even a number was used up


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        ("shenzhen", "shenzhen"),
        ("south", "shenzhen"),  # the region covers its office
        ("shenzhen", "south"),  # the office lies in the region
    ],
)
def test_overlapping_agreement_of_the_same_partner_is_refused(world, existing, new):
    first = active(world, territory=[getattr(world, existing)])
    before = Agreement.objects.count()

    with pytest.raises(ValidationError) as error:
        draft(
            world,
            start_date=datetime.date(Y, 6, 1),
            end_date=datetime.date(Y + 1, 5, 31),
            territory=[world.shanghai, getattr(world, new)],
        )

    message = error.value.message_dict["territory"][0]
    assert first.number in message
    assert Agreement.objects.count() == before


def test_an_agreement_in_approval_also_blocks_an_overlap(world):
    first = draft(world)
    services.agreement_submit(actor=world.channel_mgr, agreement=first)

    with pytest.raises(ValidationError) as error:
        draft(world, start_date=DEC31, end_date=DEC31)

    assert first.number in error.value.message_dict["territory"][0]


@pytest.mark.parametrize(
    "changes",
    [
        {"start_date": datetime.date(Y + 1, 1, 1), "end_date": datetime.date(Y + 1, 12, 31)},
        {"territory": ["shanghai"]},  # another region's office
        {"partner": "p2"},  # another partner may hold the same territory
    ],
    ids=["later-period", "other-territory", "other-partner"],
)
def test_agreements_that_do_not_overlap_are_allowed(world, changes):
    active(world)
    if "territory" in changes:
        changes["territory"] = [getattr(world, name) for name in changes["territory"]]
    partner = getattr(world, changes.pop("partner")) if "partner" in changes else None

    agreement = draft(world, partner=partner, **changes)

    assert agreement.status == Agreement.Status.DRAFT


def test_drafts_and_terminated_agreements_do_not_block(world):
    draft(world)
    ended = active(world, territory=[world.south], start_date=datetime.date(Y - 1, 1, 1))
    services.agreement_terminate(actor=world.channel_mgr, agreement=ended, reason="违约")

    assert draft(world).status == Agreement.Status.DRAFT


def test_sibling_offices_do_not_overlap(world):
    from qudao.core.tests.factories import OfficeFactory

    guangzhou = OfficeFactory(code="HN-GZ", name="广州办事处", parent=world.south)
    active(world, territory=[world.shenzhen])

    assert draft(world, territory=[guangzhou]).status == Agreement.Status.DRAFT


@pytest.mark.parametrize(
    ("name", "content", "code_hint"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, ".exe"),
        ("contract.docx", b"PK\x03\x04" + b"\x00" * 64, ".docx"),
        ("contract.pdf", b"MZ\x90\x00 renamed executable", ".pdf"),
        ("contract.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", ".pdf"),
        ("big.pdf", PDF + b"0" * (20 * 1024 * 1024), "20"),
        ("empty.pdf", b"", ""),
    ],
    ids=[
        "executable",
        "word-not-allowed",
        "renamed-executable",
        "pdf-header-then-html",
        "over-20-MB",
        "empty",
    ],
)
def test_bad_signed_file_is_refused_and_nothing_is_stored(world, media, name, content, code_hint):
    with pytest.raises(ValidationError) as error:
        draft(world, signed_file=SimpleUploadedFile(name, content))

    message = error.value.message_dict["signed_file"][0]
    assert code_hint in message
    assert not Agreement.objects.exists()
    assert not any(media.rglob("*.*"))


def test_signed_file_is_stored_under_a_random_name(world, media):
    agreement = draft(world, signed_file=SimpleUploadedFile("合同-鹏程.pdf", PDF))

    assert agreement.signed_file.name.startswith("agreements/")
    assert "合同" not in agreement.signed_file.name
    assert agreement.signed_file.read() == PDF
    # And the history names the file without giving away where it is stored
    recorded = audit_of(agreement, "create").get().changes["signed_file"][1]
    assert recorded.startswith(f"{agreement.number}.pdf") and "agreements/" not in recorded


@pytest.mark.parametrize("persona", ["p1_admin", "pm", "other_cm", "east_manager"])
def test_partner_users_and_staff_out_of_scope_cannot_write(world, persona):
    with pytest.raises(PermissionDenied):
        draft(world, actor=getattr(world, persona))

    assert not Agreement.objects.exists()


def test_regional_manager_and_director_may_write(world):
    assert draft(world, actor=world.south_manager).created_by == world.south_manager
    assert draft(world, actor=world.hq, partner=world.p3, territory=[world.shanghai]).pk


def test_only_a_draft_can_be_edited(world):
    agreement = draft(world)
    services.agreement_update(
        actor=world.channel_mgr,
        agreement=agreement,
        data={"annual_target": Decimal("2000000"), "territory": [world.south]},
    )
    agreement.refresh_from_db()
    assert agreement.annual_target == Decimal("2000000")
    assert list(agreement.territory.all()) == [world.south]
    update = audit_of(agreement, "update").get()
    assert update.changes["annual_target"] == ["1000000.00", "2000000.00"]
    assert update.changes["territory"] == ["深圳办事处", "华南"]

    services.agreement_submit(actor=world.channel_mgr, agreement=agreement)
    with pytest.raises(ConflictError):
        services.agreement_update(
            actor=world.channel_mgr, agreement=agreement, data={"annual_target": 1}
        )
    agreement.refresh_from_db()
    assert agreement.annual_target == Decimal("2000000")


# --- approval ---------------------------------------------------------------------------------


def test_approval_makes_it_active_and_files_the_signed_agreement(world):
    agreement = draft(world, signed_file=SimpleUploadedFile("signed.pdf", PDF))

    approval = services.agreement_submit(actor=world.channel_mgr, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.IN_APPROVAL
    assert approval.kind == "agreement_approval"
    assert [s.role for s in approval.steps.order_by("order")] == ["regional_manager", "director"]
    with pytest.raises(PermissionDenied):  # another region's manager is not an approver
        approval_decide(actor=world.east_manager, approval=approval, decision="approve")
    approve(world, approval)

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    document = PartnerDocument.objects.get(partner=world.p1)
    assert document.kind == PartnerDocument.Kind.AGREEMENT
    assert document.uploaded_by == world.channel_mgr
    assert document.valid_until == DEC31
    assert document.file.read() == PDF and document.size == len(PDF)
    states = [e.changes["status"] for e in audit_of(agreement, "state").order_by("id")]
    assert states == [["draft", "in_approval"], ["in_approval", "active"]]


def test_approval_without_a_signed_file_adds_no_document(world):
    active(world)

    assert not PartnerDocument.objects.exists()


def test_rejection_sends_it_back_to_draft_with_the_reason(world):
    agreement = draft(world)
    approval = services.agreement_submit(actor=world.channel_mgr, agreement=agreement)

    approval_decide(
        actor=world.south_manager, approval=approval, decision="reject", comment="目标过低"
    )

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT
    entry = audit_of(agreement, "state").order_by("-id").first()
    assert entry.changes["status"] == ["in_approval", "draft"]
    assert "目标过低" in entry.note and entry.actor == world.south_manager
    # And it can be changed and submitted again
    services.agreement_update(actor=world.channel_mgr, agreement=agreement, data={})
    assert services.agreement_submit(actor=world.channel_mgr, agreement=agreement).pk


def test_submit_checks_state_and_overlap_again(world):
    # Given two drafts for the same territory and period (drafts do not block each other)
    first, second = draft(world), draft(world)
    services.agreement_submit(actor=world.channel_mgr, agreement=first)

    # When the first is in approval, it cannot be submitted again, nor the second at all
    with pytest.raises(ConflictError):
        services.agreement_submit(actor=world.channel_mgr, agreement=first)
    with pytest.raises(ValidationError) as error:
        services.agreement_submit(actor=world.channel_mgr, agreement=second)

    assert first.number in error.value.message_dict["territory"][0]
    second.refresh_from_db()
    assert second.status == Agreement.Status.DRAFT
    assert ApprovalRequest.objects.count() == 1


def test_withdraw_cancels_the_approval_and_returns_to_draft(world):
    agreement = draft(world)
    approval = services.agreement_submit(actor=world.channel_mgr, agreement=agreement)

    with pytest.raises(PermissionDenied):  # only the requester withdraws an open approval
        services.agreement_withdraw(actor=world.south_manager, agreement=agreement)
    services.agreement_withdraw(actor=world.channel_mgr, agreement=agreement)

    agreement.refresh_from_db()
    approval.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT
    assert approval.status == ApprovalRequest.Status.CANCELLED


# --- terminate, renew -------------------------------------------------------------------------


def test_terminate_needs_a_reason_and_an_active_agreement(world):
    agreement = active(world)

    with pytest.raises(ValidationError) as error:
        services.agreement_terminate(actor=world.channel_mgr, agreement=agreement, reason="  ")
    assert "reason" in error.value.message_dict
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE

    services.agreement_terminate(actor=world.channel_mgr, agreement=agreement, reason="严重违约")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.TERMINATED
    assert agreement.termination_reason == "严重违约"
    entry = audit_of(agreement, "state").order_by("-id").first()
    assert entry.changes["status"] == ["active", "terminated"]

    with pytest.raises(ConflictError):  # not twice
        services.agreement_terminate(actor=world.channel_mgr, agreement=agreement, reason="再次")


def test_terminate_a_draft_is_refused(world):
    agreement = draft(world)

    with pytest.raises(ConflictError):
        services.agreement_terminate(actor=world.channel_mgr, agreement=agreement, reason="x")


def test_renew_copies_into_a_draft_starting_the_day_after(world):
    old = active(world, territory=[world.shenzhen, world.shanghai])

    renewal = services.agreement_renew(actor=world.channel_mgr, agreement=old)

    assert renewal.status == Agreement.Status.DRAFT and renewal.pk != old.pk
    assert renewal.renewed_from == old
    assert renewal.start_date == datetime.date(Y + 1, 1, 1)
    assert renewal.end_date == datetime.date(Y + 1, 12, 31)
    assert set(renewal.territory.all()) == {world.shenzhen, world.shanghai}
    assert set(renewal.product_lines.all()) == set(old.product_lines.all())
    assert (renewal.annual_target, renewal.rebate_policy, renewal.rights_obligations) == (
        old.annual_target,
        old.rebate_policy,
        old.rights_obligations,
    )
    assert not renewal.signed_file
    assert old.number in audit_of(renewal, "create").get().note
    with pytest.raises(ValidationError):  # one renewal at a time
        services.agreement_renew(actor=world.channel_mgr, agreement=old)


def test_renewal_period_keeps_the_length(world):
    def period(start, end):
        return services.renewal_period(Agreement(start_date=start, end_date=end))

    assert period(datetime.date(2026, 3, 1), datetime.date(2028, 2, 29)) == (
        datetime.date(2028, 3, 1),
        datetime.date(2030, 2, 28),
    )
    assert period(datetime.date(2026, 1, 10), datetime.date(2026, 1, 19)) == (
        datetime.date(2026, 1, 20),
        datetime.date(2026, 1, 29),
    )


def test_a_draft_cannot_be_renewed(world):
    with pytest.raises(ConflictError):
        services.agreement_renew(actor=world.channel_mgr, agreement=draft(world))


# --- pages ------------------------------------------------------------------------------------


def test_create_through_the_form_with_a_signed_file(world, as_user):
    client = as_user(world.channel_mgr)
    lines = list(ProductLine.objects.filter(code="SEC"))

    response = client.post(
        "/partners/agreements/new/",
        {
            "partner": world.p1.pk,
            "start_date": JAN1.isoformat(),
            "end_date": DEC31.isoformat(),
            "territory": [world.shenzhen.pk],
            "product_lines": [line.pk for line in lines],
            "annual_target": "500000",
            "rebate_policy": "FL-A",
            "rights_obligations": "",
            "signed_file": SimpleUploadedFile("signed.pdf", PDF),
        },
    )

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/partners/agreements/{agreement.pk}/"
    assert agreement.signed_file and agreement.annual_target == Decimal("500000")


def test_form_shows_the_service_errors_and_writes_nothing(world, as_user):
    active(world)
    client = as_user(world.channel_mgr)

    response = client.post(
        "/partners/agreements/new/",
        {
            "partner": world.p1.pk,
            "start_date": JAN1.isoformat(),
            "end_date": DEC31.isoformat(),
            "territory": [world.south.pk],
            "annual_target": "1",
            "signed_file": SimpleUploadedFile("contract.pdf", b"MZ\x90\x00"),
        },
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "invalid-feedback" in html
    assert Agreement.objects.count() == 1


def test_partner_user_reads_own_agreements_only(world, as_user):
    mine = active(world, signed_file=SimpleUploadedFile("s.pdf", PDF))
    theirs = active(world, partner=world.p2, signed_file=SimpleUploadedFile("t.pdf", PDF))
    client = as_user(world.p2_user)

    listing = client.get("/partners/agreements/").content.decode()
    assert theirs.number in listing and mine.number not in listing
    assert client.get(f"/partners/agreements/{theirs.pk}/").status_code == 200
    for url in ("", "edit/", "file/", "terminate/"):
        assert client.get(f"/partners/agreements/{mine.pk}/{url}").status_code == 404, url
    for action in ("submit/", "renew/", "withdraw/"):
        assert client.post(f"/partners/agreements/{mine.pk}/{action}").status_code == 404
    exported = load_workbook(io.BytesIO(client.get("/partners/agreements/export/").content))
    numbers = [row[0] for row in exported.active.iter_rows(min_row=2, values_only=True)]
    assert numbers == [theirs.number]


def test_partner_user_cannot_write(world, as_user):
    agreement = active(world)
    client = as_user(world.p1_admin)

    detail = client.get(f"/partners/agreements/{agreement.pk}/").content.decode()
    assert client.get("/partners/agreements/new/").status_code == 403
    assert client.get(f"/partners/agreements/{agreement.pk}/terminate/").status_code == 403
    assert client.post(f"/partners/agreements/{agreement.pk}/renew/").status_code == 403
    assert 'data-testid="renew"' not in detail


def test_download_is_scope_checked_and_an_attachment(world, as_user):
    agreement = draft(world, signed_file=SimpleUploadedFile("s.pdf", PDF))

    own = as_user(world.p1_user).get(f"/partners/agreements/{agreement.pk}/file/")
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert own["Content-Disposition"].startswith("attachment")
    assert agreement.number in own["Content-Disposition"]
    assert own["Content-Type"] == "application/pdf"
    for persona in ("p2_user", "other_cm", "east_manager", "pm"):
        client = as_user(getattr(world, persona))
        assert client.get(f"/partners/agreements/{agreement.pk}/file/").status_code == 404


def test_detail_shows_data_approvals_and_history(world, as_user):
    agreement = draft(world)
    services.agreement_submit(actor=world.channel_mgr, agreement=agreement)

    html = as_user(world.south_manager).get(f"/partners/agreements/{agreement.pk}/").content
    html = html.decode()

    assert agreement.number in html and "深圳办事处" in html
    assert 'data-testid="approvals"' in html and 'data-testid="history"' in html
    assert "FL-2026-A" in html


def test_page_actions_submit_terminate_renew(world, as_user):
    agreement = draft(world)
    client = as_user(world.channel_mgr)

    response = client.post(f"/partners/agreements/{agreement.pk}/submit/")
    assert response.status_code == 302 and "/approvals/" in response["Location"]
    approve(world, ApprovalRequest.objects.get())
    missing = client.post(f"/partners/agreements/{agreement.pk}/terminate/", {"reason": ""})
    assert missing.status_code == 200 and "invalid-feedback" in missing.content.decode()
    renewed = client.post(f"/partners/agreements/{agreement.pk}/renew/")
    ended = client.post(f"/partners/agreements/{agreement.pk}/terminate/", {"reason": "违约"})

    agreement.refresh_from_db()
    assert ended.status_code == 302 and agreement.status == Agreement.Status.TERMINATED
    renewal = Agreement.objects.get(renewed_from=agreement)
    assert renewed["Location"] == f"/partners/agreements/{renewal.pk}/"


def test_list_filters_search_and_sort(world, as_user):
    first = active(world)
    ending = active(
        world,
        partner=world.p2,
        start_date=TODAY - datetime.timedelta(days=300),
        end_date=TODAY + datetime.timedelta(days=10),
    )
    east = draft(world, partner=world.p3, actor=world.hq, territory=[world.shanghai])
    client = as_user(world.hq)

    def numbers(query):
        html = client.get(f"/partners/agreements/?{query}").content.decode()
        return {a.number for a in (first, ending, east) if a.number in html}

    assert numbers("") == {first.number, ending.number, east.number}
    assert numbers(f"q={first.number}") == {first.number}
    assert numbers("q=上海三号") == {east.number}
    assert numbers("status=draft") == {east.number}
    assert numbers(f"partner={world.p2.pk}") == {ending.number}
    assert numbers(f"region={world.east.pk}") == {east.number}
    assert numbers("expiring=on") == {ending.number}
    html = client.get("/partners/agreements/?sort=end").content.decode()
    assert html.index(ending.number) < html.index(first.number)
    fragment = client.get("/partners/agreements/?q=上海", headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()


def test_export_is_a_real_workbook(world, as_user):
    agreement = active(world)

    response = as_user(world.channel_mgr).get("/partners/agreements/export/")

    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == agreement.number and rows[1][7] == 1000000


def test_nav_shows_agreements_and_tiers_to_staff_and_partner_users(world, as_user):
    for persona in ("channel_mgr", "p1_user"):
        html = as_user(getattr(world, persona)).get("/").content.decode()
        assert 'data-nav="agreements"' in html and 'data-nav="tiers"' in html


def _many(world, count=25):
    lines = list(ProductLine.objects.all())
    for index in range(count):
        partner = world.p1 if index % 2 else world.p2
        agreement = Agreement.objects.create(
            number=f"HT-T-{index:04d}",
            partner=partner,
            start_date=datetime.date(2000 + index, 1, 1),
            end_date=datetime.date(2000 + index, 12, 31),
            status=Agreement.Status.ACTIVE,
            created_by=world.channel_mgr,
            renewed_from=None,
        )
        agreement.territory.set([world.shenzhen, world.south])
        agreement.product_lines.set(lines)


@pytest.mark.parametrize(
    ("url", "persona", "limit"),
    [
        ("/partners/agreements/", "channel_mgr", 11),
        ("/partners/agreements/?region={region}&sort=-end", "hq", 13),
        ("/partners/agreements/", "p1_user", 11),
        ("/api/v1/agreements?page_size=50", "channel_mgr", 8),
        ("/api/v1/agreements?page_size=50", "p1_user", 7),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(
    world, as_user, as_api, django_assert_max_num_queries, url, persona, limit
):
    _many(world)
    user = getattr(world, persona)
    client = as_api(user) if url.startswith("/api/") else as_user(user)

    with django_assert_max_num_queries(limit):
        response = client.get(url.format(region=world.south.pk))

    assert response.status_code == 200
    if url.startswith("/api/"):
        assert response.json()["count"] == (12 if persona == "p1_user" else 25)


# --- API --------------------------------------------------------------------------------------


def api_payload(world, **changes):
    return {
        "partner_id": world.p1.pk,
        "start_date": JAN1.isoformat(),
        "end_date": DEC31.isoformat(),
        "territory_ids": [world.shenzhen.pk],
        "product_line_ids": list(ProductLine.objects.values_list("pk", flat=True)[:2]),
        "annual_target": "800000.00",
        "rebate_policy": "FL-B",
        **changes,
    }


def test_api_create_read_update_submit(world, as_api):
    client = as_api(world.channel_mgr)

    created = client.post("/api/v1/agreements", api_payload(world), content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["number"].startswith("HT-")
    assert [r["id"] for r in body["territory"]] == [world.shenzhen.pk]
    assert body["signed_file_url"] is None
    patched = client.patch(
        f"/api/v1/agreements/{body['id']}",
        {"annual_target": "900000"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["annual_target"] == "900000.00"
    uploaded = client.post(
        f"/api/v1/agreements/{body['id']}/signed-file",
        {"file": SimpleUploadedFile("s.png", PNG)},
    )
    assert uploaded.status_code == 200, uploaded.json()
    file_url = uploaded.json()["signed_file_url"]
    downloaded = client.get(file_url)
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content) == PNG
    submitted = client.post(f"/api/v1/agreements/{body['id']}/submit")
    assert submitted.status_code == 201 and submitted.json()["kind"] == "agreement_approval"
    late = client.patch(
        f"/api/v1/agreements/{body['id']}", {"annual_target": "1"}, content_type="application/json"
    )
    assert late.status_code == 409  # not a draft any more: a wrong state is a conflict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": f"{Y - 1}-12-31"}, "end_date"),
        ({"annual_target": "-5"}, "annual_target"),
        ({"territory_ids": []}, "territory"),
        ({"territory_ids": [999999]}, "territory_ids"),
        ({"product_line_ids": [999999]}, "product_line_ids"),
        ({"start_date": "not-a-date"}, "start_date"),
        ({"rebate_policy": "x" * 101}, "rebate_policy"),
        ({"annual_target": "1e20"}, "annual_target"),
    ],
)
def test_api_bad_input_is_422_and_writes_nothing(world, as_api, changes, field):
    response = as_api(world.channel_mgr).post(
        "/api/v1/agreements", api_payload(world, **changes), content_type="application/json"
    )

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Agreement.objects.exists()


def test_api_overlap_is_422(world, as_api):
    first = active(world)

    response = as_api(world.channel_mgr).post(
        "/api/v1/agreements",
        api_payload(world, territory_ids=[world.south.pk]),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert first.number in response.json()["errors"]["territory"][0]


def test_api_bad_upload_is_422(world, as_api):
    agreement = draft(world)

    response = as_api(world.channel_mgr).post(
        f"/api/v1/agreements/{agreement.pk}/signed-file",
        {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")},
    )

    assert response.status_code == 422 and "signed_file" in response.json()["errors"]
    agreement.refresh_from_db()
    assert not agreement.signed_file


def test_api_terminate_and_renew(world, as_api):
    agreement = active(world)
    client = as_api(world.channel_mgr)

    missing = client.post(
        f"/api/v1/agreements/{agreement.pk}/terminate", {"reason": ""}, "application/json"
    )
    renewed = client.post(f"/api/v1/agreements/{agreement.pk}/renew")
    ended = client.post(
        f"/api/v1/agreements/{agreement.pk}/terminate", {"reason": "违约"}, "application/json"
    )

    assert missing.status_code == 422 and "reason" in missing.json()["errors"]
    assert renewed.status_code == 201 and renewed.json()["renewed_from_id"] == agreement.pk
    assert renewed.json()["start_date"] == f"{Y + 1}-01-01"
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"
    assert ended.json()["termination_reason"] == "违约"


def test_api_partner_2_cannot_see_partner_1s_agreement(world, as_api):
    mine = active(world, signed_file=SimpleUploadedFile("s.pdf", PDF))
    theirs = active(world, partner=world.p2)
    client = as_api(world.p2_user)

    listing = client.get("/api/v1/agreements").json()
    assert [row["number"] for row in listing["items"]] == [theirs.number]
    for url in ("", "/signed-file"):
        response = client.get(f"/api/v1/agreements/{mine.pk}{url}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    for action in ("submit", "renew", "withdraw"):
        assert client.post(f"/api/v1/agreements/{mine.pk}/{action}").status_code == 404
    patched = client.patch(f"/api/v1/agreements/{mine.pk}", {}, "application/json")
    assert patched.status_code == 404
    create = client.post("/api/v1/agreements", api_payload(world), content_type="application/json")
    assert create.status_code == 404  # partner 1 does not exist for partner 2's users
    own_create = client.post(
        "/api/v1/agreements",
        api_payload(world, partner_id=world.p2.pk),
        content_type="application/json",
    )
    assert own_create.status_code == 403  # partner users read only
    assert client.get(f"/api/v1/agreements/{theirs.pk}").status_code == 200


def test_api_list_filters(world, as_api):
    first = active(world)
    other = draft(world, partner=world.p3, actor=world.hq, territory=[world.shanghai])
    client = as_api(world.hq)

    def numbers(query):
        return {row["number"] for row in client.get(f"/api/v1/agreements?{query}").json()["items"]}

    assert numbers("status=active") == {first.number}
    assert numbers(f"partner={world.p3.pk}") == {other.number}
    assert numbers(f"region={world.south.pk}") == {first.number}
    assert numbers("q=HT-") == {first.number, other.number}
    assert client.get("/api/v1/agreements?status=bogus").status_code == 422
