"""Project stock-take (项目盘点): a manager opens a round over a region (or everywhere); each
open project gets an entry its owner confirms or corrects (status, amount, expected close date);
the entries still pending are the unconfirmed projects the managers chase; the round is closed.

Why entries copy the values they were opened with: the round shows what was corrected (before →
after) even after the project changes again."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import MONEY, region_fk, user_fk

from .projects import Project


class StockTake(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # owners are confirming their projects
        CLOSED = "closed", _("Closed")  # finished; pending entries stay unconfirmed

    title = models.CharField(_("title"), max_length=100)
    region = region_fk(_("region"), optional=True)  # None: every region
    due_date = models.DateField(_("confirm by"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default="open")
    opened_by = user_fk(_("opened by"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = user_fk(_("closed by"), optional=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project stock-take")
        verbose_name_plural = _("project stock-takes")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class StockTakeEntry(models.Model):
    """One project in a stock-take round, confirmed or corrected by its owner."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Unconfirmed")  # the owner has not answered
        CONFIRMED = "confirmed", _("Confirmed")  # the values were right
        CORRECTED = "corrected", _("Corrected")  # the owner changed some values

    stocktake = models.ForeignKey(
        StockTake, on_delete=models.CASCADE, related_name="entries", verbose_name=_("stock-take")
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stocktake_entries")
    owner = user_fk(_("owner"))  # the project's owner when the round opened: who is asked
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="pending")
    status_before = models.CharField(_("project status before"), max_length=10)
    amount_before = models.DecimalField(_("amount before"), **MONEY)
    close_date_before = models.DateField(_("expected close before"), null=True, blank=True)
    status_after = models.CharField(_("project status after"), max_length=10, blank=True)
    amount_after = models.DecimalField(_("amount after"), **MONEY, null=True, blank=True)
    close_date_after = models.DateField(_("expected close after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    confirmed_by = user_fk(_("confirmed by"), optional=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock-take entry")
        verbose_name_plural = _("stock-take entries")
        ordering = ["stocktake", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "project"], name="stocktake_entry_once"),
            models.CheckConstraint(
                condition=Q(status="pending", confirmed_at__isnull=True)
                | (~Q(status="pending") & Q(confirmed_at__isnull=False)),
                name="stocktake_entry_confirmed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["stocktake", "status"], name="stocktake_entry_status"),
            models.Index(fields=["owner", "status"], name="stocktake_entry_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.stocktake} · {self.project_id}"

    @property
    def status_changed(self) -> bool:
        """The owner corrected the project's status (not only confirmed it)."""
        return bool(self.status_after) and self.status_after != self.status_before
