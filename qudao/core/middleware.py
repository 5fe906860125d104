"""Language: Chinese unless the user chose otherwise (cookie). API clients may also send
Accept-Language. The browser's language is deliberately not used for pages."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_supported_language_variant


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
