"""Notifications: in-app rows in each reader's language, e-mail and IM-robot deliveries sent by
the real task worker to a real local HTTP server, retries that never lose a message, and the
HTML pages and API that show them (each user sees only their own)."""

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django_tasks_db.models import DBTaskResult

from qudao.core.models import Delivery, Notification
from qudao.core.services.notifications import delivery_attempt, delivery_retry, notify
from qudao.core.tests.factories import DepartmentFactory, UserFactory
from qudao.core.tests.worker import run_worker

TITLE = "Approval waiting for you: %(title)s"
# A message Django itself translates, so that "in the recipient's language" shows even while
# Qudao's own zh_Hans catalog is still untranslated.
BODY = "This field is required."
PARAMS = {"title": "激活伙伴 深圳一号科技有限公司"}
TASK_PATH = "qudao.core.tasks.delivery_send_task"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The `world` fixture creates ten users; PBKDF2 would spend seconds hashing their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rendered(message: str, language: str) -> str:
    with translation.override(language):
        return gettext(message) % PARAMS


def robot_text(notification: Notification) -> str:
    """What every channel carries: title, body and the absolute link."""
    return "\n".join(
        [
            notification.title,
            notification.body,
            django_settings.SITE_URL.rstrip("/") + notification.url,
        ]
    )


def notify_approval(recipients) -> list[Notification]:
    return notify(
        recipients=recipients,
        title=gettext_lazy(TITLE),
        body=gettext_lazy(BODY),
        params=PARAMS,
        url="/approvals/7/",
    )


# --- a local IM robot and the task worker -----------------------------------------------------


class RobotServer:
    """A local HTTP server standing in for the WeCom, DingTalk and Feishu robot endpoints."""

    def __init__(self):
        self.received: list[tuple[str, str, dict]] = []  # (path, content type, JSON payload)
        self.answers: dict[str, tuple[int, dict]] = {}  # path -> (HTTP status, JSON answer)
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                robot.received.append(
                    (self.path, self.headers.get("Content-Type"), json.loads(raw or b"null"))
                )
                status, answer = robot.answers.get(self.path, (200, {"errcode": 0}))
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def payloads(self, path: str) -> list[dict]:
        return [payload for got, _type, payload in self.received if got == path]


