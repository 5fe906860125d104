"""Recruitment pages: the public form, the review queue (filters, export, scope, query counts),
the detail page with its actions and file downloads, and the scorecard settings."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from qudao.core.models import AuditEntry
from qudao.core.services.approvals import Decision, approval_decide
from qudao.partners.models import ApplicationScore, PartnerApplication, ScorecardCriterion
from qudao.partners.services import recruitment as services
from qudao.partners.tests.factories import tier

from .test_recruitment_support import (
    EXE,
    PDF,
    bad_check_digit,
    credit_code,
    form_data,
    make_application,
    pdf,
    qualification_card,
    recruitment_env,  # noqa: F401 - fixture
    scores_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("recruitment_env")]
Status = PartnerApplication.Status


# --- the public form ------------------------------------------------------------------------


def test_public_form_needs_no_log_in_and_thanks_with_the_number(world):
    client = Client()

    page = client.get("/partners/apply/")
    response = client.post("/partners/apply/", {**form_data(world, n=501), "licence": pdf()})
    done = client.get(response["Location"])

    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    assert response.status_code == 302
    application = PartnerApplication.objects.get(credit_code=credit_code(501))
    assert done.status_code == 200 and application.number in done.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"credit_code": bad_check_digit(credit_code(502))}, "credit_code"),
        ({"licence": SimpleUploadedFile("licence.exe", EXE)}, "licence"),
        ({"licence": SimpleUploadedFile("licence.pdf", EXE)}, "licence"),
        ({"licence": ""}, "licence"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"region": "999999"}, "region"),
    ],
)
def test_public_form_errors_are_shown_on_the_field_and_nothing_is_written(world, changes, field):
    data = {**form_data(world, n=503), "licence": pdf(), **changes}

    response = Client().post("/partners/apply/", data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PartnerApplication.objects.exists()


def test_public_form_refuses_a_duplicate_credit_code(world):
    make_application(world, n=504)

    response = Client().post("/partners/apply/", {**form_data(world, n=504), "licence": pdf()})

    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert PartnerApplication.objects.count() == 1


def test_public_form_is_rate_limited_per_ip(world, settings):
    settings.APPLICATION_RATE_LIMIT_PER_HOUR = 1
    client = Client()
    client.post("/partners/apply/", {**form_data(world, n=505), "licence": pdf()})

    response = client.post("/partners/apply/", {**form_data(world, n=506), "licence": pdf()})

    assert response.status_code == 429
    assert response.context["form"].non_field_errors()
    assert PartnerApplication.objects.count() == 1


# --- the review queue -----------------------------------------------------------------------


@pytest.fixture
def queue(world):
    """Applications in both regions: two in 深圳 (one assigned to channel_mgr), one in 上海."""
    return {
        "sz": make_application(world, n=601, assignee=world.channel_mgr),
        "sz2": make_application(world, n=602, status=Status.REVIEWING),
        "sh": make_application(world, n=603, region=world.shanghai, assignee=world.other_cm),
    }


def numbers(response) -> set[str]:
    return {a.number for a in response.context["page"].object_list}


def test_list_is_scoped_by_role(world, as_user, queue):
    hq = numbers(as_user(world.hq).get("/partners/applications/"))
    south = numbers(as_user(world.south_manager).get("/partners/applications/"))
    cm = numbers(as_user(world.channel_mgr).get("/partners/applications/"))
    pm = numbers(as_user(world.pm).get("/partners/applications/"))

    assert hq == {a.number for a in queue.values()}
    assert south == {queue["sz"].number, queue["sz2"].number}
    assert cm == {queue["sz"].number}
    assert pm == set()


def test_partner_users_are_refused_the_queue_detail_and_files(world, as_user, queue):
    for user in (world.p1_admin, world.p2_user):
        client = as_user(user)
        attachment = queue["sz"].attachments.first()
        assert client.get("/partners/applications/").status_code == 403
        assert client.get(f"/partners/applications/{queue['sz'].pk}/").status_code == 403
        url = f"/partners/applications/{queue['sz'].pk}/attachments/{attachment.pk}/"
        assert client.get(url).status_code == 403


def test_other_regions_manager_gets_404_on_detail_and_file(world, as_user, queue):
    client = as_user(world.east_manager)
    attachment = queue["sz"].attachments.first()

    detail = client.get(f"/partners/applications/{queue['sz'].pk}/")
    file = client.get(f"/partners/applications/{queue['sz'].pk}/attachments/{attachment.pk}/")
    own = client.get(f"/partners/applications/{queue['sh'].pk}/")

    assert detail.status_code == 404 and queue["sz"].company_name not in detail.content.decode()
    assert file.status_code == 404
    assert own.status_code == 200


def test_list_filters_search_sort_and_htmx_fragment(world, as_user, queue):
    client = as_user(world.hq)

    by_region = numbers(client.get(f"/partners/applications/?region={world.east.pk}"))
    by_status = numbers(client.get("/partners/applications/?status=reviewing"))
    search = numbers(client.get("/partners/applications/?q=602"))
    ordered = client.get("/partners/applications/?sort=company").context["page"].object_list
    fragment = client.get("/partners/applications/", headers={"HX-Request": "true"})

    assert by_region == {queue["sh"].number}
    assert by_status == {queue["sz2"].number}
    assert search == {queue["sz2"].number}
    assert [a.company_name for a in ordered] == sorted(a.company_name for a in ordered)
    assert fragment.templates[0].name == "partners/recruitment/_table.html"


def test_export_is_the_filtered_list_as_xlsx(world, as_user, queue):
    response = as_user(world.south_manager).get("/partners/applications/export/?status=submitted")

    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [row[0] for row in rows[1:]] == [queue["sz"].number]
    assert rows[1][9] == 1000.0  # numbers stay numbers


def test_list_page_query_count_does_not_grow_with_rows(
    world, as_user, django_assert_max_num_queries
):
    for n in range(25):
        make_application(
            world,
            n=700 + n,
            assignee=world.channel_mgr,
            recommended_tier=tier("silver"),
            total_score=Decimal("75"),
        )
    client = as_user(world.south_manager)

    with django_assert_max_num_queries(8):
        response = client.get("/partners/applications/?page=1")

    assert len(response.context["page"].object_list) == 20


# --- detail and actions ---------------------------------------------------------------------


def test_detail_shows_data_files_and_history_and_downloads_the_file(world, as_user, queue):
    client = as_user(world.south_manager)
    application = queue["sz"]
    attachment = application.attachments.first()

    page = client.get(f"/partners/applications/{application.pk}/")
    file = client.get(f"/partners/applications/{application.pk}/attachments/{attachment.pk}/")

    html = page.content.decode()
    assert application.company_name in html and application.credit_code in html
    assert f"/attachments/{attachment.pk}/" in html and "/media/" not in html
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert "attachment" in file["Content-Disposition"]


def test_review_through_the_pages_up_to_the_approval(world, as_user, queue):
    card = qualification_card()
    application = queue["sz2"]
    client = as_user(world.south_manager)
    fields = {f"score_{pk}": "8" for pk in scores_of(card, 0)}

    assign = client.post(
        f"/partners/applications/{application.pk}/assign/", {"assignee": world.channel_mgr.pk}
    )
    scores = client.post(f"/partners/applications/{application.pk}/scores/", fields)
    submit = client.post(f"/partners/applications/{application.pk}/submit/")

    assert assign.status_code == 302 and scores.status_code == 302
    assert submit.status_code == 302 and "/approvals/" in submit["Location"]
    application.refresh_from_db()
    assert application.status == Status.IN_APPROVAL and application.total_score == Decimal("80")


def test_score_out_of_range_on_the_page_is_a_field_error(world, as_user, queue):
    card = qualification_card()
    application = queue["sz2"]
    first = card.criteria.first()
    fields = {f"score_{pk}": "8" for pk in scores_of(card, 0)}
    fields[f"score_{first.pk}"] = "11"

    response = as_user(world.hq).post(f"/partners/applications/{application.pk}/scores/", fields)

    assert response.status_code == 422
    assert f"score_{first.pk}" in response.context["score_form"].errors
    assert not ApplicationScore.objects.exists()


def test_start_review_and_reject_with_messages(world, as_user, queue):
    client = as_user(world.hq)
    application = queue["sz"]

    started = client.post(f"/partners/applications/{application.pk}/review/", follow=True)
    no_reason = client.post(f"/partners/applications/{application.pk}/reject/", {"reason": ""})
    rejected = client.post(
        f"/partners/applications/{application.pk}/reject/", {"reason": "不符合要求"}
    )
    again = client.post(f"/partners/applications/{application.pk}/review/", follow=True)

    assert started.status_code == 200
    assert no_reason.status_code == 422
    assert rejected.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"  # wrong state


# --- scorecard settings ---------------------------------------------------------------------


def formset_post(card, changes=None, extra=None):
    criteria = list(card.criteria.order_by("order", "code"))
    data = {
        "criteria-TOTAL_FORMS": str(len(criteria) + (1 if extra else 0)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, criterion in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": str(criterion.pk),
                f"criteria-{i}-code": criterion.code,
                f"criteria-{i}-name": criterion.name,
                f"criteria-{i}-weight": str(criterion.weight),
                f"criteria-{i}-max_score": str(criterion.max_score),
                f"criteria-{i}-order": str(criterion.order),
            }
        )
    if extra:
        i = len(criteria)
        data.update({f"criteria-{i}-{key}": value for key, value in extra.items()})
    data.update(changes or {})
    return data


def test_scorecard_settings_only_for_admin_and_director(world, as_user):
    assert as_user(world.south_manager).get("/partners/settings/scorecards/").status_code == 403
    assert as_user(world.p1_admin).get("/partners/settings/scorecards/").status_code == 403
    assert as_user(world.hq).get("/partners/settings/scorecards/").status_code == 200


def test_weights_must_sum_to_100(world, as_user):
    card = qualification_card()
    client = as_user(world.admin)
    url = f"/partners/settings/scorecards/?card={card.pk}"

    bad = client.post(url, formset_post(card, {"criteria-0-weight": "30"}))
    good = client.post(
        url, formset_post(card, {"criteria-0-weight": "20", "criteria-1-weight": "30"})
    )

    assert bad.status_code == 200 and bad.context["formset"].non_form_errors()
    assert good.status_code == 302
    weights = dict(card.criteria.values_list("code", "weight"))
    assert weights["management"] == 20 and weights["capital"] == 30
    assert AuditEntry.objects.filter(action="update", object_repr="经营管理能力").exists()


def test_add_a_criterion_and_delete_an_unused_one(world, as_user):
    card = qualification_card()
    client = as_user(world.hq)
    extra = {
        "code": "innovation",
        "name": "创新能力",
        "weight": "15",
        "max_score": "5",
        "order": "9",
    }
    # The new criterion takes the weight of 信誉 (the 5th), which is deleted.
    data = formset_post(card, {"criteria-4-DELETE": "on"}, extra=extra)

    response = client.post(f"/partners/settings/scorecards/?card={card.pk}", data)

    assert response.status_code == 302
    codes = set(card.criteria.values_list("code", flat=True))
    assert "innovation" in codes and "reputation" not in codes


def test_a_criterion_with_scores_cannot_be_deleted(world, as_user):
    card = qualification_card()
    application = make_application(world, status=Status.REVIEWING)
    services.application_score(actor=world.hq, application=application, scores=scores_of(card, 5))
    data = formset_post(
        card, {"criteria-4-DELETE": "on", "criteria-3-weight": "30"}
    )  # weights still add up

    response = as_user(world.admin).post(f"/partners/settings/scorecards/?card={card.pk}", data)

    assert response.status_code == 200
    assert ScorecardCriterion.objects.filter(scorecard=card, code="reputation").exists()


def test_approved_application_links_its_partner_and_resends_the_invitation(
    world, as_user, django_capture_on_commit_callbacks
):
    card = qualification_card()
    application = make_application(world, status=Status.REVIEWING, assignee=world.channel_mgr)
    services.application_score(actor=world.hq, application=application, scores=scores_of(card, 8))
    approval = services.application_submit_for_approval(actor=world.hq, application=application)
    for approver in (world.south_manager, world.hq):
        approval.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            approval_decide(actor=approver, approval=approval, decision=Decision.APPROVE)
    application.refresh_from_db()
    mail.outbox.clear()
    client = as_user(world.channel_mgr)

    page = client.get(f"/partners/applications/{application.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        resend = client.post(f"/partners/applications/{application.pk}/invitation/")

    html = page.content.decode()
    assert application.partner.get_absolute_url() in html and application.partner.code in html
    assert f"/partners/applications/{application.pk}/invitation/" in html
    assert resend.status_code == 302 and len(mail.outbox) == 1


def test_public_form_refuses_a_licence_that_is_not_a_real_pdf(world):
    fake = pdf("营业执照.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>")

    response = Client().post("/partners/apply/", {**form_data(world, n=507), "licence": fake})

    assert response.status_code == 200
    assert "licence" in response.context["form"].errors
    assert not PartnerApplication.objects.exists()
