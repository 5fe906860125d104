"""Errors that services raise and views/API turn into localised messages."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ConflictError", "PermissionDenied", "ValidationError"]


class ConflictError(Exception):
    """The object changed under the caller (another decision won, or a stale version)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
