"""What the daily health check remembered having alerted, so that each condition is alerted at
most once.

A condition is identified by its code and a subject: the overdue milestone's id, the stage that
ran over its target or misses documents, the date of the last update that went stale. A new
instance (another milestone, the next stage, a later update going stale again) has a new subject
and alerts again; the same one never does, even after it cleared and came back."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .projects import project_fk


class ProjectAlert(models.Model):
    class Code(models.TextChoices):
        MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
        STAGE_OVERDUE = "stage_overdue", _("Stage over its target duration")
        DOCUMENTS_MISSING = "documents_missing", _("Required documents missing")
        STALE = "stale", _("No update for a long time")

    project = project_fk("alerts")
    code = models.CharField(_("condition"), max_length=20, choices=Code.choices)
    subject = models.CharField(_("subject"), max_length=40)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project alert")
        verbose_name_plural = _("project alerts")
        ordering = ["project", "-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code", "subject"], name="project_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.subject})"
