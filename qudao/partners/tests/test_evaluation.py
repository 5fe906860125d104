"""Evaluation (考评), rectification (整改) and exit (退出), through the services, the pages and
the API: scoring, grades, immutability of a final evaluation, and what an exit does."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone, translation

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, User
from qudao.core.services.approvals import Decision, approval_decide
from qudao.core.services.auth import api_token_issue
from qudao.core.tests.factories import PASSWORD, UserFactory
from qudao.partners.models import (
    CreditApplication,
    EvaluationScore,
    Partner,
    PartnerContact,
    PartnerEvaluation,
    Rectification,
    TierChange,
)
from qudao.partners.services.credit import credit_application_submit
from qudao.partners.services.evaluation import (
    evaluation_create,
    evaluation_finalise,
    evaluation_scores_set,
    evaluation_tier_change_propose,
    grade_for,
    partner_exit_request,
    rectification_close,
    rectification_escalate,
    rectification_open,
    scorecard_for_evaluation,
    tier_change_available,
)
from qudao.partners.tests.factories import tier

pytestmark = pytest.mark.django_db

CODES = ("sales", "registrations", "service", "training", "compliance")  # weights 40/20/20/10/10
LATER = timezone.localdate() + timedelta(days=30)


def evaluate(world, scores, period="2026Q3", partner=None, finalise=True):
    partner = partner or world.p1
    evaluation = evaluation_create(actor=world.channel_mgr, partner=partner, period=period)
    if not isinstance(scores, dict):
        scores = dict.fromkeys(CODES, scores)
    evaluation_scores_set(actor=world.channel_mgr, evaluation=evaluation, scores=scores)
    if finalise:
        evaluation = evaluation_finalise(actor=world.channel_mgr, evaluation=evaluation)
    return evaluation


def warn(world, evaluation=None):
    evaluation = evaluation or evaluate(world, 6)
    return rectification_open(
        actor=world.channel_mgr,
        partner=evaluation.partner,
        evaluation=evaluation,
        warning="销售业绩连续两季度未达标",
        plan="三个月内补充两名销售，完成季度目标的80%",
        deadline=LATER,
    )


def approval_for(partner, kind="partner_exit") -> ApprovalRequest:
    return ApprovalRequest.objects.get(kind=kind, object_id=str(partner.pk))


# --- scorecard and scoring --------------------------------------------------------------------


def test_seeded_evaluation_scorecard_has_five_criteria_weighing_100():
    scorecard = scorecard_for_evaluation()
    criteria = list(scorecard.criteria.all())

    assert [c.code for c in criteria] == list(CODES)
    assert sum(c.weight for c in criteria) == 100
    assert {c.max_score for c in criteria} == {10}


def test_total_is_the_weighted_sum_and_the_grade_follows(world):
    evaluation = evaluate(
        world, {"sales": 9, "registrations": 8, "service": 7, "training": 10, "compliance": 5}
    )

    # 9/10×40 + 8/10×20 + 7/10×20 + 10/10×10 + 5/10×10 = 36 + 16 + 14 + 10 + 5
    assert evaluation.total_score == Decimal("81.00")
    assert evaluation.grade == PartnerEvaluation.Grade.QUALIFIED
    assert evaluation.status == PartnerEvaluation.Status.FINAL
    assert evaluation.finalised_at is not None


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("89.99", "qualified"),
        ("70", "qualified"),
        ("69.99", "warning"),
        ("60", "warning"),
        ("59.99", "failed"),
        ("0", "failed"),
    ],
)
def test_grade_boundaries(total, grade):
    assert grade_for(Decimal(total)) == grade


@pytest.mark.parametrize(
    ("score", "total", "grade"),
    [
        (9, "90.00", "excellent"),
        (7, "70.00", "qualified"),
        (6, "60.00", "warning"),
        ("5.99", "59.90", "failed"),
    ],
)
def test_grade_boundaries_through_finalise(world, score, total, grade):
    evaluation = evaluate(world, score)

    assert (str(evaluation.total_score), evaluation.grade) == (total, grade)


@pytest.mark.parametrize("bad", [11, "10.01", -1, "abc", "1.234"])
def test_score_out_of_range_is_a_field_error_and_writes_nothing(world, bad):
    evaluation = evaluate(world, {}, finalise=False)

    with pytest.raises(ValidationError) as error:
        evaluation_scores_set(
            actor=world.channel_mgr, evaluation=evaluation, scores={"sales": bad, "service": 5}
        )

    assert set(error.value.message_dict) == {"score_sales"}
    assert not EvaluationScore.objects.exists()


def test_unknown_criterion_is_refused(world):
    evaluation = evaluate(world, {}, finalise=False)

    with pytest.raises(ValidationError) as error:
        evaluation_scores_set(actor=world.channel_mgr, evaluation=evaluation, scores={"luck": 5})

    assert "score_luck" in error.value.message_dict


def test_scores_can_change_while_draft_and_are_audited(world):
    evaluation = evaluate(world, 5, finalise=False)

    evaluation_scores_set(actor=world.channel_mgr, evaluation=evaluation, scores={"sales": 8})

    assert EvaluationScore.objects.get(criterion__code="sales").score == Decimal("8")
    assert EvaluationScore.objects.count() == 5
    assert AuditEntry.objects.filter(
        object_id=str(evaluation.pk), changes__销售业绩=["5.00", "8"]
    ).exists()


def test_finalise_needs_every_score(world):
    evaluation = evaluate(world, {"sales": 8, "service": 7}, finalise=False)

    with pytest.raises(ValidationError) as error:
        evaluation_finalise(actor=world.channel_mgr, evaluation=evaluation)

    assert set(error.value.message_dict) == {
        "score_registrations",
        "score_training",
        "score_compliance",
    }
    evaluation.refresh_from_db()
    assert evaluation.status == PartnerEvaluation.Status.DRAFT and evaluation.grade == ""


def test_final_evaluation_cannot_change(world):
    evaluation = evaluate(world, 8)

    with pytest.raises(ValidationError):
        evaluation_scores_set(actor=world.channel_mgr, evaluation=evaluation, scores={"sales": 1})
    with pytest.raises(ValidationError):
        evaluation_finalise(actor=world.channel_mgr, evaluation=evaluation)

    evaluation.refresh_from_db()
    assert evaluation.total_score == Decimal("80.00")
    assert EvaluationScore.objects.get(criterion__code="sales").score == Decimal("8")


# --- creating ---------------------------------------------------------------------------------


def test_period_is_normalised_and_checked(world):
    evaluation = evaluation_create(actor=world.channel_mgr, partner=world.p1, period=" 2026q3 ")

    assert evaluation.period == "2026Q3"
    for bad in ("Q3", "2026Q5", "26Q1", "2026-13", ""):
        with pytest.raises(ValidationError) as error:
            evaluation_create(actor=world.channel_mgr, partner=world.p1, period=bad)
        assert "period" in error.value.message_dict


def test_one_evaluation_per_partner_and_period(world):
    evaluate(world, 8, period="2026")

    with translation.override("en"), pytest.raises(ValidationError) as error:
        evaluation_create(actor=world.south_manager, partner=world.p1, period="2026")
    other_partner = evaluation_create(actor=world.channel_mgr, partner=world.p2, period="2026")

    assert "already has an evaluation for 2026" in error.value.message_dict["period"][0]
    assert other_partner.pk
    assert PartnerEvaluation.objects.filter(partner=world.p1).count() == 1


def test_the_database_refuses_a_duplicate_period_too(world):
    first = evaluate(world, {}, finalise=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerEvaluation.objects.create(
            partner=world.p1,
            scorecard=first.scorecard,
            period=first.period,
            evaluator=world.hq,
        )


@pytest.mark.parametrize("persona", ["p1_admin", "p1_user", "pm", "east_manager", "other_cm"])
def test_only_managers_in_scope_evaluate(world, persona):
    with pytest.raises(PermissionDenied):
        evaluation_create(actor=getattr(world, persona), partner=world.p1, period="2026Q1")


# --- rectification ----------------------------------------------------------------------------


def test_warning_grade_opens_a_rectification_that_is_then_closed(world):
    rectification = warn(world)

    with pytest.raises(ValidationError) as error:
        rectification_close(actor=world.channel_mgr, rectification=rectification, closing_note=" ")
    assert "closing_note" in error.value.message_dict
    closed = rectification_close(
        actor=world.channel_mgr, rectification=rectification, closing_note="已完成，季度达成85%"
    )

    assert closed.status == Rectification.Status.CLOSED and closed.closed_at is not None
    with pytest.raises(ConflictError):  # wrong state
        rectification_close(actor=world.channel_mgr, rectification=closed, closing_note="again")
    assert AuditEntry.objects.filter(object_id=str(closed.pk), action="update").exists()


def test_a_qualified_or_draft_evaluation_does_not_lead_to_rectification(world):
    qualified = evaluate(world, 8)
    draft = evaluate(world, 3, period="2026Q4", finalise=False)

    for evaluation in (qualified, draft):
        with pytest.raises(ValidationError):
            warn(world, evaluation)
    assert not Rectification.objects.exists()


@pytest.mark.parametrize("days", [0, -1])
def test_deadline_must_be_in_the_future(world, days):
    evaluation = evaluate(world, 5)

    with pytest.raises(ValidationError) as error:
        rectification_open(
            actor=world.channel_mgr,
            partner=world.p1,
            evaluation=evaluation,
            warning="w",
            plan="p",
            deadline=timezone.localdate() + timedelta(days=days),
        )

    assert "deadline" in error.value.message_dict
    assert not Rectification.objects.exists()


def test_rectification_tells_the_partner_admins(world, django_capture_on_commit_callbacks):
    evaluation = evaluate(world, 5)

    with django_capture_on_commit_callbacks(execute=True):
        warn(world, evaluation)

    assert world.p1_admin.notifications.filter(body__contains="销售业绩").exists()
    assert not world.p2_user.notifications.exists()


def test_partner_users_cannot_open_or_close_rectifications(world):
    rectification = warn(world)

    with pytest.raises(PermissionDenied):
        rectification_close(
            actor=world.p1_admin, rectification=rectification, closing_note="我们做完了"
        )


# --- exit -------------------------------------------------------------------------------------


def exit_partner(world, partner=None, reason="整改未完成"):
    partner = partner or world.p1
    approval = partner_exit_request(actor=world.channel_mgr, partner=partner, reason=reason)
    approval = approval_decide(
        actor=world.south_manager, approval=approval, decision=Decision.APPROVE
    )
    return approval_decide(actor=world.hq, approval=approval, decision=Decision.APPROVE)


def test_escalated_rectification_leads_to_exit_that_keeps_every_record(world):
    rectification = warn(world)
    PartnerContact.objects.create(partner=world.p1, name="吴鹏")
    credit_application_submit(
        actor=world.channel_mgr,
        partner=world.p1,
        data={"kind": "normal", "amount": "1000", "reason": "r"},
    )
    approval = rectification_escalate(
        actor=world.channel_mgr, rectification=rectification, reason="整改期满未完成"
    )
    assert [s.role for s in approval.steps.order_by("order")] == ["regional_manager", "director"]
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.OPEN  # until the exit is approved

    approval = approval_decide(
        actor=world.south_manager, approval=approval, decision=Decision.APPROVE
    )
    approval_decide(actor=world.hq, approval=approval, decision=Decision.APPROVE)

    world.p1.refresh_from_db()
    rectification.refresh_from_db()
    assert world.p1.status == Partner.Status.EXITED
    assert world.p1.exited_at is not None and world.p1.exit_reason == "整改期满未完成"
    assert not User.objects.filter(partner=world.p1, is_active=True).exists()
    assert User.objects.filter(partner=world.p1).count() == 2  # deactivated, not deleted
    assert rectification.status == Rectification.Status.EXIT
    assert PartnerEvaluation.objects.filter(partner=world.p1).count() == 1
    assert PartnerContact.objects.filter(partner=world.p1).count() == 1
    assert CreditApplication.objects.filter(partner=world.p1).count() == 1
    assert User.objects.get(pk=world.p2_user.pk).is_active  # another partner is untouched
    assert AuditEntry.objects.filter(
        object_id=str(world.p1.pk), changes__status=["active", "exited"]
    ).exists()
    assert AuditEntry.objects.filter(
        object_id=str(world.p1_user.pk), changes__is_active=[True, False]
    ).exists()


def test_exited_users_can_no_longer_log_in_nor_use_the_api(world):
    token = api_token_issue(user=world.p1_user)
    session = Client()
    assert (
        session.post(
            "/accounts/login/", {"identifier": world.p1_user.username, "password": PASSWORD}
        ).status_code
        == 302
    )

    exit_partner(world)

    login = Client().post(
        "/accounts/login/", {"identifier": world.p1_user.username, "password": PASSWORD}
    )
    api = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")
    old_session = session.get("/partners/")
    assert login.status_code == 200 and not login.wsgi_request.user.is_authenticated
    assert login.context["form"].non_field_errors()
    assert api.status_code == 401
    assert old_session.status_code == 302 and "/accounts/login/" in old_session["Location"]


def test_exit_needs_a_reason_a_manager_and_a_partner_still_in_the_channel(world):
    with pytest.raises(ValidationError) as error:
        partner_exit_request(actor=world.channel_mgr, partner=world.p1, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        partner_exit_request(actor=world.p1_admin, partner=world.p1, reason="不想干了")
    with pytest.raises(PermissionDenied):
        partner_exit_request(actor=world.other_cm, partner=world.p1, reason="x")

    exit_partner(world)
    world.p1.refresh_from_db()

    with pytest.raises(ValidationError):
        partner_exit_request(actor=world.channel_mgr, partner=world.p1, reason="again")
    with pytest.raises(ValidationError):
        evaluation_create(actor=world.channel_mgr, partner=world.p1, period="2027")


def test_a_second_exit_request_while_one_is_open_is_refused(world):
    partner_exit_request(actor=world.channel_mgr, partner=world.p1, reason="r")

    with pytest.raises(ValidationError):
        partner_exit_request(actor=world.south_manager, partner=world.p1, reason="r2")


def test_rejected_exit_leaves_the_partner_and_its_users_alone(world):
    rectification = warn(world)
    approval = rectification_escalate(
        actor=world.channel_mgr, rectification=rectification, reason="r"
    )

    approval_decide(
        actor=world.south_manager,
        approval=approval,
        decision=Decision.REJECT,
        comment="再给一次机会",
    )

    world.p1.refresh_from_db()
    rectification.refresh_from_db()
    assert world.p1.status == Partner.Status.ACTIVE
    assert User.objects.get(pk=world.p1_user.pk).is_active
    assert rectification.status == Rectification.Status.OPEN


# --- tier change from an evaluation ---------------------------------------------------------------


def test_tier_change_is_proposed_from_a_final_evaluation(world):
    if not tier_change_available():
        pytest.skip("the tiers module does not offer tier_change_propose yet")
    draft = evaluate(world, 10, period="2026Q1", finalise=False)
    with pytest.raises(ValidationError):
        evaluation_tier_change_propose(
            actor=world.channel_mgr, evaluation=draft, to_tier=tier("gold"), reason="优秀"
        )
    final = evaluate(world, 10)

    change = evaluation_tier_change_propose(
        actor=world.channel_mgr, evaluation=final, to_tier=tier("gold"), reason="考评优秀"
    )

    assert change.source == TierChange.Source.EVALUATION and change.evaluation == final
    assert change.to_tier.code == "gold" and change.status == TierChange.Status.PENDING


# --- pages ------------------------------------------------------------------------------------


def test_evaluation_journey_through_the_pages(world, as_user):
    client = as_user(world.channel_mgr)

    bad = client.post(f"/partners/{world.p1.pk}/evaluations/new/", {"period": "next year"})
    created = client.post(f"/partners/{world.p1.pk}/evaluations/new/", {"period": "2026Q2"})
    evaluation = PartnerEvaluation.objects.get()
    url = f"/partners/evaluations/{evaluation.pk}/"
    scores = {f"score_{code}": "6" for code in CODES}
    out_of_range = client.post(url, {**scores, "score_sales": "12", "action": "save"})
    saved = client.post(url, {**scores, "action": "save"})
    finalised = client.post(url, {**scores, "action": "finalise"})
    after = client.post(url, {**scores, "score_sales": "10", "action": "save"})
    page = client.get(url)

    assert bad.status_code == 200 and "period" in bad.context["form"].errors
    assert created.status_code == 302 and created["Location"] == url
    assert out_of_range.status_code == 200
    assert "score_sales" in out_of_range.context["form"].errors
    assert saved.status_code == 302 and finalised.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.grade == "warning" and evaluation.total_score == Decimal("60.00")
    assert after.status_code == 403  # a final evaluation no longer takes scores
    assert page.context["can_rectify"] and page.context["form"] is None


def test_rectification_and_exit_pages(world, as_user):
    evaluation = evaluate(world, 5)
    client = as_user(world.channel_mgr)
    form_url = f"/partners/evaluations/{evaluation.pk}/rectifications/new/"

    past = client.post(
        form_url, {"warning": "w", "plan": "p", "deadline": timezone.localdate().isoformat()}
    )
    opened = client.post(form_url, {"warning": "w", "plan": "p", "deadline": LATER.isoformat()})
    rectification = Rectification.objects.get()
    no_note = client.post(f"/partners/rectifications/{rectification.pk}/close/", {})
    escalated = client.post(
        f"/partners/rectifications/{rectification.pk}/escalate/", {"reason": "未整改"}
    )

    assert past.status_code == 200 and "deadline" in past.context["form"].errors
    assert opened.status_code == 302
    assert no_note.status_code == 200 and "closing_note" in no_note.context["form"].errors
    approval = approval_for(world.p1)
    assert escalated.status_code == 302 and escalated["Location"] == f"/approvals/{approval.pk}/"
    again = client.post(f"/partners/{world.p1.pk}/exit/", {"reason": "再次申请"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()


def test_exit_request_page(world, as_user):
    page = as_user(world.channel_mgr).get(f"/partners/{world.p1.pk}/exit/")
    refused = as_user(world.p1_admin).get(f"/partners/{world.p1.pk}/exit/")
    hidden = as_user(world.p2_user).get(f"/partners/{world.p1.pk}/exit/")
    done = as_user(world.channel_mgr).post(f"/partners/{world.p1.pk}/exit/", {"reason": "违规"})

    assert page.status_code == 200 and refused.status_code == 403 and hidden.status_code == 404
    assert done.status_code == 302 and approval_for(world.p1).payload["reason"] == "违规"


def test_partner_users_see_only_their_final_evaluations(world, as_user, as_api):
    final = evaluate(world, 8)
    draft = evaluate(world, 8, period="2026Q4", finalise=False)
    other = evaluate(world, 8, partner=world.p2)

    p1 = as_user(world.p1_user)
    p2 = as_user(world.p2_user)
    assert p1.get(f"/partners/evaluations/{final.pk}/").status_code == 200
    assert p1.get(f"/partners/evaluations/{draft.pk}/").status_code == 404
    assert p1.get(f"/partners/evaluations/{other.pk}/").status_code == 404
    assert p2.get(f"/partners/evaluations/{final.pk}/").status_code == 404
    assert p1.post(f"/partners/evaluations/{final.pk}/rectifications/new/").status_code == 403
    listed = as_api(world.p1_user).get(f"/api/v1/partners/{world.p1.pk}/evaluations").json()
    assert [row["id"] for row in listed["items"]] == [final.pk]
    assert (
        as_api(world.p2_user).get(f"/api/v1/partners/{world.p1.pk}/evaluations").status_code == 404
    )


def test_evaluations_api_list_query_count(world, as_api, django_assert_max_num_queries):
    for year in range(2000, 2025):
        evaluate(world, 7, period=str(year), finalise=False)
    api = as_api(world.channel_mgr)

    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/partners/{world.p1.pk}/evaluations?page_size=50")

    assert response.json()["count"] == 25


def test_rectifications_api(world, as_api):
    rectification = warn(world)

    mine = as_api(world.p1_admin).get(f"/api/v1/partners/{world.p1.pk}/rectifications").json()
    theirs = as_api(world.p2_user).get(f"/api/v1/partners/{world.p1.pk}/rectifications")

    assert [row["id"] for row in mine["items"]] == [rectification.pk]
    assert theirs.status_code == 404


def test_evaluation_detail_query_count(world, as_user, django_assert_max_num_queries):
    evaluation = evaluate(world, 5)
    for _ in range(3):
        warn(world, evaluation)
    client = as_user(world.channel_mgr)

    # 14: the history reads the names its foreign keys point to (partner, scorecard, user), one
    # query per related model whatever the rows.
    with django_assert_max_num_queries(14):
        assert client.get(f"/partners/evaluations/{evaluation.pk}/").status_code == 200


def test_unknown_partner_user_cannot_apply_scores(world):
    stranger = UserFactory(roles=["channel_manager"])
    evaluation = evaluate(world, {}, finalise=False)

    with pytest.raises(PermissionDenied):
        evaluation_scores_set(actor=stranger, evaluation=evaluation, scores={"sales": 5})


def test_tier_change_page_from_a_final_evaluation(world, as_user):
    if not tier_change_available():
        pytest.skip("the tiers module does not offer tier_change_propose yet")
    evaluation = evaluate(world, 10)
    client = as_user(world.channel_mgr)
    url = f"/partners/evaluations/{evaluation.pk}/tier-change/"

    page = client.get(url)
    same_tier = client.post(url, {"to_tier": "silver", "reason": "保持"})
    proposed = client.post(url, {"to_tier": "gold", "reason": "考评优秀"})
    partner_view = as_user(world.p1_admin).get(url)

    assert page.status_code == 200
    # "silver" is a valid choice, so the refusal comes from the service: already in that tier.
    assert same_tier.status_code == 200 and "to_tier" in same_tier.context["form"].errors
    assert proposed.status_code == 302, proposed.context["form"].errors
    change = TierChange.objects.get()
    assert change.evaluation == evaluation and change.source == "evaluation"
    assert partner_view.status_code == 403
