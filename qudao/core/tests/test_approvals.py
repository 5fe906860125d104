"""Approvals: chains by role or named user, decisions, history, notifications, inbox, and
exactly one winner when two people decide the same step at once."""

import threading

import pytest
from django.db import close_old_connections, connection

from qudao.core import hooks
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalEvent, ApprovalRequest, ApprovalStep, AuditEntry, Notification
from qudao.core.selectors import approvals_awaiting, approvals_awaiting_counts
from qudao.core.services.approvals import (
    ApprovalKind,
    Decision,
    StepSpec,
    approval_cancel,
    approval_comment,
    approval_decide,
    approval_resubmit,
    approval_start,
)
from qudao.core.tests.factories import UserFactory
from qudao.partners.models import Partner
from qudao.partners.services import partner_activation_submit
from qudao.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
HOOK_CALLS: list[tuple[str, int]] = []
hooks.approval_kind(
    ApprovalKind(
        code="test_kind",
        label="Test",
        on_approved=lambda approval, actor: HOOK_CALLS.append(("approved", approval.pk)),
        on_rejected=lambda approval, actor: HOOK_CALLS.append(("rejected", approval.pk)),
        on_returned=lambda approval, actor: HOOK_CALLS.append(("returned", approval.pk)),
    )
)


@pytest.fixture
def prospect(world):
    world.p1.status = Partner.Status.PROSPECT
    world.p1.save()
    return world.p1


def submit(world, partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return partner_activation_submit(actor=world.channel_mgr, partner=partner)


def test_chain_runs_step_by_step_and_hook_activates_partner(
    world, prospect, django_capture_on_commit_callbacks
):
    approval = submit(world, prospect, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=world.south_manager).count() == 1
    assert not Notification.objects.filter(recipient=world.east_manager).exists()

    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(actor=world.south_manager, approval=approval, decision=Decision.APPROVE)
    approval.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.PENDING
    assert Notification.objects.filter(recipient=world.hq).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(
            actor=world.hq, approval=approval, decision=Decision.APPROVE, comment="同意"
        )

    approval.refresh_from_db()
    prospect.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.APPROVED
    assert prospect.status == Partner.Status.ACTIVE
    assert AuditEntry.objects.filter(
        object_id=str(prospect.pk), action="state", changes__status=["prospect", "active"]
    ).exists()
    actions = list(approval.events.values_list("action", flat=True))
    assert actions == ["submitted", "approved", "approved"]
    assert Notification.objects.filter(recipient=world.channel_mgr).count() == 1


def test_only_an_approver_of_the_current_step_may_decide(world, prospect):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)

    for outsider in (world.east_manager, world.hq, world.channel_mgr, world.p1_admin):
        with pytest.raises(PermissionDenied):
            approval_decide(actor=outsider, approval=approval, decision=Decision.APPROVE)

    assert approval.steps.get(order=0).status == ApprovalStep.Status.PENDING


@pytest.mark.parametrize("decision", [Decision.REJECT, Decision.RETURN])
def test_reject_and_return_need_a_reason(world, prospect, decision):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)

    with pytest.raises(ValidationError) as error:
        approval_decide(
            actor=world.south_manager, approval=approval, decision=decision, comment=" "
        )

    assert "comment" in error.value.message_dict
    assert approval.steps.get(order=0).status == ApprovalStep.Status.PENDING


def test_reject_is_final_and_leaves_the_partner_unchanged(world, prospect):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)

    approval_decide(
        actor=world.south_manager, approval=approval, decision=Decision.REJECT, comment="资料不全"
    )

    approval.refresh_from_db()
    prospect.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.REJECTED
    assert prospect.status == Partner.Status.PROSPECT
    assert list(approval.steps.values_list("status", flat=True)) == ["rejected", "cancelled"]
    with pytest.raises(ConflictError):
        approval_decide(actor=world.south_manager, approval=approval, decision=Decision.APPROVE)


