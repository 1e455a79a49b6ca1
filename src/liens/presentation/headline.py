"""The headline figures as every surface shows them: `api.headline(summary)`, formatted once.

The CLI summary, the report's and the dashboard's tiles and `/api/headline` all go through
`formatted`, so a figure reads the same everywhere (the surface-consistency test checks it).
"""

from __future__ import annotations

from typing import Any

from .. import api
from .i18n import format_number, format_percent, t


def format_headline(key: str, value: Any, lang: str | None = None) -> str:
    """One headline figure in the reader's language, by its kind (count, rate, share, points…)."""
    kind = api.HEADLINE[key][0]
    if value is None:
        return "–"
    if kind == "rate":
        return format_percent(value, lang, decimals=2)
    if kind == "share":
        return format_percent(value, lang, decimals=1)
    if kind == "points":
        return format_number(value, lang)
    if kind == "money":
        return format_number(value, lang, decimals=2)
    if kind == "minutes":
        return t("n_hours", lang, n=format_number(float(value) / 60, lang, decimals=1))
    return format_number(value, lang)


def formatted(summary: dict[str, Any], lang: str | None = None) -> dict[str, dict[str, Any]]:
    """{key: {"value": raw, "text": as shown, "label": its name}} for every headline figure."""
    return {key: {"value": value, "text": format_headline(key, value, lang), "label": t(f"hl:{key}", lang)}
            for key, value in api.headline(summary).items()}
