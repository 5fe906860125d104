"""What the registration pages share: loading a registration through the user's scope (outside
it: 404) and the wording of a conflict level as a partner may see it."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qudao.customers.matching import Level

from ..models import Registration
from ..selectors import registration_get_for_user

# What the registering partner is told: the level and a sentence, never whose claim it is.
HINT_TEXT = {
    Level.NONE: _("No registration of this customer by another partner was found."),
    Level.POSSIBLE: _(
        "A similar customer may already be registered; your channel manager will check."
    ),
    Level.LIKELY: _(
        "This customer is probably registered already; your channel manager will decide "
        "which registration is protected."
    ),
    Level.CERTAIN: _(
        "This customer is already registered; your channel manager will decide which "
        "registration is protected."
    ),
}
# Once the registration is decided (or closed) nothing is left for the channel manager to decide:
# the same levels, told without that promise.
DECIDED_TEXT = {
    Level.NONE: HINT_TEXT[Level.NONE],
    Level.POSSIBLE: _("A similar customer was registered by another partner."),
    Level.LIKELY: _("This customer was probably registered by another partner as well."),
    Level.CERTAIN: _("This customer was registered by another partner as well."),
}
LEVEL_COLOURS = {
    Level.NONE: "success",
    Level.POSSIBLE: "info",
    Level.LIKELY: "warning",
    Level.CERTAIN: "danger",
}


def hint(level: Level, *, pending: bool = True) -> dict:
    """What the partner is told of a conflict level; `pending`: the decision is still to come
    (a draft, a submitted registration, or one returned for information)."""
    return {
        "level": level.name.lower(),
        "label": level.label,
        "text": (HINT_TEXT if pending else DECIDED_TEXT)[level],
        "colour": LEVEL_COLOURS[level],
    }


def registration_or_404(user, pk) -> Registration:
    try:
        return registration_get_for_user(user, int(pk))
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise Http404 from None
