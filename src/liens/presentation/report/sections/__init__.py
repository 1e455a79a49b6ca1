"""The report's sections, one module each, built from whatever results exist in the store.

Each section builder reads the summary and the result tables through `Source` (via `Build`) and
returns a `Section` of tiles, charts, tables and notes; the static report and the dashboard show the
same sections. A section whose analysis has not run says so in one line. Where a result table goes
is declared in `views.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from ...i18n import t
from ..model import Section
from .actions import actions_section, recommended_actions
from .authenticity import authenticity_section
from .build import Build, Linker, pick
from .business import business_section
from .community import community_section
from .conversation import conversation_section
from .figures import figures_section
from .responsiveness import responsiveness_section
from .vanity import vanity_section
from .views import (
    CUSTOM,
    FUNNEL_SEGMENTS,
    POD_EVIDENCE,
    TOP_ACCOUNTS,
    VIEWS,
    TableView,
    presented,
)

__all__ = [
    "CUSTOM",
    "FUNNEL_SEGMENTS",
    "POD_EVIDENCE",
    "SECTIONS",
    "SECTION_KEYS",
    "TOP_ACCOUNTS",
    "VIEWS",
    "Build",
    "Linker",
    "TableView",
    "build_sections",
    "pick",
    "presented",
    "recommended_actions",
    "section_title",
]

SECTIONS: list[tuple[str, Callable[[Build], Section]]] = [
    ("vanity", vanity_section),
    ("authenticity", authenticity_section),
    ("community", community_section),
    ("conversation", conversation_section),
    ("responsiveness", responsiveness_section),
    ("business", business_section),
    ("actions", actions_section),
    ("figures", figures_section),
]
SECTION_KEYS = [k for k, _ in SECTIONS]


def build_sections(b: Build, keys: list[str] | None = None) -> list[Section]:
    return [fn(b) for key, fn in SECTIONS if keys is None or key in keys]


def section_title(key: str, lang: str) -> str:
    return t(f"sec_{key}", lang)
