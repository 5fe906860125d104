"""Corrective actions (整改/闭环): a finding, its owner, plan, evidence and verification."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qudao.core.models.fields import DetailUrl, partner_fk, region_fk, status_field, user_fk


class CorrectiveAction(DetailUrl, models.Model):
    """Any finding becomes an action: the owner carries it out and reports the evidence; the one
    who raised it verifies it (never the owner). Overdue actions escalate to the owner's manager
    once. The closure rate (闭环率) counts the actions closed on time among those due."""

    class SourceKind(models.TextChoices):
        SCORECARD = "scorecard", _("Scorecard")
        ALERT = "alert", _("Alert")
        STOCKTAKE = "stocktake", _("Stock-take")
        MEETING = "meeting", _("Meeting")
        BENCHMARK = "benchmark", _("Benchmark gap")
        OTHER = "other", _("Other finding")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action status", "Open")  # the owner works on it
        SUBMITTED = "submitted", _("Done, to verify")  # evidence given; the raiser verifies
        CLOSED = "closed", _("Closed")  # verified by the raiser
        CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the raiser, with a reason

    OPEN_STATES = (Status.OPEN, Status.SUBMITTED)

    number = models.CharField(_("number"), max_length=30, unique=True)
    title = models.CharField(_("finding"), max_length=200)
    source_kind = models.CharField(
        _("source"), max_length=10, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    partner = partner_fk(optional=True)
    # The unit's region/office (the partner's, for a partner's action): the data scope.
    region = region_fk(optional=True)
    owner = user_fk(_("owner"))
    raised_by = user_fk(_("raised by"))
    due_date = models.DateField(_("due date"))
    plan = models.TextField(_("plan"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    status = status_field(Status, "open")
    submitted_at = models.DateTimeField(_("done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # Set when it is verified: the owner finished by the due date.
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = user_fk(_("escalated to"), on_delete=models.SET_NULL, optional=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner=F("raised_by")), name="perf_action_owner_not_raiser"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="perf_action_due"),
            models.Index(fields=["partner", "due_date"], name="perf_action_partner"),
            models.Index(fields=["region", "due_date"], name="perf_action_region"),
            models.Index(fields=["source_type", "source_id"], name="perf_action_source"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    detail_url_name = "performance:action-detail"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES
