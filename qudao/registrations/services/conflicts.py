"""Writes and checks of deal registrations.

This module holds the foundation the registration use cases build on: keeping a registration's
candidate-index keys current and finding its conflicts. The use cases themselves (submit,
approve, reject …) call `registration_keys_refresh` after every save and
`registration_conflicts` on save of a draft and on submit.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When

from ..keys import customer_keys
from ..matching import Deal, Level, Match, NameParts, match, normalise_name
from ..models import CustomerKey, CustomerName, Registration, RegistrationProduct

# At most this many candidates are fetched and scored per check: the best by shared keys.
MAX_CANDIDATES = 50
# The fields of a candidate that the scoring (`_deal`) and the conflict panels read.
CANDIDATE_FIELDS = (
    "number",
    "partner_id",
    "partner__name",
    "status",
    "customer_name",
    "customer_credit_code",
    "customer_region_id",
    "customer_city",
    "project_name",
    "estimated_amount",
    "submitted_at",
    # the stored name parts (`CustomerName`): the scoring does not take the names apart again
    "customer_parts__cleaned",
    "customer_parts__core",
    "customer_parts__brand",
    "customer_parts__removed",
    "customer_parts__mapped",
    "customer_parts__pinyin",
    "customer_parts__brand_pinyin",
)
# An exact key (credit code, name, pinyin) outweighs any number of shared bigrams.
EXACT_KEY_WEIGHT = 100


@dataclass(frozen=True)
class Conflict:
    """Another partner's live registration that may be for the same customer."""

    registration: Registration
    match: Match

    @property
    def level(self) -> Level:
        return self.match.level


@dataclass(frozen=True)
class VendorConflict:
    """A match with the vendor's own records (a direct project, a named account …), found by a
    module registered in `conflict_sources`."""

    source: str  # what kind of record, e.g. "project"
    reference: str  # its code or number, shown to vendor staff
    title: str  # its customer / project name, shown to vendor staff
    url: str  # where vendor staff can open it ("" if nowhere)
    match: Match
    label: str = ""  # the kind of record for people (translated), e.g. "项目"
    # The record itself, so that its link is given only to staff whose data scope holds it
    # (see `selectors.conflicts_for_viewer`); None: every vendor staff member gets the link.
    model: type | None = None
    pk: int | None = None

    @property
    def level(self) -> Level:
        return self.match.level


# Hook point for later modules (projects, a customer master): callables that return the vendor's
# own records matching a registration, each scored with `matching.match`. Append at import time
# of your app; a source must use its own index, never scan.
conflict_sources: list[Callable[[Registration, Deal], list[VendorConflict]]] = []


def registration_keys_refresh(registration: Registration) -> None:
    """Rewrite `registration`'s candidate-index keys and stored name parts; only live
    registrations hold them."""
    with transaction.atomic():
        CustomerKey.objects.filter(registration=registration).delete()
        CustomerName.objects.filter(registration=registration).delete()
        if not registration.is_live:
            return
        CustomerKey.objects.bulk_create(
            CustomerKey(
                registration=registration, partner_id=registration.partner_id, kind=kind, key=key
            )
            for kind, key in customer_keys(
                registration.customer_name, registration.customer_credit_code
            )
        )
        CustomerName.of(registration.pk, normalise_name(registration.customer_name)).save()


def _deal(
    registration: Registration, product_lines: frozenset[str], name: NameParts | None = None
) -> Deal:
    return Deal(
        customer_name=registration.customer_name,
        credit_code=registration.customer_credit_code,
        region_id=registration.customer_region_id,
        city=registration.customer_city,
        project_name=registration.project_name,
        product_lines=product_lines,
        amount=registration.estimated_amount,
        name=name,
    )


