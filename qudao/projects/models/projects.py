"""Projects (项目库): the project with its team, its stages (one row per stage definition of
its template version), the transitions between stages, repeated submissions and documents.

Why `stage_code` is copied onto Project: the list is filtered by stage and region and sorted by
amount over every project; a join to the stage rows could not use one composite index, a column
on the project can (indexes below). The services keep it equal to current_stage's code.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models.choices import ChoiceLabels
from qudao.core.models.fields import (
    MONEY,
    DetailUrl,
    Timestamped,
    partner_fk,
    region_fk,
    status_field,
    user_fk,
)

from .templates import DocumentType, ProjectClass, StageDefinition, TemplateVersion


class Project(DetailUrl, ChoiceLabels, Timestamped):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")  # running through its stages
        WON = "won", _("Won")  # the contract is signed
        LOST = "lost", _("Lost")  # the customer chose someone else (with a reason)
        SUSPENDED = "suspended", _("Suspended")  # on hold; may be resumed
        CLOSED = "closed", _("Closed")  # finished and archived; read-only

    class CompetitorStrategy(models.TextChoices):
        # How the project meets its competitors, decided from their analysis (立项/投标).
        AVOID = "avoid", _("Avoid")  # 回避: not worth fighting for; spend the effort elsewhere
        COMPETE = "compete", _("Compete")  # 竞争: go for the deal against them
        TRACK = "track", _("Track")  # 跟踪: keep watching; decide when the picture is clearer

    class Health(models.TextChoices):
        GOOD = "good", _("On track")  # nothing overdue or missing
        WARNING = "warning", _("At risk")  # something is late or missing
        CRITICAL = "critical", _("Critical")  # several problems, or late for long

    # Projects in these states can no longer be edited.
    FINAL = (Status.LOST, Status.CLOSED)

    code = models.CharField(_("code"), max_length=40, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    project_class = models.CharField(
        _("project class"), max_length=10, choices=ProjectClass.choices
    )
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_credit_code = models.CharField(
        _("customer unified social credit code"), max_length=18, blank=True
    )
    region = region_fk(related_name="projects")
    partner = partner_fk(related_name="projects", optional=True)
    source_registration = models.OneToOneField(
        "registrations.Registration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project",
        verbose_name=_("source registration"),
    )
    amount = models.DecimalField(
        _("amount (CNY)"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    owner = user_fk(_("owner"), related_name="projects_owned")
    status = status_field(Status, Status.ACTIVE)
    tags = models.CharField(_("tags"), max_length=200, blank=True)  # comma-separated
    notes = models.TextField(_("notes"), blank=True)
    # The outcome: when the project was won (the date attainment counts it on) or lost, why,
    # and to whom. Set by the closing service, never typed into the list.
    won_at = models.DateTimeField(_("won at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome_reason = models.TextField(_("win / loss reason"), blank=True)
    competitor = models.CharField(_("competitor"), max_length=100, blank=True)
    # The competitor strategy (回避/竞争/跟踪) and the analysis it rests on, kept current by
    # services.competition while the project runs.
    competitor_strategy = models.CharField(
        _("competitor strategy"), max_length=10, choices=CompetitorStrategy.choices, blank=True
    )
    competitor_analysis = models.TextField(_("competitor analysis"), blank=True)
    # Derived by the task worker from overdue milestones, a stage over its target duration,
    # missing documents and stale updates; the reasons say which (codes with parameters).
    health = models.CharField(
        _("health"), max_length=10, choices=Health.choices, default=Health.GOOD
    )
    health_reasons = models.JSONField(_("health reasons"), default=list, blank=True)
    health_checked_at = models.DateTimeField(_("health checked at"), null=True, blank=True)
    template_version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("template version"),
    )
    current_stage = models.ForeignKey(
        "ProjectStage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current stage"),
    )
    stage_code = models.CharField(_("stage"), max_length=30, blank=True)  # = current_stage's
    stage_entered_at = models.DateTimeField(_("in stage since"), null=True, blank=True)
    # Optimistic lock: every change bumps it; a change made on a stale version is refused (409).
    version = models.PositiveIntegerField(default=1)
    created_by = user_fk(_("created by"), related_name="projects_created")

    # Not in the audit trail (core.services.audit.snapshot): the optimistic lock, the copy of
    # the current stage's code and its time (the stage moves are recorded as transitions), and
    # the health the task worker derives.
    audit_exclude = (
        "version",
        "stage_code",
        "stage_entered_at",
        "health",
        "health_reasons",
        "health_checked_at",
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="project_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="project_dates_ordered",
            ),
        ]
        indexes = [
            # The list filtered by stage (and region) and sorted by amount.
            models.Index(
                fields=["stage_code", "region", "amount"], name="project_stage_region_amt"
            ),
            models.Index(fields=["stage_code", "amount"], name="project_stage_amount"),
            models.Index(fields=["region", "amount"], name="project_region_amount"),
            models.Index(fields=["status", "amount"], name="project_status_amount"),
            models.Index(fields=["partner", "status"], name="project_partner_status"),
            models.Index(fields=["status", "won_at"], name="project_status_won"),
            models.Index(fields=["health", "amount"], name="project_health_amount"),
            models.Index(fields=["owner", "status"], name="project_owner_status"),
            models.Index(fields=["-created_at", "-id"], name="project_newest_first"),
            # The performance rollups' refresh reads what changed since its last run.
            models.Index(fields=["updated_at"], name="project_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    detail_url_name = "projects:project-detail"

    @property
    def is_editable(self) -> bool:
        return self.status not in self.FINAL

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


def project_fk(related_name: str) -> models.ForeignKey:
    """The key of a record that belongs to one project (and goes with it)."""
    return models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name=related_name, verbose_name=_("project")
    )


class ProjectStage(models.Model):
    """The state of one stage definition in one project; created for every stage at start."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not started")  # a later stage
        ACTIVE = "active", _("In progress")  # the current stage, being worked on
        IN_APPROVAL = "in_approval", _("In approval")  # its gate approval is running
        DONE = "done", _("Done")  # passed its gate
        SKIPPED = "skipped", _("Skipped")  # skipped with a reason (skippable stages only)
        RETURNED = "returned", _("Returned")  # its approval was rejected or returned, with a reason

    # The stage can be worked on (documents, checklist, draft) and advanced.
    WORKABLE = (Status.ACTIVE, Status.RETURNED)

    project = project_fk("stages")
    definition = models.ForeignKey(
        StageDefinition,
        on_delete=models.PROTECT,
        related_name="project_stages",
        verbose_name=_("stage definition"),
    )
    order = models.PositiveSmallIntegerField(_("order"))  # copied from the definition
    status = status_field(Status, Status.PENDING, max_length=12)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Indexes (0-based) of the definition's checklist items that are ticked.
    checklist_done = models.JSONField(_("checklist ticked"), default=list, blank=True)
    draft = models.JSONField(_("draft data"), default=dict, blank=True)
    return_reason = models.TextField(_("reason returned"), blank=True)

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "definition"], name="project_stage_once"),
            models.UniqueConstraint(fields=["project", "order"], name="project_stage_order"),
        ]

    def __str__(self) -> str:
        return str(self.definition)

    @property
    def is_workable(self) -> bool:
        return self.status in self.WORKABLE

    @property
    def is_started(self) -> bool:
        """Entered at some point (not a later stage still waiting its turn)."""
        return self.status != self.Status.PENDING


