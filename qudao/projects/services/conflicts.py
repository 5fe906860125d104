"""The vendor's own projects in the deal-registration conflict check.

`project_keys_refresh` keeps an open project's candidate-index keys current (see
`models.keys`); the services call it wherever a project is created, its customer changes or its
status changes. `project_conflicts` is the projects app's entry in the registrations app's
`conflict_sources` (registered in `ProjectsConfig.ready`): for a registration being checked it
finds the open projects sharing customer keys, in one query whatever the number of projects,
and scores each with the same matcher as registrations.

What is left out: the project made from this very registration (when it was won), and every
project of the registering partner — a partner's own project is not a channel conflict. Direct
projects (no partner) and other partners' projects are in.

Vendor staff see the project's code, name and link; partner users only ever get the level (the
registrations app strips vendor conflicts from what partners see).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qudao.customers.keys import customer_keys
from qudao.customers.matching import Deal, Level, match
from qudao.registrations.models import Registration
from qudao.registrations.services.conflicts import VendorConflict, candidates_by_keys

from ..models import OPEN_STATUSES, Project, ProjectCustomerKey

SOURCE = "project"  # VendorConflict.source of a project


def project_keys_refresh(project: Project) -> None:
    """Rewrite `project`'s candidate-index keys from its saved customer name, credit code and
    status; only open projects (models.keys.OPEN_STATUSES) hold keys."""
    with transaction.atomic():
        ProjectCustomerKey.objects.filter(project_id=project.pk).delete()
        if project.status not in OPEN_STATUSES:
            return
        ProjectCustomerKey.objects.bulk_create(
            ProjectCustomerKey(project_id=project.pk, partner_id=project.partner_id, kind=k, key=v)
            for k, v in customer_keys(project.customer_name, project.customer_credit_code)
        )


def _candidate_ids(deal: Deal, partner_id: int | None) -> list[int]:
    """The ids of open projects sharing customer keys with `deal`, best first, the projects of
    `partner_id` left out, weighted as the registrations' check does."""
    keys = customer_keys(deal.customer_name, deal.credit_code)
    return candidates_by_keys(ProjectCustomerKey, "project_id", keys, exclude_partner=partner_id)


def _deal(project: Project) -> Deal:
    """What the matcher compares of a project. Projects keep no product lines of their own (a
    won registration's lines are only copied into the notes), so none are compared."""
    return Deal(
        customer_name=project.customer_name,
        credit_code=project.customer_credit_code,
        region_id=project.region_id,
        project_name=project.name,
        amount=project.amount or None,
    )


def project_conflicts(registration: Registration, deal: Deal) -> list[VendorConflict]:
    """The vendor's open projects that may be for `registration`'s customer (a
    `conflict_sources` entry). `registration` may be unsaved (the live hint); `deal` is what
    the registrations app built of it. Two queries (the candidates, then their rows), whatever
    the number of projects."""
    ids = _candidate_ids(deal, registration.partner_id)
    if not ids:
        return []
    projects = (
        Project.objects.filter(pk__in=ids, status__in=OPEN_STATUSES)
        .order_by("pk")
        .only("pk", "code", "name", "customer_name", "customer_credit_code", "region", "amount")
    )
    if registration.partner_id is not None:
        projects = projects.exclude(partner_id=registration.partner_id)
    if registration.pk is not None:
        projects = projects.exclude(source_registration_id=registration.pk)
    found = []
    for project in projects:
        result = match(deal, _deal(project))
        if result.level > Level.NONE:
            found.append(
                VendorConflict(
                    source=SOURCE,
                    reference=project.code,
                    title=f"{project.name} · {project.customer_name}",
                    url=project.get_absolute_url(),
                    match=result,
                    label=_("project"),
                    model=Project,
                    pk=project.pk,
                )
            )
    return found
