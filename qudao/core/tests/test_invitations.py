"""Invitations: the e-mailed one-time link sets the first password, logs the user in, and then
stops working; bad, used and expired links get a clear page; weak passwords are refused."""

import pytest
from django.core import mail
from django.test import Client

from qudao.core.models import AuditEntry, User
from qudao.core.services.invitations import invitation_path, invitation_send
from qudao.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
GOOD = "Hai-Tian-2026!"


@pytest.fixture
def invited(db):
    user = UserFactory(username="newadmin", email="newadmin@partner.example.com")
    user.set_unusable_password()
    user.save()
    return user


def test_send_mails_the_absolute_link_and_returns_it(invited, settings):
    settings.SITE_URL = "https://qudao.example.com/"

    url = invitation_send(user=invited)

    assert url.startswith("https://qudao.example.com/accounts/invite/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [invited.email]
    assert url in mail.outbox[0].body and invited.username in mail.outbox[0].body


def test_link_sets_the_password_logs_in_and_works_once(invited):
    client = Client()
    path = invitation_path(invited)

    form = client.get(path)
    response = client.post(path, {"new_password1": GOOD, "new_password2": GOOD})
    home = client.get("/")
    second = Client().get(path)
    second_post = Client().post(path, {"new_password1": GOOD, "new_password2": GOOD})

    assert form.status_code == 200 and invited.username in form.content.decode()
    assert response.status_code == 302 and response["Location"] == "/"
    assert home.status_code == 200 and home.context["user"].pk == invited.pk
    invited.refresh_from_db()
    assert invited.check_password(GOOD)
    assert second.status_code == 400 and second_post.status_code == 400
    assert 'data-testid="invitation-invalid"' in second.content.decode()
    assert AuditEntry.objects.filter(object_id=str(invited.pk), actor=invited).exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda uid, token: (uid, token[:-2] + "zz"),
        lambda uid, token: (uid, "nope-token"),
        lambda uid, token: ("!!notbase64", token),
        lambda uid, token: ("OTk5OTk5", token),  # base64 of a user id that does not exist
    ],
)
def test_bad_links_are_refused_with_a_clear_page(invited, mangle):
    uid, token = invitation_path(invited).strip("/").split("/")[-2:]
    bad_uid, bad_token = mangle(uid, token)

    response = Client().get(f"/accounts/invite/{bad_uid}/{bad_token}/")

    assert response.status_code == 400
    assert 'data-testid="invitation-invalid"' in response.content.decode()


def test_inactive_user_cannot_use_the_link(invited):
    path = invitation_path(invited)
    User.objects.filter(pk=invited.pk).update(is_active=False)

    assert Client().get(path).status_code == 400


@pytest.mark.parametrize(
    ("password", "again"),
    [("123", "123"), ("12345678901", "12345678901"), ("password", "password"), (GOOD, GOOD + "x")],
)
def test_weak_or_mismatched_password_is_refused_and_the_link_stays_valid(invited, password, again):
    client = Client()
    path = invitation_path(invited)

    response = client.post(path, {"new_password1": password, "new_password2": again})

    assert response.status_code == 200 and response.context["form"].errors
    invited.refresh_from_db()
    assert not invited.has_usable_password()
    assert client.get(path).status_code == 200  # still usable with a good password
