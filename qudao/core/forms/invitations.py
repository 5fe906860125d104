"""The password a new user sets through their invitation link."""

from django.contrib.auth.forms import SetPasswordForm

from . import StyledForm


class InvitationPasswordForm(StyledForm, SetPasswordForm):
    """Django's set-password form (it runs the password validators), styled."""
