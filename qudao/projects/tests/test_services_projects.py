"""Creating projects (who may, for which partner and class), from a won registration, owner
change and the team."""

import pytest

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Notification
from qudao.projects import services
from qudao.projects.models import Project
from qudao.projects.tests.factories import project, template
from qudao.registrations.services import registration_close
from qudao.registrations.tests.factories import RegistrationFactory, product_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def gates(world):
    return template()


def test_a_partner_user_opens_a_channel_project_for_its_own_partner(world, gates):
    made = project(actor=world.p1_user, region=world.shenzhen, partner=world.p2)

    assert made.partner == world.p1  # never the partner it asked for
    assert made.owner == world.channel_mgr
    assert made.members.filter(user=world.p1_user).exists()


def test_a_partner_cannot_open_a_bid_project(world):
    bid = template(code="bidding", project_class="bid")

    with pytest.raises(PermissionDenied):
        project(actor=world.p1_user, template_obj=bid, region=world.shenzhen)

    assert not Project.objects.exists()


def test_a_regional_manager_creates_only_in_their_region(world, gates):
    with pytest.raises(PermissionDenied):
        project(actor=world.east_manager, region=world.shenzhen)
    made = project(actor=world.south_manager, region=world.shenzhen)
    assert made.code.startswith("XM-")
    assert "-HN-" in made.code


def test_bad_input_names_the_fields_and_writes_nothing(world, gates):
    with pytest.raises(ValidationError) as error:
        project(
            actor=world.pm,
            region=world.shenzhen,
            name="",
            amount="-1",
            customer_credit_code="123",
            start_date="2026-05-01",
            end_date="2026-04-01",
        )

    assert {"name", "amount", "customer_credit_code", "end_date"} <= set(error.value.message_dict)
    assert not Project.objects.exists()


def test_a_won_registration_becomes_a_project(world):
    registration = RegistrationFactory(
        partner=world.p1,
        customer_region=world.shenzhen,
        status="approved",
        products=[("CLOUD", 12)],
    )
    product_line("CLOUD", "云平台")

    registration_close(actor=world.p1_user, registration=registration, outcome="won")

    made = Project.objects.get(source_registration=registration)
    assert (made.customer_name, made.amount, made.partner) == (
        registration.customer_name,
        registration.estimated_amount,
        world.p1,
    )
    assert made.region == world.shenzhen
    assert made.owner == world.channel_mgr
    assert made.template_version.template.code == "channel"
    assert "× 12" in made.notes
    assert made.stage_code == "opportunity"


def test_only_authorised_roles_change_the_owner_and_both_are_told(
    world, gates, django_capture_on_commit_callbacks
):
    made = project(actor=world.pm, region=world.shenzhen)
    for someone in (world.pm, world.east_manager, world.channel_mgr, world.p1_user):
        with pytest.raises(PermissionDenied):
            services.project_owner_change(
                actor=someone, project=made, owner=world.channel_mgr.pk, reason="调岗"
            )
    with pytest.raises(ValidationError):
        services.project_owner_change(
            actor=world.south_manager, project=made, owner=world.p1_user.pk, reason="调岗"
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.project_owner_change(
            actor=world.south_manager, project=made, owner=world.channel_mgr.pk, reason="调岗"
        )

    made.refresh_from_db()
    assert made.owner == world.channel_mgr
    assert Notification.objects.filter(recipient=world.pm, title__contains=made.code).exists()
    assert Notification.objects.filter(
        recipient=world.channel_mgr, title__contains=made.code
    ).exists()


def test_the_team_takes_partner_users_of_the_projects_partner_only(world, gates):
    made = project(actor=world.pm, region=world.shenzhen, partner=world.p1)

    with pytest.raises(ValidationError):
        services.project_member_add(
            actor=world.pm, project=made, user=world.p2_user.pk, role="partner_engineer"
        )
    member = services.project_member_add(
        actor=world.pm, project=made, user=world.p1_admin.pk, role="partner_engineer"
    )
    with pytest.raises(ValidationError):
        services.project_member_add(
            actor=world.pm, project=made, user=world.p1_admin.pk, role="partner_engineer"
        )
    services.project_member_remove(actor=world.pm, project=made, member=member)
    assert not made.members.filter(user=world.p1_admin).exists()