def candidates_by_keys(
    rows: QuerySet, target: str, keys: list[tuple[str, str]], *, exclude_partner: int | None
) -> QuerySet:
    """The `target` ids (e.g. "registration_id") of the key rows in `rows` that share `keys`,
    best first, at most MAX_CANDIDATES, without the rows of `exclude_partner`: a sliced values
    query (a list when evaluated, a subquery when filtered on).

    `rows` is a table of customer keys (`kind`, `key`, `partner`), such as `CustomerKey` or the
    projects' own index: one grouped query on its (kind, key) index, never a scan. An exact key
    (credit code, name, pinyin) outweighs any number of shared bigrams.
    """
    exact = [(kind, key) for kind, key in keys if kind != CustomerKey.Kind.GRAM]
    grams = [key for kind, key in keys if kind == CustomerKey.Kind.GRAM]
    wanted = Q(pk__in=[])
    for kind, key in exact:
        wanted |= Q(kind=kind, key=key)
    if grams:
        wanted |= Q(kind=CustomerKey.Kind.GRAM, key__in=grams)
    # A name sharing a bigram or two with a long name is noise (自动, 动化 of 谋韬德和自动化 are
    # in thousands of names): without an exact key, ask for half of the name's bigrams.
    min_grams = 1 if len(grams) <= 2 else max(2, (len(grams) + 1) // 2)
    rows = rows.filter(wanted)
    if exclude_partner is not None:
        rows = rows.exclude(partner_id=exclude_partner)
    return (
        rows.values(target)
        .annotate(
            weight=Sum(
                Case(
                    When(kind=CustomerKey.Kind.GRAM, then=Value(1)),
                    default=Value(EXACT_KEY_WEIGHT),
                    output_field=IntegerField(),
                )
            ),
        )
        .filter(weight__gte=min_grams)
        .order_by("-weight", target)
        .values_list(target, flat=True)[:MAX_CANDIDATES]
    )


def _candidate_ids(registration: Registration) -> list[int]:
    """Ids of other partners' live registrations sharing keys with `registration`, best first."""
    keys = customer_keys(registration.customer_name, registration.customer_credit_code)
    if not keys:
        return []
    return list(
        candidates_by_keys(
            CustomerKey.objects.all(),
            "registration_id",
            keys,
            exclude_partner=registration.partner_id,
        )
    )


def _stored_name(registration: Registration) -> NameParts | None:
    try:
        return registration.customer_parts.parts(registration.customer_name)
    except CustomerName.DoesNotExist:  # not refreshed since it went live: taken apart anew
        return None


def registration_conflicts(
    *, registration: Registration, product_lines: frozenset[str] | None = None
) -> list[Conflict]:
    """Other partners' live registrations that conflict with `registration`, worst first.

    Candidates come from the key index only (a bounded number of queries whatever the number of
    registrations), then each is scored by `matching.match`; "none" results are left out.
    `registration` may be unsaved (a preview while the partner types): then `product_lines`
    gives the names of its product lines.
    """
    ids = _candidate_ids(registration)
    if not ids:
        return []
    # Only what the scoring and the conflict panels read: building 50 full rows with their
    # partner, region and product rows as model instances cost more than scoring them.
    candidates = (
        Registration.objects.filter(pk__in=ids, status__in=Registration.LIVE)
        .exclude(partner_id=registration.partner_id)
        .select_related("partner", "customer_parts")
        .only(*CANDIDATE_FIELDS)
    )
    lines_of: dict[int, set[str]] = {}
    for registration_id, line in RegistrationProduct.objects.filter(
        registration_id__in=ids
    ).values_list("registration_id", "product_line__name"):
        lines_of.setdefault(registration_id, set()).add(line)
    if product_lines is None and registration.pk is not None:
        product_lines = frozenset(
            RegistrationProduct.objects.filter(registration=registration).values_list(
                "product_line__name", flat=True
            )
        )
    own = _deal(registration, product_lines or frozenset())
    conflicts = []
    for candidate in candidates:
        lines = frozenset(lines_of.get(candidate.pk, ()))
        result = match(own, _deal(candidate, lines, _stored_name(candidate)))
        if result.level > Level.NONE:
            conflicts.append(Conflict(candidate, result))
    conflicts.sort(
        key=lambda c: (-c.match.level, -c.match.name_score, -c.match.score, c.registration.pk)
    )
    return conflicts


def registration_vendor_conflicts(
    *, registration: Registration, product_lines: frozenset[str] | None = None
) -> list[VendorConflict]:
    """Matches of `registration` with the vendor's own records, from every registered source."""
    if not conflict_sources:
        return []
    if product_lines is None and registration.pk is not None:
        product_lines = frozenset(
            RegistrationProduct.objects.filter(registration=registration).values_list(
                "product_line__name", flat=True
            )
        )
    deal = _deal(registration, product_lines or frozenset())
    found = [hit for source in conflict_sources for hit in source(registration, deal)]
    found = [hit for hit in found if hit.level > Level.NONE]
    return sorted(found, key=lambda c: (-c.match.level, -c.match.score, c.reference))
