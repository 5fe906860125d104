"""Closing a project: the handover to operations (转运维, an approval), follow-up visits (回访)
and the closing reports (the team's summary, the monitor's evaluation report 评价报告).

The outcome itself (won / lost, reason, competitor, when) lives on Project, set by
services.closing."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import Timestamped, status_field, user_fk

from .projects import project_fk


class Handover(models.Model):
    """A handover to operations (转运维) with the delivered scope, decided as an approval."""

    class Status(models.TextChoices):
        IN_APPROVAL = "in_approval", _("In approval")  # its approval is running
        RETURNED = "returned", _("Returned")  # sent back; the requester may resubmit
        APPROVED = "approved", _("Approved")  # operations took the project over (final)
        REJECTED = "rejected", _("Rejected")  # refused (final); a new handover may start
        CANCELLED = "cancelled", _("Withdrawn")  # withdrawn by the requester (final)

    OPEN = (Status.IN_APPROVAL, Status.RETURNED)

    project = project_fk("handovers")
    scope = models.TextField(_("delivered scope"))  # what was delivered: systems, sites, assets
    operations_contact = models.CharField(_("operations contact"), max_length=100, blank=True)
    handover_date = models.DateField(_("handover date"))
    note = models.TextField(_("note"), blank=True)
    status = status_field(Status, Status.IN_APPROVAL, max_length=12)
    approval = models.ForeignKey(
        "core.ApprovalRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval"),
    )
    requested_by = user_fk(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handover to operations")
        verbose_name_plural = _("handovers to operations")
        ordering = ["project", "-requested_at", "-id"]
        constraints = [
            # At most one open and one approved handover per project.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=["in_approval", "returned"]),
                name="handover_one_open",
            ),
            models.UniqueConstraint(
                fields=["project"], condition=Q(status="approved"), name="handover_one_approved"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_status_display()}"


class FollowUpVisit(models.Model):
    """A follow-up visit (回访) to the customer after delivery, with a satisfaction score."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")  # 电话回访
        ONSITE = "onsite", _("On site")  # 现场回访
        WECHAT = "wechat", _("WeChat")  # 微信回访
        PAPER = "paper", _("Paper form")  # 纸质回访

    project = project_fk("visits")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    visited_on = models.DateField(_("visited on"))
    contact = models.CharField(_("customer contact"), max_length=100, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    notes = models.TextField(_("notes"), blank=True)
    visited_by = user_fk(_("visited by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["project", "-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5), name="visit_satisfaction_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.visited_on}"


class ProjectReport(Timestamped):
    """A closing report kept in the archive: the team's summary (项目总结) or the monitor's
    evaluation report (评价报告: how well the project was run, the problems, the main members'
    performance). A draft may be revised; a final report is frozen."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("Project summary")  # 总结报告, by the team
        EVALUATION = "evaluation", _("Evaluation report")  # 评价报告, by the monitor

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # being written
        FINAL = "final", _("Final")  # submitted; no longer changes

    project = project_fk("reports")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = status_field(Status, "draft", max_length=6)
    rating = models.PositiveSmallIntegerField(_("overall rating (1–5)"), null=True, blank=True)
    body = models.TextField(_("report"))  # the summary, or how the project was run
    problems = models.TextField(_("problems and lessons"), blank=True)
    team_performance = models.TextField(_("performance of the main members"), blank=True)
    author = user_fk(_("author"))
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="project_report_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="project_report_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_kind_display()}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL
