"""Test helpers: document types, small templates and projects, all made through the services
so that tests exercise the same paths as the app."""

from django.core.files.uploadedfile import SimpleUploadedFile

from qudao.core.sample_files import pdf_bytes
from qudao.core.tests.factories import UserFactory
from qudao.projects import services
from qudao.projects.models import DocumentType, ProcessTemplate, Project

PDF = pdf_bytes()


def doc_type(
    code: str = "proposal", name: str = "方案建议书", extensions=(".pdf",), max_bytes=1024
):
    # get_or_create: the data migration ships some types; transactional tests flush them.
    found, _created = DocumentType.objects.update_or_create(
        code=code,
        defaults={"name": name, "allowed_extensions": list(extensions), "max_bytes": max_bytes},
    )
    return found


def pdf(name: str = "doc.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def gate_stages() -> list[dict]:
    """Three gates: a document and a checklist; a regional manager's approval; a skippable one
    that takes repeated submissions; and a last stage."""
    doc_type()
    return [
        {
            "code": "solution",
            "name": "方案设计",
            "target_days": 10,
            "document_types": ["proposal"],
            "checklist": ["方案已与客户交流"],
        },
        {
            "code": "review",
            "name": "方案评审",
            "target_days": 5,
            "approval": "role",
            "approval_role": "regional_manager",
        },
        {
            "code": "kickoff",
            "name": "启动会",
            "target_days": 5,
            "skippable": True,
            "repeatable": True,
        },
        {"code": "acceptance", "name": "验收", "target_days": 20},
    ]


def admin_user():
    return UserFactory(roles=["admin"])


def template(
    *, code: str = "gates", stages=None, project_class: str = "channel", actor=None
) -> ProcessTemplate:
    actor = actor or admin_user()
    made = services.template_create(
        actor=actor,
        data={"code": code, "name": f"模板 {code}", "project_class": project_class},
        stages=gate_stages() if stages is None else stages,
    )
    services.template_version_publish(actor=actor, version=made.versions.get())
    return made


def project(*, actor, template_obj=None, region=None, partner=None, **data) -> Project:
    template_obj = template_obj or ProcessTemplate.objects.get(code="gates")
    values = {
        "template": template_obj.pk,
        "name": "数据中心扩容",
        "customer_name": "深圳市测试客户有限公司",
        "region": (region or actor.region).pk,
        "partner": partner.pk if partner else None,
        "amount": "1200000",
    } | data
    return services.project_create(actor=actor, data=values)
