"""Saved filters of list pages: save the current query string under a name (the same name
again replaces it), delete one. Only the owner ever sees or changes their filters."""

from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import User

from ..models import SavedFilter

MAX_PER_PAGE = 30
# Paging is not part of a filter: a saved filter opens on its first page.
DROPPED_KEYS = {"page", "csrfmiddlewaretoken"}


def _clean_query(query: str) -> str:
    pairs = [
        (key, value)
        for key, value in parse_qsl((query or "").lstrip("?"), keep_blank_values=False)
        if key not in DROPPED_KEYS
    ]
    return urlencode(pairs)


def saved_filter_save(*, actor: User, page_key: str, name: str, query: str) -> SavedFilter:
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("Log in to save filters."))
    name = (name or "").strip()
    query = _clean_query(query)
    errors = {}
    if not name or len(name) > 60:
        errors["name"] = _("Give a name of up to 60 characters.")
    if len(query) > 2000:
        errors["query"] = _("This filter is too long to save.")
    elif not query:
        errors["query"] = _("Choose some filters before saving them.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mine = SavedFilter.objects.select_for_update().filter(user=actor, page_key=page_key)
        existing = mine.filter(name=name).first()
        if existing is not None:
            existing.query = query
            existing.save(update_fields=["query"])
            return existing
        if mine.count() >= MAX_PER_PAGE:
            raise ValidationError(
                {"name": _("At most %(max)s saved filters per page.") % {"max": MAX_PER_PAGE}}
            )
        return SavedFilter.objects.create(user=actor, page_key=page_key, name=name, query=query)


def saved_filter_delete(*, actor: User, saved: SavedFilter) -> None:
    if saved.user_id != actor.pk:
        raise PermissionDenied(_("This is not your saved filter."))
    saved.delete()
