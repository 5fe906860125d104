"""Writes and checks of deal registrations.

This module holds the foundation the registration use cases build on: keeping a registration's
candidate-index keys current and finding its conflicts. The use cases themselves (submit,
approve, reject …) call `registration_keys_refresh` after every save and
`registration_conflicts` on save of a draft and on submit.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Model

from qudao.core import hooks
from qudao.customers.keys import customer_keys
from qudao.customers.matching import Deal, Level, Match, NameParts, match, normalise_name
from qudao.customers.models import KeyKind

from ..models import CustomerKey, CustomerName, Registration, RegistrationProduct

# At most this many candidates are fetched and scored per check: the best by shared keys, those
# in the customer's region first (see candidates_by_keys). Beyond 20, the only checks with more
# are names shared by hundreds of customers (人民政府办公厅), whose further candidates are other
# cities' namesakes; scoring them takes the slowest checks' time (bench/README.md).
MAX_CANDIDATES = 20
# The fields of a candidate that the scoring (`_deal`) and the conflict panels read, in the order
# of Candidate's fields, then the stored name parts (`CustomerName`): the scoring does not take
# the names apart again.
CANDIDATE_FIELDS = (
    "pk",
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
    *(f"customer_parts__{column}" for column in CustomerName.COLUMNS),
)
# An exact key (credit code, name, pinyin) outweighs any number of shared bigrams.
EXACT_KEY_WEIGHT = 100


@dataclass(frozen=True, slots=True)
class Candidate:
    """Another partner's live registration as a conflict check reads it: a row, not a model
    instance (50 registrations with their partner and stored name as instances cost more than
    scoring them)."""

    pk: int
    number: str
    partner_id: int
    partner_name: str
    status: str
    customer_name: str
    customer_credit_code: str
    customer_region_id: int | None
    customer_city: str
    project_name: str
    estimated_amount: Decimal
    submitted_at: datetime | None
    name: NameParts | None  # the stored name parts; None: not stored, taken apart anew

    @classmethod
    def of(cls, row: tuple) -> "Candidate":
        """From a values_list(*CANDIDATE_FIELDS) row: the registration's columns, then the
        stored name's (all None when it has none)."""
        split = len(CANDIDATE_FIELDS) - len(CustomerName.COLUMNS)
        own, stored = row[:split], row[split:]
        customer_name = own[CANDIDATE_FIELDS.index("customer_name")]
        name = None if stored[0] is None else CustomerName.stored(customer_name, *stored)
        return cls(*own, name=name)


@dataclass(frozen=True)
class Conflict:
    """Another partner's live registration that may be for the same customer."""

    registration: Candidate
    match: Match

    @property
    def level(self) -> Level:
        return self.match.level


@dataclass(frozen=True)
class VendorConflict:
    """A match with the vendor's own records (a direct project, a named account …), found by a
    module registered with `core.hooks.conflict_source` (it must use its own index, never scan)."""

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
                registration=registration,
                partner_id=registration.partner_id,
                region_id=registration.customer_region_id,
                kind=kind,
                key=key,
            )
            for kind, key in customer_keys(
                registration.customer_name, registration.customer_credit_code
            )
        )
        CustomerName.of(registration.pk, normalise_name(registration.customer_name)).save()


def _deal(
    registration: Registration | Candidate,
    product_lines: frozenset[str],
    name: NameParts | None = None,
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
    model: type[Model],
    target: str,
    keys: list[tuple[str, str]],
    *,
    exclude_partner: int | None,
    region: int | None = None,
) -> list[int]:
    """The `target` ids (e.g. "registration_id") of the rows of `model` that share `keys`, best
    first, at most MAX_CANDIDATES, without the rows of `exclude_partner`.

    `model` is a table of customer keys (`kind`, `key`, `partner`), such as `CustomerKey` or the
    projects' own index: one grouped query on its covering (kind, key, partner, id) index, never
    a scan. An exact key (credit code, name, pinyin) outweighs any number of shared bigrams.
    With `region` (the model's keys then hold a `region`), the rows sharing an exact key in that
    customer region come first: a name without its city (人民政府办公厅 of every city's
    government office) is shared by a thousand customers, and the one in the same region is the
    likely conflict.

    Written in SQL on purpose: it runs on every save of a draft, and building the same query
    with Q objects, Case/When and an aggregate filter costs more time in Python than the
    database takes to answer it (bench/README.md).
    """
    exact = [(kind, key) for kind, key in keys if kind != KeyKind.GRAM]
    grams = [key for kind, key in keys if kind == KeyKind.GRAM]
    if not exact and not grams:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field(target.removesuffix("_id")).column)
    kind_col, key_col, partner_col = quote("kind"), quote("key"), quote("partner_id")
    others = (
        "" if exclude_partner is None else f" AND ({partner_col} IS NULL OR {partner_col} <> %s)"
    )
    others_params = [] if exclude_partner is None else [exclude_partner]
    # One index range per key, each read from the covering index alone; an OR of the keys
    # made PostgreSQL fetch every key's table row (bitmap heap scan).
    exact_lookups, exact_params = [], []
    near, near_params = "0", []
    if region is not None:
        near, near_params = f"CASE WHEN {quote('region_id')} = %s THEN 1 ELSE 0 END", [region]
    for kind, key in exact:
        exact_lookups.append(
            f"SELECT {column} AS target, {EXACT_KEY_WEIGHT} AS weight, {near} AS near "
            f"FROM {table} WHERE {kind_col} = %s AND {key_col} = %s{others}"
        )
        exact_params += [*near_params, kind, key, *others_params]
    gram_lookup, gram_params = "", []
    if grams:
        gram_lookup = (
            f"SELECT {column} AS target, 1 AS weight, 0 AS near FROM {table} "
            f"WHERE {kind_col} = %s AND {key_col} IN ({', '.join(['%s'] * len(grams))}){others}"
        )
        gram_params = [KeyKind.GRAM, *grams, *others_params]
    # A name sharing a bigram or two with a long name is noise (自动, 动化 of 谋韬德和自动化 are
    # in thousands of names): without an exact key, ask for half of the name's bigrams.
    min_grams = 1 if len(grams) <= 2 else max(2, (len(grams) + 1) // 2)
    ranked = (
        f"GROUP BY target HAVING SUM(weight) >= %s "
        f"ORDER BY MAX(near) DESC, SUM(weight) DESC, target LIMIT {MAX_CANDIDATES}"
    )
    if exact_lookups and gram_lookup:
        # When the exact keys alone give a full list, no bigram can put another candidate in it
        # (an exact key outweighs all of them), so the bigrams are not read: a public body's
        # name (南岸区疾病预防控制中心) has dozens of namesakes, and its bigrams thousands of keys.
        # The database evaluates the count once, before reading any bigram. (Ties between
        # candidates with the same exact keys then go to the oldest, not to shared bigrams.)
        sql = (
            f"WITH exact AS ({' UNION ALL '.join(exact_lookups)}) "
            f"SELECT target FROM (SELECT target, weight, near FROM exact UNION ALL "
            f"{gram_lookup} AND (SELECT COUNT(DISTINCT target) FROM exact) < {MAX_CANDIDATES}"
            f") shared {ranked}"
        )
    else:
        lookups = exact_lookups or [gram_lookup]
        sql = f"SELECT target FROM ({' UNION ALL '.join(lookups)}) shared {ranked}"
    params = [*exact_params, *gram_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, min_grams])
        return [row[0] for row in cursor.fetchall()]


