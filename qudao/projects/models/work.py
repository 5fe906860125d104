"""Running a project: milestones and tasks (the Gantt), risks, issues, meetings with their action
items, weekly reports (周报) and resource requests (资源求助).

Every row hangs off a project (CASCADE: the project is never deleted in practice, it is closed)
and is read only through the project's scope (the selectors start from
projects_visible_to). Action items carry their project directly, so the "my open actions" and
health queries need no join through the meeting.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models import Department
from qudao.core.models.fields import CreatedBy, Timestamped, status_field, user_fk

from .projects import project_fk


class WorkItem(CreatedBy, Timestamped):
    """A milestone (里程碑, a point in time) or a task (任务, a span) on the project plan."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone")
        TASK = "task", _("Task")

    class Status(models.TextChoices):
        TODO = "todo", _("Not started")  # planned
        DOING = "doing", _("In progress")  # being worked on
        DONE = "done", _("Done")  # finished; completed_at says when
        CANCELLED = "cancelled", _("Cancelled")  # no longer needed; never overdue

    OPEN = (Status.TODO, Status.DOING)

    project = project_fk("work_items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    name = models.CharField(_("name"), max_length=200)
    owner = user_fk(_("owner"), related_name="project_work_items", optional=True)
    # A milestone has only a due date; a task runs from its start to its due date.
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    status = status_field(Status, "todo")
    depends_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("depends on"),
    )
    note = models.TextField(_("note"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone or task")
        verbose_name_plural = _("milestones and tasks")
        ordering = ["project", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="work_item_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(depends_on=F("id")), name="work_item_not_self_dependent"
            ),
        ]
        indexes = [
            # Overdue milestones of many projects at once (the daily health check).
            models.Index(fields=["project", "kind", "status", "due_date"], name="work_item_due"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_milestone(self) -> bool:
        return self.kind == self.Kind.MILESTONE


def risk_level(probability: int, impact: int) -> str:
    """The level of a risk from its score (probability × impact, 1–25)."""
    score = probability * impact
    if score >= 15:
        return Risk.Level.HIGH
    if score >= 8:
        return Risk.Level.MEDIUM
    return Risk.Level.LOW


class Risk(CreatedBy, Timestamped):
    """A project risk (风险): identified, assessed (probability × impact), responded to."""

    class Level(models.TextChoices):
        LOW = "low", _("Low")  # score 1–7
        MEDIUM = "medium", _("Medium")  # score 8–14
        HIGH = "high", _("High")  # score 15–25

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # identified, no response yet in effect
        MITIGATING = "mitigating", _("Mitigating")  # the response is being carried out
        CLOSED = "closed", _("Closed")  # no longer a threat (avoided, happened and handled)

    project = project_fk("risks")
    title = models.CharField(_("risk"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    probability = models.PositiveSmallIntegerField(_("probability (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))
    # Derived from probability × impact by the services (risk_level); stored for filtering.
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    response = models.TextField(_("response"), blank=True)  # 应对措施
    owner = user_fk(_("owner"), related_name="project_risks", optional=True)
    status = status_field(Status, "open")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["project", "status", "-probability", "-impact", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=5), name="risk_probability_1_5"
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_5"
            ),
        ]
        indexes = [models.Index(fields=["project", "status"], name="risk_by_project")]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.probability * self.impact


class ProjectIssue(CreatedBy, Timestamped):
    """A problem the project has now (问题), to be resolved by its owner."""

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # reported
        IN_PROGRESS = "in_progress", _("In progress")  # someone works on it
        RESOLVED = "resolved", _("Resolved")  # solved, with the resolution

    project = project_fk("issues")
    title = models.CharField(_("issue"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    owner = user_fk(_("owner"), related_name="project_issues", optional=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = status_field(Status, "open", max_length=12)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["project", "status", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution=""),
                name="issue_resolved_has_resolution",
            )
        ]
        indexes = [models.Index(fields=["project", "status"], name="issue_by_project")]

    def __str__(self) -> str:
        return self.title


class Meeting(CreatedBy, Timestamped):
    """A project meeting with its minutes (会议纪要): kickoff, analysis, review …"""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Kickoff meeting")  # 启动会
        ANALYSIS = "analysis", _("Analysis meeting")  # 项目分析会
        REVIEW = "review", _("Review meeting")  # 评审会
        CUSTOMER = "customer", _("Customer meeting")  # 客户交流 / 洽谈
        SUMMARY = "summary", _("Summary meeting")  # 总结会
        OTHER = "other", _("Other meeting")

    project = project_fk("meetings")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ANALYSIS)
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("held at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["project", "-held_at", "-id"]
        indexes = [models.Index(fields=["project", "held_at"], name="meeting_by_project")]

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    """An action agreed in a meeting (待办), tracked until it is closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # to do by its owner before its due date
        DONE = "done", _("Done")  # closed as done
        CANCELLED = "cancelled", _("Cancelled")  # closed as no longer needed

    CLOSED = (Status.DONE, Status.CANCELLED)

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="actions", verbose_name=_("meeting")
    )
    project = project_fk("action_items")
    description = models.CharField(_("action"), max_length=300)
    owner = user_fk(_("owner"), related_name="project_actions")
    due_date = models.DateField(_("due date"))
    status = status_field(Status, "open")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = user_fk(_("closed by"), optional=True)
    closing_note = models.CharField(_("closing note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting", "due_date", "id"]
        constraints = [
            # Closed exactly when it has a closing time.
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="action_item_closed_has_time",
            )
        ]
        indexes = [
            models.Index(fields=["project", "status", "due_date"], name="action_by_project"),
            models.Index(fields=["owner", "status"], name="action_by_owner"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class WeeklyReport(Timestamped):
    """A weekly report (周报): one per project, ISO week and author; the author may revise it."""

    project = project_fk("weekly_reports")
    author = user_fk(related_name="project_weekly_reports")
    iso_year = models.PositiveSmallIntegerField(_("year"))
    iso_week = models.PositiveSmallIntegerField(_("week"))
    week_start = models.DateField(_("week of"))  # the Monday, for display and sorting
    this_week = models.TextField(_("work this week"))
    next_week = models.TextField(_("plan for next week"), blank=True)
    problems = models.TextField(_("problems and help needed"), blank=True)

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["project", "-week_start", "author_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "author", "iso_year", "iso_week"], name="weekly_report_once"
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53), name="weekly_report_week_1_53"
            ),
        ]
        indexes = [models.Index(fields=["project", "created_at"], name="weekly_by_project")]

    def __str__(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d} {self.author}"


class ResourceRequest(models.Model):
    """A request for help (资源求助) routed to a vendor department, which answers it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # waiting for the department
        ACCEPTED = "accepted", _("Accepted")  # the department takes it on
        RESOLVED = "resolved", _("Resolved")  # the help was given
        DECLINED = "declined", _("Declined")  # the department cannot help (with a reason)
        WITHDRAWN = "withdrawn", _("Withdrawn")  # the requester no longer needs it

    # Allowed moves: one map, checked by one function (services.resources).
    TRANSITIONS = {
        Status.OPEN: (Status.ACCEPTED, Status.RESOLVED, Status.DECLINED, Status.WITHDRAWN),
        Status.ACCEPTED: (Status.RESOLVED, Status.DECLINED, Status.WITHDRAWN),
        Status.RESOLVED: (),
        Status.DECLINED: (),
        Status.WITHDRAWN: (),
    }

    project = project_fk("resource_requests")
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="project_resource_requests",
        verbose_name=_("department"),
    )
    title = models.CharField(_("request"), max_length=200)
    description = models.TextField(_("what is needed"))
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    status = status_field(Status, "open")
    response = models.TextField(_("response"), blank=True)
    responded_by = user_fk(_("answered by"), optional=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    requested_by = user_fk(_("requested by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resource request")
        verbose_name_plural = _("resource requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "-created_at"], name="resreq_by_dept"),
            models.Index(fields=["project", "-created_at"], name="resreq_by_project"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        """Still waiting for the department's answer (open, or accepted and not yet resolved)."""
        return self.status in (self.Status.OPEN, self.Status.ACCEPTED)
