"""What the project forms share: widgets, the people pickers and the region choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.models import Region, Role, User
from qudao.core.models.org import PARTNER_ROLES

from ..models import Project
from ..services.cleaning import team_users

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0"})
TEXT = forms.Textarea(attrs={"rows": 3})
SCORES = [(str(n), str(n)) for n in range(1, 6)]
VENDOR_ROLES = [(code, label) for code, label in Role.Code.choices if code not in PARTNER_ROLES]


def regions():
    return Region.objects.order_by("sort_order", "code")


class UserChoiceField(forms.ModelChoiceField):
    """A user picker that shows each user's display name."""

    def label_from_instance(self, obj):
        return obj.display_name


def team_field(project: Project, required=False) -> UserChoiceField:
    """An owner picker over the project's active team."""
    return UserChoiceField(
        label=_("Owner"),
        required=required,
        queryset=User.objects.filter(team_users(project), is_active=True).order_by("username"),
    )
