"""The partner archive (管理档案): its tabs, and the partner admins' self-service on contacts,
users and documents, through the services, the pages and the API."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from qudao.core import hooks
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, User
from qudao.core.sample_files import image_bytes, pdf_bytes
from qudao.core.tests.factories import PASSWORD, UserFactory
from qudao.core.tests.openapi import assert_conforms
from qudao.partners.models import (
    Agreement,
    Partner,
    PartnerContact,
    PartnerDocument,
    TierChange,
)
from qudao.partners.services.archive import (
    contact_create,
    contact_delete,
    contact_update,
    document_upload,
    partner_user_invite,
    partner_user_set_active,
)
from qudao.partners.tests.factories import tier
from qudao.partners.tests.test_credit import make_applications
from qudao.partners.tests.test_evaluation import evaluate, warn

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()
PNG = image_bytes("PNG")
TABS = (
    "overview",
    "contacts",
    "staff",
    "agreements",
    "tiers",
    "credit",
    "evaluations",
    "documents",
    "approvals",
    "history",
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


HTML_AFTER_PDF_HEADER = b"%PDF-1.4\n<html><script>alert(1)</script></html>"


def zip_without_a_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def pdf(name="营业执照.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def invitee(**changes):
    return {
        "username": "p1_new",
        "last_name": "林",
        "first_name": "新人",
        "email": "p1_new@example.com",
        "mobile": "13811112222",
        **changes,
    }


# --- the archive page -------------------------------------------------------------------------


def fill_archive(world, rows: int = 25):
    partner = world.p1
    today = timezone.localdate()
    for index in range(rows):
        PartnerContact.objects.create(partner=partner, name=f"联系人{index}", phone="0755-1")
        UserFactory(partner=partner, roles=["partner_sales"])
        Agreement.objects.create(
            number=f"HT-T-{index:04d}",
            partner=partner,
            start_date=today,
            end_date=today + timedelta(days=365),
            created_by=world.hq,
        )
        TierChange.objects.create(
            partner=partner,
            from_tier=tier("silver"),
            to_tier=tier("gold"),
            reason="升级",
            status=TierChange.Status.APPROVED,
            requested_by=world.hq,
        )
        PartnerDocument.objects.create(
            partner=partner, title=f"证书{index}", file="partners/x.pdf", uploaded_by=world.hq
        )
        warn(world, evaluate(world, 6, period=str(2000 + index)))
    make_applications(world, rows)


@pytest.mark.parametrize("persona", ["channel_mgr", "south_manager", "hq", "p1_admin", "p1_user"])
def test_every_tab_keeps_its_query_count_flat(
    world, as_user, persona, django_assert_max_num_queries
):
    fill_archive(world)
    client = as_user(getattr(world, persona))
    client.get(f"/partners/{world.p1.pk}/?tab=approvals")  # warm the content-type cache

    for tab in TABS:
        # The overview also sums the partner's pipeline: one query for each app's figures
        # (registrations, projects; core.hooks.Tab.summary), whatever the rows. The history
        # reads the names its foreign keys point to: one query per related model (users,
        # regions, tiers), whatever the rows.
        extra = {"overview": 1, "history": 3}.get(tab, 0)
        with django_assert_max_num_queries(12 + extra):
            response = client.get(f"/partners/{world.p1.pk}/?tab={tab}")
        assert response.status_code == 200, tab
        assert response.context["tab"] == tab


def test_tabs_show_their_rows(world, as_user):
    fill_archive(world, rows=2)
    client = as_user(world.channel_mgr)

    def html(tab):
        return client.get(f"/partners/{world.p1.pk}/?tab={tab}").content.decode()

    assert "联系人1" in html("contacts")
    assert "p1a_t" in html("staff")
    assert "HT-T-0001" in html("agreements")
    assert "金牌" in html("tiers")
    assert "XY-" in html("credit")
    evaluations = html("evaluations")
    assert "2001" in evaluations and "销售业绩连续两季度未达标" in evaluations
    documents = html("documents")
    assert "证书1" in documents and "/media/" not in documents


def test_another_app_adds_a_tab_that_links_to_its_own_page(world, as_user, monkeypatch):
    # Given a tab registered for the archive by another app (e.g. certifications), between the
    # documents and the approvals
    monkeypatch.setattr(hooks, "_tabs", {page: dict(tabs) for page, tabs in hooks._tabs.items()})
    hooks.detail_tab("partner", hooks.Tab("elsewhere", "别处", "partners:contact-create", order=85))

    # When the archive is shown
    response = as_user(world.channel_mgr).get(f"/partners/{world.p1.pk}/?tab=elsewhere")

    # Then the tab is there, in its place, linking to its page; the archive shows its overview
    keys = [tab["key"] for tab in response.context["tabs"]]
    own = [key for key in keys if key in TABS or key == "elsewhere"]  # the other apps' tabs aside
    assert own == [*TABS[:8], "elsewhere", *TABS[8:]]
    assert f'href="/partners/{world.p1.pk}/contacts/new/"' in response.content.decode()
    assert response.context["tab"] == "overview"


def test_unknown_tab_falls_back_to_the_overview(world, as_user):
    response = as_user(world.channel_mgr).get(f"/partners/{world.p1.pk}/?tab=../../etc")

    assert response.status_code == 200 and response.context["tab"] == "overview"


def test_overview_shows_profile_tier_benefits_and_credit(world, as_user):
    Partner.objects.filter(pk=world.p1.pk).update(
        legal_representative="吴大鹏",
        business_scope="安防系统集成",
        registered_capital=Decimal("5000"),
        staff_count=120,
        credit_limit=Decimal("800000"),
        credit_used=Decimal("300000"),
    )

    response = as_user(world.p1_user).get(f"/partners/{world.p1.pk}/")

    html = response.content.decode()
    assert "吴大鹏" in html and "安防系统集成" in html and "120" in html
    assert "银牌" in html  # the tier and its benefits
    assert response.context["summary"].available == Decimal("500000")


@pytest.mark.parametrize("tab", TABS)
def test_partner_2_cannot_open_any_tab_of_partner_1(world, as_user, tab):
    fill_archive(world, rows=1)

    response = as_user(world.p2_user).get(f"/partners/{world.p1.pk}/?tab={tab}")

    assert response.status_code == 404
    assert world.p1.name not in response.content.decode()


def test_partner_users_see_no_draft_evaluations_in_the_archive(world, as_user):
    evaluate(world, 8, period="2026Q1")
    evaluate(world, 8, period="2026Q2", finalise=False)

    mine = as_user(world.p1_user).get(f"/partners/{world.p1.pk}/?tab=evaluations")
    staff = as_user(world.channel_mgr).get(f"/partners/{world.p1.pk}/?tab=evaluations")

    assert [e.period for e in mine.context["evaluations"]] == ["2026Q1"]
    assert len(staff.context["evaluations"]) == 2


def test_history_tab_shows_changes_to_the_archive_rows(world, as_user):
    kept = contact_create(actor=world.p1_admin, partner=world.p1, data={"name": "郑河"})
    gone = contact_create(actor=world.p1_admin, partner=world.p1, data={"name": "钱湖"})
    contact_delete(actor=world.p1_admin, partner=world.p1, contact=gone)

    response = as_user(world.channel_mgr).get(f"/partners/{world.p1.pk}/?tab=history")

    rows = [(row["entry"].object_repr, row["entry"].action) for row in response.context["history"]]
    assert (kept.name, "create") in rows
    # The deleted contact's own rows point at nothing any more; the partner keeps the trace.
    assert (world.p1.name, "update") in rows
    html = response.content.decode()
    assert "郑河" in html and "钱湖" in html


# --- contacts ---------------------------------------------------------------------------------


def test_partner_admin_manages_own_contacts_with_audit(world):
    first = contact_create(
        actor=world.p1_admin,
        partner=world.p1,
        data={"name": "吴鹏", "phone": "13900000001", "is_primary": True},
    )
    second = contact_create(
        actor=world.p1_admin, partner=world.p1, data={"name": "钟敏", "is_primary": True}
    )
    contact_update(actor=world.p1_admin, partner=world.p1, contact=second, data={"title": "经理"})

    first.refresh_from_db()
    assert not first.is_primary and second.is_primary  # one primary contact
    assert AuditEntry.objects.filter(
        object_id=str(second.pk), action="update", actor=world.p1_admin
    ).exists()
    first_id = first.pk
    contact_delete(actor=world.p1_admin, partner=world.p1, contact=first)
    assert list(PartnerContact.objects.values_list("name", flat=True)) == ["钟敏"]
    assert AuditEntry.objects.filter(object_id=str(first_id), action="delete").exists()


@pytest.mark.parametrize(
    ("data", "field"), [({"name": ""}, "name"), ({"name": "x", "email": "not-mail"}, "email")]
)
def test_bad_contact_is_a_field_error(world, data, field):
    with pytest.raises(ValidationError) as error:
        contact_create(actor=world.p1_admin, partner=world.p1, data=data)

    assert field in error.value.message_dict
    assert not PartnerContact.objects.exists()


@pytest.mark.parametrize("persona", ["p1_user", "p2_user", "pm", "other_cm"])
def test_others_cannot_manage_contacts(world, persona):
    with pytest.raises(PermissionDenied):
        contact_create(actor=getattr(world, persona), partner=world.p1, data={"name": "x"})


def test_contact_of_another_partner_cannot_be_changed_through_this_one(world):
    theirs = PartnerContact.objects.create(partner=world.p2, name="郑河")

    with pytest.raises(PermissionDenied):
        contact_update(actor=world.channel_mgr, partner=world.p1, contact=theirs, data={})


def test_contact_pages(world, as_user):
    client = as_user(world.p1_admin)
    base = f"/partners/{world.p1.pk}/contacts"

    empty = client.post(f"{base}/new/", {})
    created = client.post(f"{base}/new/", {"name": "吴鹏", "email": "wp@example.com"})
    contact = PartnerContact.objects.get()
    edited = client.post(f"{base}/{contact.pk}/edit/", {"name": "吴鹏", "title": "总经理"})
    deleted = client.post(f"{base}/{contact.pk}/delete/")

    assert empty.status_code == 200 and "name" in empty.context["form"].errors
    assert created.status_code == 302 and edited.status_code == 302 and deleted.status_code == 302
    assert not PartnerContact.objects.exists()
    assert AuditEntry.objects.filter(
        object_id=str(contact.pk), changes__title=["", "总经理"]
    ).exists()


def test_partner_admin_gets_404_for_partner_2_contacts(world, as_user, as_api):
    theirs = PartnerContact.objects.create(partner=world.p2, name="郑河")
    client, api = as_user(world.p1_admin), as_api(world.p1_admin)

    pages = [
        client.get(f"/partners/{world.p2.pk}/contacts/new/"),
        client.post(f"/partners/{world.p2.pk}/contacts/{theirs.pk}/delete/"),
        client.post(f"/partners/{world.p1.pk}/contacts/{theirs.pk}/delete/"),
        client.get(f"/partners/{world.p1.pk}/contacts/{theirs.pk}/edit/"),
    ]
    calls = [
        api.get(f"/api/v1/partners/{world.p2.pk}/contacts"),
        api.post(f"/api/v1/partners/{world.p2.pk}/contacts", {"name": "x"}, "application/json"),
        api.patch(
            f"/api/v1/partners/{world.p1.pk}/contacts/{theirs.pk}",
            {"name": "x"},
            "application/json",
        ),
        api.delete(f"/api/v1/partners/{world.p1.pk}/contacts/{theirs.pk}"),
    ]

    assert [r.status_code for r in pages + calls] == [404] * 8
    assert PartnerContact.objects.get(pk=theirs.pk).name == "郑河"


def test_contacts_api(world, as_api, django_assert_max_num_queries):
    api = as_api(world.p1_admin)
    url = f"/api/v1/partners/{world.p1.pk}/contacts"

    created = api.post(url, {"name": "吴鹏", "is_primary": True}, "application/json")
    bad = api.post(url, {"name": "x", "email": "nope"}, "application/json")
    cid = created.json()["id"]
    patched = api.patch(f"{url}/{cid}", {"phone": "0755-888"}, "application/json")
    sales = as_api(world.p1_user).post(url, {"name": "y"}, "application/json")
    for index in range(25):
        PartnerContact.objects.create(partner=world.p1, name=f"c{index}")
    with django_assert_max_num_queries(6):
        listed = api.get(f"{url}?page_size=50")
    deleted = api.delete(f"{url}/{cid}")

    assert created.status_code == 201 and created.json()["is_primary"]
    assert bad.status_code == 422 and "email" in bad.json()["errors"]
    assert patched.status_code == 200 and patched.json()["phone"] == "0755-888"
    assert sales.status_code == 403
    assert listed.json()["count"] == 26
    assert deleted.status_code == 204 and not PartnerContact.objects.filter(pk=cid).exists()


# --- the partner's users ------------------------------------------------------------------------


def test_partner_admin_invites_a_sales_user_without_a_password(world):
    user, invited = partner_user_invite(
        actor=world.p1_admin, partner=world.p1, data=invitee(), role_codes=["partner_sales"]
    )

    user.refresh_from_db()
    assert user.partner == world.p1 and user.region == world.p1.region and user.is_active
    assert not user.has_usable_password()
    assert user.role_codes == {"partner_sales"}
    assert invited and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["p1_new@example.com"] and "p1_new" in mail.outbox[0].body
    assert AuditEntry.objects.filter(object_id=str(user.pk), action="create").exists()
    # With no password there is nothing to log in with.
    login = Client().post("/accounts/login/", {"identifier": "p1_new", "password": ""})
    assert login.status_code == 200


@pytest.mark.parametrize(
    "roles", [["partner_admin"], ["director"], ["admin"], ["finance", "partner_sales"], []]
)
def test_partner_admin_cannot_grant_admin_or_vendor_roles(world, roles):
    with pytest.raises(ValidationError) as error:
        partner_user_invite(
            actor=world.p1_admin, partner=world.p1, data=invitee(), role_codes=roles
        )

    assert "roles" in error.value.message_dict
    assert not User.objects.filter(username="p1_new").exists()


def test_vendor_manager_may_add_a_partner_admin_but_never_a_vendor_role(world):
    user, _ = partner_user_invite(
        actor=world.channel_mgr, partner=world.p1, data=invitee(), role_codes=["partner_admin"]
    )
    with pytest.raises(ValidationError):
        partner_user_invite(
            actor=world.channel_mgr,
            partner=world.p1,
            data=invitee(username="x2", email="x2@example.com", mobile=""),
            role_codes=["channel_manager"],
        )

    assert user.role_codes == {"partner_admin"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "p1_t"}, "username"),  # taken
        ({"username": "有 空格"}, "username"),
        ({"email": ""}, "email"),
        ({"email": "p2_t@example.com"}, "email"),  # taken
        ({"mobile": "123"}, "mobile"),
    ],
)
def test_bad_invitation_is_a_field_error(world, changes, field):
    with pytest.raises(ValidationError) as error:
        partner_user_invite(
            actor=world.p1_admin,
            partner=world.p1,
            data=invitee(**changes),
            role_codes=["partner_engineer"],
        )

    assert field in error.value.message_dict
    assert not mail.outbox


def test_partner_admin_deactivates_and_reactivates_own_users(world, as_user):
    partner_user_set_active(
        actor=world.p1_admin, partner=world.p1, user=world.p1_user, is_active=False
    )
    login = Client().post(
        "/accounts/login/", {"identifier": world.p1_user.username, "password": PASSWORD}
    )
    assert login.status_code == 200  # refused

    partner_user_set_active(
        actor=world.p1_admin, partner=world.p1, user=world.p1_user, is_active=True
    )
    assert as_user(world.p1_user).get(f"/partners/{world.p1.pk}/").status_code == 200
    assert AuditEntry.objects.filter(
        object_id=str(world.p1_user.pk), changes__is_active=[False, True]
    ).exists()


def test_user_management_refusals(world):
    with pytest.raises(ValidationError):  # not oneself
        partner_user_set_active(
            actor=world.p1_admin, partner=world.p1, user=world.p1_admin, is_active=False
        )
    with pytest.raises(PermissionDenied):  # not another partner's user
        partner_user_set_active(
            actor=world.p1_admin, partner=world.p1, user=world.p2_user, is_active=False
        )
    with pytest.raises(PermissionDenied):  # not a vendor user either
        partner_user_set_active(
            actor=world.p1_admin, partner=world.p1, user=world.channel_mgr, is_active=False
        )
    with pytest.raises(PermissionDenied):  # sales users do not manage users
        partner_user_invite(
            actor=world.p1_user, partner=world.p1, data=invitee(), role_codes=["partner_sales"]
        )
    assert User.objects.filter(is_active=False).count() == 0


def test_user_pages(world, as_user):
    client = as_user(world.p1_admin)

    form = client.get(f"/partners/{world.p1.pk}/users/new/")
    grant_admin = client.post(
        f"/partners/{world.p1.pk}/users/new/", {**invitee(), "roles": ["partner_admin"]}
    )
    invited = client.post(
        f"/partners/{world.p1.pk}/users/new/", {**invitee(), "roles": ["partner_engineer"]}
    )
    new_user = User.objects.get(username="p1_new")
    deactivated = client.post(
        f"/partners/{world.p1.pk}/users/{new_user.pk}/active/", {"active": "0"}
    )
    other = client.post(f"/partners/{world.p2.pk}/users/{world.p2_user.pk}/active/")
    crossed = client.post(f"/partners/{world.p1.pk}/users/{world.p2_user.pk}/active/")

    offered = [code for code, _label in form.context["form"].fields["roles"].choices]
    assert offered == ["partner_sales", "partner_engineer"]
    assert grant_admin.status_code == 200 and "roles" in grant_admin.context["form"].errors
    assert invited.status_code == 302 and deactivated.status_code == 302
    assert not User.objects.get(pk=new_user.pk).is_active
    assert (other.status_code, crossed.status_code) == (404, 404)
    assert User.objects.get(pk=world.p2_user.pk).is_active


def test_users_api(world, as_api, django_assert_max_num_queries):
    api = as_api(world.p1_admin)
    url = f"/api/v1/partners/{world.p1.pk}/users"

    created = api.post(url, {**invitee(), "roles": ["partner_sales"]}, "application/json")
    vendor_role = api.post(
        url,
        {**invitee(username="v", email="v@example.com", mobile=""), "roles": ["director"]},
        "application/json",
    )
    other_partner = api.post(
        f"/api/v1/partners/{world.p2.pk}/users",
        {**invitee(username="w", email="w@example.com", mobile=""), "roles": ["partner_sales"]},
        "application/json",
    )
    deactivate = api.patch(f"{url}/{world.p1_user.pk}", {"is_active": False}, "application/json")
    crossed = api.patch(f"{url}/{world.p2_user.pk}", {"is_active": False}, "application/json")
    for _ in range(22):
        UserFactory(partner=world.p1, roles=["partner_sales"])
    with django_assert_max_num_queries(6):
        listed = api.get(f"{url}?page_size=50")

    assert created.status_code == 201 and created.json()["invited"] is True
    assert vendor_role.status_code == 422 and "roles" in vendor_role.json()["errors"]
    assert other_partner.status_code == 404
    assert deactivate.status_code == 200 and deactivate.json()["is_active"] is False
    assert crossed.status_code == 404
    assert listed.json()["count"] == 25
    assert as_api(world.p2_user).get(url).status_code == 404


# --- documents --------------------------------------------------------------------------------


def test_partner_admin_uploads_and_staff_download_through_the_scope(world, as_user):
    document = document_upload(
        actor=world.p1_admin, partner=world.p1, upload=pdf(), kind="licence", title=""
    )

    assert document.title == "营业执照" and document.size == len(PDF)
    download = as_user(world.channel_mgr).get(f"/partners/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert (
        as_user(world.p2_user).get(f"/partners/documents/{document.pk}/download/").status_code
        == 404
    )
    assert AuditEntry.objects.filter(object_id=str(document.pk), action="create").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "not accepted"),
        (SimpleUploadedFile("fake.pdf", PNG), "does not match"),
        (SimpleUploadedFile("page.pdf", HTML_AFTER_PDF_HEADER), "cannot be read"),
        (SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "cannot be read"),
        (SimpleUploadedFile("report.docx", zip_without_a_document()), "cannot be read"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
        (SimpleUploadedFile("huge.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024)), "too large"),
        (None, ""),
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(world, upload, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        document_upload(actor=world.p1_admin, partner=world.p1, upload=upload)

    assert message in " ".join(error.value.message_dict["file"])
    assert not PartnerDocument.objects.exists()


def test_documents_page_upload(world, as_user):
    client = as_user(world.p1_admin)
    url = f"/partners/{world.p1.pk}/documents/new/"

    wrong = client.post(url, {"kind": "certificate", "file": SimpleUploadedFile("a.png", PDF)})
    right = client.post(
        url, {"kind": "certificate", "title": "ISO9001", "file": SimpleUploadedFile("c.png", PNG)}
    )
    sales = as_user(world.p1_user).post(url, {"kind": "other", "file": pdf()})
    other = client.get(f"/partners/{world.p2.pk}/documents/new/")

    assert wrong.status_code == 200 and "file" in wrong.context["form"].errors
    assert right.status_code == 302
    assert list(PartnerDocument.objects.values_list("title", flat=True)) == ["ISO9001"]
    assert sales.status_code == 403 and other.status_code == 404


def test_documents_api(world, as_api, django_assert_max_num_queries):
    api = as_api(world.p1_admin)
    url = f"/api/v1/partners/{world.p1.pk}/documents"

    created = api.post(url, {"file": pdf(), "kind": "licence", "title": "执照"})
    bad = api.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ..")})
    missing = api.post(url, {"title": "nothing"})
    body = created.json()
    file = api.get(body["download_url"])
    for index in range(22):
        PartnerDocument.objects.create(
            partner=world.p1, title=f"d{index}", file="partners/x.pdf", uploaded_by=world.hq
        )
    with django_assert_max_num_queries(6):
        listed = api.get(f"{url}?page_size=50")
    theirs = as_api(world.p2_user)

    assert created.status_code == 201 and body["kind"] == "licence"
    assert bad.status_code == 422 and "file" in bad.json()["errors"]
    assert missing.status_code == 422
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert listed.json()["count"] == 23
    assert theirs.get(url).status_code == 404
    assert theirs.get(body["download_url"]).status_code == 404
    assert theirs.post(url, {"file": pdf()}).status_code == 404


def test_document_and_contact_responses_match_the_served_openapi_document(world, as_api):
    api = as_api(world.p1_admin)
    base, one = f"/api/v1/partners/{world.p1.pk}", "/api/v1/partners/{partner_id}"

    created = api.post(f"{base}/documents", {"file": pdf(), "kind": "licence", "title": "执照"})
    contact = api.post(f"{base}/contacts", {"name": "吴鹏"}, "application/json")
    unknown = api.patch(
        f"{base}/contacts/{contact.json()['id']}",
        {"phone": "0755-888", "mobile_phone": "13800000000"},
        "application/json",
    )

    assert created.status_code == 201 and contact.status_code == 201
    assert_conforms(created, "post", f"{one}/documents")
    assert_conforms(api.get(f"{base}/documents"), "get", f"{one}/documents")
    assert_conforms(contact, "post", f"{one}/contacts")
    assert unknown.status_code == 422 and list(unknown.json()["errors"]) == ["mobile_phone"]
    assert_conforms(unknown, "patch", f"{one}/contacts/{{contact_id}}")
    assert PartnerContact.objects.get(pk=contact.json()["id"]).phone == ""


def test_exited_partner_archive_is_read_only(world):
    Partner.objects.filter(pk=world.p1.pk).update(status=Partner.Status.EXITED)
    world.p1.refresh_from_db()

    with pytest.raises(ValidationError):
        contact_create(actor=world.channel_mgr, partner=world.p1, data={"name": "x"})
    with pytest.raises(ValidationError):
        document_upload(actor=world.channel_mgr, partner=world.p1, upload=pdf())
    with pytest.raises(ValidationError):
        partner_user_set_active(
            actor=world.channel_mgr, partner=world.p1, user=world.p1_user, is_active=True
        )


def test_exited_partner_archive_offers_no_changes(world, as_user):
    client = as_user(world.channel_mgr)
    before = client.get(f"/partners/{world.p1.pk}/?tab=contacts")
    Partner.objects.filter(pk=world.p1.pk).update(status=Partner.Status.EXITED)

    after = client.get(f"/partners/{world.p1.pk}/?tab=contacts")

    assert before.context["can_archive"] is True
    assert after.status_code == 200 and after.context["can_archive"] is False


# --- profile fields on the partner form and API -------------------------------------------------


def valid_credit_code() -> str:
    from qudao.partners.validators import credit_code_check_char

    first17 = "91440300MA5FAB123"
    return first17 + credit_code_check_char(first17)


def test_profile_fields_through_the_edit_page(world, as_user):
    code = valid_credit_code()
    form = {
        "code": "P-ONE",
        "name": "深圳一号科技有限公司",
        "region": world.shenzhen.pk,
        "tier": "silver",
        "owner": world.channel_mgr.pk,
        "credit_code": code.lower(),
        "legal_representative": "吴大鹏",
        "address": "深圳市南山区科技园",
        "registered_capital": "5000",
        "annual_revenue": "12000.5",
        "staff_count": "120",
        "sales_staff_count": "30",
        "tech_staff_count": "60",
        "main_industries": "政府、交通",
    }
    client = as_user(world.channel_mgr)

    bad = client.post(f"/partners/{world.p1.pk}/edit/", {**form, "credit_code": "123"})
    good = client.post(f"/partners/{world.p1.pk}/edit/", form)
    duplicate = client.post(
        f"/partners/{world.p2.pk}/edit/",
        {**form, "code": "P-TWO", "name": "深圳二号科技有限公司"},
    )

    assert bad.status_code == 200 and "credit_code" in bad.context["form"].errors
    assert good.status_code == 302
    world.p1.refresh_from_db()
    assert world.p1.credit_code == code and world.p1.staff_count == 120
    assert world.p1.annual_revenue == Decimal("12000.5")
    assert duplicate.status_code == 200 and "credit_code" in duplicate.context["form"].errors


def test_profile_fields_through_the_api(world, as_api):
    api = as_api(world.channel_mgr)

    patched = api.patch(
        f"/api/v1/partners/{world.p1.pk}",
        {"legal_representative": "吴大鹏", "staff_count": 80, "credit_code": valid_credit_code()},
        "application/json",
    )
    negative = api.patch(f"/api/v1/partners/{world.p1.pk}", {"staff_count": -1}, "application/json")
    bad_code = api.patch(
        f"/api/v1/partners/{world.p1.pk}", {"credit_code": "91440300MA5FAB1230"}, "application/json"
    )
    duplicate = api.patch(
        f"/api/v1/partners/{world.p2.pk}", {"credit_code": valid_credit_code()}, "application/json"
    )

    assert patched.status_code == 200, patched.json()
    assert patched.json()["legal_representative"] == "吴大鹏"
    assert patched.json()["staff_count"] == 80
    assert negative.status_code == 422 and bad_code.status_code == 422
    assert duplicate.status_code == 422 and "credit_code" in duplicate.json()["errors"]


def test_credit_summary_in_the_archive_credit_tab(world, as_user):
    make_applications(world, 2)
    response = as_user(world.p1_admin).get(f"/partners/{world.p1.pk}/?tab=credit")

    assert len(response.context["applications"]) == 2
    assert not response.context["can_record_usage"]
    assert "/credit/usage/" not in response.content.decode()


def test_documents_api_refuses_a_pdf_that_does_not_parse(world, as_api):
    response = as_api(world.p1_admin).post(
        f"/api/v1/partners/{world.p1.pk}/documents",
        {"file": pdf("page.pdf", HTML_AFTER_PDF_HEADER), "kind": "licence"},
    )

    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert not PartnerDocument.objects.exists()
