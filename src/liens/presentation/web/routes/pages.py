"""The dashboard's HTML pages: the report's sections with filters, the result tables (sorted, paged) and
drill-down from a pod, an account or a member to its interactions."""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .... import api
from ...i18n import format_number, label, t, table_title, word
from ...report import render_report
from ...report.charts import vega_bundle
from ...report.model import Cell, TableBlock, fmt_value, format_duration, numeric
from ...report.names import account_text
from ...report.render import static_text
from ...report.sections import SECTION_KEYS, VIEWS, Build, build_sections, section_title
from ...report.source import Filters, Source
from ..dashboard import Dashboard, dashboard, filters, language, parse_sort

q = api.quote_identifier
PAGE_SIZE = 50

router = APIRouter(include_in_schema=False)
Dash = Annotated[Dashboard, Depends(dashboard)]
Filt = Annotated[Filters, Depends(filters)]
Lang = Annotated[str, Depends(language)]
# Pages beyond any table are refused (422), not computed into an offset the engine cannot take.
MAX_PAGE = 2**31
Page = Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)]


@router.get("/", response_class=HTMLResponse)
def overview(*, d: Dash, request: Request, f: Filt, lang_: Lang) -> HTMLResponse:
    with d.cursor() as con:
        src = d.source(con, f)
        sections = build_sections(d.builder(src, f, lang_), ["vanity", "actions"])
        return d.page("section.html.j2", request, f, lang_, sections=sections, current="", title=t("d_overview", lang_))


@router.get("/sections/{key}", response_class=HTMLResponse)
def section(*, d: Dash, key: str, request: Request, f: Filt, lang_: Lang) -> HTMLResponse:
    if key not in SECTION_KEYS:
        raise HTTPException(404, t("d_not_found", lang_))
    with d.cursor() as con:
        src = d.source(con, f)
        sections = build_sections(d.builder(src, f, lang_), [key])
        return d.page("section.html.j2", request, f, lang_, sections=sections, current=key, title=section_title(key, lang_))


@router.get("/tables", response_class=HTMLResponse)
def tables_page(*, d: Dash, request: Request, f: Filt, lang_: Lang) -> HTMLResponse:
    with d.cursor() as con:
        src = d.source(con, f)
        rows = []
        for name in src.names:
            rows.append([Cell(table_title(name, lang_), d.with_query(f"/tables/{quote(name, safe='')}", f, lang_)),
                         Cell(name), Cell(fmt_value(src.count(name), lang_), numeric=True)])
        block = TableBlock(t("d_tables", lang_), [t("d_tables", lang_), "name", "n"], rows, len(rows))
        return d.page("table.html.j2", request, f, lang_, block=block, pager=None, title=t("d_tables", lang_),
                      current="tables", sort_links=None)


@router.get("/tables/{name}", response_class=HTMLResponse)
def table_page(*, d: Dash, name: str, request: Request, sort: str | None = None, page_: Page = 1,
               f: Filt, lang_: Lang) -> HTMLResponse:
    with d.cursor() as con:
        src = d.source(con, f)
        if not src.has(name):
            raise HTTPException(404, t("d_not_found", lang_))
        order = parse_sort(sort, src.columns(name))
        # The columns that matter first (its view's, where it has one; every column is in /api/tables/NAME).
        view = VIEWS.get(name)
        cols = [c for c in view.columns if c in src.columns(name)] if view and view.columns else list(src.columns(name))
        rows, total = src.page(name, columns=cols, sort=order, limit=PAGE_SIZE, offset=(page_ - 1) * PAGE_SIZE)
        b = d.builder(src, f, lang_)
        links = {c: k for c, k in (("pod_id", "pod"), ("account_id", "account"), ("actor_id", "account")) if c in cols}
        block = TableBlock(table_title(name, lang_), [label(c, lang_) for c in cols],
                           b.cell_rows(rows, cols, links), total, name)
        current = order[0] if order else None
        sort_links = [d.with_query(request.url.path, f, lang_, sort=("-" if current == (c, False) else "") + c) for c in cols]
        pager = _pager(total, page_, lambda p: d.with_query(request.url.path, f, lang_, sort=sort, page=p if p > 1 else None), lang_)
        return d.page("table.html.j2", request, f, lang_, block=block, pager=pager, title=block.title,
                      current="tables", sort_links=sort_links)


