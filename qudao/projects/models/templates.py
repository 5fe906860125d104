"""Process templates (流程模板) as data: a template has numbered versions, and a version an
ordered list of stage definitions (gates) with their required documents, checklist, approval and
target duration.

Why versions: a project keeps the version it started on (Project.template_version is PROTECT),
so publishing version 2 never changes running projects. A published version is immutable (the
services refuse to edit it); only a draft version can be edited, and at most one draft and one
published version exist per template at a time (database constraints).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models import Role
from qudao.core.models.fields import status_field, user_fk


class ProjectClass(models.TextChoices):
    """The class (项目分类) of a project; a template is written for one class."""

    COMPANY = "company", _("Company-level project")  # 公司级项目
    CHANNEL = "channel", _("Channel project")  # 渠道项目
    BID = "bid", _("Bid project")  # 投标项目
    DELIVERY = "delivery", _("Delivery project")  # 交付项目
    PRESALES = "presales", _("Presales project")  # 售前项目
    SERVICE = "service", _("Service project")  # 服务项目


class DocumentType(models.Model):
    """A kind of project document (需求调研报告, 方案建议书, 合同 …) with its upload rules."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Lower-case extensions with the dot, e.g. [".pdf", ".docx"]; checked by core.uploads.
    allowed_extensions = models.JSONField(_("allowed file types"), default=list)
    max_bytes = models.PositiveIntegerField(_("maximum size (bytes)"), default=20 * 1024 * 1024)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(max_bytes__gt=0), name="doctype_max_bytes_positive")
        ]

    def __str__(self) -> str:
        return self.name


class ProcessTemplate(models.Model):
    """A process template (流程模板): its versions hold the stages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    project_class = models.CharField(
        _("project class"), max_length=10, choices=ProjectClass.choices
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_builtin = models.BooleanField(_("built in"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("process template")
        verbose_name_plural = _("process templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # being edited by an admin; not usable by projects
        PUBLISHED = "published", _("Published")  # immutable; new projects start on it
        RETIRED = "retired", _("Retired")  # replaced by a newer version; running projects keep it

    template = models.ForeignKey(
        ProcessTemplate,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("process template"),
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = status_field(Status, Status.DRAFT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = user_fk(_("created by"), optional=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = user_fk(_("published by"), optional=True)

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_number"),
            models.UniqueConstraint(
                fields=["template"], condition=Q(status="draft"), name="template_one_draft"
            ),
            models.UniqueConstraint(
                fields=["template"],
                condition=Q(status="published"),
                name="template_one_published",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="template_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class StageDefinition(models.Model):
    """One gate of a template version (机会获取, 立项, 方案评审 …)."""

    class Approval(models.TextChoices):
        NONE = "none", _("No approval")  # the stage moves on once documents and checklist are done
        ROLE = "role", _("By a role")  # one step decided by a holder of `approval_role`
        CHAIN = "chain", _("Named chain")  # the steps in `approval_chain`, one after another

    version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("template version"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    target_days = models.PositiveSmallIntegerField(_("target duration (days)"))
    document_types = models.ManyToManyField(
        DocumentType, blank=True, related_name="stages", verbose_name=_("required documents")
    )
    checklist = models.JSONField(_("checklist"), default=list, blank=True)  # list of strings
    approval = models.CharField(
        _("approval"), max_length=5, choices=Approval.choices, default=Approval.NONE
    )
    approval_role = models.CharField(
        _("approving role"), max_length=30, choices=Role.Code.choices, blank=True
    )
    # [{"name": "区域审批", "role": "regional_manager"}, {"name": "总监", "user": 12}, …]
    approval_chain = models.JSONField(_("approval chain"), default=list, blank=True)
    skippable = models.BooleanField(_("can be skipped"), default=False)
    repeatable = models.BooleanField(_("accepts repeated submissions"), default=False)

    class Meta:
        verbose_name = _("stage definition")
        verbose_name_plural = _("stage definitions")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="stage_def_order"),
            models.UniqueConstraint(fields=["version", "code"], name="stage_def_code"),
            models.CheckConstraint(condition=Q(target_days__gt=0), name="stage_def_target_days"),
            models.CheckConstraint(
                condition=~Q(approval="role") | ~Q(approval_role=""),
                name="stage_def_role_approval_has_role",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_approval(self) -> bool:
        """The stage's gate is decided by an approval (a role or a named chain)."""
        return self.approval != self.Approval.NONE

    @property
    def approval_by_role(self) -> bool:
        return self.approval == self.Approval.ROLE

    @property
    def approval_by_chain(self) -> bool:
        return self.approval == self.Approval.CHAIN