class StageTransition(models.Model):
    """One move of a project between stages: who, when, from → to, what and why."""

    class Action(models.TextChoices):
        START = "start", _("Started")  # the project was created in its first stage
        ADVANCE = "advance", _("Advanced")  # the gate passed without an approval
        SUBMIT = "submit", _("Submitted for approval")  # the gate's approval started
        APPROVE = "approve", _("Approved")  # the gate's approval passed: next stage
        REJECT = "reject", _("Rejected")  # the approval refused it; the stage is returned
        RETURN = "return", _("Returned")  # the approval sent it back; the stage is returned
        SKIP = "skip", _("Skipped")  # a skippable stage was skipped with a reason
        FINISH = "finish", _("Finished")  # the last stage passed its gate

    project = project_fk("transitions")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_stage = models.ForeignKey(
        ProjectStage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_stage = models.ForeignKey(
        ProjectStage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to"),
    )
    actor = user_fk(_("by"), optional=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["project", "created_at"], name="transition_by_project")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.actor})"


class StageSubmission(models.Model):
    """A repeated submission of a repeatable stage (e.g. a second kickoff meeting's minutes),
    accepted even after the stage is done."""

    stage = models.ForeignKey(
        ProjectStage, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("stage")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    data = models.JSONField(_("data"), default=dict, blank=True)
    submitted_by = user_fk(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage submission")
        verbose_name_plural = _("stage submissions")
        ordering = ["stage", "number"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "number"], name="stage_submission_number")
        ]

    def __str__(self) -> str:
        return self.title


class ProjectMember(models.Model):
    """A person on the project team with a project role (项目角色)."""

    class Role(models.TextChoices):
        DIRECTOR = "director", _("Project director")  # 项目总监
        MANAGER = "manager", _("Project manager")  # 项目经理
        PRESALES = "presales", _("Presales engineer")  # 售前工程师
        ACCOUNT = "account", _("Account manager")  # 客户经理
        PLANNING = "planning", _("Planning manager")  # 规划经理
        MONITOR = "monitor", _("Project monitor")  # 监控人: watches, does not edit
        PARTNER_ENGINEER = "partner_engineer", _("Partner engineer")  # 渠道工程师
        PARTNER_SALES = "partner_sales", _("Partner sales")  # 渠道销售
        MEMBER = "member", _("Team member")

    # Roles that watch the project without changing it.
    WATCHERS = (Role.MONITOR,)

    project = project_fk("members")
    user = user_fk(_("user"), related_name="project_memberships")
    role = models.CharField(_("project role"), max_length=20, choices=Role.choices)
    added_by = user_fk(_("added by"), optional=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        ordering = ["project", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "role"], name="project_member_once")
        ]
        indexes = [models.Index(fields=["user", "project"], name="member_by_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


def document_path(instance: "ProjectDocument", filename: str) -> str:
    return f"projects/{instance.project_id}/{filename}"


class ProjectDocument(models.Model):
    """A file in the project archive (项目档案). Uploading the same type in the same stage again
    adds a new version; the earlier versions stay."""

    project = project_fk("documents")
    stage = models.ForeignKey(
        ProjectStage, on_delete=models.CASCADE, related_name="documents", verbose_name=_("stage")
    )
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("document type"),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = user_fk(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["project", "stage", "document_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "document_type", "version"], name="project_document_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="project_document_version_1"),
        ]
        indexes = [models.Index(fields=["project", "uploaded_at"], name="document_by_project")]

    def __str__(self) -> str:
        return f"{self.document_type} v{self.version}"