@router.get("/pods/{pod_id}", response_class=HTMLResponse)
def pod_page(*, d: Dash, pod_id: str, request: Request, page_: Page = 1,
             f: Filt, lang_: Lang) -> HTMLResponse:
    with d.cursor() as con:
        src = d.source(con, f)
        if not src.has_col("pods", "pod_id"):
            raise HTTPException(404, t("d_not_found", lang_))
        members, n = src.page("pods", condition="pod_id = ?", params=[pod_id], limit=500)
        if not n:
            raise HTTPException(404, t("d_not_found", lang_))
        b = d.builder(src, f, lang_)
        cols = list(src.columns("pods"))
        member_block = TableBlock(t("members", lang_), [label(c, lang_) for c in cols],
                                  b.cell_rows(members, cols, {"account_id": "account"}), n, "pods")
        ids = sorted({str(r["account_id"]) for r in members if r.get("account_id") is not None})
        inter_block, pager = _interactions(d, src, b, ids, page_, request, f, lang_)
        return d.page("drill.html.j2", request, f, lang_, title=t("d_pod", lang_, pod=pod_id),
                      blocks=[member_block, inter_block], pager=pager, current="")


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account_page(*, d: Dash, account_id: str, request: Request, page_: Page = 1,
                 f: Filt, lang_: Lang) -> HTMLResponse:
    with d.cursor() as con:
        src = d.source(con, Filters())  # the account's own row is not filtered
        rows, n = src.page("accounts", condition="account_id = ?", params=[account_id], limit=1)
        if not n:
            raise HTTPException(404, t("d_not_found", lang_))
        info = _record(t("d_account", lang_, account=account_id), rows[0], "accounts", lang_)
        src = d.source(con, f)
        inter_block, pager = _interactions(d, src, d.builder(src, f, lang_), [account_id], page_, request, f, lang_)
        return d.page("drill.html.j2", request, f, lang_, title=t("d_account", lang_, account=account_id),
                      blocks=[info, inter_block], pager=pager, current="")


@router.get("/members/{member_id}", response_class=HTMLResponse)
def member_page(*, d: Dash, member_id: str, request: Request, page_: Page = 1,
                f: Filt, lang_: Lang) -> HTMLResponse:
    """A person (one or several accounts, linked by identities): their figures, accounts and interactions."""
    with d.cursor() as con:
        src = d.source(con, Filters())
        if not src.has_col("accounts", "member_id"):
            raise HTTPException(404, t("d_not_found", lang_))
        b = d.builder(src, f, lang_)
        blocks = []
        if src.has_col("members", "member_id"):
            rows, _n = src.page("members", condition="member_id = ?", params=[member_id], limit=1)
            if rows:
                blocks.append(_record(t("d_member", lang_, member=member_id), rows[0], "members", lang_))
        cols = [c for c in ("account_id", "platform", "handle", "interactions_made", "engagement_score", "member_level",
                            "is_ambassador", "ambassador_kind", "pod_id", "audience_label") if src.has_col("accounts", c)]
        accounts, n = src.page("accounts", columns=cols, condition="member_id = ?", params=[member_id], limit=100)
        if not n:
            raise HTTPException(404, t("d_not_found", lang_))
        blocks.append(TableBlock(t("d_accounts", lang_), [label(c, lang_) for c in cols],
                                 b.cell_rows(accounts, cols, {"account_id": "account", "pod_id": "pod"}), n, "accounts"))
        if src.has_col("ambassadors", "member_id"):
            evidence, m = src.page("ambassadors", condition="member_id = ?", params=[member_id], limit=20)
            if m:
                cols_a = list(src.columns("ambassadors"))
                blocks.append(TableBlock(table_title("ambassadors", lang_), [label(c, lang_) for c in cols_a],
                                         b.cell_rows(evidence, cols_a, {"account_id": "account"}), m, "ambassadors"))
        src = d.source(con, f)
        ids = [str(r["account_id"]) for r in accounts]
        inter_block, pager = _interactions(d, src, d.builder(src, f, lang_), ids, page_, request, f, lang_)
        return d.page("drill.html.j2", request, f, lang_, title=t("d_member", lang_, member=member_id),
                      blocks=[*blocks, inter_block], pager=pager, current="")


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(*, d: Dash, request: Request, f: Filt, lang_: Lang, intent: str | None = None,
               older_than: Annotated[float | None, Query(ge=0, le=100_000)] = None, done: int | None = None) -> HTMLResponse:
    """The unanswered queue to work from: filters, names, permalinks, and a "handled" button per text."""
    with d.cursor() as con:
        src = d.source(con, f)
        if not src.has("unanswered"):
            raise HTTPException(404, t("no_analysis", lang_))
        intents = [r[0] for r in src.value_counts("unanswered", "intent") if r[0] is not None]
    rows = api.inbox(d.path, intents=[intent] if intent else None, platform=f.platform, older_than_hours=older_than)
    if f.start or f.end:
        rows = [r for r in rows if r.get("created_at") is not None
                and (not f.start or r["created_at"].date() >= f.start) and (not f.end or r["created_at"].date() <= f.end)]
    shown = rows[:PAGE_SIZE]
    items = []
    for r in shown:
        who = account_text(r, str(r.get("actor_id") or "–"))
        items.append({"id": r["interaction_id"], "rank": format_number(r.get("rank"), lang_),
                      "waiting": format_duration(None if r.get("waiting_hours") is None else r["waiting_hours"] * 60, lang_),
                      "over_target": r.get("over_target"), "intent": word(r.get("intent"), lang_),
                      "kind": word(r.get("kind"), lang_), "platform": r.get("platform") or "–", "who": who,
                      "who_href": d.with_query("/accounts/" + quote(str(r["actor_id"]), safe=""), f, lang_) if r.get("actor_id") else None,
                      "text": r.get("text") or "", "post_url": r.get("post_url")})
    back = d.with_query("/inbox", f, lang_, intent=intent, older_than=older_than)
    message = t("d_marked", lang_, n=format_number(done, lang_)) if done is not None else ""
    keep = {k: v for k, v in {**f.query(), **({"lang": lang_} if lang_ != d.default_lang else {})}.items()}
    return d.page("inbox.html.j2", request, f, lang_, title=t("d_inbox", lang_), current="inbox", rows=items,
                  intents=[(i, word(i, lang_)) for i in intents], intent=intent or "", older_than=older_than,
                  keep=keep, csrf=d.csrf, back=back, message=message,
                  shown=t("r_showing", lang_, shown=format_number(len(shown), lang_), total=format_number(len(rows), lang_)))


