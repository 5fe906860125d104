"""The role-aware navigation and home-page cards. Each app registers its own entries in ready(),
so a module that is not built is simply absent."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from .models import User


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    icon: str
    order: int = 100
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every vendor user
    partner_users: bool = False  # shown to partner users too
    staff_only: bool = False  # superusers and the listed roles only


_items: list[NavItem] = []
# A card returns None (not for this user) or {"label", "value", "url", "icon"}.
Card = Callable[[User], dict[str, Any] | None]
_cards: list[tuple[int, Card]] = []


def register(item: NavItem) -> None:
    _items[:] = [i for i in _items if i.key != item.key] + [item]


def register_card(card: Card, order: int = 100) -> None:
    if card not in [c for _, c in _cards]:
        _cards.append((order, card))


def _allowed(item: NavItem, user: User) -> bool:
    if user.is_partner_user:
        return item.partner_users
    if user.is_superuser:
        return True
    if item.roles:
        return user.has_role(*item.roles)
    return not item.staff_only


def items_for(user: User, path: str = "") -> list[dict[str, Any]]:
    if not user.is_authenticated:
        return []
    items = [
        {"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        for item in sorted(_items, key=lambda i: i.order)
        if _allowed(item, user)
    ]
    # The entry whose URL is the longest prefix of the path is the active one, so that
    # /partners/applications/ lights "Applications", not "Partners".
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    active = max(matches, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is active
    return items


def cards_for(user: User) -> list[dict[str, Any]]:
    found = (card(user) for _, card in sorted(_cards, key=lambda pair: pair[0]))
    return [card for card in found if card]
