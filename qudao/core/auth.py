"""Django authentication backend: username, e-mail or mobile number with the lock-out rules."""

from django.contrib.auth.backends import ModelBackend

from .services.auth import InvalidCredentials, LoginLocked, user_authenticate


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return user_authenticate(identifier=username or "", password=password or "")
        except (InvalidCredentials, LoginLocked):
            return None
