"""Language: Chinese unless the user chose otherwise (cookie). API clients may also send
Accept-Language. The browser's language is deliberately not used for pages.

Request size: bodies larger than their view accepts are refused before they are read."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_supported_language_variant

from .uploads import request_size_refusal


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if language is None and request.path.startswith("/api/"):
            header = request.headers.get("Accept-Language", "")
            language = _supported(header.split(",")[0].split(";")[0]) if header else None
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request body larger than its view accepts, by Content-Length, before anything
    reads it: 413 with a localised message (the API's error shape under /api/). The cap is the
    view's `upload_size_limit` (core.uploads), REQUEST_MAX_BYTES for every other view. Comes
    before CsrfViewMiddleware, which reads posted forms. Django reads no body that comes without
    a Content-Length. The reverse proxy refuses larger bodies first (README: client_max_body_size).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return request_size_refusal(request, settings.REQUEST_MAX_BYTES) or self.get_response(
            request
        )

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_request_bytes", None)
        return request_size_refusal(request, limit) if limit is not None else None
