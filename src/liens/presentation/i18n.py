"""User-facing words in French and English: the one catalogue of the CLI, the report and the dashboard.

Each presentation module registers its own messages with `register`, so that no single file
collects every string; the words they share (column labels, figure labels, table titles, the
analyses' vocabularies, yes/no…) come from `labels.py`, registered here. A key is registered once:
a second registration is an error, so two modules cannot each think they own a word. `t` picks the
language chosen by `--lang`, `LIENS_LANG` or the locale; `format_number` and `format_percent` are the
number formatters of every presentation.
"""

from __future__ import annotations

import locale
import math
import os
from typing import Any

from ..api import ConfigError, ContractError
from . import labels

LANGUAGES = ("en", "fr")
_CATALOG: dict[str, dict[str, str]] = {}
_current: str | None = None


def register(messages: dict[str, dict[str, str]]) -> None:
    """Add messages: {key: {"en": ..., "fr": ...}}. Both languages are required; a key already registered is refused."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGUAGES if lang not in texts]
        if missing:
            raise ValueError(f"message '{key}' lacks {missing}")
        if key in _CATALOG:
            raise ContractError(f"message '{key}' is registered twice: use the one already in the catalogue")
    _CATALOG.update(messages)


def register_pairs(pairs: dict[str, tuple[str, str]], prefix: str = "") -> None:
    """`register` for {key: (English, French)}, each key under `prefix`."""
    register({f"{prefix}{key}": {"en": en, "fr": fr} for key, (en, fr) in pairs.items()})


register_pairs(labels.WORDS)
register_pairs(labels.TABLE_TITLES, "tbl:")
register_pairs(labels.COLUMN_LABELS, "col:")
register_pairs(labels.FIGURE_LABELS, "fig:")
register_pairs(labels.VOCABULARY, "v:")
register_pairs(labels.HEADLINE_LABELS, "hl:")
register_pairs(labels.HEADLINE_NOTES, "hln:")


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
        raise ConfigError(f"unknown language '{lang}' (expected fr or en)")
    _current = lang or default_language()
    return _current


def language() -> str:
    return _current or default_language()


def t(key: str, lang: str | None = None, **values: Any) -> str:
    """The message `key` in `lang` (default: the current language), `values` filled in; the key itself when unknown."""
    texts = _CATALOG.get(key)
    if texts is None:
        return key
    return texts[lang or language()].format(**values)


def has_text(key: str) -> bool:
    return key in _CATALOG


def _named(prefix: str, name: str, lang: str | None) -> str:
    """The registered text of `<prefix><name>`, else the name made readable."""
    key = prefix + name
    return t(key, lang) if has_text(key) else name.replace("_", " ").capitalize()


def label(column: str, lang: str | None = None) -> str:
    """A column's name for people: its registered label, else the name made readable."""
    return _named("col:", column, lang)


def table_title(name: str, lang: str | None = None) -> str:
    """A result table's title for people."""
    return _named("tbl:", name, lang)


def figure_label(key: str, lang: str | None = None) -> str:
    """A headline figure's (summary.json key's) label for people."""
    return _named("fig:", key, lang)


def word(value: object, lang: str | None = None) -> str:
    """A vocabulary value (intent, label, level…) in the reader's language; anything else unchanged."""
    key = f"v:{value}"
    return t(key, lang) if has_text(key) else str(value)


def _known(value: object) -> float | None:
    """A number to show, or None for a missing one (None, NaN, a value that is not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]  # Decimal, numpy scalars, int
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def format_number(value: object, lang: str | None = None, decimals: int = 0) -> str:
    """1 234,5 in French, 1,234.5 in English; – when the value is missing (None, NaN)."""
    number = _known(value)
    if number is None:
        return "–"
    text = f"{number:,.{decimals}f}"
    if (lang or language()) == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_percent(value: object, lang: str | None = None, decimals: int = 1) -> str:
    number = _known(value)
    if number is None:
        return "–"
    text = format_number(number * 100, lang, decimals)
    return f"{text}\u00a0%" if (lang or language()) == "fr" else f"{text}%"
