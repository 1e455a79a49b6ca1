"""The HTML report: one self-contained file, charts inline, readable offline, in French or English.

`build_report(store, out, lang)` writes it; `export_charts` writes its charts as SVG/PNG. The
sections come from `sections.py` and only present what the analyses stored; the dashboard
(`presentation/web`) reuses the same sections.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ... import api
from ..i18n import format_number
from . import texts  # noqa: F401  (registers the report's and the dashboard's messages)
from .charts import export_chart, vega_bundle
from .model import Chart, Section
from .names import brand_name
from .render import bind_language, csp_hash, environment, static_text
from .sections import SECTION_KEYS, Build, build_sections
from .source import Filters, Source

__all__ = ["SECTION_KEYS", "Build", "Filters", "Source", "build_report", "export_charts", "render_report"]


def configured_brand() -> str:
    """The brand's name from liens.toml (`[brand] name`), empty when none (or the file is not readable)."""
    try:
        return api.load_config().brand.name
    except api.LiensError:
        return ""


def render_report(source: Source, lang: str = "en", brand: str | None = None) -> str:
    """The report as an HTML string; `brand` names the brand (default: liens.toml, else its handles)."""
    lang = lang if lang in ("en", "fr") else "en"
    b = Build(source, lang)
    sections = build_sections(b)
    s = source.summary
    env = environment()
    helpers = bind_language(env, lang)
    vega_js, liens_js = vega_bundle(), static_text("liens.js")
    # Only these two scripts may run: anything injected despite escaping would be blocked too.
    csp = ("default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; "
           f"script-src {csp_hash(vega_js)} {csp_hash(liens_js)}")
    start, end = (s.get("period_start") or "")[:10] or "–", (s.get("period_end") or "")[:10] or "–"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return env.get_template("report.html.j2").render(
        **helpers, sections=sections, css=static_text("liens.css"), vega_js=vega_js, liens_js=liens_js, csp=csp,
        subtitle=helpers["t"]("r_subtitle", brand=brand_name(source, configured_brand() if brand is None else brand),
                              start=start, end=end),
        generated=helpers["t"]("r_generated", when=when, interactions=format_number(s.get("interactions"), lang)),
        has_results=bool(s),
    )


def build_report(store: api.Store, out: Path, lang: str = "en") -> Path:
    """Write the self-contained HTML report of a store's results to `out`; returns its path."""
    out = Path(out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    html = render_report(Source(store.con), lang)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)  # never leave a half-written report
    return out


def report_charts(store: api.Store, lang: str = "en") -> list[Chart]:
    b = Build(Source(store.con), lang)
    return [blk for sec in build_sections(b) for blk in sec.blocks if isinstance(blk, Chart)]


def export_charts(store: api.Store, folder: Path, lang: str = "en", formats: tuple[str, ...] = ("svg", "png")) -> list[Path]:
    """Every chart of the report as SVG and/or PNG files in `folder` (vl-convert, no browser)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in report_charts(store, lang):
        for fmt in formats:
            written.append(export_chart(chart.spec, folder / f"{chart.id}.{fmt}", lang))
    return written


def sections_for(source: Source, lang: str, keys: list[str] | None = None, **build_options: Any) -> list[Section]:
    return build_sections(Build(source, lang, **build_options), keys)