@pytest.fixture
def robot(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # the robot is local: never go through a proxy
    server = RobotServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    server.thread.join(timeout=5)


def retry_tasks():
    return DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")


# --- notify(): rows and deliveries ------------------------------------------------------------


def test_notify_creates_one_notification_per_active_recipient_in_their_language(world):
    # Given a reader of English, one with no language chosen (the default, Chinese),
    # and a deactivated user
    english, chinese, gone = world.channel_mgr, world.south_manager, world.other_cm
    english.language = "en"
    english.save(update_fields=["language"])
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    # When they are notified (the English reader listed twice, plus a missing approver)
    notify_approval([english, chinese, gone, english, None])

    # Then each active recipient has exactly one notification, in their own language
    rows = {n.recipient_id: n for n in Notification.objects.all()}
    assert set(rows) == {english.pk, chinese.pk}
    assert rows[english.pk].title == rendered(TITLE, "en")
    assert rows[chinese.pk].title == rendered(TITLE, django_settings.LANGUAGE_CODE)
    assert rows[english.pk].body == "This field is required."
    assert rows[chinese.pk].body == rendered(BODY, "zh-hans") != rows[english.pk].body
    assert rows[english.pk].url == rows[chinese.pk].url == "/approvals/7/"
    assert rows[english.pk].read_at is None


def test_notify_without_active_recipients_creates_nothing(world):
    # Given only a deactivated user
    world.other_cm.is_active = False
    world.other_cm.save(update_fields=["is_active"])

    # When they are notified
    created = notify_approval([world.other_cm, None])

    # Then nothing is written
    assert created == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_notify_adds_email_and_each_robot_once(world):
    # Given a department with a DingTalk robot, a member with e-mail and a WeCom robot, a member
    # without e-mail with a Feishu robot, and a member who turned e-mail notifications off
    dingtalk = "https://oapi.dingtalk.com/robot/send?access_token=dept"
    wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=own"
    feishu = "https://open.feishu.cn/open-apis/bot/v2/hook/own"
    department = DepartmentFactory(im_kind="dingtalk", im_webhook_url=dingtalk)
    with_mail = UserFactory(department=department, im_kind="wecom", im_webhook_url=wecom)
    no_mail = UserFactory(email="", department=department, im_kind="feishu", im_webhook_url=feishu)
    opted_out = UserFactory(email_notifications=False, im_kind="", im_webhook_url=wecom)

    # When all three are notified
    notifications = notify_approval([with_mail, no_mail, opted_out])

    # Then e-mail goes to the one with an address who wants it, and each robot URL gets one
    # delivery (the department's robot is not posted to once per member)
    assert len(notifications) == 3
    deliveries = sorted(
        (d.notification.recipient_id, d.channel, d.target)
        for d in Delivery.objects.select_related("notification")
    )
    assert deliveries == sorted(
        [
            (with_mail.pk, "email", with_mail.email),
            (with_mail.pk, "wecom", wecom),
            (with_mail.pk, "dingtalk", dingtalk),
            (no_mail.pk, "feishu", feishu),
        ]
    )
    assert set(Delivery.objects.values_list("status", "attempts")) == {("pending", 0)}


def test_notify_enqueues_deliveries_only_after_commit(world, django_capture_on_commit_callbacks):
    # Given a user with an e-mail address
    user = world.channel_mgr

    # When they are notified inside a transaction that has not committed yet
    with django_capture_on_commit_callbacks() as callbacks:
        notify_approval([user])
        # Then no task exists before the commit
        assert not DBTaskResult.objects.exists()
    for callback in callbacks:
        callback()

    # And one send task per delivery exists after it
    delivery = Delivery.objects.get()
    task = DBTaskResult.objects.get()
    assert task.task_path == TASK_PATH
    assert task.args_kwargs == {"args": [delivery.pk], "kwargs": {}}


# --- the worker sends them --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_sends_email_and_posts_each_robot_payload(world, robot, settings):
    # Given e-mail in memory, and users whose robots are the local server
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    department = DepartmentFactory(im_kind="dingtalk", im_webhook_url=robot.url("/dingtalk"))
    english = world.channel_mgr
    english.language = "en"
    english.department = department
    english.im_kind, english.im_webhook_url = "wecom", robot.url("/wecom")
    english.save()
    other = world.pm
    other.email = ""
    other.department = department
    other.im_kind, other.im_webhook_url = "feishu", robot.url("/feishu")
    other.save()
    notify_approval([english, other])  # committed at once: this test is transactional
    mine = Notification.objects.get(recipient=english)
    theirs = Notification.objects.get(recipient=other)
    assert DBTaskResult.objects.ready().count() == 4

    # When the task worker runs
    run_worker()

    # Then the e-mail is sent in the recipient's language with the absolute link
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [english.email]
    assert email.subject == mine.title == rendered(TITLE, "en")
    assert email.body == robot_text(mine)
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    # And each robot received the JSON payload of its own kind, once
    assert robot.payloads("/wecom") == [{"msgtype": "text", "text": {"content": robot_text(mine)}}]
    assert robot.payloads("/dingtalk") == [
        {"msgtype": "text", "text": {"content": robot_text(mine)}}
    ]
    assert robot.payloads("/feishu") == [
        {"msg_type": "text", "content": {"text": robot_text(theirs)}}
    ]
    assert {content_type for _path, content_type, _payload in robot.received} == {
        "application/json"
    }
    # And every delivery is recorded as sent, and every task as successful
    assert set(Delivery.objects.values_list("status", "attempts", "last_error")) == {
        ("sent", 1, "")
    }
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("status", "answer", "error"),
    [
        (500, {"errmsg": "internal error"}, "HTTP Error 500"),
        (200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "93000"),
    ],
    ids=["http-500", "errcode-93000"],
)
def test_refused_robot_message_is_kept_pending_and_retried_later(
    world, robot, settings, status, answer, error
):
    # Given a user whose only channel is a WeCom robot that refuses the message
    settings.NOTIFICATION_MAX_ATTEMPTS = 5
    settings.NOTIFICATION_RETRY_SECONDS = 60
    user = world.channel_mgr
    user.email = ""
    user.im_kind, user.im_webhook_url = "wecom", robot.url("/wecom")
    user.save()
    robot.answers["/wecom"] = (status, answer)
    notify_approval([user])
    before = timezone.now()

    # When the worker runs
    run_worker()

    # Then the robot was tried once, and the delivery waits with the attempt and error recorded
    assert len(robot.payloads("/wecom")) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert error in delivery.last_error
    assert delivery.sent_at is None
    # And a retry task is enqueued to run after the back-off
    retry = retry_tasks().get()
    assert retry.args_kwargs["args"] == [delivery.pk]
    assert retry.run_after >= before + timedelta(seconds=59)
    assert retry.run_after <= timezone.now() + timedelta(seconds=60)

    # When the worker runs again before the back-off has passed
    run_worker()

    # Then nothing is tried yet
    assert len(robot.payloads("/wecom")) == 1
    assert Delivery.objects.get().attempts == 1


