"""The organisation pages: who may open them, and managing users through them."""

import pytest

from qudao.core.models import User

pytestmark = pytest.mark.django_db


def test_partner_user_is_refused_staff_pages(world, as_user):
    client = as_user(world.p1_admin)

    assert client.get("/org/").status_code == 403
    assert client.get("/org/users/new/").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_admin_creates_a_user_through_the_page(world, as_user):
    client = as_user(world.admin)

    response = client.post(
        "/org/users/new/",
        {
            "username": "xiaoming",
            "last_name": "王",
            "first_name": "小明",
            "email": "xm@example.com",
            "mobile": "13600000000",
            "region": world.south.pk,
            "is_active": "on",
            "roles": ["presales"],
            "password": "A-long-enough-pass-2026",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="xiaoming")
    assert user.role_codes == {"presales"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mobile": "12345"}, "mobile"),
        ({"password": "123"}, "password"),
        ({"password": ""}, "password"),
        ({"roles": ["partner_sales"]}, "roles"),
    ],
)
def test_user_form_rejects_bad_input_and_writes_nothing(world, as_user, data, field):
    form = {
        "username": "bad",
        "last_name": "王",
        "first_name": "五",
        "is_active": "on",
        "roles": ["presales"],
        "password": "A-long-enough-pass-2026",
        **data,
    }

    response = as_user(world.admin).post("/org/users/new/", form)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(username="bad").exists()


def test_only_admins_manage_users(world, as_user):
    assert as_user(world.south_manager).get("/org/users/new/").status_code == 403
    assert as_user(world.south_manager).get("/org/").status_code == 200
