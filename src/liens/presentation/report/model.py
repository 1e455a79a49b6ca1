"""What a section is made of: figure tiles, charts, tables and notes, already formatted.

Section builders (sections.py) produce these; the report template and the dashboard templates
only lay them out, so both show the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..i18n import format_number, format_percent, t


@dataclass
class Cell:
    text: str
    href: str | None = None
    numeric: bool = False
    sort_value: Any = None  # raw value, for client-side sorting in the report
    wrap: bool = False  # long text (comments, reasons) wraps; short values (ids, dates) stay on one line
    external: bool = False  # the link leaves Liens (a profile, a post's permalink)


@dataclass
class Tile:
    label: str
    value: str
    figure: str | None = None  # summary.json key it shows
    note: str = ""
    tone: str = ""  # "vanity", "real", "alert", "good"
    headline: str | None = None  # `api.headline` key it shows (the same text on every surface)


@dataclass
class Chart:
    id: str
    title: str
    spec: dict[str, Any]
    tables: tuple[str, ...] = ()  # result tables it draws from


@dataclass
class TableBlock:
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total: int
    table: str | None = None  # result table name
    more_href: str | None = None  # dashboard: link to the full, sortable, paginated table
    note: str = ""
    fallback: bool = False  # shown by the generic view (no dedicated presentation yet)


@dataclass
class Note:
    text: str
    tone: str = ""


@dataclass
class Action:
    text: str
    priority: int = 0  # higher first
    tables: tuple[str, ...] = ()


@dataclass
class Section:
    key: str
    title: str
    intro: str = ""
    blocks: list[Any] = field(default_factory=list)
    missing: str | None = None  # one line saying which analysis has not run

    @property
    def empty(self) -> bool:
        return not self.blocks


# -- formatting -------------------------------------------------------------------------------
PERCENT_HINTS = ("_share", "_rate", "share", "rate", "ratio", "coverage", "reciprocity", "retention", "_pct")


def is_percent_column(name: str) -> bool:
    low = name.lower()
    return any(low.endswith(h) or low.startswith(h.strip("_") + "_") for h in PERCENT_HINTS) and not low.endswith("_count")


def fmt_value(value: Any, lang: str, column: str = "") -> str:
    """A cell's text: numbers per language, dates ISO, booleans in words, lists joined."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("yes", lang) if value else t("no", lang)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, int):
        return format_number(value, lang)
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if column and is_percent_column(column) and -1.5 <= value <= 1.5:
            return format_percent(value, lang)
        if column.endswith(("_minutes", "minutes")):
            return format_duration(value, lang)
        whole = value == int(value) and abs(value) >= 1
        return format_number(value, lang, decimals=0 if abs(value) >= 100 or whole else 2)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt_value(v, lang) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt_value(v, lang)}" for k, v in value.items())
    return str(value)


def format_duration(minutes: float | None, lang: str) -> str:
    """Minutes as a delay in the one unit of waiting times everywhere: hours (0.8 h, 36.0 h)."""
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return "–"
    return t("n_hours", lang, n=format_number(float(minutes) / 60, lang, decimals=1))


def numeric(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
