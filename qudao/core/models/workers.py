"""The task workers that are alive. Each `manage.py worker` process keeps its row fresh from a
thread (qudao/core/services/workers.py); a RUNNING task whose worker's row has gone stale, or
whose worker's process is gone, was lost with its worker and is failed by the reaper."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    # The id the worker claims tasks with: the last of DBTaskResult.worker_ids.
    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    # When the process started, as the operating system tells it (Linux: ticks after boot), so
    # that a later process given the same id is not taken for this one; "" where unknown.
    process_started = models.CharField(_("process start"), max_length=32, blank=True)
    started_at = models.DateTimeField(_("started at"))
    # The database's clock, not the worker's: workers on several hosts are compared fairly.
    seen_at = models.DateTimeField(_("last seen at"))

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
