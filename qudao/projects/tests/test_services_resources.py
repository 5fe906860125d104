"""Resource requests routed to a department, which answers them."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import Department, Notification
from qudao.core.tests.factories import UserFactory
from qudao.projects.models import ResourceRequest
from qudao.projects.services import resources as resource_services
from qudao.projects.tests.helpers import running_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def running(world):
    return running_project(world)


@pytest.fixture
def presales_dept(world):
    department = Department.objects.create(name="售前技术部")
    world.presales = UserFactory(roles=["presales"], department=department)
    return department


def test_a_resource_request_goes_to_its_department_and_is_answered(
    world, running, presales_dept, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = resource_services.resource_request_create(
            actor=world.pm,
            project=running,
            data={
                "title": "需要无线专家",
                "description": "现场勘测",
                "department": presales_dept.pk,
                "needed_by": TODAY + 3 * DAY,
            },
        )
    assert Notification.objects.filter(recipient=world.presales, title__contains="需要无线专家")

    with pytest.raises(PermissionDenied):
        resource_services.resource_request_respond(
            actor=world.pm, request=request, status="accepted"
        )
    with django_capture_on_commit_callbacks(execute=True):
        accepted = resource_services.resource_request_respond(
            actor=world.presales, request=request, status="accepted", response="安排王工"
        )
    assert accepted.responded_by == world.presales
    with pytest.raises(ValidationError):  # resolving needs the answer
        resource_services.resource_request_respond(
            actor=world.presales, request=request, status="resolved"
        )
    with django_capture_on_commit_callbacks(execute=True):
        resolved = resource_services.resource_request_respond(
            actor=world.presales, request=request, status="resolved", response="已完成勘测"
        )
    assert resolved.status == "resolved"
    assert (
        Notification.objects.filter(recipient=world.pm, title__contains="需要无线专家").count() == 2
    )
    with pytest.raises(ConflictError):
        resource_services.resource_request_respond(
            actor=world.pm, request=request, status="withdrawn"
        )


def test_a_resource_request_needs_a_department(world, running):
    with pytest.raises(ValidationError) as error:
        resource_services.resource_request_create(
            actor=world.pm, project=running, data={"title": "t", "description": "d"}
        )
    assert "department" in error.value.message_dict
    assert not ResourceRequest.objects.exists()
