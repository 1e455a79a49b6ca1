"""The FastAPI application: the dashboard's pages (Jinja2, autoescaped) and the JSON API, over one store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ... import api
from ..i18n import t
from ..report.source import Filters
from .dashboard import Dashboard
from .routes import api as api_routes
from .routes import pages
from .security import allowed_hosts, guard


def create_app(store_path: str | Path, token: str | None = None, lang: str = "en", *, host: str = "127.0.0.1",
               allow_hosts: Sequence[str] = ()) -> FastAPI:
    """The dashboard over the store at `store_path` (opened read-only); with `token`, every request must carry it.

    Requests must name the address it is bound to, `host` (and the loopback names on loopback), or
    one of `allow_hosts`, in their `Host` header: a web page cannot reach it through DNS rebinding."""
    store_path = Path(store_path)
    if not store_path.exists():
        raise api.StoreError(f"store {store_path} does not exist: run `liens load DATASET --store {store_path}` first")
    dashboard = Dashboard(store_path, lang)
    app = FastAPI(title="Liens", version="1", description="Results of a Liens store: what is real in a brand's social presence.",
                  docs_url=None, redoc_url=None)
    app.state.dashboard = dashboard
    app.state.close = dashboard.close
    app.middleware("http")(guard(token, dashboard.default_lang, allowed_hosts(host, allow_hosts)))
    app.include_router(pages.router)
    app.include_router(api_routes.router)
    app.exception_handler(StarletteHTTPException)(_http_error)
    app.exception_handler(Exception)(_unexpected)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error_page(request: Request, status: int, message: str) -> Response:
    """An error as a dashboard page (the navigation, in the request's language), or JSON for the API."""
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    d: Dashboard = request.app.state.dashboard
    lang = request.query_params.get("lang")
    lang = lang if lang in ("en", "fr") else d.default_lang
    title = t("d_not_found_title" if status == 404 else "d_error_title", lang)
    text = message if status != 404 or message not in ("Not Found", "") else t("d_not_found", lang)
    page = d.page("error.html.j2", request, Filters(), lang, title=title, message=text, current="")
    page.status_code = status
    return page


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "")
    response = _error_page(request, status, detail if isinstance(detail, str) else str(detail))
    for key, value in (getattr(exc, "headers", None) or {}).items():
        response.headers[key] = value
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Anything unexpected: a page saying so, never a traceback."""
    lang = request.query_params.get("lang")
    return _error_page(request, 500, t("d_error", lang if lang in ("en", "fr") else None))
