"""Django authentication backend: username, e-mail or mobile number, throttled like the log-in."""

from django.contrib.auth.backends import ModelBackend

from .services.auth import InvalidCredentials, LoginLocked, user_authenticate


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return user_authenticate(
                identifier=username or "",
                password=password or "",
                client_address=request.META.get("REMOTE_ADDR", "") if request else "",
            )
        except (InvalidCredentials, LoginLocked):
            return None
