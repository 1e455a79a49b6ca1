"""Charts: Vega-Lite specs, drawn offline by the bundled Vega JavaScript.

Every chart has a title, axis titles with their unit, and number formats resolved with the
language's d3 locale (1 234,5 in French). The Vega, Vega-Lite and vega-embed code comes from
`vl-convert-python`'s bundle, which ships inside the wheel: nothing is fetched at view time. The
same specs export to SVG/PNG through vl-convert, without a browser.

Specs are plain Vega-Lite dictionaries rather than Altair objects: Altair's object model and
schema checks cost more than the queries behind a dashboard page (≈ 50 ms a chart), and these
few chart shapes need none of it.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

PALETTE = {"vanity": "#9aa5b1", "real": "#1f7a5a", "alert": "#c2410c", "accent": "#2563eb", "muted": "#cbd5e1"}
HEIGHT = 260
MARK_COLORS = {"bought": PALETTE["alert"], "viral": "#7c3aed", "campaign": "#0891b2", "organic": "#65a30d"}
Locale = Literal["fr-FR", "en-US"]
LOCALES: dict[str, Locale] = {"fr": "fr-FR", "en": "en-US"}


# Labels that would overlap are left out (Vega hides every other one until they fit: at phone width
# a month axis keeps one label in two), and long category names are cut with an ellipsis.
CONFIG = {"view": {"stroke": None}, "axis": {"labelLimit": 180, "labelOverlap": True, "labelSeparation": 4},
          "axisY": {"labelLimit": 140}}


def lines(text: str, width: int = 38) -> str | list[str]:
    """A long title as several lines: an unbroken one would take the plot's width at phone size."""
    return text if len(text) <= width else textwrap.wrap(text, width)


def _spec(values: Sequence[dict[str, Any]], title: str, subtitle: str = "", height: Any = HEIGHT, **rest: Any) -> dict[str, Any]:
    """The frame every chart shares: inline data, a title, the container's width."""
    head: dict[str, Any] = {"text": lines(title), "anchor": "start"}
    if subtitle:
        head["subtitle"] = subtitle
    return {"title": head, "data": {"values": list(values)}, "width": "container", "height": height, **rest, "config": CONFIG}


def _field(name: str, kind: str, title: str | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"field": name, "type": kind}
    if title is not None:
        # axis and legend titles wrap (tooltips, which have no axis, keep one line)
        out["title"] = lines(title, 34) if {"axis", "sort", "scale", "legend"} & set(more) else title
    out.update(more)
    return out


def _scale(colors: dict[str, str] | None) -> dict[str, Any]:
    return {"domain": list(colors), "range": list(colors.values())} if colors else {}


def bars(values: Sequence[dict[str, Any]], *, category: str, value: str, title: str, x_title: str, y_title: str,
         fmt: str = ",.0f", color: str | None = None, colors: dict[str, str] | None = None,
         horizontal: bool = True, subtitle: str = "") -> dict[str, Any]:
    """A bar per category, in the order given, with its value written beside it."""
    order = [str(v[category]) for v in values]
    cat_title, val_title = (y_title, x_title) if horizontal else (x_title, y_title)
    cat = _field(category, "nominal", cat_title, sort=order)
    if not horizontal:
        cat["axis"] = {"labelAngle": 0}
    val = _field(value, "quantitative", val_title, axis={"format": fmt, "tickCount": 6})
    colour = ({"field": category, "type": "nominal", "legend": None, "scale": _scale(colors)} if colors
              else {"value": color or PALETTE["accent"]})
    tooltip = [_field(category, "nominal", cat_title), _field(value, "quantitative", val_title, format=fmt)]
    label = ({"type": "text", "align": "left", "dx": 4} if horizontal else {"type": "text", "baseline": "bottom", "dy": -3})
    # Horizontal bars: the height follows the number of bars (a fixed number: a "step" height
    # conflicts with the container width's autosize).
    return _spec(values, title, subtitle, height=max(60, 32 * len(values)) if horizontal else HEIGHT,
                 encoding={"y" if horizontal else "x": cat, "x" if horizontal else "y": val},
                 layer=[{"mark": {"type": "bar"}, "encoding": {"color": colour, "tooltip": tooltip}},
                        {"mark": label, "encoding": {"text": _field(value, "quantitative", format=fmt)}}])


def grouped_bars(values: Sequence[dict[str, Any]], *, category: str, group: str, value: str, title: str,
                 x_title: str, y_title: str, fmt: str = ",.0f", colors: dict[str, str] | None = None,
                 subtitle: str = "") -> dict[str, Any]:
    """Bars side by side per category (e.g. raw vs clean)."""
    return _spec(values, title, subtitle, mark={"type": "bar"}, encoding={
        "x": _field(category, "nominal", x_title, axis={"labelAngle": 0}, sort=None),
        "xOffset": _field(group, "nominal", sort=list(colors) if colors else None),
        "y": _field(value, "quantitative", y_title, axis={"format": fmt, "tickCount": 6}),
        "color": _field(group, "nominal", None, scale=_scale(colors), legend={"orient": "top", "title": None}),
        "tooltip": [_field(category, "nominal", x_title), _field(group, "nominal", " "),
                    _field(value, "quantitative", y_title, format=fmt)],
    })


