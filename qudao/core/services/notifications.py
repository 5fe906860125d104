"""Notifications: in-app rows, plus e-mail and IM-robot deliveries sent by the task worker.

A delivery that fails is retried with back-off and, after the last attempt, kept as failed with
its error: a notification is never dropped silently.
"""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from ..messages import encode_params, format_text, message_key
from ..models import Delivery, Notification, User

logger = logging.getLogger("qudao.notifications")

IM_KINDS = (Delivery.Channel.WECOM, Delivery.Channel.DINGTALK, Delivery.Channel.FEISHU)


def _render(text: Any, params: dict[str, Any], language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return format_text(str(text), params)


def _encoded(params: dict[str, Any], language: str) -> dict[str, Any]:
    # Parameters that are neither translatable nor plain values are written as text, in the
    # recipient's language.
    with translation.override(language or settings.LANGUAGE_CODE):
        return encode_params(params)


def notify(
    *,
    recipients: Iterable[User],
    title: Any,
    body: Any = "",
    url: str = "",
    params: dict[str, Any] | None = None,
) -> list[Notification]:
    """Notify each recipient in the app, and by e-mail and IM robot where they have them.

    `title` and `body` may be lazy translations with %(name)s placeholders filled from `params`
    (which may be lazy translations, or core.messages.Message, too). The row keeps their
    untranslated keys and the parameters, so that the app shows them in the language of whoever
    reads them then; the rendered text (in the recipient's language) is what e-mail and IM
    robots send, and what is shown when a text is no lazy translation.
    """
    params = params or {}
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not people:
        return []
    title_key, body_key = message_key(title), message_key(body)
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            title=_render(title, params, user.language)[:200],
            body=_render(body, params, user.language),
            title_key=title_key,
            body_key=body_key,
            params=_encoded(params, user.language) if title_key or body_key else {},
            url=url,
        )
        for user in people.values()
    )
    deliveries, robots_seen = [], set()
    for notification in notifications:
        user = people[notification.recipient_id]
        if user.email and user.email_notifications:
            deliveries.append(
                Delivery(
                    notification=notification, channel=Delivery.Channel.EMAIL, target=user.email
                )
            )
        robots = [(user.im_kind, user.im_webhook_url)]
        if user.department_id:
            robots.append((user.department.im_kind, user.department.im_webhook_url))
        for kind, webhook in robots:
            if kind in IM_KINDS and webhook and webhook not in robots_seen:
                robots_seen.add(webhook)
                deliveries.append(Delivery(notification=notification, channel=kind, target=webhook))
    if deliveries:
        created = Delivery.objects.bulk_create(deliveries)
        ids = [delivery.pk for delivery in created]
        transaction.on_commit(lambda: _enqueue(ids))
    return notifications


def _enqueue(delivery_ids: list[int], delay_seconds: int = 0) -> None:
    from ..tasks import delivery_send_task

    task = delivery_send_task
    if delay_seconds:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    for delivery_id in delivery_ids:
        task.enqueue(delivery_id)


def delivery_attempt(*, delivery_id: int) -> Delivery:
    """Try to send one delivery; on failure schedule a retry or give up and keep the error."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
        attempts=F("attempts") + 1
    )
    delivery = Delivery.objects.select_related("notification").get(pk=delivery_id)
    if not claimed:
        return delivery
    try:
        _send(delivery)
    except Exception as error:  # noqa: BLE001 - any failure of the outside system is recorded
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            logger.error("delivery %s failed for good: %s", delivery.pk, delivery.last_error)
        else:
            delay = settings.NOTIFICATION_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
            transaction.on_commit(lambda: _enqueue([delivery.pk], delay))
        delivery.save(update_fields=["status", "last_error"])
        return delivery
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "sent_at", "last_error"])
    return delivery


def delivery_task_failed(*, delivery_id: int, error: str) -> bool:
    """The task sending a delivery failed outside delivery_attempt (its worker was killed, the
    database went away): the delivery is failed with the reason, for staff to retry, and not
    sent again by itself — it may have reached its target already."""
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.FAILED,
            last_error=f"{error}; it may have been sent. Retry to send it again."[:2000],
        )
    )


def delivery_retry(*, delivery: Delivery) -> bool:
    """Send a failed delivery again (after fixing the address or robot). A delivery that is
    sent or still being tried is left alone, so nothing is sent twice."""
    reset = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0
    )
    if reset:
        transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return bool(reset)


def _send(delivery: Delivery) -> None:
    notification = delivery.notification
    text = notification.title
    if notification.body:
        text += "\n" + notification.body
    if notification.url:
        text += "\n" + settings.SITE_URL.rstrip("/") + notification.url
    if delivery.channel == Delivery.Channel.EMAIL:
        send_mail(
            subject=notification.title,
            message=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[delivery.target],
            fail_silently=False,
        )
        return
    _post_robot(delivery.channel, delivery.target, text)


def robot_payload(channel: str, text: str) -> dict[str, Any]:
    """The message body each IM robot expects (WeCom, DingTalk and Feishu differ)."""
    if channel == Delivery.Channel.FEISHU:
        return {"msg_type": "text", "content": {"text": text}}
    return {"msgtype": "text", "text": {"content": text}}


def _post_robot(channel: str, url: str, text: str) -> None:
    data = json.dumps(robot_payload(channel, text)).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
        raw = response.read()
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as error:
        raise RuntimeError(f"robot answered with non-JSON: {raw[:200]!r}") from error
    # WeCom and DingTalk answer {"errcode": 0}, Feishu {"code": 0}; anything else is a refusal.
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code not in (0, "0", None):
        raise RuntimeError(f"robot refused the message: {answer}")


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when `ids` is None); returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
