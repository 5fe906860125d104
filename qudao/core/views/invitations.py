"""The invitation page: a new user sets their password through the one-time link."""

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from ..errors import ValidationError
from ..forms.invitations import InvitationPasswordForm
from ..services.invitations import invitation_accept, invitation_user
from ..web import form_errors


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept_view(request, uidb64: str, token: str):
    user = invitation_user(uidb64, token)
    if user is None:
        return render(request, "core/invitations/invalid.html", status=400)
    form = InvitationPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(user=user, token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            login(request, user, backend="qudao.core.auth.IdentifierBackend")
            return redirect("core:home")
    return render(request, "core/invitations/accept.html", {"form": form, "invited": user})
