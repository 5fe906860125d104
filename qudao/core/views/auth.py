"""Logging in and out, the language switch and a user's own profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..errors import ValidationError
from ..forms.auth import LoginForm, ProfileForm
from ..models import User
from ..services.auth import InvalidCredentials, LoginLocked, login_locked_message, user_authenticate
from ..services.org import profile_update
from ..web import form_errors, safe_next


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_authenticate(
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
                client_address=request.META.get("REMOTE_ADDR", ""),
            )
        except LoginLocked as locked:
            form.add_error(None, login_locked_message(locked))
        except InvalidCredentials:
            form.add_error(None, _("The username or password is not correct."))
        else:
            login(request, user, backend="qudao.core.auth.IdentifierBackend")
            response = redirect(safe_next(request, reverse("core:home")))
            if user.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    return render(
        request, "core/auth/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("core:login")


@require_POST
def language_set(request):
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next(request, reverse("core:home")))
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
        )
        if request.user.is_authenticated and request.user.language != language:
            profile_update(actor=request.user, data={"language": language})
    return response


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            response = redirect("core:profile")
            if form.cleaned_data["language"]:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"])
            return response
    return render(request, "core/auth/profile.html", {"form": form})
