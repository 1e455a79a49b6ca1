"""What the routes share: the read-only store, its catalogue and summary, read once, and the request's
filters, language and links."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import duckdb
import jinja2
from fastapi import HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from ... import api
from ..report.render import bind_language, environment
from ..report.sections import SECTION_KEYS, Build, section_title
from ..report.source import Filters, Source, read_catalog

HERE = Path(__file__).parent
LANGUAGES = ("en", "fr")


class Dashboard:
    """The store a dashboard serves (opened read-only), and how its pages are made."""

    def __init__(self, store_path: Path, lang: str = "en") -> None:
        self.path = store_path
        self.root = self._connect()
        # The inbox's "handled" action (a POST with a CSRF token) is the one write: it waits for the
        # requests in flight, closes the read-only connection, marks the texts, and opens it again.
        self.gate = _Gate()
        self.csrf = secrets.token_urlsafe(32)
        # Read-only: the catalogue and the summary cannot change while we serve, so read them once.
        self.catalog = read_catalog(self.root)
        self.summary = Source(self.root, catalog=self.catalog).summary
        self.platforms = Source(self.root, catalog=self.catalog).platforms
        self.lock = threading.Lock()
        self.env: jinja2.Environment = environment(HERE / "templates")
        self.default_lang = lang if lang in LANGUAGES else "en"

    def _connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(str(self.path), read_only=True)
        con.execute("SET TimeZone = 'UTC'")
        return con

    def close(self) -> None:
        self.root.close()

    def mark_done(self, interaction_ids: list[str]) -> int:
        """Mark texts of the queue handled in the store (the dashboard's one write)."""
        with self.gate.exclusive():
            self.root.close()
            try:
                return api.inbox_done(self.path, interaction_ids, by="dashboard")
            finally:
                self.root = self._connect()
                self.catalog = read_catalog(self.root)

    def source(self, con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> Source:
        """The results seen through `filters`, with the catalogue and summary already read."""
        return Source(con, filters, summary=self.summary, catalog=self.catalog)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one request."""
        with self.gate.shared():
            with self.lock:  # cursors are created from one connection; creation is not thread-safe
                cur = self.root.cursor()
            try:
                cur.execute("SET TimeZone = 'UTC'")
                yield cur
            finally:
                cur.close()

    # -- links and pages -----------------------------------------------------------------------
    def with_query(self, path: str, f: Filters, lang: str, **extra: Any) -> str:
        """`path` with the filters, the language when not the default, and `extra` (empty values left out)."""
        params = {**f.query(), **({"lang": lang} if lang != self.default_lang else {}),
                  **{k: v for k, v in extra.items() if v not in (None, "", 0, False)}}
        return path + ("?" + urlencode(params) if params else "")

    def page(self, template: str, request: Request, f: Filters, lang: str, **context: Any) -> HTMLResponse:
        """A dashboard page: the template, with the navigation, the filters and the language switch."""
        helpers = bind_language(self.env, lang)
        nav = [(k, section_title(k, lang), self.with_query(f"/sections/{k}", f, lang)) for k in SECTION_KEYS]
        other = "fr" if lang == "en" else "en"
        html = self.env.get_template(template).render(
            **helpers, request_path=request.url.path, nav=nav, filters=f, platforms=self.platforms,
            home=self.with_query("/", f, lang), tables_href=self.with_query("/tables", f, lang),
            inbox_href=self.with_query("/inbox", f, lang),
            report_href=self.with_query("/report.html", Filters(), lang),
            other_lang=other, lang_href=self.with_query(request.url.path, f, other)
            if lang == self.default_lang else self.with_query(request.url.path, f, self.default_lang),
            **context,
        )
        return HTMLResponse(html)

    def builder(self, src: Source, f: Filters, lang: str) -> Build:
        """The section builder, with drill-down links to pods, accounts, members and full tables."""
        pages = {"pod": "/pods/", "account": "/accounts/", "member": "/members/"}

        def link(kind: str, value: str) -> str | None:
            if kind not in pages:
                return None
            return self.with_query(pages[kind] + quote(value, safe=""), f, lang)

        return Build(src, lang, link=link, table_href=lambda name: self.with_query(f"/tables/{quote(name, safe='')}", f, lang))


class _Gate:
    """Many readers at once, or one writer alone."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and self._readers == 0)
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


# -- dependencies of the routes ----------------------------------------------------------------
def dashboard(request: Request) -> Dashboard:
    state: Dashboard = request.app.state.dashboard
    return state


def filters(start: date | None = None, end: date | None = None, platform: str | None = None) -> Filters:
    """The period and platform filters of a request (`?start=&end=&platform=`)."""
    return Filters(start, end, platform or None)


def language(request: Request, lang: Annotated[str | None, Query(pattern="^(en|fr)$")] = None) -> str:
    """`?lang=`, else the dashboard's language."""
    return lang or dashboard(request).default_lang


def parse_sort(sort: str | None, columns: dict[str, str], strict: bool = False) -> list[tuple[str, bool]]:
    """`a,-b` as [(a, ascending), (b, descending)]; unknown columns are skipped, or refused (400) when `strict`."""
    out = []
    for part in (sort or "").split(","):
        part = part.strip()
        if not part:
            continue
        desc = part.startswith("-")
        name = part.lstrip("-+")
        if name not in columns:
            if strict:
                raise HTTPException(400, f"unknown sort column '{name}'")
            continue
        out.append((name, desc))
    return out
