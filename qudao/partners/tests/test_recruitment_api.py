"""The partner applications API: public create and upload with its token and rate limit, staff
list/detail with scope, filters and query counts, and the review operations."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qudao.core.models import ApprovalRequest
from qudao.core.tests.factories import UserFactory
from qudao.partners.models import ApplicationAttachment, PartnerApplication

from .test_recruitment_support import (
    EXE,
    PDF,
    bad_check_digit,
    credit_code,
    make_application,
    pdf,
    qualification_card,
    recruitment_env,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("recruitment_env")]
Status = PartnerApplication.Status
URL = "/api/v1/partner-applications"


def body(world, n: int, **changes) -> dict:
    return {
        "company_name": f"接口申请{n}号有限公司",
        "credit_code": credit_code(n),
        "region_id": world.shenzhen.pk,
        "contact_name": "赵六",
        "contact_phone": "13800001111",
        "contact_email": f"zhao{n}@api.example.com",
        "business_scope": "网络设备销售",
        "staff_count": 30,
        "registered_capital": "500.00",
        "annual_revenue": "1200.50",
        **changes,
    }


def create(world, n: int, client=None, **changes):
    return (client or Client()).post(
        URL, body(world, n, **changes), content_type="application/json"
    )


# --- public ---------------------------------------------------------------------------------


def test_create_without_a_token_then_upload_the_licence(world):
    created = create(world, 801)
    assert created.status_code == 201, created.json()
    answer = created.json()
    application = PartnerApplication.objects.get(number=answer["number"])
    assert application.annual_revenue == Decimal("1200.50")

    upload = Client().post(
        f"{answer['attachments_url']}?token={answer['attachment_token']}",
        {"kind": "licence", "file": pdf()},
    )

    assert upload.status_code == 201, upload.json()
    assert upload.json()["kind"] == "licence"
    assert application.attachments.get().original_name == "营业执照.pdf"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"credit_code": bad_check_digit(credit_code(802))}, "credit_code"),
        ({"region_id": 999999}, "region_id"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"staff_count": -1}, "staff_count"),
        ({"registered_capital": "-5"}, "registered_capital"),
    ],
)
def test_bad_input_is_422_with_field_errors(world, changes, field):
    response = create(world, 803, **changes)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not PartnerApplication.objects.exists()


def test_duplicate_credit_code_is_422(world):
    make_application(world, n=804)

    response = create(world, 804)

    assert response.status_code == 422 and "credit_code" in response.json()["errors"]


def test_rate_limit_is_429_with_a_json_error(world, settings):
    settings.APPLICATION_RATE_LIMIT_PER_HOUR = 2
    client = Client()
    assert create(world, 805, client).status_code == 201
    assert create(world, 806, client).status_code == 201

    refused = create(world, 807, client)

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited" and refused.json()["message"]
    assert PartnerApplication.objects.count() == 2


def test_upload_needs_the_right_token_and_a_good_file(world):
    answer = create(world, 808).json()
    other = create(world, 809).json()
    url = answer["attachments_url"]

    wrong_token = Client().post(
        f"{url}?token={other['attachment_token']}", {"kind": "licence", "file": pdf()}
    )
    forged = Client().post(f"{url}?token=abc", {"kind": "licence", "file": pdf()})
    renamed_exe = Client().post(
        f"{url}?token={answer['attachment_token']}",
        {"kind": "licence", "file": SimpleUploadedFile("licence.pdf", EXE)},
    )
    docx_licence = Client().post(
        f"{url}?token={answer['attachment_token']}",
        {"kind": "licence", "file": SimpleUploadedFile("licence.docx", b"PK\x03\x04")},
    )
    bad_kind = Client().post(
        f"{url}?token={answer['attachment_token']}", {"kind": "selfie", "file": pdf()}
    )

    assert wrong_token.status_code == 403 and forged.status_code == 403
    assert renamed_exe.status_code == 422 and "file" in renamed_exe.json()["errors"]
    assert docx_licence.status_code == 422
    assert bad_kind.status_code == 422
    assert not ApplicationAttachment.objects.exists()


def test_upload_is_refused_once_the_review_started(world):
    answer = create(world, 810).json()
    PartnerApplication.objects.filter(number=answer["number"]).update(status=Status.REVIEWING)

    response = Client().post(
        f"{answer['attachments_url']}?token={answer['attachment_token']}",
        {"kind": "other", "file": pdf()},
    )

    assert response.status_code == 422


# --- staff ----------------------------------------------------------------------------------


@pytest.fixture
def queue(world):
    return {
        "sz": make_application(world, n=811, assignee=world.channel_mgr),
        "sz2": make_application(world, n=812, status=Status.REVIEWING),
        "sh": make_application(world, n=813, region=world.shanghai),
    }


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["number"] for row in response.json()["items"]}


def test_list_is_scoped(world, as_api, queue):
    assert numbers(as_api(world.hq).get(URL)) == {a.number for a in queue.values()}
    assert numbers(as_api(world.south_manager).get(URL)) == {
        queue["sz"].number,
        queue["sz2"].number,
    }
    assert numbers(as_api(world.east_manager).get(URL)) == {queue["sh"].number}
    assert numbers(as_api(world.channel_mgr).get(URL)) == {queue["sz"].number}


def test_partner_users_get_403_on_the_list_and_404_on_detail_and_files(world, as_api, queue):
    attachment = queue["sz"].attachments.first()
    for user in (world.p1_admin, world.p2_user):
        api = as_api(user)
        assert api.get(URL).status_code == 403
        assert api.get(f"{URL}/{queue['sz'].pk}").status_code == 404
        assert api.get(f"{URL}/{queue['sz'].pk}/attachments/{attachment.pk}").status_code == 404


def test_other_region_gets_404_and_no_token_gets_401(world, as_api, queue):
    response = as_api(world.east_manager).get(f"{URL}/{queue['sz'].pk}")

    assert response.status_code == 404
    assert queue["sz"].company_name not in response.content.decode()
    assert Client().get(URL).status_code == 401


def test_detail_and_file_download_for_those_in_scope(world, as_api, queue):
    api = as_api(world.south_manager)
    attachment = queue["sz"].attachments.first()

    detail = api.get(f"{URL}/{queue['sz'].pk}").json()
    file = api.get(f"{URL}/{queue['sz'].pk}/attachments/{attachment.pk}")

    assert detail["number"] == queue["sz"].number and detail["assignee_id"] == world.channel_mgr.pk
    assert [a["kind"] for a in detail["attachments"]] == ["licence"]
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF


def test_filters_search_sort_and_bad_status(world, as_api, queue):
    api = as_api(world.hq)

    assert numbers(api.get(f"{URL}?region={world.east.pk}")) == {queue["sh"].number}
    assert numbers(api.get(f"{URL}?status=reviewing")) == {queue["sz2"].number}
    assert numbers(api.get(f"{URL}?q=812")) == {queue["sz2"].number}
    ordered = [r["number"] for r in api.get(f"{URL}?sort=-number").json()["items"]]
    assert ordered == sorted(ordered, reverse=True)
    assert api.get(f"{URL}?status=nope").status_code == 422
    paged = api.get(f"{URL}?page=2&page_size=2").json()
    assert paged["count"] == 3 and len(paged["items"]) == 1 and paged["page"] == 2


def test_list_query_count_does_not_grow_with_rows(world, as_api, django_assert_max_num_queries):
    for n in range(25):
        make_application(world, n=850 + n, assignee=world.channel_mgr)
    api = as_api(world.south_manager)

    with django_assert_max_num_queries(6):
        response = api.get(f"{URL}?page_size=25")

    assert len(response.json()["items"]) == 25


def test_review_operations_through_the_api(world, as_api, queue):
    card = qualification_card()
    api = as_api(world.south_manager)
    application = queue["sz"]
    scores = [{"criterion_id": c.pk, "score": "9", "comment": "好"} for c in card.criteria.all()]

    started = api.post(f"{URL}/{application.pk}/review")
    out_of_range = api.post(
        f"{URL}/{application.pk}/scores",
        {"scores": [{**scores[0], "score": "12"}, *scores[1:]]},
        content_type="application/json",
    )
    scored = api.post(
        f"{URL}/{application.pk}/scores", {"scores": scores}, content_type="application/json"
    )
    approval = api.post(f"{URL}/{application.pk}/approval")

    assert started.status_code == 200 and started.json()["status"] == "reviewing"
    assert out_of_range.status_code == 422
    assert f"score_{card.criteria.first().pk}" in out_of_range.json()["errors"]
    assert scored.status_code == 200 and scored.json()["total_score"] == "90.00"
    assert approval.status_code == 201, approval.json()
    assert ApprovalRequest.objects.get(pk=approval.json()["id"]).kind == "partner_qualification"


def test_assign_and_reject_through_the_api(world, as_api, queue):
    api = as_api(world.hq)
    application = queue["sz2"]

    not_a_cm = api.post(
        f"{URL}/{application.pk}/assign",
        {"assignee_id": world.pm.pk},
        content_type="application/json",
    )
    assigned = api.post(
        f"{URL}/{application.pk}/assign",
        {"assignee_id": world.other_cm.pk},
        content_type="application/json",
    )
    rejected = api.post(
        f"{URL}/{application.pk}/reject", {"reason": "区域已饱和"}, content_type="application/json"
    )
    finance = UserFactory(roles=["finance"])  # sees every application, reviews none
    forbidden = as_api(finance).post(
        f"{URL}/{queue['sz'].pk}/reject", {"reason": "x"}, content_type="application/json"
    )
    out_of_scope = as_api(world.east_manager).post(
        f"{URL}/{queue['sz'].pk}/reject", {"reason": "x"}, content_type="application/json"
    )

    assert not_a_cm.status_code == 422 and "assignee" in not_a_cm.json()["errors"]
    assert assigned.status_code == 200 and assigned.json()["assignee_id"] == world.other_cm.pk
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert forbidden.status_code == 403 and out_of_scope.status_code == 404
    assert PartnerApplication.objects.get(pk=queue["sz"].pk).status == Status.SUBMITTED
