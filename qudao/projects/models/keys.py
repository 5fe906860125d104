"""The candidate index of the vendor's open projects for the deal-registration conflict check.

A registration is checked against the vendor's own projects as well as the other partners'
registrations (issue 4). Like the registrations' `CustomerKey`, each open project writes the keys
of its customer (`qudao.registrations.keys.customer_keys`: credit code, normalised name and brand,
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

from qudao.registrations.models import CustomerKey

from .projects import Project

# The statuses in which a project holds keys (see the module docstring for why).
OPEN_STATUSES = (Project.Status.ACTIVE, Project.Status.SUSPENDED)


class ProjectCustomerKey(models.Model):
    """One candidate-index key of an open project's customer."""

    Kind = CustomerKey.Kind  # the same kinds as the registrations' index

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="customer_keys", verbose_name=_("project")
    )
    # Copied from the project (which never changes partner) so that "not the registering
    # partner's own projects" is a filter on the key row itself, without a join.
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=100)

    class Meta:
        verbose_name = _("project customer key")
        verbose_name_plural = _("project customer keys")
        # Covering, as the registrations' index: the candidate query reads only the index.
        indexes = [
            models.Index(fields=["kind", "key", "partner", "project"], name="projectkey_covering")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
