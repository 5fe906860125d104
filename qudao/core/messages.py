"""Texts stored as a message key and parameters, rendered in the reader's language when shown.

A notification or an approval title is written once but read by people with different
languages (and by the same person in either language). So the row keeps the untranslated
source text (the msgid of a `gettext_lazy`, or `context\\x04msgid` for a `pgettext_lazy`, the
way gettext catalogs join them) with JSON-safe parameters, and `render` translates it in the
language active when the page or API answer is built. A parameter that is itself translatable
(a status label, an approval's own title) is stored as {"_t": key} or {"_t": key, "_p": {…}}
and translated too. The rendered text is kept beside the key, as what an old row without a key
shows and what outside channels (e-mail, IM robots) send.
"""

import datetime
import decimal
import logging
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

logger = logging.getLogger("qudao.messages")

CONTEXT_SEPARATOR = "\x04"  # as in gettext catalogs: "context\x04msgid"
KEY = "_t"
PARAMS = "_p"


class Message:
    """A translatable text with its %(name)s parameters, rendered when shown: `str(message)` in
    the active language, `message.encode()` for storage."""

    def __init__(self, text: Any, params: dict[str, Any] | None = None):
        self.text = text
        self.params = params or {}

    def __str__(self) -> str:
        return format_text(str(self.text), self.params)

    def __repr__(self) -> str:
        return f"Message({self.key or self.text!r}, {self.params!r})"

    @property
    def key(self) -> str:
        return message_key(self.text)

    def encode(self) -> Any:
        key = self.key
        if not key:
            return str(self)
        encoded = {KEY: key}
        if self.params:
            encoded[PARAMS] = encode_params(self.params)
        return encoded


class StoredMessage:
    """A message read back from storage: its key and its parameters as stored."""

    def __init__(self, key: str, params: dict[str, Any] | None = None):
        self.key = key
        self.params = params or {}

    def __str__(self) -> str:
        return render(self.key, self.params, self.key)

    def encode(self) -> Any:
        return {KEY: self.key, PARAMS: self.params} if self.params else {KEY: self.key}


def message_key(text: Any) -> str:
    """The untranslated key of a lazy gettext/pgettext text; "" for anything else (an already
    rendered string, a lazy text of another kind), which is then stored as rendered."""
    if isinstance(text, Message | StoredMessage):
        return text.key
    if not isinstance(text, Promise):
        return ""
    try:
        func, args, kwargs = text.__reduce__()[1][:3]
    except (AttributeError, IndexError, TypeError, ValueError):
        return ""
    if kwargs:
        return ""
    if func is translation.gettext and len(args) == 1 and isinstance(args[0], str):
        return args[0]
    if func is translation.pgettext and len(args) == 2 and all(isinstance(a, str) for a in args):
        return f"{args[0]}{CONTEXT_SEPARATOR}{args[1]}"
    return ""


def encode_param(value: Any) -> Any:
    """One parameter made JSON-safe: translatable texts as {"_t": key}, the rest as text."""
    if isinstance(value, Message | StoredMessage):
        return value.encode()
    if isinstance(value, Promise):
        key = message_key(value)
        return {KEY: key} if key else str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def encode_params(params: dict[str, Any] | None) -> dict[str, Any]:
    return {str(name): encode_param(value) for name, value in (params or {}).items()}


def translate_key(key: str) -> str:
    """The text of `key` in the active language (the key itself when there is no translation)."""
    if CONTEXT_SEPARATOR in key:
        context, msgid = key.split(CONTEXT_SEPARATOR, 1)
        return translation.pgettext(context, msgid)
    return translation.gettext(key)


def decode_param(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get(KEY), str):
        return render(value[KEY], value.get(PARAMS))
    return "" if value is None else value


def format_text(text: str, params: dict[str, Any]) -> str:
    return text % params if params else text


def render(key: str, params: dict[str, Any] | None = None, fallback: str = "") -> str:
    """`key` translated into the active language with its parameters; `fallback` (the text
    rendered when it was stored) when there is no key or the stored parameters do not fit."""
    if not key:
        return fallback
    try:
        decoded = {name: decode_param(value) for name, value in (params or {}).items()}
        return format_text(translate_key(key), decoded)
    except (KeyError, ValueError, TypeError, AttributeError):
        logger.warning("message %r does not render with %r", key, params)
        return fallback or key
