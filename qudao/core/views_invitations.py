"""The invitation page: a new user sets their password through the one-time link."""

from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .errors import ValidationError
from .forms import StyledForm
from .services.invitations import invitation_accept, invitation_user
from .views import _form_errors


class InvitationPasswordForm(StyledForm, SetPasswordForm):
    """Django's set-password form (it runs the password validators), styled."""


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def accept(request, uidb64: str, token: str):
    user = invitation_user(uidb64, token)
    if user is None:
        return render(request, "core/invitation_invalid.html", status=400)
    form = InvitationPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(user=user, token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            login(request, user, backend="qudao.core.auth.IdentifierBackend")
            return redirect("core:home")
    return render(request, "core/invitation.html", {"form": form, "invited": user})