@pytest.mark.django_db(transaction=True)
def test_delivery_fails_for_good_after_the_last_attempt_and_can_be_retried(world, robot, settings):
    # Given two attempts at most, no back-off, and a Feishu robot answering HTTP 500
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    settings.NOTIFICATION_RETRY_SECONDS = 0
    user = world.channel_mgr
    user.email = ""
    user.im_kind, user.im_webhook_url = "feishu", robot.url("/feishu")
    user.save()
    robot.answers["/feishu"] = (500, {"code": 500})
    notify_approval([user])

    # When the worker runs (it picks up the immediate retry in the same batch)
    run_worker()

    # Then both attempts were made and the delivery is failed, with its error kept
    assert len(robot.payloads("/feishu")) == 2
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempts == 2
    assert "HTTP Error 500" in delivery.last_error
    assert not retry_tasks().exists()

    # When the robot is fixed and an admin retries the delivery
    robot.answers["/feishu"] = (200, {"code": 0})
    delivery_retry(delivery=delivery)
    reset = Delivery.objects.get()
    assert (reset.status, reset.attempts) == ("pending", 0)
    run_worker()

    # Then it is sent
    assert len(robot.payloads("/feishu")) == 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_retrying_a_sent_delivery_does_not_send_it_again(world, robot):
    # Given a robot message that was sent
    user = world.channel_mgr
    user.email = ""
    user.im_kind, user.im_webhook_url = "dingtalk", robot.url("/dingtalk")
    user.save()
    notify_approval([user])
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == "sent"

    # When "retry" is used on it (a double click, or a stale admin page)
    delivery_retry(delivery=delivery)
    run_worker()

    # Then the group chat does not get the message twice, and the record still says sent
    assert len(robot.payloads("/dingtalk")) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


@pytest.mark.django_db(transaction=True)
def test_unreachable_mail_server_is_recorded_per_attempt(world, settings):
    # Given an SMTP server that refuses connections, and three attempts at most
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    user = world.channel_mgr
    notify_approval([user])
    delivery = Delivery.objects.get()
    DBTaskResult.objects.all().delete()  # attempts are driven by hand below

    # When each attempt is made directly
    first = delivery_attempt(delivery_id=delivery.pk)
    second = delivery_attempt(delivery_id=delivery.pk)
    # Then the delivery stays pending until the last one
    assert (first.status, first.attempts) == ("pending", 1)
    assert (second.status, second.attempts) == ("pending", 2)
    assert "ConnectionRefusedError" in second.last_error
    third = delivery_attempt(delivery_id=delivery.pk)

    # Then it is failed with the error kept, and a further attempt changes nothing
    assert (third.status, third.attempts) == ("failed", 3)
    assert "ConnectionRefusedError" in third.last_error
    again = delivery_attempt(delivery_id=delivery.pk)
    assert (again.status, again.attempts) == ("failed", 3)
    # And retries were scheduled after the first two attempts only
    assert retry_tasks().count() == 2


# --- HTML pages -------------------------------------------------------------------------------


def make_notifications(user, count: int, *, read: bool = False, prefix: str = "通知"):
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            title=f"{prefix} {i:02d}",
            body="正文",
            url="/approvals/1/",
            read_at=timezone.now() if read else None,
        )
        for i in range(count)
    )


