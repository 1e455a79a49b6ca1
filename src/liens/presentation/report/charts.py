"""Charts: Vega-Lite specs built with Altair, drawn offline by the bundled Vega JavaScript.

Every chart has a title, axis titles with their unit, and number formats resolved with the
language's d3 locale (1 234,5 in French). The Vega, Vega-Lite and vega-embed code comes from
`vl-convert-python`'s bundle, which ships inside the wheel: nothing is fetched at view time. The
same specs export to SVG/PNG through vl-convert, without a browser.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import altair as alt

PALETTE = {"vanity": "#9aa5b1", "real": "#1f7a5a", "alert": "#c2410c", "accent": "#2563eb", "muted": "#cbd5e1"}
HEIGHT = 260
MARK_COLORS = {"bought": PALETTE["alert"], "viral": "#7c3aed", "campaign": "#0891b2", "organic": "#65a30d"}
LOCALES = {"fr": "fr-FR", "en": "en-US"}


def _base(values: Sequence[dict[str, Any]], title: str, subtitle: str = "", height: Any = HEIGHT) -> alt.Chart:
    title_param = alt.TitleParams(title, subtitle=subtitle or alt.Undefined, anchor="start")
    return alt.Chart(alt.Data(values=list(values)), title=title_param).properties(width="container", height=height)


def _finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.configure_view(stroke=None).configure_axis(labelLimit=180).to_dict(validate=False)
    spec.pop("$schema", None)  # the schema URL is not needed offline
    return spec


def bars(values: Sequence[dict[str, Any]], *, category: str, value: str, title: str, x_title: str, y_title: str,
         fmt: str = ",.0f", color: str | None = None, colors: dict[str, str] | None = None,
         horizontal: bool = True, subtitle: str = "") -> dict[str, Any]:
    """A bar per category, in the order given, with its value written beside it."""
    order = [str(v[category]) for v in values]  # the caller's order (a layer's sort by value warns)
    if horizontal:
        enc_cat = alt.Y(f"{category}:N", title=y_title, sort=order)
        enc_val = alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(format=fmt, tickCount=6))
    else:
        enc_cat = alt.X(f"{category}:N", title=x_title, sort=order, axis=alt.Axis(labelAngle=0))
        enc_val = alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=fmt, tickCount=6))
    if colors:
        colour = alt.Color(f"{category}:N", legend=None,
                           scale=alt.Scale(domain=list(colors), range=list(colors.values())))
    else:
        colour = alt.value(color or PALETTE["accent"])
    tooltip = [alt.Tooltip(f"{category}:N", title=y_title if horizontal else x_title),
               alt.Tooltip(f"{value}:Q", title=x_title if horizontal else y_title, format=fmt)]
    # Horizontal bars: the height follows the number of bars (a fixed number: a "step" height
    # conflicts with the container width's autosize).
    base = _base(values, title, subtitle, height=max(60, 32 * len(values)) if horizontal else HEIGHT)
    bar = base.mark_bar().encode(enc_cat, enc_val, color=colour, tooltip=tooltip)
    text_enc = {"text": alt.Text(f"{value}:Q", format=fmt)}
    if horizontal:
        label = base.mark_text(align="left", dx=4).encode(enc_cat, enc_val, **text_enc)
    else:
        label = base.mark_text(baseline="bottom", dy=-3).encode(enc_cat, enc_val, **text_enc)
    return _finish(alt.layer(bar, label))


def grouped_bars(values: Sequence[dict[str, Any]], *, category: str, group: str, value: str, title: str,
                 x_title: str, y_title: str, fmt: str = ",.0f", colors: dict[str, str] | None = None,
                 subtitle: str = "") -> dict[str, Any]:
    """Bars side by side per category (e.g. raw vs clean)."""
    scale = alt.Scale(domain=list(colors), range=list(colors.values())) if colors else alt.Undefined
    chart = _base(values, title, subtitle).mark_bar().encode(
        x=alt.X(f"{category}:N", title=x_title, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset(f"{group}:N"),
        y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=fmt, tickCount=6)),
        color=alt.Color(f"{group}:N", title=None, scale=scale, legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip(f"{category}:N", title=x_title), alt.Tooltip(f"{group}:N", title=" "),
                 alt.Tooltip(f"{value}:Q", title=y_title, format=fmt)],
    )
    return _finish(chart)


def stacked_share(values: Sequence[dict[str, Any]], *, x: str, series: str, value: str, title: str,
                  x_title: str, y_title: str, temporal: bool = True, colors: dict[str, str] | None = None,
                  subtitle: str = "") -> dict[str, Any]:
    """Stacked bars normalised to 100 % per x (e.g. sentiment per week)."""
    scale = alt.Scale(domain=list(colors), range=list(colors.values())) if colors else alt.Undefined
    chart = _base(values, title, subtitle).mark_bar().encode(
        x=alt.X(f"{x}:{'T' if temporal else 'N'}", title=x_title),
        y=alt.Y(f"sum({value}):Q", stack="normalize", title=y_title, axis=alt.Axis(format="%")),
        color=alt.Color(f"{series}:N", title=None, scale=scale, legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip(f"{x}:{'T' if temporal else 'N'}", title=x_title), alt.Tooltip(f"{series}:N", title=" "),
                 alt.Tooltip(f"sum({value}):Q", title="n", format=",.0f")],
    )
    return _finish(chart)


def timeline(values: Sequence[dict[str, Any]], *, x: str, y: str, title: str, x_title: str, y_title: str,
             marks: Sequence[dict[str, Any]] = (), mark_label: str = "", fmt: str = ",.0f",
             subtitle: str = "") -> dict[str, Any]:
    """A line over time, with optional highlighted points (e.g. follower bursts)."""
    base = _base(values, title, subtitle)
    line = base.mark_line(color=PALETTE["accent"]).encode(
        x=alt.X(f"{x}:T", title=x_title),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip(f"{x}:T", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=fmt)],
    )
    layers: list[Any] = [line]
    present = list(dict.fromkeys(str(m["label"]) for m in marks))
    if marks:
        layers.append(
            alt.Chart(alt.Data(values=list(marks))).mark_point(size=110, filled=True, shape="triangle-up", opacity=1)
            .encode(x=alt.X(f"{x}:T"), y=alt.Y(f"{y}:Q"),
                    color=alt.Color("label:N", title=mark_label, legend=alt.Legend(orient="top"),
                                    scale=alt.Scale(domain=list(present), range=[MARK_COLORS.get(k, "#64748b") for k in present])),
                    tooltip=[alt.Tooltip(f"{x}:T", title=x_title), alt.Tooltip("label:N", title=mark_label),
                             alt.Tooltip(f"{y}:Q", title=y_title, format=fmt)])
        )
    return _finish(alt.layer(*layers))


def heatmap(values: Sequence[dict[str, Any]], *, x: str, y: str, value: str, title: str, x_title: str,
            y_title: str, legend_title: str, fmt: str = ".0%", subtitle: str = "") -> dict[str, Any]:
    """A heat map (e.g. retention: cohort × months since joining)."""
    base = _base(values, title, subtitle)
    rect = base.mark_rect().encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:O", title=y_title),
        color=alt.Color(f"{value}:Q", title=legend_title, scale=alt.Scale(scheme="greens"), legend=alt.Legend(format=fmt)),
        tooltip=[alt.Tooltip(f"{y}:O", title=y_title), alt.Tooltip(f"{x}:O", title=x_title),
                 alt.Tooltip(f"{value}:Q", title=legend_title, format=fmt)],
    )
    text = base.mark_text(fontSize=10).encode(
        x=alt.X(f"{x}:O"), y=alt.Y(f"{y}:O"), text=alt.Text(f"{value}:Q", format=fmt),
        color=alt.condition(f"datum['{value}'] > 0.5", alt.value("white"), alt.value("#1f2937")),
    )
    return _finish(alt.layer(rect, text))


# -- offline JavaScript, embedding and export ------------------------------------------------
@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one script, from the vl-convert wheel (no network)."""
    import vl_convert as vlc

    # A literal "</script" would end the inline script early; escaping the slash keeps the JS equal.
    return vlc.javascript_bundle().replace("</script", "<\\/script")


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