def stacked_share(values: Sequence[dict[str, Any]], *, x: str, series: str, value: str, title: str,
                  x_title: str, y_title: str, temporal: bool = True, colors: dict[str, str] | None = None,
                  subtitle: str = "") -> dict[str, Any]:
    """Stacked bars normalised to 100 % per x (e.g. sentiment per week)."""
    kind = "temporal" if temporal else "nominal"
    # A time unit gives each bar its period's full width (a bare temporal axis draws hairlines).
    x_enc = _field(x, kind, x_title, timeUnit="yearweek") if temporal else _field(x, kind, x_title)
    return _spec(values, title, subtitle, mark={"type": "bar"}, encoding={
        "x": x_enc,
        "y": {"aggregate": "sum", "field": value, "type": "quantitative", "stack": "normalize", "title": y_title,
              "axis": {"format": "%"}},
        "color": _field(series, "nominal", None, scale=_scale(colors), legend={"orient": "top", "title": None}),
        "tooltip": [x_enc, _field(series, "nominal", " "),
                    {"aggregate": "sum", "field": value, "type": "quantitative", "title": "n", "format": ",.0f"}],
    })


def timeline(values: Sequence[dict[str, Any]], *, x: str, y: str, title: str, x_title: str, y_title: str,
             marks: Sequence[dict[str, Any]] = (), mark_label: str = "", fmt: str = ",.0f",
             subtitle: str = "") -> dict[str, Any]:
    """A line over time, with optional highlighted points (e.g. follower bursts, coloured by kind)."""
    layers: list[dict[str, Any]] = [{
        "mark": {"type": "line", "color": PALETTE["accent"]},
        "encoding": {"x": _field(x, "temporal", x_title),
                     "y": _field(y, "quantitative", y_title, axis={"format": fmt}, scale={"zero": False}),
                     "tooltip": [_field(x, "temporal", x_title), _field(y, "quantitative", y_title, format=fmt)]},
    }]
    if marks:
        present = list(dict.fromkeys(str(m["label"]) for m in marks))
        kinds = {str(m["label"]): str(m.get("kind", m["label"])) for m in marks}
        layers.append({
            "data": {"values": list(marks)},
            "mark": {"type": "point", "shape": "triangle-up", "size": 110, "filled": True, "opacity": 1},
            "encoding": {"x": _field(x, "temporal"), "y": _field(y, "quantitative"),
                         "color": _field("label", "nominal", mark_label, legend={"orient": "top"},
                                         scale={"domain": present, "range": [MARK_COLORS.get(kinds[k], "#64748b") for k in present]}),
                         "tooltip": [_field(x, "temporal", x_title), _field("label", "nominal", mark_label),
                                     _field(y, "quantitative", y_title, format=fmt)]},
        })
    spec = _spec(values, title, subtitle, layer=layers)
    return spec


def heatmap(values: Sequence[dict[str, Any]], *, x: str, y: str, value: str, title: str, x_title: str,
            y_title: str, legend_title: str, fmt: str = ".0%", subtitle: str = "") -> dict[str, Any]:
    """A heat map (e.g. retention: cohort × months since joining)."""
    return _spec(values, title, subtitle, encoding={"x": _field(x, "ordinal", x_title, axis={"labelAngle": 0}),
                                                    "y": _field(y, "ordinal", y_title)}, layer=[
        {"mark": {"type": "rect"}, "encoding": {
            "color": _field(value, "quantitative", legend_title, scale={"scheme": "greens"}, legend={"format": fmt}),
            "tooltip": [_field(y, "ordinal", y_title), _field(x, "ordinal", x_title),
                        _field(value, "quantitative", legend_title, format=fmt)]}},
        {"mark": {"type": "text", "fontSize": 10}, "encoding": {
            "text": _field(value, "quantitative", format=fmt),
            "color": {"condition": {"test": f"datum['{value}'] > 0.5", "value": "white"}, "value": "#1f2937"}}},
    ])


# -- offline JavaScript, embedding and export ------------------------------------------------
@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one script, from the vl-convert wheel (no network)."""
    import vl_convert as vlc

    # A literal "</script" would end the inline script early; escaping the slash keeps the JS equal.
    bundle = vlc.javascript_bundle()  # type: ignore[call-arg]  # the stub omits `snippet`'s default (None)
    return bundle.replace("</script", "<\\/script")


@lru_cache(maxsize=2)
def format_locale(lang: str) -> dict[str, Any]:
    import vl_convert as vlc

    return vlc.get_format_locale(LOCALES.get(lang, "en-US"))


@lru_cache(maxsize=2)
def time_format_locale(lang: str) -> dict[str, Any]:
    import vl_convert as vlc

    return vlc.get_time_format_locale(LOCALES.get(lang, "en-US"))


def script_json(value: Any) -> str:
    """JSON safe inside an HTML <script> element: no `</script>`, no `<!--`, no stray `&`."""
    text = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _fixed_width(spec: dict[str, Any], width: int) -> dict[str, Any]:
    """Export has no container: give charts a fixed width."""
    out = json.loads(json.dumps(spec))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = width
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(out)
    return out


def export_chart(spec: dict[str, Any], path: Path, lang: str = "en", width: int = 640) -> Path:
    """Write one chart as .svg or .png (by the path's suffix), with the language's number format."""
    import vl_convert as vlc

    fixed = _fixed_width(spec, width)
    locale = LOCALES.get(lang, "en-US")
    if path.suffix.lower() == ".png":
        path.write_bytes(vlc.vegalite_to_png(fixed, scale=2, format_locale=locale, time_format_locale=locale))
    else:
        path.write_text(vlc.vegalite_to_svg(fixed, format_locale=locale, time_format_locale=locale), encoding="utf-8")
    return path
