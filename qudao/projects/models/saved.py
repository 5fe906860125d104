"""Saved filters: a user keeps the query string of a list page under a name and gets it back
from a dropdown. Why a row per user and page (not a cookie): the same filters follow the user
to another browser, and a page key lets other list pages reuse the model."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import user_fk


class SavedFilter(models.Model):
    user = user_fk(_("user"), related_name="saved_filters", on_delete=models.CASCADE)
    page_key = models.SlugField(_("page"), max_length=40)  # e.g. "projects"
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query string"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["user", "page_key", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page_key", "name"], name="saved_filter_name_once"
            )
        ]

    def __str__(self) -> str:
        return self.name