def _candidate_ids(registration: Registration) -> list[int]:
    """Ids of other partners' live registrations sharing keys with `registration`, best first."""
    keys = customer_keys(registration.customer_name, registration.customer_credit_code)
    if not keys:
        return []
    return candidates_by_keys(
        CustomerKey,
        "registration_id",
        keys,
        exclude_partner=registration.partner_id,
        region=registration.customer_region_id,
    )


def _candidates(
    registration: Registration, ids: list[int], *, own_lines: bool
) -> tuple[list[Candidate], dict[int, set[str]]]:
    """The registrations `ids` that are other partners' live ones, and the names of the product
    lines of each (and of `registration`'s own with `own_lines`), by id: one query, a row per
    product line (rather than a query for the rows and one for their lines: round trips are a
    large part of a check)."""
    rows = (
        Registration.objects.filter(pk__in=[*ids, registration.pk] if own_lines else ids)
        .order_by()
        .values_list(*CANDIDATE_FIELDS, "products__product_line__name")
    )
    first: dict[int, list] = {}
    lines_of: dict[int, set[str]] = {}
    for *row, line in rows:
        first.setdefault(row[0], row)
        lines = lines_of.setdefault(row[0], set())
        if line is not None:
            lines.add(line)
    # The key index holds live registrations only, but one may have changed since.
    candidates = [Candidate.of(row) for pk, row in first.items() if pk != registration.pk]
    live = [
        candidate
        for candidate in candidates
        if candidate.status in Registration.LIVE and candidate.partner_id != registration.partner_id
    ]
    return live, lines_of


def registration_conflicts(
    *, registration: Registration, product_lines: frozenset[str] | None = None
) -> list[Conflict]:
    """Other partners' live registrations that conflict with `registration`, worst first.

    Candidates come from the key index only (a bounded number of queries whatever the number of
    registrations), then each is scored by `customers.matching.match`; "none" results are left out.
    `registration` may be unsaved (a preview while the partner types): then `product_lines`
    gives the names of its product lines.
    """
    ids = _candidate_ids(registration)
    if not ids:
        return []
    own_lines = product_lines is None and registration.pk is not None
    candidates, lines_of = _candidates(registration, ids, own_lines=own_lines)
    if own_lines:
        product_lines = frozenset(lines_of.get(registration.pk, ()))
    own = _deal(registration, product_lines or frozenset())
    conflicts = []
    for candidate in candidates:
        lines = frozenset(lines_of[candidate.pk])
        result = match(own, _deal(candidate, lines, candidate.name))
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
    sources = hooks.conflict_sources()
    if not sources:
        return []
    if product_lines is None and registration.pk is not None:
        product_lines = frozenset(
            RegistrationProduct.objects.filter(registration=registration).values_list(
                "product_line__name", flat=True
            )
        )
    deal = _deal(registration, product_lines or frozenset())
    found = [hit for source in sources for hit in source(registration, deal)]
    found = [hit for hit in found if hit.level > Level.NONE]
    return sorted(found, key=lambda c: (-c.match.level, -c.match.score, c.reference))


def earlier_claims(registration: Registration, conflicts: list[Conflict]) -> list[Conflict]:
    """The `conflicts` that claim the customer before `registration`: another partner's likely
    or certain registration that is approved, or was submitted first. Approving `registration`
    then needs an override reason (first valid registration wins), whether or not the approver
    may see those registrations."""
    blocking = []
    for conflict in conflicts:
        other = conflict.registration
        if conflict.level < Level.LIKELY:
            continue
        earlier = (
            other.submitted_at is not None
            and registration.submitted_at is not None
            and other.submitted_at < registration.submitted_at
        )
        if other.status == Registration.Status.APPROVED or earlier:
            blocking.append(conflict)
    return blocking
