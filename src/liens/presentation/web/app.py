"""The FastAPI application: the dashboard's pages (Jinja2, autoescaped) and the JSON API, over one store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI

from ... import api
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
    return app
