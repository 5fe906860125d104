"""The record of each scheduled run of a job. Its unique (job, slot) row is the lock that lets
the schedulers of several workers enqueue a job once in its slot: a local day for the daily jobs,
a window of so many minutes for the others."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    job = models.CharField(_("job"), max_length=200)
    # The start of the run's slot: DAILY_RUN_AT on its local day, or its window of minutes.
    slot = models.DateTimeField(_("slot"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    # The task worker's result id, to find the run's outcome among the tasks.
    task_result_id = models.CharField(_("task result"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="core_scheduledrun_once"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}"
