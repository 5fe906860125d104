"""Data scopes: the one place that knows who may see which rows.

Each app declares, for each of its models, how the model maps to the organisation
(`register(Model, ScopeRule(...))`); every selector starts from `visible(queryset, user)`.

- HQ roles (and superusers) see everything.
- A partner user sees only rows of its own partner, never another partner's.
- A regional manager sees rows in their region's subtree (the region and its offices).
- A channel manager sees the partners they own and what belongs to those partners.
- A member (e.g. of a project team) sees the rows they are a member of.
- Whoever holds a pending step of an approval on a row sees the row, where the model's rule
  says so (`deciders`): a reviewer named on a step (the customer region's manager of another
  region's partner's registration) reads what they decide. A step by role is held only by role
  holders who already see the row (`approvals.can_decide`), so only named approvers gain rows.
  Partner users never gain another partner's rows this way.
A vendor user with several roles sees the union.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BigIntegerField,
    CharField,
    Exists,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast

from . import hooks, roles
from .models import ApprovalRequest, ApprovalStep, Region, Role, User


@dataclass(frozen=True)
class ScopeRule:
    """Lookups from a model to the organisation; None where the model has no such link."""

    region: str | None = None  # to a Region foreign key (a region or an office)
    partner: str | None = None  # to the Partner foreign key
    owner: str | None = None  # to the vendor user in charge (the partner's channel manager)
    member: str | None = None  # to the users who are members (e.g. a project team)
    deciders: bool = False  # the approvers of a pending step of an approval on the row see it


def registered_models() -> list[type[Model]]:
    return list(hooks.scope_rules())


def rule_for(model: type[Model]) -> ScopeRule:
    try:
        return hooks.scope_rules()[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no data-scope rule; register one.") from None


def sees_everything(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_partner_user:
        return False
    return user.is_superuser or user.has_role(*roles.HQ)


def region_subtree_ids(region_id: int) -> list[int]:
    """The region and every office below it (the tree is small, so walk it in memory)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Region.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [region_id]
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(children.get(node, []))
    return found


def user_region_ids(user: User) -> list[int]:
    """The ids of `user`'s region and every office below it ([] without a region), read once per
    user object (a request's user: every check in the request shares one read of the tree)."""
    if not hasattr(user, "_scope_region_ids"):
        user._scope_region_ids = region_subtree_ids(user.region_id) if user.region_id else []
    return user._scope_region_ids


def _lookup_q(model: type[Model], lookup: str, value) -> Q:
    """`Q(**{lookup: value})`, with a lookup across a foreign key written as EXISTS:
    `partner__owner=5` becomes `EXISTS (SELECT 1 FROM partner WHERE id = partner_id AND
    owner_id = 5)`.

    A join, or an `IN (SELECT …)` list, lets SQLite start from the related rows and sort every
    matching row before taking a page; with EXISTS it walks the index that gives the list's
    order and stops after a page (the count, which checks the partner per row, is slower, a
    price paid once per list rather than per page).
    """
    first, _, rest = lookup.partition("__")
    if not rest or rest == "in":
        return Q(**{lookup: value})
    field = model._meta.get_field(first)
    if not field.many_to_one:
        return Q(**{lookup: value})
    related = field.related_model._base_manager.filter(pk=OuterRef(first), **{rest: value})
    return Q(Exists(related))


def scope_q(user: User, model: type[Model]) -> Q | None:
    """The filter that limits `model` to what `user` may see; None means no limit."""
    rule = rule_for(model)
    nothing = Q(pk__in=[])
    if not user.is_authenticated or not user.is_active:
        return nothing
    if user.is_partner_user:
        return _lookup_q(model, rule.partner, user.partner_id) if rule.partner else nothing
    if sees_everything(user):
        return None
    q = nothing
    if rule.region and user.has_role(Role.Code.REGIONAL_MANAGER) and user.region_id:
        q |= _lookup_q(model, f"{rule.region}__in", user_region_ids(user))
    if rule.owner and user.has_role(Role.Code.CHANNEL_MANAGER):
        q |= _lookup_q(model, rule.owner, user.pk)
    if rule.member:
        q |= Q(pk__in=model._default_manager.filter(**{rule.member: user.pk}).values("pk"))
    if rule.deciders:
        q |= Q(pk__in=_decided_by(user, model))
    return q


