"""Notifications: the in-app message, and one delivery row per outside channel."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..messages import render
from .fields import status_field, user_fk


class Notification(models.Model):
    recipient = user_fk(_("recipient"), related_name="notifications", on_delete=models.CASCADE)
    # What the recipient read when it was created (their language then): what old rows without
    # a key show, and what e-mail and IM robots send.
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # The untranslated texts and their parameters (core.messages), rendered when shown, in the
    # reader's language of the moment.
    title_key = models.TextField(_("title key"), blank=True)
    body_key = models.TextField(_("body key"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the active language."""
        return render(self.title_key, self.params, self.title)

    @property
    def display_body(self) -> str:
        """The body in the active language."""
        return render(self.body_key, self.params, self.body)


class Delivery(models.Model):
    """One attempt series to send a notification over e-mail or an IM robot."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WECOM = "wecom", _("WeCom robot")
        DINGTALK = "dingtalk", _("DingTalk robot")
        FEISHU = "feishu", _("Feishu robot")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # queued or waiting for a retry
        SENT = "sent", _("Sent")  # accepted by the mail server / robot
        FAILED = (
            "failed",
            pgettext_lazy("delivery status", "Failed"),
        )  # gave up after the last attempt

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(_("target"), max_length=500)
    status = status_field(Status, Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.target}"
