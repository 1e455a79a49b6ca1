"""`liens report` (the HTML report) and `liens serve` (the web dashboard and JSON API)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from ... import api
from ..i18n import register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, progress_bar, safe, use_language

register({
    "report_written": {"en": "Report written to {path}", "fr": "Rapport écrit dans {path}"},
    "charts_written": {"en": "{n} chart files written to {path}", "fr": "{n} fichiers de graphiques écrits dans {path}"},
    "serve_at": {"en": "Dashboard at {url} (Ctrl+C to stop)", "fr": "Tableau de bord sur {url} (Ctrl+C pour arrêter)"},
    "serve_token_needed": {
        "en": "Binding to {host} exposes the dashboard beyond this machine: pass --token SECRET (or bind to 127.0.0.1).",
        "fr": "Écouter sur {host} expose le tableau de bord hors de cette machine : passez --token SECRET (ou écoutez sur 127.0.0.1).",
    },
    "serve_token_short": {"en": "The token must be at least 16 characters long.",
                          "fr": "Le jeton doit compter au moins 16 caractères."},
})


@app.command()
def report(
    store: StoreOption = DEFAULT_STORE_PATH,
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("liens-report.html"),
    charts: Annotated[Path | None, typer.Option("--charts", help="Also write every chart as SVG and PNG into this folder.")] = None,
    lang: LangOption = None,
) -> None:
    """Write the report: one self-contained HTML file (charts inline, works offline)."""
    from ..report import build_report, export_charts

    chosen = use_language(lang)
    with api.open_store(store, read_only=True) as opened, progress_bar("report"):
        opened.require_data()
        if not opened.summary():  # data loaded, never analysed: a report would say "nothing urgent"
            raise api.AnalysisError(t("not_analysed", store=safe(store)))
        path = build_report(opened, out, lang=chosen)
        files = export_charts(opened, charts, lang=chosen) if charts is not None else []
    console.print(t("report_written", path=safe(path)))
    if charts is not None:
        console.print(t("charts_written", n=len(files), path=safe(charts)))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    store: StoreOption = DEFAULT_STORE_PATH,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8765,
    token: Annotated[str | None, typer.Option("--token", envvar="LIENS_TOKEN",
                                                 help="Secret required on every request; mandatory off loopback.")] = None,
    allow_host: Annotated[list[str] | None, typer.Option("--allow-host", help="Another name the dashboard answers to "
                                                          "in the Host header (e.g. a reverse proxy's); repeatable.")] = None,
    lang: LangOption = None,
) -> None:
    """Serve the dashboard and the JSON API over a store (read-only)."""
    import uvicorn

    from ..web import create_app

    chosen = use_language(lang)
    if not is_loopback(host) and not token:
        raise api.ConfigError(t("serve_token_needed", host=host))
    if token is not None and len(token) < 16:
        raise api.ConfigError(t("serve_token_short"))
    with api.open_store(store, read_only=True) as opened:
        opened.require_data()
    application = create_app(store, token=token, lang=chosen, host=host, allow_hosts=allow_host or ())
    shown = f"http://{host}:{port}/" + (f"?token={'…' if token else ''}" if token else "")
    console.print(t("serve_at", url=safe(shown)))
    uvicorn.run(application, host=host, port=port, log_level="warning")
