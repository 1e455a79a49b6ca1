"""FastAPI application: dashboard pages (Jinja2, autoescaped) and the JSON API."""

from __future__ import annotations

import math
import secrets
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Iterator
from urllib.parse import quote, urlencode

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel

from ...errors import StoreError
from ...store.store import quote_identifier as q
from ..i18n import t
from ..report import render_report
from ..report.charts import vega_bundle
from ..report.model import Cell, TableBlock, fmt_value, numeric
from ..report.render import bind_language, environment, static_text
from ..report.sections import SECTION_KEYS, Build, build_sections, section_title
from ..report.source import Filters, read_catalog
from ..report.source import Source as _Source
from ..report.texts import label, table_title

HERE = Path(__file__).parent
PAGE_SIZE = 50
MAX_LIMIT = 1000
TOKEN_COOKIE = "liens_token"
SECURITY_HEADERS = {
    # Scripts only from this server: an injected inline script could not run.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class ColumnInfo(BaseModel):
    name: str
    type: str


class TableInfo(BaseModel):
    name: str
    rows: int
    columns: list[ColumnInfo]


class TablePage(BaseModel):
    name: str
    total: int
    limit: int
    offset: int
    sort: list[str]
    columns: list[str]
    rows: list[dict[str, Any]]


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (date,)):
        return value.isoformat()
    if hasattr(value, "__float__") and not isinstance(value, (int, float, bool)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def create_app(store_path: str | Path, token: str | None = None, lang: str = "en") -> FastAPI:
    """The dashboard over the store at `store_path` (opened read-only)."""
    store_path = Path(store_path)
    if not store_path.exists():
        raise StoreError(f"store {store_path} does not exist: run `liens load DATASET --store {store_path}` first")
    root = duckdb.connect(str(store_path), read_only=True)
    root.execute("SET TimeZone = 'UTC'")
    # Read-only: the catalogue and the summary cannot change while we serve, so read them once.
    catalog = read_catalog(root)
    summary = _Source(root, catalog=catalog).summary
    platforms = _Source(root, catalog=catalog).platforms
    lock = threading.Lock()
    env = environment(HERE / "templates")
    default_lang = lang if lang in ("en", "fr") else "en"
    app = FastAPI(title="Liens", version="1", description="Results of a Liens store: what is real in a brand's social presence.",
                  docs_url=None, redoc_url=None)

    def Source(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> _Source:  # noqa: N802
        return _Source(con, filters, summary=summary, catalog=catalog)

    @contextmanager
    def cursor() -> Iterator[duckdb.DuckDBPyConnection]:
        with lock:  # cursors are created from one connection; creation is not thread-safe
            cur = root.cursor()
        try:
            cur.execute("SET TimeZone = 'UTC'")
            yield cur
        finally:
            cur.close()

    # -- security ----------------------------------------------------------------------------
    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        set_cookie = False
        if token is not None:
            given = request.headers.get("authorization", "")
            candidate = given[7:] if given.lower().startswith("bearer ") else None
            candidate = candidate or request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)
            if not candidate or not secrets.compare_digest(candidate.encode(), token.encode()):
                response: Response = PlainTextResponse(t("d_unauthorized", default_lang), status_code=401)
                _secure(response)
                return response
            set_cookie = request.query_params.get("token") is not None
        response = await call_next(request)
        _secure(response)
        if set_cookie:
            response.set_cookie(TOKEN_COOKIE, token or "", httponly=True, samesite="strict")
        return response

    # -- shared request state ------------------------------------------------------------------
    def filters(start: date | None = None, end: date | None = None, platform: str | None = None) -> Filters:
        return Filters(start, end, platform or None)

    def language(lang: Annotated[str | None, Query(pattern="^(en|fr)$")] = None) -> str:
        return lang or default_lang

    def with_query(path: str, f: Filters, lang_: str, **extra: Any) -> str:
        params = {**f.query(), **({"lang": lang_} if lang_ != default_lang else {}),
                  **{k: v for k, v in extra.items() if v not in (None, "", 0, False)}}
        return path + ("?" + urlencode(params) if params else "")

    def page(template: str, request: Request, src: Source, f: Filters, lang_: str, **context: Any) -> HTMLResponse:
        helpers = bind_language(env, lang_)
        nav = [(k, section_title(k, lang_), with_query(f"/sections/{k}", f, lang_)) for k in SECTION_KEYS]
        html = env.get_template(template).render(
            **helpers, request_path=request.url.path, nav=nav, filters=f, platforms=platforms,
            home=with_query("/", f, lang_), tables_href=with_query("/tables", f, lang_),
            report_href=with_query("/report.html", Filters(), lang_),
            other_lang=("fr" if lang_ == "en" else "en"), lang_href=with_query(request.url.path, f, "fr" if lang_ == "en" else "en")
            if lang_ == default_lang else with_query(request.url.path, f, default_lang),
            **context,
        )
        return HTMLResponse(html)

    def builder(src: Source, f: Filters, lang_: str) -> Build:
        def link(kind: str, value: str) -> str | None:
            if kind == "pod":
                return with_query(f"/pods/{quote(value, safe='')}", f, lang_)
            if kind == "account":
                return with_query(f"/accounts/{quote(value, safe='')}", f, lang_)
            if kind == "member":
                return with_query(f"/members/{quote(value, safe='')}", f, lang_)
            return None

        return Build(src, lang_, link=link, table_href=lambda name: with_query(f"/tables/{quote(name, safe='')}", f, lang_))

    # -- pages ---------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(request: Request, f: Filters = Depends(filters), lang_: str = Depends(language)) -> HTMLResponse:
        with cursor() as con:
            src = Source(con, f)
            sections = build_sections(builder(src, f, lang_), ["vanity", "actions"])
            return page("section.html.j2", request, src, f, lang_, sections=sections, current="",
                        title=t("d_overview", lang_))

    @app.get("/sections/{key}", response_class=HTMLResponse, include_in_schema=False)
    def section(key: str, request: Request, f: Filters = Depends(filters), lang_: str = Depends(language)) -> HTMLResponse:
        if key not in SECTION_KEYS:
            raise HTTPException(404, t("d_not_found", lang_))
        with cursor() as con:
            src = Source(con, f)
            sections = build_sections(builder(src, f, lang_), [key])
            return page("section.html.j2", request, src, f, lang_, sections=sections, current=key,
                        title=section_title(key, lang_))

    @app.get("/tables", response_class=HTMLResponse, include_in_schema=False)
    def tables_page(request: Request, f: Filters = Depends(filters), lang_: str = Depends(language)) -> HTMLResponse:
        with cursor() as con:
            src = Source(con, f)
            rows = []
            for name in src.names:
                rows.append([Cell(table_title(name, lang_), with_query(f"/tables/{quote(name, safe='')}", f, lang_)),
                             Cell(name), Cell(fmt_value(src.count(name), lang_), numeric=True)])
            block = TableBlock(t("d_tables", lang_), [t("d_tables", lang_), "name", "n"], rows, len(rows))
            return page("table.html.j2", request, src, f, lang_, block=block, pager=None, title=t("d_tables", lang_),
                        current="tables", sort_links=None)

    @app.get("/tables/{name}", response_class=HTMLResponse, include_in_schema=False)
    def table_page(name: str, request: Request, sort: str | None = None, page_: Annotated[int, Query(alias="page", ge=1)] = 1,
                   f: Filters = Depends(filters), lang_: str = Depends(language)) -> HTMLResponse:
        with cursor() as con:
            src = Source(con, f)
            if not src.has(name):
                raise HTTPException(404, t("d_not_found", lang_))
            order = _parse_sort(sort, src.columns(name))
            rows, total = src.page(name, sort=order, limit=PAGE_SIZE, offset=(page_ - 1) * PAGE_SIZE)
            cols = list(src.columns(name))
            b = builder(src, f, lang_)
            links = {c: k for c, k in (("pod_id", "pod"), ("account_id", "account"), ("actor_id", "account")) if c in cols}
            block = TableBlock(table_title(name, lang_), [label(c, lang_) for c in cols],
                               [b.cells(r, cols, links) for r in rows], total, name)
            current = order[0] if order else None
            sort_links = [with_query(request.url.path, f, lang_, sort=("-" if current == (c, False) else "") + c) for c in cols]
            pager = _pager(total, page_, lambda p: with_query(request.url.path, f, lang_, sort=sort, page=p if p > 1 else None), lang_)
            return page("table.html.j2", request, src, f, lang_, block=block, pager=pager, title=block.title,
                        current="tables", sort_links=sort_links)

    @app.get("/pods/{pod_id}", response_class=HTMLResponse, include_in_schema=False)
    def pod_page(pod_id: str, request: Request, page_: Annotated[int, Query(alias="page", ge=1)] = 1,
                 f: Filters = Depends(filters), lang_: str = Depends(language)) -> HTMLResponse:
        with cursor() as con:
            src = Source(con, f)
            if not src.has_col("pods", "pod_id"):
                raise HTTPException(404, t("d_not_found", lang_))
            members, n = src.page("pods", condition="pod_id = ?", params=[pod_id], limit=500)
            if not n:
                raise HTTPException(404, t("d_not_found", lang_))
            b = builder(src, f, lang_)
            cols = list(src.columns("pods"))
            member_block = TableBlock(t("d_members", lang_), [label(c, lang_) for c in cols],
                                      [b.cells(r, cols, {"account_id": "account"}) for r in members], n, "pods")
            ids = sorted({str(r["account_id"]) for r in members if r.get("account_id") is not None})
            inter_block, pager = _interactions(src, b, ids, page_, request, f, lang_, with_query)
            return page("drill.html.j2", request, src, f, lang_, title=t("d_pod", lang_, pod=pod_id),
                        blocks=[member_block, inter_block], pager=pager, current="")

    @app.get("/accounts/{account_id}", response_class=HTMLResponse, include_in_schema=False)
    def account_page(account_id: str, request: Request, page_: Annotated[int, Query(alias="page", ge=1)] = 1,
                     f: Filters = Depends(filters), lang_: str = Depends(language)) -> HTMLResponse:
        with cursor() as con:
            src = Source(con, Filters())  # the account's own row is not filtered
            rows, n = src.page("accounts", condition="account_id = ?", params=[account_id], limit=1)
            if not n:
                raise HTTPException(404, t("d_not_found", lang_))
            b = builder(src, f, lang_)
            info = TableBlock(t("d_account", lang_, account=account_id), [t("figure", lang_), t("value", lang_)],
                              [[Cell(label(k, lang_)), Cell(fmt_value(v, lang_, k), numeric=numeric(v))] for k, v in rows[0].items()],
                              len(rows[0]), "accounts")
            src = Source(con, f)
            inter_block, pager = _interactions(src, builder(src, f, lang_), [account_id], page_, request, f, lang_, with_query)
            return page("drill.html.j2", request, src, f, lang_, title=t("d_account", lang_, account=account_id),
                        blocks=[info, inter_block], pager=pager, current="")

    @app.get("/members/{member_id}", response_class=HTMLResponse, include_in_schema=False)
    def member_page(member_id: str, request: Request, page_: Annotated[int, Query(alias="page", ge=1)] = 1,
                    f: Filters = Depends(filters), lang_: str = Depends(language)) -> HTMLResponse:
        """A person (one or several accounts, linked by identities): their figures, accounts and interactions."""
        with cursor() as con:
            src = Source(con, Filters())
            if not src.has_col("accounts", "member_id"):
                raise HTTPException(404, t("d_not_found", lang_))
            b = builder(src, f, lang_)
            blocks = []
            if src.has_col("members", "member_id"):
                rows, _n = src.page("members", condition="member_id = ?", params=[member_id], limit=1)
                if rows:
                    blocks.append(TableBlock(t("d_member", lang_, member=member_id), [t("figure", lang_), t("value", lang_)],
                                             [[Cell(label(k, lang_)), Cell(fmt_value(v, lang_, k), numeric=numeric(v))]
                                              for k, v in rows[0].items()], len(rows[0]), "members"))
            cols = [c for c in ("account_id", "platform", "handle", "interactions_made", "engagement_score", "member_level",
                                "is_ambassador", "ambassador_kind", "pod_id", "audience_label") if src.has_col("accounts", c)]
            accounts, n = src.page("accounts", columns=cols, condition="member_id = ?", params=[member_id], limit=100)
            if not n:
                raise HTTPException(404, t("d_not_found", lang_))
            blocks.append(TableBlock(t("d_accounts", lang_), [label(c, lang_) for c in cols],
                                     [b.cells(r, cols, {"account_id": "account", "pod_id": "pod"}) for r in accounts], n, "accounts"))
            if src.has_col("ambassadors", "member_id"):
                evidence, m = src.page("ambassadors", condition="member_id = ?", params=[member_id], limit=20)
                if m:
                    cols_a = list(src.columns("ambassadors"))
                    blocks.append(TableBlock(table_title("ambassadors", lang_), [label(c, lang_) for c in cols_a],
                                             [b.cells(r, cols_a, {"account_id": "account"}) for r in evidence], m, "ambassadors"))
            src = Source(con, f)
            ids = [str(r["account_id"]) for r in accounts]
            inter_block, pager = _interactions(src, builder(src, f, lang_), ids, page_, request, f, lang_, with_query)
            return page("drill.html.j2", request, src, f, lang_, title=t("d_member", lang_, member=member_id),
                        blocks=[*blocks, inter_block], pager=pager, current="")

    @app.get("/report.html", response_class=HTMLResponse, include_in_schema=False)
    def report_file(lang_: str = Depends(language)) -> HTMLResponse:
        with cursor() as con:
            html = render_report(Source(con), lang_)
        # The report carries its own CSP (inline scripts by hash); the dashboard's would block them.
        response = HTMLResponse(html, headers={"Content-Disposition": 'inline; filename="liens-report.html"'})
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        return response

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name == "vega.js":
            return Response(vega_bundle(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})
        if name in ("liens.css", "liens.js"):
            text = static_text(name)
            media = "text/css" if name.endswith(".css") else "text/javascript"
            return Response(text, media_type=media, headers={"Cache-Control": "max-age=3600"})
        raise HTTPException(404)

    # -- JSON API ------------------------------------------------------------------------------
    @app.get("/api/tables", response_model=list[TableInfo], tags=["results"], summary="The result tables")
    def api_tables(f: Filters = Depends(filters)) -> list[TableInfo]:
        with cursor() as con:
            src = Source(con, f)
            return [TableInfo(name=n, rows=src.count(n), columns=[ColumnInfo(name=c, type=ty) for c, ty in src.columns(n).items()])
                    for n in src.names]

    @app.get("/api/tables/{name}", response_model=TablePage, tags=["results"], summary="Rows of one result table")
    def api_table(name: str, limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 100, offset: Annotated[int, Query(ge=0)] = 0,
                  sort: Annotated[str | None, Query(description="Columns, comma-separated; '-' before a column sorts descending.")] = None,
                  f: Filters = Depends(filters)) -> TablePage:
        with cursor() as con:
            src = Source(con, f)
            if not src.has(name):
                raise HTTPException(404, f"no result table '{name}'")
            columns = src.columns(name)
            order = _parse_sort(sort, columns, strict=True)
            rows, total = src.page(name, sort=order, limit=limit, offset=offset)
            return TablePage(name=name, total=total, limit=limit, offset=offset,
                             sort=[("-" if d else "") + c for c, d in order], columns=list(columns),
                             rows=[{k: _jsonable(v) for k, v in r.items()} for r in rows])

    @app.get("/api/summary", tags=["results"], summary="The headline figures (summary.json)")
    def api_summary() -> JSONResponse:
        with cursor() as con:
            return JSONResponse(_jsonable(Source(con).summary))

    app.state.close = root.close
    return app


def _secure(response: Response) -> None:
    for key, value in SECURITY_HEADERS.items():
        if key not in response.headers:  # the report page sets its own policy (its meta tag holds the rest)
            response.headers[key] = value


def _parse_sort(sort: str | None, columns: dict[str, str], strict: bool = False) -> list[tuple[str, bool]]:
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


def _pager(total: int, current: int, href: Any, lang: str) -> dict[str, Any]:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    first = (current - 1) * PAGE_SIZE + 1 if total else 0
    return {
        "text": t("d_page", lang, first=fmt_value(first, lang), last=fmt_value(min(total, current * PAGE_SIZE), lang),
                  total=fmt_value(total, lang)),
        "prev": href(current - 1) if current > 1 else None,
        "next": href(current + 1) if current < pages else None,
    }


def _interactions(src: Source, b: Build, actor_ids: list[str], page_: int, request: Request, f: Filters, lang: str,
                  with_query: Any) -> tuple[TableBlock, dict[str, Any]]:
    """The interactions made by these accounts, newest first, with their text (escaped on render)."""
    cols = src.columns("interactions")
    wanted = [c for c in ("created_at", "kind", "actor_id", "post_id", "platform", "intent", "sentiment", "is_authentic",
                          "minutes_after_post", "answered") if c in cols]
    where, params = src.where("interactions", alias="r")
    has_text = src.has_input("interactions") and "text" in src.columns("interactions", result=False)
    cond = f"{where} AND r.actor_id IN (SELECT unnest(?))"
    # Late materialisation, by hand: the page's ids first (a top-N over two narrow columns), then
    # their other columns and their text by id. Selecting every column in the top-N, or joining
    # the whole input table for the text, costs several times more on millions of rows.
    args = [*params, actor_ids]
    found = src.con.execute(
        f"WITH m AS MATERIALIZED (SELECT r.interaction_id, r.created_at FROM {src.ref('interactions')} r WHERE {cond}) "
        f"SELECT interaction_id, (SELECT count(*) FROM m) FROM m ORDER BY created_at DESC, interaction_id LIMIT ? OFFSET ?",
        [*args, PAGE_SIZE, (page_ - 1) * PAGE_SIZE]).fetchall()
    ids = [r[0] for r in found]
    rows: list[dict[str, Any]] = []
    if ids:
        rows = src.rows(f"SELECT {', '.join(f'r.{q(c)}' for c in wanted)}, r.interaction_id AS _id FROM {src.ref('interactions')} r "
                        f"WHERE r.interaction_id IN (SELECT unnest(?)) ORDER BY r.created_at DESC, r.interaction_id", [ids])
    if has_text and rows:
        texts = dict(src.con.execute("SELECT interaction_id, text FROM interactions WHERE interaction_id IN (SELECT unnest(?))",
                                     [ids]).fetchall())
        for r in rows:
            r["text"] = texts.get(r["_id"])
    total = int(found[0][1]) if found else int(
        src.scalar(f"SELECT count(*) FROM {src.ref('interactions')} r WHERE {cond}", args) or 0)
    shown = wanted + (["text"] if has_text else [])
    block = TableBlock(t("d_interactions", lang), [label(c, lang) for c in shown],
                       [b.cells(r, shown, {"actor_id": "account"}) for r in rows], total, "interactions")
    pager = _pager(total, page_, lambda p: with_query(request.url.path, f, lang, page=p if p > 1 else None), lang)
    return block, pager
