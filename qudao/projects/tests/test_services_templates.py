"""Process templates: the built-in ones, validation on publish, immutability of a published
version, and new versions that leave running projects alone."""

import pytest

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.projects import services
from qudao.projects.models import ProcessTemplate, StageDefinition, TemplateVersion
from qudao.projects.tests.factories import admin_user, gate_stages, project, template

pytestmark = pytest.mark.django_db


def test_seven_templates_ship_published():
    builtin = {t.code: t for t in ProcessTemplate.objects.filter(is_builtin=True)}

    assert set(builtin) == {
        "presales_standard",
        "security_presales",
        "company",
        "channel",
        "bid",
        "delivery",
        "service",
    }
    presales = builtin["presales_standard"].versions.get(status="published")
    assert [s.name for s in presales.stages.order_by("order")][:3] == [
        "机会获取",
        "机会评估",
        "立项",
    ]
    assert presales.stages.count() == 11
    delivery = builtin["delivery"].versions.get(status="published").stages.order_by("order")
    assert [s.code for s in delivery] == [
        "kickoff",
        "implementation",
        "acceptance",
        "handover",
        "follow_up",
    ]
    assert delivery.get(code="kickoff").repeatable
    assert delivery.get(code="handover").approval == "role"
    gates = StageDefinition.objects.filter(version__template__is_builtin=True).exclude(
        approval="none"
    )
    assert {"requirement_review", "solution_review", "quotation", "contract", "handover"} <= set(
        gates.values_list("code", flat=True)
    )


def test_publishing_checks_the_stages():
    admin = admin_user()
    empty = services.template_create(
        actor=admin, data={"code": "empty", "name": "空", "project_class": "bid"}
    )
    with pytest.raises(ValidationError) as error:
        services.template_version_publish(actor=admin, version=empty.versions.get())
    assert "stages" in error.value.message_dict

    bad = [
        {"code": "a", "name": "A", "target_days": 0},
        {"code": "a", "name": "B", "target_days": 3, "document_types": ["nope"]},
        {"code": "c", "name": "C", "target_days": 3, "approval": "role", "approval_role": "x"},
    ]
    with pytest.raises(ValidationError) as error:
        services.template_version_save(actor=admin, version=empty.versions.get(), stages=bad)
    assert set(error.value.message_dict) == {
        "stages.0.target_days",
        "stages.1.code",
        "stages.1.document_types",
        "stages.2.approval_role",
    }
    assert empty.versions.get().stages.count() == 0


def test_only_admins_edit_templates(world):
    with pytest.raises(PermissionDenied):
        services.template_create(
            actor=world.hq, data={"code": "x", "name": "X", "project_class": "bid"}
        )


def test_a_published_version_is_immutable_and_v2_leaves_running_projects_alone(world):
    admin = admin_user()
    gates = template(actor=admin)
    v1 = gates.versions.get()
    running = project(actor=world.pm, region=world.shenzhen)

    with pytest.raises(ConflictError):
        services.template_version_save(actor=admin, version=v1, stages=gate_stages()[:1])

    v2 = services.template_version_new(actor=admin, template=gates)
    assert v2.number == 2
    assert v2.stages.count() == v1.stages.count()
    with pytest.raises(ConflictError):
        services.template_version_new(actor=admin, template=gates)
    services.template_version_save(
        actor=admin,
        version=v2,
        stages=[{"code": "only", "name": "唯一阶段", "target_days": 3}],
    )
    services.template_version_publish(actor=admin, version=v2)

    v1.refresh_from_db()
    assert v1.status == TemplateVersion.Status.RETIRED
    assert list(v1.stages.values_list("code", flat=True)) == [
        "solution",
        "review",
        "kickoff",
        "acceptance",
    ]
    running.refresh_from_db()
    assert running.template_version == v1
    assert running.stages.count() == 4
    newer = project(actor=world.pm, region=world.shenzhen)
    assert newer.template_version == v2
    assert newer.stage_code == "only"
