"""Recruitment and qualification through the services: submission and its checks, review,
scores, the approval chain and what its decision creates, rejection, returns, permissions."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, Notification, User
from qudao.core.services.approvals import Decision, approval_cancel, approval_decide
from qudao.partners.models import (
    ApplicationAttachment,
    ApplicationScore,
    Partner,
    PartnerApplication,
    PartnerContact,
    PartnerDocument,
    TierChange,
)
from qudao.partners.services import recruitment as services
from qudao.partners.services.recruitment import submission
from qudao.partners.tests.factories import tier

from .test_recruitment_support import (
    EXE,
    application_data,
    bad_check_digit,
    credit_code,
    make_application,
    pdf,
    png,
    qualification_card,
    recruitment_env,  # noqa: F401 - fixture
    scores_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("recruitment_env")]
Status = PartnerApplication.Status


def submit(world, files=None, **changes):
    return services.application_submit(
        data=application_data(world, **changes),
        files={"licence": pdf()} if files is None else files,
        client_ip="10.0.0.1",
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- submission -----------------------------------------------------------------------------


def test_submission_gets_a_number_files_audit_and_notifies_the_regions_manager(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(
            world,
            files={"licence": pdf(), "qualification": png("资质证书.png")},
            credit_code=credit_code(7).lower(),
        )

    assert application.number.startswith("SQ-") and application.status == Status.SUBMITTED
    assert application.credit_code == credit_code(7)  # normalised to upper case
    kinds = sorted(application.attachments.values_list("kind", flat=True))
    assert kinds == ["licence", "qualification"]
    stored = application.attachments.get(kind="licence")
    assert stored.original_name == "营业执照.pdf" and "营业执照" not in stored.file.name
    assert AuditEntry.objects.filter(object_id=str(application.pk), action="create").exists()
    assert Notification.objects.filter(recipient=world.south_manager).count() == 1
    assert not Notification.objects.filter(recipient=world.east_manager).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"credit_code": bad_check_digit(credit_code(11))}, "credit_code"),
        ({"credit_code": "12345"}, "credit_code"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"company_name": ""}, "company_name"),
        ({"region": None}, "region"),
        ({"registered_capital": Decimal("-1")}, "registered_capital"),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_writes_nothing(world, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        submit(world, **changes)

    assert field in errors_of(excinfo)
    assert not PartnerApplication.objects.exists()
    assert not ApplicationAttachment.objects.exists()


def test_invalid_check_digit_has_its_own_message(world):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        submit(world, credit_code=bad_check_digit(credit_code(12)))

    assert "check digit" in " ".join(errors_of(excinfo)["credit_code"])


@pytest.mark.parametrize(
    ("files", "field", "code_word"),
    [
        ({}, "licence", "licence"),
        ({"licence": SimpleUploadedFile("licence.docx", b"PK\x03\x04xx")}, "licence", "type"),
        ({"licence": pdf("setup.pdf", EXE)}, "licence", "content"),  # renamed executable
        ({"licence": SimpleUploadedFile("virus.exe", EXE)}, "licence", "type"),
        ({"licence": pdf(), "other": SimpleUploadedFile("x.sh", b"#!/bin/sh")}, "other", "type"),
    ],
)
def test_bad_attachments_are_refused(world, files, field, code_word):
    with pytest.raises(ValidationError) as excinfo:
        submit(world, files=files)

    assert field in errors_of(excinfo)
    assert not PartnerApplication.objects.exists()


def test_too_large_licence_is_refused(world):
    big = pdf("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        submit(world, files={"licence": big})

    assert "too large" in " ".join(errors_of(excinfo)["licence"])
    assert not PartnerApplication.objects.exists()


def test_duplicate_credit_code_of_a_live_application_or_a_partner_is_refused(world):
    first = submit(world, n=21)
    world.p1.credit_code = credit_code(22)
    world.p1.save()

    with pytest.raises(ValidationError) as same_application:
        submit(world, n=31, credit_code=first.credit_code.lower())
    with pytest.raises(ValidationError) as same_partner:
        submit(world, n=32, credit_code=credit_code(22))

    assert "credit_code" in errors_of(same_application)
    assert "credit_code" in errors_of(same_partner)
    assert PartnerApplication.objects.count() == 1


def test_after_a_rejection_the_company_may_apply_again(world):
    first = submit(world, n=41)
    services.application_reject(actor=world.hq, application=first, reason="资料不全")

    again = submit(world, n=42, credit_code=first.credit_code)

    assert again.pk != first.pk and again.status == Status.SUBMITTED


def test_rate_limit_counts_accepted_applications_per_ip(world, settings):
    settings.APPLICATION_RATE_LIMIT_PER_HOUR = 2
    submit(world)
    submit(world)

    with pytest.raises(services.RateLimited):
        submit(world)
    other_ip = services.application_submit(
        data=application_data(world), files={"licence": pdf()}, client_ip="10.0.0.2"
    )

    assert PartnerApplication.objects.count() == 3 and other_ip.pk


# --- review and scores ----------------------------------------------------------------------


def test_review_start_assign_and_permissions(world):
    application = make_application(world)

    with pytest.raises(PermissionDenied):
        services.application_review_start(actor=world.east_manager, application=application)
    with pytest.raises(PermissionDenied):
        services.application_review_start(actor=world.pm, application=application)
    with pytest.raises(ValidationError):
        services.application_assign(
            actor=world.south_manager, application=application, assignee=world.pm
        )
    services.application_assign(
        actor=world.south_manager, application=application, assignee=world.channel_mgr
    )
    services.application_review_start(actor=world.channel_mgr, application=application)

    application.refresh_from_db()
    assert application.status == Status.REVIEWING and application.assignee == world.channel_mgr
    states = AuditEntry.objects.filter(object_id=str(application.pk), action="state")
    assert states.count() == 1
    with pytest.raises(ConflictError):  # wrong state: already under review
        services.application_review_start(actor=world.hq, application=application)


def test_review_needs_the_licence_when_the_api_applicant_has_not_sent_it(world):
    application = services.application_submit(
        data=application_data(world), files={}, require_licence=False
    )

    with pytest.raises(ValidationError):
        services.application_review_start(actor=world.hq, application=application)


def test_total_is_the_average_of_reviewers_weighted_scores_and_recommends_a_tier(world):
    card = qualification_card()
    application = make_application(world, status=Status.REVIEWING)

    services.application_score(
        actor=world.south_manager, application=application, scores=scores_of(card, 9)
    )
    services.application_score(actor=world.hq, application=application, scores=scores_of(card, 7))

    application.refresh_from_db()
    assert application.total_score == Decimal("80.00")  # (90 + 70) / 2
    assert application.recommended_tier == tier("silver")  # gold needs 85
    assert ApplicationScore.objects.filter(application=application).count() == 10


def test_scoring_again_replaces_the_reviewers_scores(world):
    card = qualification_card()
    application = make_application(world, status=Status.REVIEWING)
    services.application_score(actor=world.hq, application=application, scores=scores_of(card, 5))

    services.application_score(actor=world.hq, application=application, scores=scores_of(card, 10))

    application.refresh_from_db()
    assert application.total_score == Decimal("100.00")
    assert application.recommended_tier == tier("gold")


@pytest.mark.parametrize("value", [Decimal("10.5"), Decimal("-1"), "abc", Decimal("3.333")])
def test_scores_out_of_range_are_field_errors_and_save_nothing(world, value):
    card = qualification_card()
    application = make_application(world, status=Status.REVIEWING)
    scores = scores_of(card, 8)
    first = card.criteria.first()
    scores[first.pk] = value

    with pytest.raises(ValidationError) as excinfo:
        services.application_score(actor=world.hq, application=application, scores=scores)

    assert f"score_{first.pk}" in errors_of(excinfo)
    assert not ApplicationScore.objects.exists()
    application.refresh_from_db()
    assert application.total_score is None


def test_missing_criterion_and_wrong_state_are_refused(world):
    card = qualification_card()
    application = make_application(world, status=Status.REVIEWING)
    partial = scores_of(card, 8)
    partial.pop(card.criteria.last().pk)
    submitted = make_application(world)

    with pytest.raises(ValidationError):
        services.application_score(actor=world.hq, application=application, scores=partial)
    with pytest.raises(ValidationError):
        services.application_score(actor=world.hq, application=submitted, scores=scores_of(card, 8))
    assert not ApplicationScore.objects.exists()


def test_channel_manager_scores_only_applications_assigned_to_them(world):
    card = qualification_card()
    mine = make_application(world, status=Status.REVIEWING, assignee=world.channel_mgr)
    other = make_application(world, status=Status.REVIEWING, assignee=world.other_cm)

    services.application_score(actor=world.channel_mgr, application=mine, scores=scores_of(card, 8))
    with pytest.raises(PermissionDenied):
        services.application_score(
            actor=world.channel_mgr, application=other, scores=scores_of(card, 8)
        )
    with pytest.raises(PermissionDenied):
        services.application_score(
            actor=world.p1_admin, application=mine, scores=scores_of(card, 8)
        )


# --- approval -------------------------------------------------------------------------------


def scored(world, **kwargs) -> PartnerApplication:
    card = qualification_card()
    application = make_application(
        world, status=Status.REVIEWING, assignee=world.channel_mgr, **kwargs
    )
    ApplicationAttachment.objects.create(
        application=application,
        kind=ApplicationAttachment.Kind.FINANCIAL,
        file=pdf("fin.pdf"),
        original_name="财务报表.pdf",
        size=10,
    )
    services.application_score(
        actor=world.south_manager, application=application, scores=scores_of(card, 9)
    )
    return application


def decide(actor, approval, decision=Decision.APPROVE, comment="", capture=None):
    approval.refresh_from_db()
    with capture(execute=True):
        return approval_decide(actor=actor, approval=approval, decision=decision, comment=comment)


def test_approval_creates_partner_contact_archive_tier_history_and_invited_admin(
    world, django_capture_on_commit_callbacks
):
    application = scored(world)
    with django_capture_on_commit_callbacks(execute=True):
        approval = services.application_submit_for_approval(
            actor=world.south_manager, application=application
        )
    application.refresh_from_db()
    assert application.status == Status.IN_APPROVAL
    assert [s.role for s in approval.steps.order_by("order")] == ["regional_manager", "director"]
    mail.outbox.clear()

    decide(world.south_manager, approval, capture=django_capture_on_commit_callbacks)
    decide(world.hq, approval, comment="欢迎加入", capture=django_capture_on_commit_callbacks)

    application.refresh_from_db()
    partner = application.partner
    assert application.status == Status.APPROVED and application.decision_note == "欢迎加入"
    assert partner.status == Partner.Status.ACTIVE and partner.code.startswith("P-")
    assert partner.name == application.company_name
    assert partner.credit_code == application.credit_code and partner.region == world.shenzhen
    assert partner.owner == world.channel_mgr and partner.tier == tier("gold")  # 90 ≥ 85
    assert partner.staff_count == 80 and partner.business_scope == "安防监控系统集成"
    contact = PartnerContact.objects.get(partner=partner)
    assert contact.is_primary and contact.email == application.contact_email
    documents = PartnerDocument.objects.filter(partner=partner).order_by("kind")
    assert [d.kind for d in documents] == ["licence", "other"]
    assert documents[0].file.name == application.attachments.get(kind="licence").file.name
    assert TierChange.objects.filter(partner=partner, source="qualification").exists()
    admin = User.objects.get(partner=partner)
    assert admin.has_role("partner_admin") and not admin.has_usable_password()
    assert admin.email == application.contact_email and admin.mobile == "13912345678"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [application.contact_email]
    assert "/accounts/invite/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(object_id=str(partner.pk), action="create").exists()


def test_rejection_records_the_reason_and_mails_the_applicant(
    world, django_capture_on_commit_callbacks
):
    application = scored(world)
    approval = services.application_submit_for_approval(
        actor=world.channel_mgr, application=application
    )
    mail.outbox.clear()

    decide(
        world.south_manager,
        approval,
        Decision.REJECT,
        "资金实力不足",
        capture=django_capture_on_commit_callbacks,
    )

    application.refresh_from_db()
    assert application.status == Status.REJECTED and application.decision_note == "资金实力不足"
    assert application.partner is None and not Partner.objects.filter(name=application.company_name)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [application.contact_email]
    assert "资金实力不足" in mail.outbox[0].body


def test_returned_approval_goes_back_to_review_and_the_requester_resubmits(
    world, django_capture_on_commit_callbacks
):
    card = qualification_card()
    application = scored(world)
    approval = services.application_submit_for_approval(
        actor=world.south_manager, application=application
    )

    decide(
        world.south_manager,
        approval,
        Decision.RETURN,
        "请补充评分",
        capture=django_capture_on_commit_callbacks,
    )
    application.refresh_from_db()
    assert application.status == Status.REVIEWING
    services.application_score(actor=world.hq, application=application, scores=scores_of(card, 6))
    with pytest.raises(PermissionDenied):  # only the requester resubmits the returned one
        services.application_submit_for_approval(actor=world.hq, application=application)
    again = services.application_submit_for_approval(
        actor=world.south_manager, application=application
    )

    assert again.pk == approval.pk and again.status == ApprovalRequest.Status.PENDING
    application.refresh_from_db()
    assert application.status == Status.IN_APPROVAL


def test_withdrawn_approval_lets_the_review_resume(world):
    application = scored(world)
    approval = services.application_submit_for_approval(
        actor=world.south_manager, application=application
    )
    with pytest.raises(ValidationError):
        services.application_review_resume(actor=world.south_manager, application=application)

    approval_cancel(actor=world.south_manager, approval=approval)
    services.application_review_resume(actor=world.south_manager, application=application)

    application.refresh_from_db()
    assert application.status == Status.REVIEWING


def test_submission_for_approval_needs_scores_and_an_assignee(world):
    unscored = make_application(world, status=Status.REVIEWING, assignee=world.channel_mgr)
    card = qualification_card()
    unassigned = make_application(world, status=Status.REVIEWING)
    services.application_score(actor=world.hq, application=unassigned, scores=scores_of(card, 8))

    with pytest.raises(ValidationError) as no_scores:
        services.application_submit_for_approval(actor=world.hq, application=unscored)
    with pytest.raises(ValidationError) as no_assignee:
        services.application_submit_for_approval(actor=world.hq, application=unassigned)

    assert "scores" in errors_of(no_scores) and "assignee" in errors_of(no_assignee)
    assert not ApprovalRequest.objects.exists()


def test_channel_manager_submitting_becomes_the_assignee(world):
    card = qualification_card()
    application = make_application(world, status=Status.REVIEWING, region=world.shenzhen)
    services.application_score(actor=world.hq, application=application, scores=scores_of(card, 8))
    services.application_assign(actor=world.hq, application=application, assignee=world.channel_mgr)

    services.application_submit_for_approval(actor=world.channel_mgr, application=application)

    application.refresh_from_db()
    assert application.assignee == world.channel_mgr


def test_an_email_already_used_by_a_user_blocks_the_approval(world):
    application = scored(world)
    User.objects.filter(pk=world.pm.pk).update(email=application.contact_email.upper())

    with pytest.raises(ValidationError) as excinfo:
        services.application_submit_for_approval(actor=world.south_manager, application=application)

    assert "contact_email" in errors_of(excinfo)


def test_only_the_regions_manager_and_the_director_decide(
    world, django_capture_on_commit_callbacks
):
    application = scored(world)
    approval = services.application_submit_for_approval(
        actor=world.south_manager, application=application
    )

    with pytest.raises(PermissionDenied):
        decide(world.east_manager, approval, capture=django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        decide(world.channel_mgr, approval, capture=django_capture_on_commit_callbacks)

    assert not Partner.objects.filter(name=application.company_name).exists()


def test_region_without_a_manager_goes_straight_to_the_director(world):
    card = qualification_card()
    application = make_application(
        world, status=Status.REVIEWING, region=world.shanghai, assignee=world.other_cm
    )
    world.east_manager.is_active = False
    world.east_manager.save()
    services.application_score(actor=world.hq, application=application, scores=scores_of(card, 7))

    approval = services.application_submit_for_approval(actor=world.hq, application=application)

    assert [s.role for s in approval.steps.all()] == ["director"]


def test_reviewer_rejects_before_approval_with_a_reason(world, django_capture_on_commit_callbacks):
    application = make_application(world)

    with pytest.raises(ValidationError):
        services.application_reject(actor=world.south_manager, application=application, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            actor=world.south_manager, application=application, reason="非目标行业"
        )

    application.refresh_from_db()
    assert application.status == Status.REJECTED and "非目标行业" in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        services.application_reject(actor=world.hq, application=application, reason="again")


def test_invitation_resend_only_while_the_password_is_not_set(
    world, django_capture_on_commit_callbacks
):
    application = scored(world)
    approval = services.application_submit_for_approval(
        actor=world.south_manager, application=application
    )
    decide(world.south_manager, approval, capture=django_capture_on_commit_callbacks)
    decide(world.hq, approval, capture=django_capture_on_commit_callbacks)
    application.refresh_from_db()

    url = services.application_invitation_resend(actor=world.channel_mgr, application=application)
    admin = services.application_partner_admin(application)
    admin.set_password("An0ther-Secret!")
    admin.save()

    assert "/accounts/invite/" in url
    with pytest.raises(ValidationError):
        services.application_invitation_resend(actor=world.channel_mgr, application=application)


def test_the_database_refuses_a_duplicate_that_slipped_past_the_check(world, monkeypatch, settings):
    # Given a live application, and a second submission racing past the duplicate check
    first = submit(world, n=51)
    monkeypatch.setattr(submission, "credit_code_taken", lambda code: False)

    # When it is saved, the partial unique constraint refuses it
    with pytest.raises(ValidationError) as excinfo:
        submit(world, n=52, credit_code=first.credit_code)

    # Then it is a field error, and neither the row nor its file is kept
    assert "credit_code" in errors_of(excinfo)
    assert PartnerApplication.objects.count() == 1
    stored = {p.name for p in (settings.MEDIA_ROOT / "applications").rglob("*") if p.is_file()}
    assert stored == {first.attachments.get().file.name.rsplit("/", 1)[-1]}
