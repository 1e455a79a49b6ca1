"""Jinja2 rendering shared by the report and the dashboard (autoescape on, always)."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..i18n import format_number, t
from .charts import format_locale, script_json, time_format_locale
from .model import Action, Chart, Note, TableBlock, Tile

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

VEGA_I18N = {
    "fr": {"SVG_ACTION": "Enregistrer en SVG", "PNG_ACTION": "Enregistrer en PNG", "CLICK_TO_VIEW_ACTIONS": "Actions"},
    "en": {"SVG_ACTION": "Save as SVG", "PNG_ACTION": "Save as PNG", "CLICK_TO_VIEW_ACTIONS": "Actions"},
}


def kind(block: Any) -> str:
    if isinstance(block, list):
        if block and isinstance(block[0], Action):
            return "actions"
        return "tiles" if all(isinstance(x, Tile) for x in block) else "unknown"
    if isinstance(block, Chart):
        return "chart"
    if isinstance(block, TableBlock):
        return "table"
    if isinstance(block, Note):
        return "note"
    return "unknown"


def environment(*extra_dirs: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*(str(d) for d in extra_dirs), str(TEMPLATES)]),
        autoescape=True,  # every template, whatever its file name: user text is always escaped
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    env.globals.update(kind=kind, spec_json=lambda v: Markup(script_json(v)))
    return env


def bind_language(env: jinja2.Environment, lang: str) -> dict[str, Any]:
    """Per-render helpers that know the language."""
    return {
        "t": lambda key, **values: t(key, lang, **values),
        "fmt_n": lambda value, decimals=0: format_number(value, lang, decimals),
        "lang": lang,
        "locale": chart_locale(lang),
    }


def chart_locale(lang: str) -> dict[str, Any]:
    return {"format": format_locale(lang), "time": time_format_locale(lang), "i18n": VEGA_I18N.get(lang, VEGA_I18N["en"])}


@cache
def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
