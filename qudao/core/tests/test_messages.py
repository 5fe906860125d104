"""Notifications and approval titles are stored as a message key with parameters and read in the
language of whoever reads them, on the pages and in the API; outside channels keep the text
rendered for the recipient, and rows written before keys existed still show their text."""

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from qudao.core.messages import Message, render
from qudao.core.models import ApprovalRequest, Notification
from qudao.core.services.notifications import notify
from qudao.partners.services import partner_activation_submit, partner_create

pytestmark = pytest.mark.django_db

DECIDED = "Your approval was decided: %(title)s"
DECIDED_BODY = "%(actor)s: %(status)s."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(client, url: str, language: str) -> str:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def set_language(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def notify_decided(user, title="激活渠道伙伴 一号") -> Notification:
    (row,) = notify(
        recipients=[user],
        title=gettext_lazy(DECIDED),
        body=gettext_lazy(DECIDED_BODY),
        params={
            "title": title,
            "actor": "王总",
            "status": ApprovalRequest.Status.APPROVED.label,  # a lazy label: translated too
        },
    )
    return row


@pytest.mark.parametrize("stored_in", ["zh-hans", "en"])
def test_a_notification_reads_in_the_language_of_the_page_not_of_its_creation(
    world, as_user, stored_in
):
    user = world.channel_mgr
    set_language(user, stored_in)
    row = notify_decided(user)
    client = as_user(user)

    english = page(client, "/notifications/", "en")
    chinese = page(client, "/notifications/", "zh-hans")

    assert row.title_key == DECIDED and row.params["status"] == {"_t": "Approved"}
    assert "Your approval was decided: 激活渠道伙伴 一号" in english
    assert "王总: Approved." in english
    assert "您的审批申请已有结果：激活渠道伙伴 一号" in chinese
    assert "王总：已通过。" in chinese
    assert "已有结果" not in english and "was decided" not in chinese


def test_outside_channels_keep_the_text_in_the_recipients_language(world):
    set_language(world.channel_mgr, "en")

    row = notify_decided(world.channel_mgr)

    assert row.title == "Your approval was decided: 激活渠道伙伴 一号"
    assert row.body == "王总: Approved."


def test_the_home_page_and_the_api_show_notifications_in_the_readers_language(
    world, as_user, as_api
):
    notify_decided(world.channel_mgr)  # stored in Chinese, the default

    home = page(as_user(world.channel_mgr), "/", "en")
    api = as_api(world.channel_mgr).get("/api/v1/notifications", HTTP_ACCEPT_LANGUAGE="en")

    assert "Your approval was decided" in home
    item = api.json()["items"][0]
    assert item["title"] == "Your approval was decided: 激活渠道伙伴 一号"
    assert item["body"] == "王总: Approved."


def test_an_old_notification_without_a_key_shows_its_text(world, as_user):
    Notification.objects.create(recipient=world.channel_mgr, title="旧的通知", body="旧的正文")

    english = page(as_user(world.channel_mgr), "/notifications/", "en")

    assert "旧的通知" in english and "旧的正文" in english


def test_a_notification_whose_parameters_no_longer_fit_shows_its_stored_text(world, as_user):
    row = notify_decided(world.channel_mgr)
    Notification.objects.filter(pk=row.pk).update(params={"unexpected": 1})

    english = page(as_user(world.channel_mgr), "/notifications/", "en")

    assert row.title in english


def test_messages_keep_the_context_of_pgettext_and_nest():
    status = pgettext_lazy("delivery status", "Failed")
    nested = Message(gettext_lazy(DECIDED), {"title": Message(gettext_lazy("Approved"))})

    assert Message(status).encode() == {"_t": "delivery status\x04Failed"}
    assert nested.encode() == {"_t": DECIDED, "_p": {"title": {"_t": "Approved"}}}
    with translation.override("en"):
        assert render(DECIDED, nested.encode()["_p"]) == "Your approval was decided: Approved"
    with translation.override("zh-hans"):
        assert render(DECIDED, nested.encode()["_p"]) == "您的审批申请已有结果：已通过"


# --- approval titles and step names ----------------------------------------------------------


def activation(world) -> ApprovalRequest:
    """A partner activation requested from the Chinese UI."""
    with translation.override("zh-hans"):
        return _activation(world)


def _activation(world) -> ApprovalRequest:
    partner = partner_create(
        actor=world.channel_mgr,
        data={
            "code": "P-NEW",
            "name": "新伙伴",
            "region": world.shenzhen,
            "owner": world.channel_mgr,
        },
    )
    return partner_activation_submit(actor=world.channel_mgr, partner=partner)


def test_an_approval_title_reads_in_the_language_of_the_page(world, as_user, as_api):
    approval = activation(world)
    client = as_user(world.channel_mgr)

    english = page(client, f"/approvals/{approval.pk}/", "en")
    chinese = page(client, f"/approvals/{approval.pk}/", "zh-hans")
    listed = page(client, "/approvals/?tab=mine", "en")
    api = as_api(world.channel_mgr).get(
        f"/api/v1/approvals/{approval.pk}", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert approval.title == "激活渠道伙伴 新伙伴"  # the fallback, as the requester read it
    assert approval.title_key == "Activate partner %(name)s"
    assert "Activate partner 新伙伴" in english and "激活渠道伙伴" not in english
    assert "Regional manager review" in english and "大区经理审核" not in english
    assert "激活渠道伙伴 新伙伴" in chinese and "大区经理审核" in chinese
    assert "Activate partner 新伙伴" in listed
    assert api.json()["title"] == "Activate partner 新伙伴"
    assert [s["name"] for s in api.json()["steps"]] == [
        "Regional manager review",
        "Channel director approval",
    ]


def test_the_approvers_notification_reads_the_approval_title_in_the_readers_language(
    world, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approval = activation(world)
    row = Notification.objects.get(recipient=world.south_manager)

    english = page(as_user(world.south_manager), "/notifications/", "en")

    assert row.params["title"] == {"_t": "Activate partner %(name)s", "_p": {"name": "新伙伴"}}
    assert "Approval waiting for you: Activate partner 新伙伴" in english
    assert "Step: Regional manager review." in english
    assert approval.title not in english


def test_an_old_approval_without_a_key_shows_its_title(world, as_user):
    approval = ApprovalRequest.objects.create(
        kind="partner_activation",
        title="旧的审批标题",
        content_type=ContentType.objects.get_for_model(world.p1),
        object_id=str(world.p1.pk),
        requested_by=world.channel_mgr,
    )

    english = page(as_user(world.channel_mgr), f"/approvals/{approval.pk}/", "en")

    assert "旧的审批标题" in english