def bell_count(html: str) -> int | None:
    found = re.search(r'data-testid="unread-count">(\d+)<', html)
    return int(found.group(1)) if found else None


def test_bell_shows_my_unread_count(world, as_user):
    # Given 3 unread and 2 read notifications of partner 1's user, and 4 unread of partner 2's
    make_notifications(world.p1_user, 3)
    make_notifications(world.p1_user, 2, read=True)
    make_notifications(world.p2_user, 4)
    client = as_user(world.p1_user)

    # When the bell is polled, and a page is shown
    bell = client.get("/notifications/bell/")
    home = client.get("/")

    # Then both show 3
    assert bell.status_code == 200
    assert bell_count(bell.content.decode()) == 3
    assert bell_count(home.content.decode()) == 3


def test_bell_shows_no_badge_without_unread(world, as_user):
    # Given only read notifications
    make_notifications(world.p1_user, 2, read=True)

    # When the bell is polled
    response = as_user(world.p1_user).get("/notifications/bell/")

    # Then there is no badge
    assert response.status_code == 200
    assert bell_count(response.content.decode()) is None


def test_notification_list_shows_only_mine(world, as_user):
    # Given notifications of partner 1's user and of partner 2's user
    make_notifications(world.p1_user, 3, prefix="伙伴一的通知")
    make_notifications(world.p2_user, 3, prefix="伙伴二的秘密")

    # When partner 1's user opens the list
    response = as_user(world.p1_user).get("/notifications/")

    # Then only their own are listed
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("伙伴一的通知") == 3
    assert "伙伴二的秘密" not in html
    assert response.context["page"].paginator.count == 3


def test_notification_list_unread_filter(world, as_user):
    # Given one unread and one read notification
    Notification.objects.create(recipient=world.p1_user, title="尚未阅读")
    Notification.objects.create(recipient=world.p1_user, title="已经读过", read_at=timezone.now())
    client = as_user(world.p1_user)

    # When the list is filtered to unread, and then not filtered
    unread = client.get("/notifications/", {"unread": "1"}).content.decode()
    everything = client.get("/notifications/").content.decode()

    # Then the filter keeps only the unread one
    assert "尚未阅读" in unread and "已经读过" not in unread
    assert "尚未阅读" in everything and "已经读过" in everything


