"""Excel import of existing partners: template, preview with per-row errors, one-transaction
commit, permissions and scopes, replays; and the partner list's new filters."""

import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook, load_workbook

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import AuditEntry
from qudao.core.sample_files import docx_bytes
from qudao.core.tests.worker import run_worker
from qudao.partners.models import Partner
from qudao.partners.selectors import partners_search
from qudao.partners.services.imports import (
    MAX_ROWS,
    partner_import_commit,
    partner_import_preview,
    partner_import_review,
    template_headers,
)
from qudao.partners.tests.factories import TIERS, PartnerFactory, tier
from qudao.partners.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEYS = [
    "code",
    "name",
    "credit_code",
    "region",
    "tier",
    "owner",
    "contact_name",
    "contact_phone",
    "legal_representative",
    "address",
    "registered_capital",
    "annual_revenue",
    "staff_count",
    "status",
]
ENGLISH = [
    "Code",
    "Name",
    "Unified social credit code",
    "Region/office code",
    "Tier code",
    "Channel manager username",
    "Contact",
    "Contact phone",
    "Legal representative",
    "Address",
    "Registered capital (10k CNY)",
    "Annual revenue (10k CNY)",
    "Staff count",
    "Status",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def tiers(db):
    # A transactional test elsewhere may have flushed the tiers that the migration created.
    return {code: tier(code) for code in TIERS}


@pytest.fixture(autouse=True)
def english():
    # The messages are checked in English (the UI default is Chinese).
    with translation.override("en"):
        yield


@pytest.fixture
def as_user(as_user):
    def login(user):
        client = as_user(user)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def credit_code(seed: str, area: str = "440300") -> str:
    """A well-formed code with the right check digit, different for every seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    body = "".join(CREDIT_CODE_ALPHABET[b % 31] for b in digest[:9])
    first17 = f"91{area}{body}"
    return first17 + credit_code_check_char(first17)


def wrong_check_digit(code: str) -> str:
    last = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.index(code[-1]) + 1) % 31]
    return code[:-1] + last


def row(world, n: int = 1, **changes) -> dict:
    values = {
        "code": f"P-IMP-{n:03d}",
        "name": f"深圳市导入{n}号科技有限公司",
        "credit_code": credit_code(f"row{n}"),
        "region": "HN-SZ",
        "tier": "silver",
        "owner": world.channel_mgr.username,
        "contact_name": "王五",
        "contact_phone": "13800138000",
        "legal_representative": "王大",
        "address": "深圳市南山区科技园1号",
        "registered_capital": 1000,
        "annual_revenue": "2,500.5",
        "staff_count": 48,
        "status": "active",
    }
    values.update(changes)
    return values


def xlsx_bytes(rows: list[dict], headers: list[str] = ENGLISH, keys: list[str] = KEYS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(key) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "partners.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def xlsx_upload(rows, **kwargs) -> SimpleUploadedFile:
    return upload(xlsx_bytes(rows, **kwargs))


# --- the happy path -------------------------------------------------------------------------


def test_preview_checks_every_row_and_writes_nothing(world):
    before = Partner.objects.count()

    preview = partner_import_preview(
        actor=world.hq, upload=xlsx_upload([row(world, 1), row(world, 2)])
    )

    assert preview.ok and preview.good_count == 2 and preview.bad_count == 0
    assert [r.number for r in preview.rows] == [2, 3]
    assert preview.token and preview.errors == []
    assert Partner.objects.count() == before


def test_director_imports_a_file_through_the_pages(
    world, as_user, media, django_capture_on_commit_callbacks
):
    client = as_user(world.hq)
    rows = [row(world, n) for n in range(1, 4)]

    # Given an uploaded file, shown as a preview
    response = client.post("/partners/import/", {"file": xlsx_upload(rows)})
    assert response.status_code == 302 and response.url == "/partners/import/preview/"
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["preview"].good_count == 3
    assert not Partner.objects.filter(code__startswith="P-IMP").exists()
    # (row data never travels through the form: the confirm form has only the CSRF token)
    html = page.content.decode()
    assert 'name="code"' not in html and "P-IMP-001" in html

    # When the user confirms
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/partners/import/confirm/")

    # Then every row is a partner with all its fields, owned and placed as the file says
    assert done.status_code == 302 and done.url == "/partners/"
    imported = Partner.objects.filter(code__startswith="P-IMP").order_by("code")
    assert imported.count() == 3
    first = imported[0]
    assert first.name == "深圳市导入1号科技有限公司"
    assert first.credit_code == credit_code("row1")
    assert first.region == world.shenzhen and first.tier_id == "silver"
    assert first.owner == world.channel_mgr and first.status == Partner.Status.ACTIVE
    assert first.registered_capital == Decimal("1000.00")
    assert first.annual_revenue == Decimal("2500.50")
    assert first.staff_count == 48 and first.contact_phone == "13800138000"
    assert first.legal_representative == "王大" and first.address.startswith("深圳市")
    # And each has its audit trail by the importing user, covering every imported field
    for partner in imported:
        entries = AuditEntry.objects.filter(
            object_id=str(partner.pk), actor=world.hq, content_type__model="partner"
        )
        assert entries.filter(action="create").count() == 1
        changed = {name for entry in entries for name in entry.changes}
        assert {"code", "name", "credit_code", "owner", "status", "staff_count"} <= changed
    # And the stored upload is gone
    assert not any((media / "imports").iterdir())


def test_channel_manager_imports_partners_they_own_with_no_owner_column(world):
    rows = [row(world, 1, owner=None), row(world, 2, owner="")]

    preview = partner_import_preview(actor=world.channel_mgr, upload=xlsx_upload(rows))
    partners = partner_import_commit(actor=world.channel_mgr, upload_token=preview.token)

    assert preview.ok
    assert {p.owner for p in partners} == {world.channel_mgr}


def test_channel_manager_cannot_import_partners_for_someone_else(world):
    rows = [row(world, 1, owner=world.other_cm.username)]

    preview = partner_import_preview(actor=world.channel_mgr, upload=xlsx_upload(rows))

    assert not preview.ok
    assert [(e.row, e.column) for e in preview.errors] == [(2, "owner")]


def test_chinese_headers_and_chinese_values(world):
    with translation.override("zh-hans"):
        headers = template_headers()
    assert headers[:4] == ["编码", "名称", "统一社会信用代码", "大区/办事处编码"]
    rows = [
        row(world, 1, tier="金牌", status="启用", region="深圳办事处"),
        row(world, 2, tier="GOLD", status="潜在"),
    ]

    preview = partner_import_preview(actor=world.hq, upload=xlsx_upload(rows, headers=headers))
    partners = partner_import_commit(actor=world.hq, upload_token=preview.token)

    assert preview.ok, preview.errors
    assert [(p.tier_id, p.status, p.region_id) for p in partners] == [
        ("gold", "active", world.shenzhen.pk),
        ("gold", "prospect", world.shenzhen.pk),
    ]


def test_full_width_codes_are_read_as_codes_and_names_are_kept_as_written(world):
    full_width = (
        row(world, 1)
        .get("credit_code")
        .translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    )
    rows = [
        row(
            world,
            1,
            code="ｐ－ｉｍｐ－００１",
            credit_code=full_width,
            region="ＨＮ－ＳＺ",
            name="深圳市导入（南山）科技有限公司",
            registered_capital="１２００",
        )
    ]

    preview = partner_import_preview(actor=world.hq, upload=xlsx_upload(rows))
    [partner] = partner_import_commit(actor=world.hq, upload_token=preview.token)

    assert (partner.code, partner.credit_code) == ("P-IMP-001", credit_code("row1"))
    assert partner.name == "深圳市导入（南山）科技有限公司"
    assert partner.registered_capital == Decimal("1200")


def test_headers_are_matched_loosely_and_unknown_columns_are_ignored(world):
    headers = ["编码*", "公司名称", "统一社会信用代码 ", "Region/Office Code", "备注"]
    keys = ["code", "name", "credit_code", "region", "note"]
    rows = [row(world, 1, note="随便写")]

    preview = partner_import_preview(
        actor=world.hq, upload=xlsx_upload(rows, headers=headers, keys=keys)
    )

    # no owner column: HQ must name one, so the row says so
    assert preview.ignored_columns == ["备注"]
    assert [(e.row, e.column) for e in preview.errors] == [(2, "owner")]


def test_template_download_round_trip(world, as_user):
    client = as_user(world.hq)

    response = client.get("/partners/import/template/")

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers == ENGLISH
    allowed = book.worksheets[2]
    assert "HN-SZ" in [cell.value for cell in allowed["A"]]
    assert world.channel_mgr.username in [cell.value for cell in allowed["E"]]
    # Filling the template in and uploading it works
    sheet.append([row(world, 9)[key] for key in KEYS])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = partner_import_preview(actor=world.hq, upload=upload(buffer.getvalue()))
    assert preview.ok, preview.errors


def test_template_headers_are_chinese_by_default(world, as_user):
    client = as_user(world.hq)
    del client.cookies[django_settings.LANGUAGE_COOKIE_NAME]

    response = client.get("/partners/import/template/")

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == "编码" and sheet["C1"].value == "统一社会信用代码"


# --- bad rows ---------------------------------------------------------------------------------


def existing_partner_with_credit_code(world) -> Partner:
    world.p1.credit_code = credit_code("existing")
    world.p1.save()
    return world.p1


BAD_ROWS = [
    ("credit code format", {"credit_code": "12345"}, "credit_code", "18"),
    ("credit code check digit", {"credit_code": "check"}, "credit_code", "check digit"),
    ("credit code missing", {"credit_code": ""}, "credit_code", "required"),
    ("code missing", {"code": ""}, "code", "required"),
    ("code format", {"code": "P 1!"}, "code", "capital"),
    ("name missing", {"name": None}, "name", "required"),
    ("region missing", {"region": ""}, "region", "required"),
    ("unknown region", {"region": "XX-00"}, "region", "Unknown region"),
    ("unknown tier", {"tier": "platinum"}, "tier", "Unknown tier"),
    ("unknown owner", {"owner": "nobody"}, "owner", "Unknown user"),
    ("owner not a channel manager", {"owner": "pm"}, "owner", "not a channel manager"),
    ("owner a partner user", {"owner": "p1"}, "owner", "not a channel manager"),
    ("negative capital", {"registered_capital": -1}, "registered_capital", "negative"),
    ("negative staff", {"staff_count": "-3"}, "staff_count", "negative"),
    ("revenue not a number", {"annual_revenue": "很多"}, "annual_revenue", "Not a number"),
    ("staff not whole", {"staff_count": 2.5}, "staff_count", "whole"),
    ("bad status", {"status": "gone"}, "status", "Unknown status"),
    ("code in the file twice", {"code": "P-IMP-001"}, "code", "row 2"),
    ("name in the file twice", {"name": "深圳市导入1号科技有限公司"}, "name", "row 2"),
    ("credit code in the file twice", {"credit_code": "row1"}, "credit_code", "row 2"),
    ("code taken", {"code": "P-ONE"}, "code", "already exists"),
    ("name taken", {"name": "深圳一号科技有限公司"}, "name", "already exists"),
    ("credit code taken", {"credit_code": "existing"}, "credit_code", "already exists"),
    ("contact too long", {"contact_name": "名" * 51}, "contact_name", "50"),
]


@pytest.mark.parametrize(
    ("changes", "column", "message"), [case[1:] for case in BAD_ROWS], ids=[c[0] for c in BAD_ROWS]
)
def test_each_kind_of_bad_row_is_reported_with_its_row_number_and_nothing_is_written(
    world, changes, column, message
):
    existing_partner_with_credit_code(world)
    named = {"pm": world.pm.username, "p1": world.p1_user.username}
    if changes.get("owner") in named:
        changes = {**changes, "owner": named[changes["owner"]]}
    if changes.get("credit_code") in ("row1", "existing"):
        changes = {**changes, "credit_code": credit_code(changes["credit_code"])}
    if changes.get("credit_code") == "check":
        changes = {**changes, "credit_code": wrong_check_digit(credit_code("bad"))}
    rows = [row(world, 1), row(world, 2, **changes), row(world, 3)]
    before = Partner.objects.count()
    audit_before = AuditEntry.objects.count()

    # When the file is previewed
    preview = partner_import_preview(actor=world.hq, upload=xlsx_upload(rows))

    # Then only sheet row 3 (the second partner) is bad, in the expected column
    assert not preview.ok
    assert preview.good_count == 2 and preview.bad_count == 1
    assert {(e.row, e.column) for e in preview.errors} == {(3, column)}, preview.errors
    assert message.lower() in preview.errors[0].message.lower()
    # And confirming anyway is refused: nothing is written
    with pytest.raises(ValidationError):
        partner_import_commit(actor=world.hq, upload_token=preview.token)
    assert Partner.objects.count() == before
    assert AuditEntry.objects.count() == audit_before


def test_preview_page_shows_bad_rows_with_numbers_and_offers_no_confirm(world, as_user):
    client = as_user(world.hq)
    rows = [row(world, 1), row(world, 2, region="XX-00"), row(world, 3, tier="platinum")]
    client.post("/partners/import/", {"file": xlsx_upload(rows)})

    page = client.get("/partners/import/preview/")
    only_errors = client.get("/partners/import/preview/?errors=1")
    confirm = client.post("/partners/import/confirm/")

    html = page.content.decode()
    assert page.context["preview"].bad_count == 2 and 'data-row="3"' in html
    assert "XX-00" in html and 'data-testid="import-confirm"' not in html
    assert [r.number for r in only_errors.context["page"]] == [3, 4]
    assert confirm.status_code == 302 and confirm.url == "/partners/import/preview/"
    assert not Partner.objects.filter(code__startswith="P-IMP").exists()


def test_a_row_that_becomes_bad_after_the_preview_rejects_the_whole_file(world):
    # Given a clean preview
    preview = partner_import_preview(
        actor=world.hq, upload=xlsx_upload([row(world, 1), row(world, 2)])
    )
    assert preview.ok
    # When someone creates a partner with the second row's code before the confirm
    PartnerFactory(code="P-IMP-002", region=world.shenzhen, owner=world.channel_mgr)
    before = Partner.objects.count()

    # Then the confirm is refused and nothing of the file is written
    with pytest.raises(ValidationError):
        partner_import_commit(actor=world.hq, upload_token=preview.token)
    assert Partner.objects.count() == before
    assert not Partner.objects.filter(code="P-IMP-001").exists()
    # And the upload can still be reviewed, now showing the conflict
    again = partner_import_review(actor=world.hq, upload_token=preview.token)
    assert [(e.row, e.column) for e in again.errors] == [(3, "code")]


# --- the file itself ------------------------------------------------------------------------


def test_too_many_rows_is_refused(world, media):
    rows = [row(world, n) for n in range(MAX_ROWS + 1)]

    with pytest.raises(ValidationError) as error:
        partner_import_preview(actor=world.hq, upload=xlsx_upload(rows))

    assert "5,000" in str(error.value.message_dict["file"])
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())


def zip_without_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("partners.csv", b"code,name\nP-1,x\n", "not accepted"),
        ("partners.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "not accepted"),
        ("partners.xlsx", b"%PDF-1.4 renamed pdf", "does not match"),
        ("partners.xlsx", zip_without_a_workbook(), "cannot be read"),
        ("partners.xlsx", docx_bytes(), "cannot be read"),
        ("partners.xlsx", b"", "empty"),
    ],
    ids=["csv", "old xls", "renamed pdf", "zip not a workbook", "word document", "empty"],
)
def test_wrong_files_are_refused(world, as_user, name, content, message):
    client = as_user(world.hq)

    response = client.post(
        "/partners/import/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
    )

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("file", []))
    assert message in errors, errors


def test_too_large_a_file_is_refused(world):
    content = b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)

    with pytest.raises(ValidationError) as error:
        partner_import_preview(actor=world.hq, upload=upload(content))

    assert "too large" in str(error.value.message_dict["file"])


def test_a_file_without_the_required_columns_is_refused(world):
    rows = [{"code": "P-1", "name": "某某有限公司"}]

    with pytest.raises(ValidationError) as error:
        partner_import_preview(
            actor=world.hq,
            upload=xlsx_upload(rows, headers=["Code", "Name"], keys=["code", "name"]),
        )

    message = str(error.value.message_dict["file"])
    assert "Unified social credit code" in message and "Region/office code" in message


def test_a_file_with_headers_only_is_refused(world):
    with pytest.raises(ValidationError, match="no partners"):
        partner_import_preview(actor=world.hq, upload=xlsx_upload([]))


# --- who may import -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["p1_user", "p1_admin", "p2_user", "pm"])
def test_partner_users_and_other_staff_are_refused(world, as_user, persona):
    user = getattr(world, persona)
    client = as_user(user)

    assert client.get("/partners/import/").status_code == 403
    assert client.get("/partners/import/template/").status_code == 403
    assert client.get("/partners/import/preview/").status_code == 403
    assert client.post("/partners/import/", {"file": xlsx_upload([row(world)])}).status_code == 403
    assert client.post("/partners/import/confirm/").status_code == 403
    assert client.get("/partners/import/progress/").status_code == 403
    assert client.post("/partners/import/cancel/").status_code == 403
    with pytest.raises(PermissionDenied):
        partner_import_preview(actor=user, upload=xlsx_upload([row(world)]))
    assert not Partner.objects.filter(code__startswith="P-IMP").exists()


def test_the_list_shows_the_import_button_to_staff_only(world, as_user):
    staff = as_user(world.channel_mgr).get("/partners/").content.decode()
    partner = as_user(world.p1_user).get("/partners/", follow=True).content.decode()

    assert 'data-testid="import"' in staff
    assert 'data-testid="import"' not in partner


def test_regional_manager_cannot_import_into_another_region(world):
    rows = [
        row(world, 1, region="HN-SZ"),
        row(world, 2, region="HD-SH", owner=world.other_cm.username),
    ]

    preview = partner_import_preview(actor=world.south_manager, upload=xlsx_upload(rows))

    assert [(e.row, e.column) for e in preview.errors] == [(3, "region")]
    assert "scope" in preview.errors[0].message
    with pytest.raises(ValidationError):
        partner_import_commit(actor=world.south_manager, upload_token=preview.token)
    assert not Partner.objects.filter(code__startswith="P-IMP").exists()


def test_regional_manager_imports_into_their_own_region(world):
    south_office = world.shenzhen
    rows = [row(world, 1, region="HN"), row(world, 2, region=south_office.code)]

    preview = partner_import_preview(actor=world.south_manager, upload=xlsx_upload(rows))
    partners = partner_import_commit(actor=world.south_manager, upload_token=preview.token)

    assert {p.region_id for p in partners} == {world.south.pk, world.shenzhen.pk}


def test_another_users_upload_cannot_be_reviewed_or_committed(world):
    preview = partner_import_preview(actor=world.hq, upload=xlsx_upload([row(world)]))

    for user in (world.admin, world.channel_mgr):
        with pytest.raises(ValidationError):
            partner_import_review(actor=user, upload_token=preview.token)
        with pytest.raises(ValidationError):
            partner_import_commit(actor=user, upload_token=preview.token)
    with pytest.raises(ValidationError):
        partner_import_commit(actor=world.hq, upload_token="../../etc/passwd")

    assert not Partner.objects.filter(code__startswith="P-IMP").exists()


# --- replays --------------------------------------------------------------------------------


def test_the_same_upload_cannot_be_committed_twice(world):
    preview = partner_import_preview(
        actor=world.hq, upload=xlsx_upload([row(world, 1), row(world, 2)])
    )
    partner_import_commit(actor=world.hq, upload_token=preview.token)
    count = Partner.objects.count()

    with pytest.raises(ValidationError, match="already done"):
        partner_import_commit(actor=world.hq, upload_token=preview.token)

    assert Partner.objects.count() == count


def test_a_second_confirm_through_the_page_is_refused(world, as_user):
    client = as_user(world.hq)
    client.post("/partners/import/", {"file": xlsx_upload([row(world, 1), row(world, 2)])})
    token = client.session["partner_import_token"]

    first = client.post("/partners/import/confirm/")
    second = client.post("/partners/import/confirm/")
    # a double submit that still carried the token in its session
    session = client.session
    session["partner_import_token"] = token
    session.save()
    third = client.post("/partners/import/confirm/", follow=True)

    assert first.status_code == 302 and first.url == "/partners/"
    assert second.status_code == 302 and second.url == "/partners/import/"
    assert "already done" in third.content.decode()
    assert Partner.objects.filter(code__startswith="P-IMP").count() == 2


def test_cancel_forgets_the_upload(world, as_user, media):
    client = as_user(world.hq)
    client.post("/partners/import/", {"file": xlsx_upload([row(world)])})
    token = client.session["partner_import_token"]

    response = client.post("/partners/import/cancel/")

    assert response.status_code == 302
    assert "partner_import_token" not in client.session
    assert not any((media / "imports").iterdir())
    with pytest.raises(ValidationError):
        partner_import_commit(actor=world.hq, upload_token=token)


# --- the list's filters ---------------------------------------------------------------------


def test_list_filters_by_owner_tier_and_created_dates(world):
    old = PartnerFactory(region=world.shenzhen, owner=world.channel_mgr, tier=tier("gold"))
    Partner.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=40)
    )
    today = timezone.localdate()

    by_owner, _ = partners_search(world.hq, owner=world.other_cm.pk)
    by_tier, _ = partners_search(world.hq, tier="gold")
    recent, _ = partners_search(world.hq, created_from=today - timezone.timedelta(days=1))
    older, _ = partners_search(
        world.hq,
        created_from=today - timezone.timedelta(days=41),
        created_to=today - timezone.timedelta(days=39),
    )
    p2_sees, _ = partners_search(world.p2_user, owner=world.channel_mgr.pk, tier="silver")

    assert list(by_owner) == [world.p3]
    assert list(by_tier) == [old]
    assert old not in recent and world.p1 in recent
    assert list(older) == [old]
    # partner 2 cannot see partner 1, whatever the filters
    assert list(p2_sees) == [world.p2]


def test_list_and_export_with_the_filters_keep_query_counts_flat(
    world, as_user, django_assert_max_num_queries
):
    for _ in range(25):
        PartnerFactory(region=world.shenzhen, owner=world.channel_mgr, tier=tier("gold"))
    client = as_user(world.hq)
    today = timezone.localdate().isoformat()
    query = f"tier=gold&status=active&owner={world.channel_mgr.pk}&created_from={today}"

    # The owner filter costs two fixed queries (validating the choice, listing the managers).
    with django_assert_max_num_queries(12):
        page = client.get(f"/partners/?{query}")
    with django_assert_max_num_queries(11):
        export = client.get(f"/partners/export/?{query}")
    p2_export = as_user(world.p2_user).get(f"/partners/export/?owner={world.channel_mgr.pk}")

    assert page.status_code == 200 and len(page.context["page"]) == 20
    assert export.status_code == 200
    assert load_workbook(io.BytesIO(export.content)).worksheets[0].max_row == 26
    names = [c.value for c in load_workbook(io.BytesIO(p2_export.content)).worksheets[0]["B"]]
    assert world.p2.name in names and world.p1.name not in names


# --- large files: the task worker ----------------------------------------------------------


TASK_PATH = "qudao.partners.services.imports.partner_import_task"


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_imported_by_the_task_worker_with_progress(world, as_user, settings):
    # Given files of more than one row go to the worker, and a previewed file of three rows
    settings.PARTNER_IMPORT_SYNC_ROWS = 1
    client = as_user(world.hq)
    client.post("/partners/import/", {"file": xlsx_upload([row(world, n) for n in (1, 2, 3)])})

    # When the user confirms
    confirm = client.post("/partners/import/confirm/")

    # Then the import waits for the worker, and the progress page says so
    assert confirm.status_code == 302 and confirm.url == "/partners/import/progress/"
    waiting = client.get("/partners/import/progress/", headers={"HX-Request": "true"})
    assert waiting.status_code == 200 and waiting.context["state"] == "queued"
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1
    assert not Partner.objects.filter(code__startswith="P-IMP").exists()
    # And a second confirm finds nothing to import, and leads back to the progress
    again = client.post("/partners/import/confirm/", follow=True)
    assert again.redirect_chain[-1][0] == "/partners/import/progress/"
    assert "already done" in again.content.decode()

    # When the worker runs
    run_worker()

    # Then every row is a partner, with its audit entry, and the progress page hands over
    partners = Partner.objects.filter(code__startswith="P-IMP")
    assert partners.count() == 3
    assert (
        AuditEntry.objects.filter(
            action="create", content_type__model="partner", actor=world.hq
        ).count()
        == 3
    )
    done = client.get("/partners/import/progress/", headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Redirect"] == "/partners/"
    assert "partner_import_token" not in client.session
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="SUCCESSFUL").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_large_file_that_turns_bad_in_the_worker_writes_nothing(world, as_user, settings):
    settings.PARTNER_IMPORT_SYNC_ROWS = 1
    client = as_user(world.hq)
    client.post("/partners/import/", {"file": xlsx_upload([row(world, n) for n in (1, 2)])})
    client.post("/partners/import/confirm/")
    # Someone takes the second row's code before the worker gets to it
    PartnerFactory(code="P-IMP-002", region=world.shenzhen, owner=world.channel_mgr)

    run_worker()

    assert not Partner.objects.filter(code="P-IMP-001").exists()
    page = client.get("/partners/import/progress/")
    assert page.context["state"] == "failed" and "nothing was imported" in page.content.decode()
    # The upload is back: its preview shows the conflict on its row
    preview = client.get("/partners/import/preview/")
    assert [(e.row, e.column) for e in preview.context["preview"].errors] == [(3, "code")]
