"""Approvals: a request on any object, an ordered chain of steps, and its full history."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..messages import StoredMessage, render
from .fields import status_field, user_fk


class ApprovalRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("In approval")  # a step is waiting for a decision
        APPROVED = "approved", _("Approved")  # every step approved (final)
        REJECTED = "rejected", _("Rejected")  # a step rejected it (final)
        RETURNED = "returned", _("Returned")  # sent back to the requester, who may resubmit
        CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the requester (final)

    kind = models.CharField(_("type"), max_length=50, db_index=True)
    # As the requester read it when it was submitted: what old rows without a key show, and
    # what the search on titles reads.
    title = models.CharField(_("title"), max_length=200)
    # The untranslated title and its parameters (core.messages), rendered in the reader's
    # language when shown.
    title_key = models.TextField(_("title key"), blank=True)
    title_params = models.JSONField(_("title parameters"), default=dict, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    requested_by = user_fk(_("requested by"), related_name="approval_requests")
    status = status_field(Status, Status.PENDING)
    # Optimistic lock: every decision bumps it, and a decision made on a stale version loses.
    version = models.PositiveIntegerField(default=1)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["-created_at", "-id"], name="approval_newest_first"),
            models.Index(fields=["requested_by", "-created_at"], name="approval_by_requester"),
        ]
        constraints = [
            # Only one open approval of a kind on the same object at a time.
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id"],
                condition=Q(status__in=["pending", "returned"]),
                name="approval_one_open_per_object",
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the active language."""
        return render(self.title_key, self.title_params, self.title)

    @property
    def title_message(self) -> StoredMessage | str:
        """The title as a parameter of another message (a notification about this approval)."""
        return StoredMessage(self.title_key, self.title_params) if self.title_key else self.title

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RETURNED}


class ApprovalStep(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")  # an earlier step is not decided yet
        PENDING = "pending", _("Pending")  # the approver must act now
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=100)  # as rendered when the request was made
    name_key = models.TextField(_("step key"), blank=True)  # its untranslated text (core.messages)
    role = models.CharField(_("role"), max_length=30, blank=True)
    approver = user_fk(_("approver"), optional=True)
    status = status_field(Status, Status.WAITING)
    decided_by = user_fk(_("decided by"), optional=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "order"]
        indexes = [models.Index(fields=["status", "role"]), models.Index(fields=["approver"])]
        constraints = [
            models.UniqueConstraint(fields=["request", "order"], name="approval_step_order"),
            models.CheckConstraint(
                condition=~Q(role="") | Q(approver__isnull=False),
                name="approval_step_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The step's name in the active language."""
        return render(self.name_key, None, self.name)

    @property
    def name_message(self) -> StoredMessage | str:
        return StoredMessage(self.name_key) if self.name_key else self.name

    @property
    def role_label(self) -> str:
        from .org import Role

        return str(Role.Code(self.role).label) if self.role in Role.Code.values else self.role


class ApprovalEvent(models.Model):
    """One line of an approval's history: submissions, decisions and comments."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        CANCELLED = "cancelled", _("Cancelled")
        COMMENTED = "commented", _("Commented")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="events")
    step = models.ForeignKey(
        ApprovalStep, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = user_fk()
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval event")
        verbose_name_plural = _("approval events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.actor})"