def test_return_then_resubmit_starts_the_chain_again(world, prospect):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    approval_decide(actor=world.south_manager, approval=approval, decision=Decision.APPROVE)
    approval_decide(
        actor=world.hq, approval=approval, decision=Decision.RETURN, comment="补充营业执照"
    )
    approval.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.RETURNED

    with pytest.raises(PermissionDenied):
        approval_resubmit(actor=world.south_manager, approval=approval)
    approval_resubmit(actor=world.channel_mgr, approval=approval, comment="已补充")

    approval.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.PENDING
    assert list(approval.steps.values_list("status", flat=True)) == ["pending", "waiting"]
    assert [e.action for e in approval.events.all()] == [
        "submitted",
        "approved",
        "returned",
        "resubmitted",
    ]


def test_stale_version_loses_with_a_clear_conflict(world, prospect):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    seen_version = approval.version
    approval_comment(actor=world.south_manager, approval=approval, comment="看一下")
    approval_decide(actor=world.south_manager, approval=approval, decision=Decision.APPROVE)

    with pytest.raises(ConflictError):
        approval_decide(
            actor=world.hq, approval=approval, decision=Decision.APPROVE, version=seen_version
        )


def test_one_open_approval_of_a_kind_per_object(world, prospect):
    partner_activation_submit(actor=world.channel_mgr, partner=prospect)

    with pytest.raises(ValidationError):
        partner_activation_submit(actor=world.channel_mgr, partner=prospect)

    assert ApprovalRequest.objects.count() == 1


def test_named_approver_chain_and_hooks(world):
    finance = UserFactory(roles=["finance"])
    approval = approval_start(
        actor=world.channel_mgr,
        target=world.p1,
        kind="test_kind",
        title="专项额度",
        steps=[StepSpec(name="指定人", approver=world.pm), StepSpec(name="财务", role="finance")],
    )
    HOOK_CALLS.clear()

    with pytest.raises(PermissionDenied):
        approval_decide(actor=finance, approval=approval, decision=Decision.APPROVE)
    approval_decide(actor=world.pm, approval=approval, decision=Decision.APPROVE)
    approval_decide(actor=finance, approval=approval, decision=Decision.APPROVE)

    assert [("approved", approval.pk)] == HOOK_CALLS


def test_bad_chains_are_refused(world):
    for steps, kind in (
        ([], "test_kind"),
        ([StepSpec(name="x")], "test_kind"),
        ([StepSpec(name="x", role="director")], "unknown"),
    ):
        with pytest.raises(ValidationError):
            approval_start(actor=world.hq, target=world.p1, kind=kind, title="t", steps=steps)
    with pytest.raises(PermissionDenied):
        approval_start(
            actor=world.p2_user,
            target=world.p1,
            kind="test_kind",
            title="t",
            steps=[StepSpec(name="x", role="director")],
        )
    assert ApprovalRequest.objects.count() == 0


def test_cancel_by_requester_only(world, prospect):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)

    with pytest.raises(PermissionDenied):
        approval_cancel(actor=world.south_manager, approval=approval)
    approval_cancel(actor=world.channel_mgr, approval=approval)

    approval.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.CANCELLED
    assert not approvals_awaiting(world.south_manager).exists()


def test_inbox_holds_what_i_may_decide(world, prospect):
    east_prospect = PartnerFactory(region=world.shanghai, owner=world.other_cm, status="prospect")
    mine = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    theirs = partner_activation_submit(actor=world.other_cm, partner=east_prospect)

    assert list(approvals_awaiting(world.south_manager)) == [mine]
    assert list(approvals_awaiting(world.east_manager)) == [theirs]
    assert not approvals_awaiting(world.hq).exists()  # director's step comes second
    assert not approvals_awaiting(world.p1_admin).exists()


