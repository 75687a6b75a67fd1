"""Simplified Chinese first: the language is the user's explicit choice (the cookie set by the
language switch), never guessed from the browser, so an English-language browser in a government
office still sees the Chinese pages by default."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware that ignores Accept-Language: the cookie or LANGUAGE_CODE decide."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
