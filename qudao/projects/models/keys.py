"""The candidate index of the vendor's open projects for the deal-registration conflict check.

A registration is checked against the vendor's own projects as well as the other partners'
registrations. Like the registrations' `CustomerKey`, each open project writes the keys
of its customer (`qudao.customers.keys.customer_keys`: credit code, normalised name and brand,
their pinyin, a bounded set of bigrams) into one narrow table indexed on (kind, key), so that the
check is one grouped, indexed lookup whatever the number of projects: never a scan.

Which projects are "open" (hold keys): ACTIVE and SUSPENDED. An active project is being pursued;
a suspended one is on hold and may be resumed, so the vendor still claims the deal (the
stock-take counts the same two states as a manager's open projects). WON is left out on purpose:
the contract is signed, so a partner registering at that customer later registers another,
new deal, not the one the project won; LOST and CLOSED claim nothing any more.

The services of the projects app (`services.keys.project_keys_refresh`) rewrite a project's keys
whenever it is created (also from a won registration), its customer name or credit code changes,
or its status changes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import partner_fk
from qudao.customers.models import CustomerKeyBase

from .projects import Project, project_fk

# The statuses in which a project holds keys (see the module docstring for why).
OPEN_STATUSES = (Project.Status.ACTIVE, Project.Status.SUSPENDED)


class ProjectCustomerKey(CustomerKeyBase):
    """One candidate-index key of an open project's customer."""

    project = project_fk("customer_keys")
    # Copied from the project (which never changes partner) so that "not the registering
    # partner's own projects" is a filter on the key row itself, without a join.
    partner = partner_fk(on_delete=models.CASCADE, optional=True, db_index=False)

    class Meta:
        verbose_name = _("project customer key")
        verbose_name_plural = _("project customer keys")
        # Covering, as the registrations' index: the candidate query reads only the index.
        indexes = [
            models.Index(fields=["kind", "key", "partner", "project"], name="projectkey_covering")
        ]