def test_inbox_is_built_once_per_user_object_and_still_follows_the_data(
    world, prospect, monkeypatch
):
    """The inbox's scope filter is built once per request (kept on the user object), but each
    call returns a fresh queryset: what it holds follows the data."""
    from qudao.core import scopes

    built = []
    real = scopes.generic_targets_q
    monkeypatch.setattr(
        scopes,
        "generic_targets_q",
        lambda *args, **kwargs: built.append(1) or real(*args, **kwargs),
    )
    manager = world.south_manager
    assert not approvals_awaiting(manager).exists()

    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    assert list(approvals_awaiting(manager)) == [approval]
    approval_cancel(actor=world.channel_mgr, approval=approval)
    assert approvals_awaiting(manager).count() == 0
    assert len(built) == 1


def test_the_inbox_is_counted_by_kind_in_one_query_per_request(
    world, prospect, django_assert_num_queries
):
    # Given a partner activation and an approval of another kind waiting for the regional
    # manager, and one of the east region's that is not theirs
    activation = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    approval_start(
        actor=world.channel_mgr,
        target=PartnerFactory(region=world.shenzhen, owner=world.channel_mgr),
        kind="test_kind",
        title="专项额度",
        steps=[StepSpec(name="大区", role="regional_manager")],
    )
    east = PartnerFactory(region=world.shanghai, owner=world.other_cm, status="prospect")
    partner_activation_submit(actor=world.other_cm, partner=east)
    manager = world.south_manager
    approvals_awaiting(manager)  # the user's roles and regions, read once per request

    # When the counts are asked for twice in one request
    with django_assert_num_queries(1):
        counts = approvals_awaiting_counts(manager)
        again = approvals_awaiting_counts(manager)

    # Then one query counted each kind of what the manager may decide
    assert counts == again == {activation.kind: 1, "test_kind": 1}
    assert not approvals_awaiting_counts(world.p1_admin)


# --- through the pages and the API ----------------------------------------------------------


def test_decide_through_the_page(world, prospect, as_user):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    client = as_user(world.south_manager)
    assert client.get("/approvals/").context["page"].paginator.count == 1

    missing_reason = client.post(
        f"/approvals/{approval.pk}/",
        {"action": "decide", "decision": "reject", "comment": "", "version": approval.version},
    )
    assert missing_reason.status_code == 200
    assert missing_reason.context["decision_form"].errors

    ok = client.post(
        f"/approvals/{approval.pk}/",
        {"action": "decide", "decision": "approve", "comment": "", "version": approval.version},
    )
    assert ok.status_code == 302
    assert approval.steps.get(order=0).status == ApprovalStep.Status.APPROVED


def test_decide_through_the_api_with_errors(world, prospect, as_api):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    url = f"/api/v1/approvals/{approval.pk}"

    forbidden = as_api(world.channel_mgr).post(
        f"{url}/approve", {}, content_type="application/json"
    )
    hidden = as_api(world.east_manager).post(f"{url}/approve", {}, content_type="application/json")
    no_reason = as_api(world.south_manager).post(
        f"{url}/reject", {}, content_type="application/json"
    )
    stale = as_api(world.south_manager).post(
        f"{url}/approve", {"version": 99}, content_type="application/json"
    )
    ok = as_api(world.south_manager).post(
        f"{url}/approve", {"version": approval.version}, content_type="application/json"
    )
    again = as_api(world.south_manager).post(f"{url}/approve", {}, content_type="application/json")

    assert forbidden.status_code == 403
    assert hidden.status_code == 404
    assert no_reason.status_code == 422 and "comment" in no_reason.json()["errors"]
    assert stale.status_code == 409
    assert ok.status_code == 200 and ok.json()["steps"][0]["status"] == "approved"
    assert again.status_code == 403  # the current step is now the director's
    inbox = as_api(world.hq).get("/api/v1/approvals?box=awaiting").json()
    assert [row["id"] for row in inbox["items"]] == [approval.pk]