def _decided_by(user: User, model: type[Model]) -> QuerySet:
    """The ids of the rows of `model` with an open approval whose pending step names `user`: a
    handful of rows, from the steps' approver index."""
    return ApprovalStep.objects.filter(
        approver=user.pk,
        status=ApprovalStep.Status.PENDING,
        request__status=ApprovalRequest.Status.PENDING,
        request__content_type__app_label=model._meta.app_label,
        request__content_type__model=model._meta.model_name,
    ).values(key=ObjectIdAsKey("request__object_id"))


def visible(queryset: QuerySet, user: User) -> QuerySet:
    """`queryset` limited to the rows `user` may see."""
    q = scope_q(user, queryset.model)
    return queryset if q is None else queryset.filter(q)


def visible_in_regions(queryset: QuerySet, user: User, region_ids: list[int]) -> QuerySet:
    """`visible(queryset, user)` limited to the rows whose scope region (the rule's `region`)
    is one of `region_ids`: a list filtered by region.

    When those regions all lie in a regional manager's own subtree, the region filter is the
    whole scope: every row in them is the manager's, and the other rules (partners owned, teams
    joined) only add rows outside the filter. Written out anyway, they make PostgreSQL read
    every matching row's table row to test the team rule instead of answering from the index.
    """
    model = queryset.model
    rule = rule_for(model)
    if rule.region is None:
        raise LookupError(f"{model.__name__} has no region in its data-scope rule.")
    in_regions = queryset.filter(_lookup_q(model, f"{rule.region}__in", list(region_ids)))
    if (
        user.is_authenticated
        and user.is_active
        and not user.is_partner_user
        and user.region_id
        and user.has_role(Role.Code.REGIONAL_MANAGER)
        and set(region_ids) <= set(user_region_ids(user))
    ):
        return in_regions
    return visible(in_regions, user)


def can_see(user: User, obj: Model) -> bool:
    return visible(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


class ObjectIdAsKey(Func):
    """A generic relation's object id (kept as text) as a bigint, so that it meets the objects'
    primary key through its index; NULL where the text is not a number, on PostgreSQL, where the
    cast would fail (SQLite casts such text to 0, which no row has)."""

    output_field = BigIntegerField()
    template = "CAST(%(expressions)s AS bigint)"

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=(
                "CASE WHEN %(expressions)s ~ '^[0-9]{1,18}$' "
                "THEN CAST(%(expressions)s AS bigint) END"
            ),
            **extra,
        )


def generic_targets_q(user: User, ct_field: str, id_field: str, *, pointers: QuerySet) -> Q | None:
    """A filter on (content type, object id) pairs: rows pointing at objects `user` may see.

    Used by rows that can point at any business object (approvals, audit entries). `pointers`
    is the table of such rows (with `content_type` and `object_id`): for each kind of object,
    only the objects some row points at are checked against the scope, so the cost follows the
    number of pointing rows, not the size of the objects' tables (the ids of every registration
    a channel manager may see are too many to list).
    """
    if sees_everything(user):
        return None
    q = Q(pk__in=[])
    # One query (or none, once cached) for every registered model's content type.
    content_types = ContentType.objects.get_for_models(*registered_models())
    for model, content_type in content_types.items():
        pointed = pointers.filter(content_type=content_type.pk).values(
            key=ObjectIdAsKey("object_id")
        )
        ids = visible(model._default_manager.filter(pk__in=pointed), user).values(
            pk_text=Cast("pk", CharField())
        )
        q |= Q(**{ct_field: content_type.pk, f"{id_field}__in": ids})
    return q


# The core app's own mapping (registered in CoreConfig.ready): a user is seen like the partner
# it belongs to; vendor staff by region.
RULES = {User: ScopeRule(region="region", partner="partner", owner="partner__owner")}