@router.post("/inbox/done")
async def inbox_done(*, d: Dash, request: Request) -> Response:
    """Mark one text handled: the form's CSRF token must be the dashboard's (and the access token, when
    one is set, is checked before, as on every request)."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=20)
    given = (form.get("csrf") or [""])[0]
    if not given or not secrets.compare_digest(given.encode(), d.csrf.encode()):
        raise HTTPException(403, t("d_csrf", d.default_lang))
    ids = [i for i in form.get("id") or [] if i.strip()][:100]
    if not ids:
        raise HTTPException(400, t("d_no_id", d.default_lang))
    try:
        n = d.mark_done(ids)
    except api.LiensError as error:
        raise HTTPException(400, str(error)) from None
    back = (form.get("back") or ["/inbox"])[0]
    if not back.startswith("/inbox") or back.startswith("//"):
        back = "/inbox"
    return RedirectResponse(back + ("&" if "?" in back else "?") + f"done={n}", status_code=303)


@router.get("/report.html", response_class=HTMLResponse)
def report_file(*, d: Dash, lang_: Lang) -> HTMLResponse:
    with d.cursor() as con:
        html = render_report(d.source(con), lang_)
    # The report carries its own CSP (inline scripts by hash); the dashboard's would block them.
    response = HTMLResponse(html, headers={"Content-Disposition": 'inline; filename="liens-report.html"'})
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return response


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name == "vega.js":
        return Response(vega_bundle(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})
    if name in ("liens.css", "liens.js"):
        text = static_text(name)
        media = "text/css" if name.endswith(".css") else "text/javascript"
        return Response(text, media_type=media, headers={"Cache-Control": "max-age=3600"})
    raise HTTPException(404)


# -- blocks the pages share ----------------------------------------------------------------------
def _record(title: str, row: dict[str, Any], table: str, lang: str) -> TableBlock:
    """One row shown as (figure, value) lines."""
    return TableBlock(title, [t("figure", lang), t("value", lang)],
                      [[Cell(label(k, lang)), Cell(fmt_value(v, lang, k), numeric=numeric(v))] for k, v in row.items()],
                      len(row), table)


def _pager(total: int, current: int, href: Callable[[int], str], lang: str) -> dict[str, Any]:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    first = (current - 1) * PAGE_SIZE + 1 if total else 0
    return {
        "text": t("d_page", lang, first=format_number(first, lang), last=format_number(min(total, current * PAGE_SIZE), lang),
                  total=format_number(total, lang)),
        "prev": href(current - 1) if current > 1 else None,
        "next": href(current + 1) if current < pages else None,
    }


def _interactions(d: Dashboard, src: Source, b: Build, actor_ids: list[str], page_: int, request: Request, f: Filters,
                  lang: str) -> tuple[TableBlock, dict[str, Any]]:
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
    block = TableBlock(t("interactions", lang), [label(c, lang) for c in shown],
                       b.cell_rows(rows, shown, {"actor_id": "account"}), total, "interactions")
    pager = _pager(total, page_, lambda p: d.with_query(request.url.path, f, lang, page=p if p > 1 else None), lang)
    return block, pager
