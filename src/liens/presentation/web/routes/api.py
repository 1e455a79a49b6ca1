"""The JSON API: the result tables, their rows (filtered, sorted, paged) and the summary; OpenAPI at /openapi.json."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ...headline import formatted
from ...report.source import Filters
from ..dashboard import Dashboard, dashboard, filters, language, parse_sort

MAX_LIMIT = 1000
# Beyond any table a store holds; larger numbers are refused (422) before they reach the engine.
MAX_OFFSET = 2**40

router = APIRouter()
Dash = Annotated[Dashboard, Depends(dashboard)]
Filt = Annotated[Filters, Depends(filters)]


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


def jsonable(value: Any) -> Any:
    """A stored value as JSON can carry it: NaN and infinities as null, dates ISO, decimals as floats."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (date,)):
        return value.isoformat()
    if hasattr(value, "__float__") and not isinstance(value, (int, float, bool)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


@router.get("/api/tables", response_model=list[TableInfo], tags=["results"], summary="The result tables")
def api_tables(*, d: Dash, f: Filt) -> list[TableInfo]:
    with d.cursor() as con:
        src = d.source(con, f)
        return [TableInfo(name=n, rows=src.count(n), columns=[ColumnInfo(name=c, type=ty) for c, ty in src.columns(n).items()])
                for n in src.names]


@router.get("/api/tables/{name}", response_model=TablePage, tags=["results"], summary="Rows of one result table")
def api_table(*, d: Dash, name: str,
              limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 100, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
              sort: Annotated[str | None, Query(description="Columns, comma-separated; '-' before a column sorts descending.")] = None,
              f: Filt) -> TablePage:
    with d.cursor() as con:
        src = d.source(con, f)
        if not src.has(name):
            raise HTTPException(404, f"no result table '{name}'")
        columns = src.columns(name)
        order = parse_sort(sort, columns, strict=True)
        rows, total = src.page(name, sort=order, limit=limit, offset=offset)
        return TablePage(name=name, total=total, limit=limit, offset=offset,
                         sort=[("-" if desc else "") + c for c, desc in order], columns=list(columns),
                         rows=[{k: jsonable(v) for k, v in r.items()} for r in rows])


@router.get("/api/headline", tags=["results"], summary="The headline figures, one definition each, as every surface shows them")
def api_headline(*, d: Dash, lang_: Annotated[str, Depends(language)]) -> JSONResponse:
    """{figure: {value, text, label}}: the value, its text in `?lang=` and its name (`liens.figures`)."""
    return JSONResponse(jsonable(formatted(d.summary, lang_)))


@router.get("/api/summary", tags=["results"], summary="Every figure the analyses stored (summary.json)")
def api_summary(*, d: Dash) -> JSONResponse:
    with d.cursor() as con:
        return JSONResponse(jsonable(d.source(con).summary))