def test_partner_2_cannot_see_an_approval_on_partner_1(world, prospect, as_api, as_user):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)

    assert as_api(world.p2_user).get(f"/api/v1/approvals/{approval.pk}").status_code == 404
    assert as_user(world.p2_user).get(f"/approvals/{approval.pk}/").status_code == 404
    assert as_api(world.p2_user).get("/api/v1/approvals?box=all").json()["items"] == []
    assert list(as_user(world.p2_user).get("/approvals/?tab=all").context["page"]) == []
    # Partner 1's own users can follow it, on the list pages (rows read by id) too.
    assert as_api(world.p1_admin).get(f"/api/v1/approvals/{approval.pk}").status_code == 200
    listed = as_api(world.p1_admin).get("/api/v1/approvals?box=all").json()["items"]
    assert [row["id"] for row in listed] == [approval.pk]
    page = as_user(world.p1_admin).get("/approvals/?tab=all").context["page"]
    assert [row.pk for row in page] == [approval.pk]


def test_approval_pages_keep_query_counts_flat(world, as_user, django_assert_max_num_queries):
    for _ in range(30):
        partner = PartnerFactory(region=world.shenzhen, owner=world.channel_mgr, status="prospect")
        partner_activation_submit(actor=world.channel_mgr, partner=partner)
    client = as_user(world.south_manager)

    with django_assert_max_num_queries(14):
        response = client.get("/approvals/?tab=all")
    assert len(response.context["page"]) == 20
    with django_assert_max_num_queries(14):
        client.get("/approvals/")
    approval = ApprovalRequest.objects.first()
    with django_assert_max_num_queries(25):
        assert client.get(f"/approvals/{approval.pk}/").status_code == 200


def test_an_inbox_page_applies_the_scope_once_and_keeps_the_order(
    world, as_user, as_api, django_assert_max_num_queries
):
    # Given 25 partner activations waiting for the regional manager
    submitted = []
    for _ in range(25):
        partner = PartnerFactory(region=world.shenzhen, owner=world.channel_mgr, status="prospect")
        submitted.append(partner_activation_submit(actor=world.channel_mgr, partner=partner))
    newest_first = [approval.pk for approval in reversed(submitted)]

    # When the inbox's first page is read
    client = as_user(world.south_manager)
    with django_assert_max_num_queries(14) as context:
        response = client.get("/approvals/")

    # Then it holds the 20 newest, newest first
    assert [row.pk for row in response.context["page"]] == newest_first[:20]
    # and the scope (steps and the subquery per kind of object) is read by the count and by the
    # page's ids, not again by the query that reads the page's rows
    queries = [q["sql"] for q in context.captured_queries]
    assert len([sql for sql in queries if "core_approvalstep" in sql]) == 2
    [rows] = [sql for sql in queries if '"core_approvalrequest"."title"' in sql]
    assert "core_approvalstep" not in rows
    # as in the API
    page = as_api(world.south_manager).get("/api/v1/approvals?page=2&page_size=10").json()
    assert [row["id"] for row in page["items"]] == newest_first[10:20]
    assert page["count"] == 25


