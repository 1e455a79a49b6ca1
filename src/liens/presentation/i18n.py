"""User-facing words in French and English.

Each presentation module registers its own messages with `register`, so that no single file
collects every string; `t` picks the language chosen by `--lang`, `LIENS_LANG` or the locale.
"""

from __future__ import annotations

import locale
import os
from typing import Any

LANGUAGES = ("en", "fr")
_CATALOG: dict[str, dict[str, str]] = {}
_current: str | None = None


def register(messages: dict[str, dict[str, str]]) -> None:
    """Add messages: {key: {"en": ..., "fr": ...}}. Both languages are required."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGUAGES if lang not in texts]
        if missing:
            raise ValueError(f"message '{key}' lacks {missing}")
        _CATALOG[key] = texts


def default_language() -> str:
    env = os.environ.get("LIENS_LANG", "")
    if env[:2].lower() in LANGUAGES:
        return env[:2].lower()
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value[:2].lower() in LANGUAGES:
            return value[:2].lower()
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "fr" if loc.lower().startswith("fr") else "en"


def set_language(lang: str | None) -> str:
    global _current
    if lang is not None and lang not in LANGUAGES:
        from ..errors import ConfigError

        raise ConfigError(f"unknown language '{lang}' (expected fr or en)")
    _current = lang or default_language()
    return _current


def language() -> str:
    return _current or default_language()


def t(key: str, lang: str | None = None, **values: Any) -> str:
    texts = _CATALOG.get(key)
    if texts is None:
        return key
    return texts[lang or language()].format(**values)


def format_number(value: float | int | None, lang: str | None = None, decimals: int = 0) -> str:
    """1 234,5 in French, 1,234.5 in English."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if (lang or language()) == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_percent(value: float | None, lang: str | None = None, decimals: int = 1) -> str:
    if value is None:
        return "–"
    number = format_number(value * 100, lang, decimals)
    return f"{number}\u00a0%" if (lang or language()) == "fr" else f"{number}%"