def test_notification_list_htmx_renders_the_fragment(world, as_user):
    make_notifications(world.p1_user, 2, prefix="片段通知")

    response = as_user(world.p1_user).get("/notifications/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("片段通知") == 2
    assert "<html" not in html


def test_notification_list_query_count(world, as_user, django_assert_max_num_queries):
    # Given 35 notifications (two pages), some read
    make_notifications(world.p1_user, 30)
    make_notifications(world.p1_user, 5, read=True)
    client = as_user(world.p1_user)

    # When the first and the second page are shown, the queries do not grow with the rows
    with django_assert_max_num_queries(6):
        first = client.get("/notifications/")
    with django_assert_max_num_queries(6):
        second = client.get("/notifications/", {"page": 2})

    assert first.context["page"].paginator.count == 35
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 15


def test_mark_one_read(world, as_user):
    # Given two unread notifications
    one, two = make_notifications(world.p1_user, 2)

    # When one is marked read
    response = as_user(world.p1_user).post("/notifications/read/", {"id": one.pk})

    # Then only that one is read, and the list is shown again
    assert response.status_code == 302
    assert response.url == "/notifications/"
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.read_at is not None
    assert two.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, as_user):
    # Given a notification with a link
    (notification,) = make_notifications(world.p1_user, 1)

    # When it is opened
    response = as_user(world.p1_user).post(
        "/notifications/read/", {"id": notification.pk, "url": notification.url}
    )

    # Then it is read and the browser goes to the link
    assert response.status_code == 302
    assert response.url == "/approvals/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_never_redirects_off_site(world, as_user):
    (notification,) = make_notifications(world.p1_user, 1)

    response = as_user(world.p1_user).post(
        "/notifications/read/", {"id": notification.pk, "url": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert response.url == "/notifications/"


def test_mark_all_read_touches_only_mine(world, as_user):
    # Given unread notifications of partner 1's user and of partner 2's user
    make_notifications(world.p1_user, 4)
    make_notifications(world.p2_user, 2)

    # When partner 1's user marks all read
    response = as_user(world.p1_user).post("/notifications/read/")

    # Then all of theirs are read and partner 2's are untouched
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.p1_user, read_at=None).exists()
    assert Notification.objects.filter(recipient=world.p2_user, read_at=None).count() == 2


def test_cannot_mark_another_users_notification_read(world, as_user):
    # Given a notification of partner 2's user
    (theirs,) = make_notifications(world.p2_user, 1)
    (mine,) = make_notifications(world.p1_user, 1)

    # When partner 1's user posts its id
    response = as_user(world.p1_user).post("/notifications/read/", {"id": theirs.pk})

    # Then it stays unread (and none of mine was marked either)
    assert response.status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None
    assert mine.read_at is None


def test_mark_read_needs_post_and_log_in(world, as_user, client):
    (notification,) = make_notifications(world.p1_user, 1)

    assert as_user(world.p1_user).get("/notifications/read/").status_code == 405
    anonymous = client.post("/notifications/read/", {"id": notification.pk})
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/accounts/login/")
    assert client.get("/notifications/").status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


# --- API --------------------------------------------------------------------------------------


def test_api_lists_only_my_notifications_with_counts(world, as_api, django_assert_max_num_queries):
    # Given 32 notifications of partner 1's user (2 read) and 3 of partner 2's user
    mine = make_notifications(world.p1_user, 30) + make_notifications(world.p1_user, 2, read=True)
    theirs = make_notifications(world.p2_user, 3)
    client = as_api(world.p1_user)

    # When partner 1's user lists them (a full page of 50)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/notifications", {"page_size": 50})

    # Then only their own come back, with the total and unread counts
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 32
    assert data["unread"] == 30
    ids = {item["id"] for item in data["items"]}
    assert ids == {n.pk for n in mine}
    assert ids.isdisjoint(n.pk for n in theirs)
    assert set(data["items"][0]) == {"id", "title", "body", "url", "created_at", "read_at"}


def test_api_unread_filter(world, as_api):
    make_notifications(world.p1_user, 2)
    make_notifications(world.p1_user, 3, read=True)

    data = as_api(world.p1_user).get("/api/v1/notifications", {"unread": "true"}).json()

    assert data["count"] == 2
    assert data["unread"] == 2
    assert all(item["read_at"] is None for item in data["items"])


def test_api_mark_read_ignores_other_users_ids(world, as_api):
    # Given two of mine and one of partner 2's user
    one, two = make_notifications(world.p1_user, 2)
    (theirs,) = make_notifications(world.p2_user, 1)

    # When I mark one of mine and theirs read
    response = as_api(world.p1_user).post(
        "/api/v1/notifications/read",
        {"ids": [one.pk, theirs.pk]},
        content_type="application/json",
    )

    # Then only mine is marked
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    assert Notification.objects.filter(read_at__isnull=False).get() == one
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_mark_read_without_ids_marks_all_mine(world, as_api):
    make_notifications(world.p1_user, 3)
    make_notifications(world.p2_user, 2)

    response = as_api(world.p1_user).post(
        "/api/v1/notifications/read", {}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json() == {"marked": 3}
    assert not Notification.objects.filter(recipient=world.p1_user, read_at=None).exists()
    assert Notification.objects.filter(recipient=world.p2_user, read_at=None).count() == 2


def test_api_mark_read_with_empty_ids_marks_nothing(world, as_api):
    make_notifications(world.p1_user, 2)

    response = as_api(world.p1_user).post(
        "/api/v1/notifications/read", {"ids": []}, content_type="application/json"
    )

    assert response.json() == {"marked": 0}
    assert Notification.objects.filter(read_at=None).count() == 2


def test_api_mark_read_rejects_bad_ids(world, as_api):
    response = as_api(world.p1_user).post(
        "/api/v1/notifications/read", {"ids": ["one"]}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/notifications"), ("post", "/api/v1/notifications/read")],
)
def test_api_notifications_need_a_token(world, client, method, path):
    make_notifications(world.p1_user, 1)

    response = getattr(client, method)(path, {}, content_type="application/json")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "unauthorized"
    assert Notification.objects.filter(read_at=None).count() == 1
