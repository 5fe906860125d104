"""Reads of approvals: who may see one, the inbox, an approval's steps and history."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

from .. import scopes
from ..models import ApprovalRequest, ApprovalStep, User


def approvals_visible_to(user: User) -> QuerySet[ApprovalRequest]:
    """Approvals the user requested, is or was an approver of, or whose object they can see."""
    base = ApprovalRequest.objects.select_related("requested_by", "content_type")
    targets = scopes.generic_targets_q(
        user, "content_type", "object_id", pointers=ApprovalRequest.objects.all()
    )
    if targets is None:
        return base
    involved = ApprovalStep.objects.filter(Q(approver=user) | Q(decided_by=user)).values("request")
    visible = ApprovalRequest.objects.filter(Q(requested_by=user) | Q(pk__in=involved) | targets)
    return _in_compiled(base, visible.values("pk"))


def _in_compiled(rows: QuerySet, ids: QuerySet) -> QuerySet:
    """`rows` whose id is in `ids` (one column), `ids` compiled to SQL once, here.

    For the approvals' scope filters: they hold a subquery per registered model, costly to
    compile each time a queryset holding them is evaluated (a list counts, then reads a page;
    a home page asks for the inbox several times). The SQL is run each time, so the rows follow
    the data."""
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:
        return rows.none()
    return rows.filter(pk__in=RawSQL(sql, params))


def approvals_awaiting_counts(user: User) -> dict[str, int]:
    """The inbox's size by kind of approval, counted in one query once per request (kept on the
    user object, as the inbox is): a home page shows the whole inbox's count and, in the
    modules' cards, their own kinds' (see bench/README.md)."""
    if not hasattr(user, "_approvals_awaiting_counts"):
        rows = approvals_awaiting(user).order_by().values("kind").annotate(count=Count("pk"))
        user._approvals_awaiting_counts = {row["kind"]: row["count"] for row in rows}
    return user._approvals_awaiting_counts


def approvals_by_id(ids: list[int]) -> dict[int, ApprovalRequest]:
    """Approvals by id, with what a list shows: the page of a list whose ids came from a scoped
    query (see `IdsFirstPaginator`), so that the scope is not applied a second time."""
    return ApprovalRequest.objects.select_related("requested_by", "content_type").in_bulk(ids)


def approval_get_for_user(user: User, pk: int) -> ApprovalRequest:
    return approvals_visible_to(user).get(pk=pk)


def approvals_awaiting(user: User) -> QuerySet[ApprovalRequest]:
    """The inbox: open requests whose current step this user may decide.

    Built once per request and kept on the user object (as the region ids are), a fresh copy
    returned each time: its scope filter holds a subquery per registered model, and a home page
    asks for the inbox twice, its counts by kind once (`approvals_awaiting_counts`) and its
    first rows (building and compiling it is costly, see `_in_compiled`). Nothing in it depends
    on the data, only on the user's roles and region."""
    if not hasattr(user, "_approvals_awaiting"):
        mine = Q(approver=user)
        if not user.is_partner_user and user.role_codes:
            by_role = Q(approver__isnull=True, role__in=user.role_codes)
            targets = scopes.generic_targets_q(
                user,
                "request__content_type",
                "request__object_id",
                pointers=ApprovalRequest.objects.filter(status=ApprovalRequest.Status.PENDING),
            )
            mine |= by_role if targets is None else by_role & targets
        steps = ApprovalStep.objects.filter(mine, status=ApprovalStep.Status.PENDING)
        user._approvals_awaiting = _in_compiled(
            ApprovalRequest.objects.select_related("requested_by", "content_type").filter(
                status=ApprovalRequest.Status.PENDING
            ),
            steps.values("request"),
        )
    return user._approvals_awaiting.all()


def approvals_for_object(user: User, obj: Model) -> QuerySet[ApprovalRequest]:
    return approvals_visible_to(user).filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )


def approval_detail(approval: ApprovalRequest) -> dict:
    """Steps and history of one approval, with the people on them, in two queries."""
    steps = list(approval.steps.select_related("approver", "decided_by").order_by("order"))
    events = list(approval.events.select_related("actor", "step").order_by("created_at", "id"))
    current = next((s for s in steps if s.status == ApprovalStep.Status.PENDING), None)
    return {"steps": steps, "events": events, "current_step": current}
