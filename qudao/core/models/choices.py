"""Faster `get_<field>_display()` for models shown in long lists."""

from functools import cache

from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@cache
def _labels(field: Field) -> dict:
    # The labels stay lazy: they are translated when shown, in the reader's language.
    return dict(make_hashable(field.flatchoices))


class ChoiceLabels:
    """Mixin for a model: `get_<field>_display()` looks the label up in a dict built once per
    field. Django's own builds that dict from the field's choices on every call, hashing every
    lazy label (one gettext each), and a list calls it several times per row.
    """

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)