# --- two decisions at the same moment ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_exactly_one_wins():
    from qudao.core.tests.factories import OfficeFactory, RegionFactory

    region = RegionFactory()
    office = OfficeFactory(parent=region)
    first = UserFactory(roles=["regional_manager"], region=region)
    second = UserFactory(roles=["regional_manager"], region=region)
    owner = UserFactory(roles=["channel_manager"], region=office)
    partner = PartnerFactory(region=office, owner=owner, status="prospect")
    approval = partner_activation_submit(actor=owner, partner=partner)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(user, decision, comment):
        try:
            barrier.wait(timeout=10)
            approval_decide(
                actor=user,
                approval=approval,
                decision=decision,
                comment=comment,
                version=approval.version,
            )
            outcomes[user.username] = "won"
        except ConflictError as error:
            outcomes[user.username] = f"conflict: {error.message}"
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(first, Decision.APPROVE, "")),
        threading.Thread(target=decide, args=(second, Decision.REJECT, "不同意")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["conflict", "won"], outcomes
    step = ApprovalStep.objects.get(request=approval, order=0)
    decisions = ApprovalEvent.objects.filter(request=approval).exclude(action="submitted")
    assert decisions.count() == 1
    assert step.decided_by_id in {first.pk, second.pk}
    assert step.status == ("approved" if outcomes[first.username] == "won" else "rejected")


def test_a_decision_read_before_the_chain_moved_on_is_a_conflict_not_a_refusal(world, prospect):
    # Given a page read the activation while its first step was current
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    read = ApprovalRequest.objects.get(pk=approval.pk)
    approval_decide(actor=world.south_manager, approval=approval, decision=Decision.APPROVE)

    # When the same step is decided from that read, without a version
    with pytest.raises(ConflictError):
        approval_decide(actor=world.south_manager, approval=read, decision=Decision.APPROVE)

    # Then the director's step still waits; read afresh, the manager is simply no approver
    assert approval.steps.get(order=1).status == ApprovalStep.Status.PENDING
    with pytest.raises(PermissionDenied):
        approval_decide(
            actor=world.south_manager,
            approval=ApprovalRequest.objects.get(pk=approval.pk),
            decision=Decision.APPROVE,
        )


@pytest.mark.django_db(transaction=True)
def test_two_api_decisions_without_version_give_200_and_409(world, prospect, as_api, monkeypatch):
    from qudao.core import selectors

    # Given two managers of the region may decide the activation's first step
    colleague = UserFactory(roles=["regional_manager"], region=world.south)
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    clients = [as_api(world.south_manager), as_api(colleague)]
    barrier = threading.Barrier(2)
    real = selectors.approval_get_for_user

    def read_then_wait(user, pk):
        read = real(user, pk)
        barrier.wait(timeout=20)  # both requests read the approval before either decides
        return read

    monkeypatch.setattr(selectors, "approval_get_for_user", read_then_wait)
    responses = [None, None]

    def approve(index):
        try:
            responses[index] = clients[index].post(
                f"/api/v1/approvals/{approval.pk}/approve", {}, content_type="application/json"
            )
        finally:
            close_old_connections()
            connection.close()

    # When both approve at once, without a version
    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then one decision is recorded and the other is a 409, not a 403 for the director's step
    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    assert ApprovalEvent.objects.filter(request=approval, action="approved").count() == 1
    assert approval.steps.get(order=1).status == ApprovalStep.Status.PENDING


# --- the approval page: what is decided, no preselected decision, the kind's own fields -------


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def test_no_decision_is_preselected_and_submitting_none_changes_nothing(world, prospect, as_user):
    approval = partner_activation_submit(actor=world.channel_mgr, partner=prospect)
    client = as_user(world.south_manager)

    page = client.get(f"/approvals/{approval.pk}/")
    form = page.context["decision_form"]
    assert form["decision"].value() is None
    html = page.content.decode()
    radios = [line for line in html.split("<input") if 'name="decision"' in line]
    assert len(radios) == 3 and not any("checked" in radio for radio in radios)

    # Submitting without a decision: a clear error, in the reader's language; nothing changes
    posted = {"action": "decide", "comment": "", "version": approval.version}
    chinese = client.post(f"/approvals/{approval.pk}/", posted)
    english = in_english(as_user(world.south_manager)).post(f"/approvals/{approval.pk}/", posted)
    assert chinese.status_code == english.status_code == 200
    assert "decision" in chinese.context["decision_form"].errors
    assert "请选择审批意见：通过、驳回或退回修改。" in chinese.content.decode()
    assert "Choose a decision: approve, reject or return for changes." in english.content.decode()
    approval.refresh_from_db()
    assert approval.version == 1 and approval.status == ApprovalRequest.Status.PENDING
    assert approval.steps.get(order=0).status == ApprovalStep.Status.PENDING
    assert list(approval.events.values_list("action", flat=True)) == ["submitted"]


PANEL_CALLS: list[int] = []


def _panel(approval, viewer):
    PANEL_CALLS.append(viewer.pk)
    return "core/approvals/_summary.html", {
        "rows": [{"label": "Budget", "value": 1234567, "format": "money"}],
        "note": "为何要做",
    }


def _check(approval, actor, decision, extra):
    code = (extra.get("code") or "").strip()
    if decision == Decision.APPROVE and not code:
        raise ValidationError({"code": "Give the code."})
    if code:
        approval.payload = {**approval.payload, "code": code}
        approval.save(update_fields=["payload"])


hooks.approval_kind(
    ApprovalKind(
        code="test_context_kind",
        label="Context",
        panel=_panel,
        decision_fields=lambda approval, actor: {
            "code": __import__("django").forms.CharField(label="Code", required=False)
        },
        check_decision=_check,
        amount=lambda partner: partner.credit_limit,
    )
)


def context_approval(world) -> ApprovalRequest:
    return approval_start(
        actor=world.channel_mgr,
        target=world.p1,
        kind="test_context_kind",
        title="带上下文的审批",
        steps=[StepSpec(name="一", approver=world.south_manager)],
    )


def test_the_page_shows_the_kinds_panel_to_who_can_see_the_object(world, as_user):
    approval = context_approval(world)

    page = as_user(world.south_manager).get(f"/approvals/{approval.pk}/").content.decode()
    hidden = as_user(world.p2_user).get(f"/approvals/{approval.pk}/")

    assert 'data-testid="approval-panel"' in page and "¥1,234,567.00" in page
    assert page.index('data-testid="approval-panel"') < page.index('name="decision"')
    assert "为何要做" in page and 'name="code"' in page
    assert hidden.status_code == 404 and world.p2_user.pk not in PANEL_CALLS


def test_the_kinds_decision_field_is_checked_by_the_service_on_the_page(world, as_user):
    approval = context_approval(world)
    client = as_user(world.south_manager)
    url = f"/approvals/{approval.pk}/"

    refused = client.post(url, {"action": "decide", "decision": "approve", "version": 1})
    assert refused.status_code == 200
    assert refused.context["decision_form"].errors["code"] == ["Give the code."]
    approval.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.PENDING and approval.version == 1
    assert "code" not in approval.payload

    done = client.post(url, {"action": "decide", "decision": "approve", "version": 1, "code": "A1"})
    assert done.status_code == 302
    approval.refresh_from_db()
    assert approval.status == ApprovalRequest.Status.APPROVED
    assert approval.payload["code"] == "A1"
    # and through the service directly, the rule holds the same way
    second = context_approval(world)
    with pytest.raises(ValidationError):
        approval_decide(actor=world.south_manager, approval=second, decision=Decision.APPROVE)


def test_the_list_shows_kind_object_link_and_amount_in_flat_queries(
    world, as_user, django_assert_max_num_queries
):
    world.p1.credit_limit = 500000
    world.p1.save()
    context_approval(world)
    for _ in range(25):
        partner = PartnerFactory(region=world.shenzhen, owner=world.channel_mgr, status="prospect")
        partner_activation_submit(actor=world.channel_mgr, partner=partner)
    client = as_user(world.south_manager)

    with django_assert_max_num_queries(15):
        response = client.get("/approvals/?tab=all&page=2")
    html = response.content.decode()
    rows = list(response.context["page"])
    assert len(rows) == 6
    [context] = [row for row in rows if row.kind == "test_context_kind"]
    assert context.kind_label == "Context" and context.target_url == world.p1.get_absolute_url()
    assert "¥500,000.00" in html and f'href="{world.p1.get_absolute_url()}"' in html
    assert html.count('data-testid="approval-row"') == 6
    with django_assert_max_num_queries(15):
        first = client.get("/approvals/?tab=all")
    assert len(first.context["page"]) == 20
