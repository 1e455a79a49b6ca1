"""Read-only access to a store's results for the report and the dashboard.

Everything the presentation layer shows goes through `Source`: the result tables that exist, their
columns, the summary, and small aggregate queries (the engine reduces; Python only formats). Table
and column names always come from the store's own catalogue, never from a request, so user input
reaches SQL only as bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import duckdb

from ...api import RESULT_PREFIX, quote_identifier, read_summary

# Columns that date a row, in order of preference; the period filter applies to the first present.
TIME_COLUMNS = ("created_at", "occurred_at", "asked_at", "date", "first_seen_at", "period_start", "week", "month")
PLATFORM_COLUMN = "platform"


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters (the report has none)."""

    start: date | None = None
    end: date | None = None
    platform: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.platform)

    def query(self) -> dict[str, str]:
        """As URL query parameters (to keep them on links)."""
        out: dict[str, str] = {}
        if self.start:
            out["start"] = self.start.isoformat()
        if self.end:
            out["end"] = self.end.isoformat()
        if self.platform:
            out["platform"] = self.platform
        return out


def read_catalog(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """{table: {column: type}} for the whole store, in one query (the dashboard reads it once)."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall()
    catalog: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        catalog.setdefault(table, {})[column] = kind
    return catalog


class Source:
    """A store's results, seen through optional filters.

    `catalog` and `summary` may be passed in when the caller already holds them (the dashboard
    reads them once: its store is opened read-only and cannot change under it).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                 summary: dict[str, Any] | None = None, catalog: dict[str, dict[str, str]] | None = None) -> None:
        self.con = con
        self.filters = filters or Filters()
        self._summary = summary
        self.catalog = catalog if catalog is not None else read_catalog(con)

    # -- catalogue ---------------------------------------------------------------------------
    @cached_property
    def tables(self) -> list[str]:
        return sorted(self.catalog)

    @cached_property
    def names(self) -> list[str]:
        """Result table names (without the `result_` prefix)."""
        return [t[len(RESULT_PREFIX):] for t in self.tables if t.startswith(RESULT_PREFIX)]

    def has(self, name: str) -> bool:
        return name in self.names

    def has_input(self, name: str) -> bool:
        return name in self.tables

    def columns(self, name: str, *, result: bool = True) -> dict[str, str]:
        return self.catalog.get(RESULT_PREFIX + name if result else name, {})

    def has_col(self, name: str, *cols: str) -> bool:
        present = self.columns(name)
        return all(c in present for c in cols)

    @cached_property
    def summary(self) -> dict[str, Any]:
        """The headline figures of the last analysis, as the store keeps them; {} before one."""
        if self._summary is not None:
            return self._summary
        return read_summary(self.con)

    @cached_property
    def platforms(self) -> list[str]:
        if not self.has_col("interactions", PLATFORM_COLUMN):
            return []
        rows = self.con.execute(
            f"SELECT DISTINCT platform FROM {self.ref('interactions')} WHERE platform IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    # -- queries -----------------------------------------------------------------------------
    @staticmethod
    def ref(name: str, *, result: bool = True) -> str:
        return quote_identifier(RESULT_PREFIX + name if result else name)

    def time_column(self, name: str, *, result: bool = True) -> str | None:
        cols = self.columns(name, result=result)
        for c in TIME_COLUMNS:
            if c in cols and any(k in cols[c] for k in ("TIMESTAMP", "DATE")):
                return c
        return None

    def where(self, name: str, *, result: bool = True, alias: str = "") -> tuple[str, list[Any]]:
        """The SQL condition (and parameters) the filters put on a table, `TRUE` when none apply."""
        parts: list[str] = ["TRUE"]
        params: list[Any] = []
        prefix = f"{alias}." if alias else ""
        cols = self.columns(name, result=result)
        when = self.time_column(name, result=result)
        if when is not None:
            if self.filters.start:
                parts.append(f"CAST({prefix}{quote_identifier(when)} AS DATE) >= ?")
                params.append(self.filters.start)
            if self.filters.end:
                parts.append(f"CAST({prefix}{quote_identifier(when)} AS DATE) <= ?")
                params.append(self.filters.end)
        if self.filters.platform and PLATFORM_COLUMN in cols:
            parts.append(f"{prefix}platform = ?")
            params.append(self.filters.platform)
        return " AND ".join(parts), params

    def filterable(self, name: str) -> bool:
        """Whether the filters change this table (else its figures are for the whole data)."""
        return self.time_column(name) is not None or PLATFORM_COLUMN in self.columns(name)

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = self.con.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    def count(self, name: str, condition: str = "TRUE", params: Iterable[Any] = ()) -> int:
        where, wparams = self.where(name)
        return int(self.scalar(f"SELECT count(*) FROM {self.ref(name)} WHERE {where} AND ({condition})",
                               [*wparams, *params]) or 0)

    def page(self, name: str, *, columns: list[str] | None = None, sort: list[tuple[str, bool]] | None = None,
             limit: int = 20, offset: int = 0, condition: str = "TRUE",
             params: Iterable[Any] = ()) -> tuple[list[dict[str, Any]], int]:
        """One page of a result table (filtered, sorted) and the number of rows matching."""
        present = self.columns(name)
        cols = [c for c in (columns or list(present)) if c in present] or list(present)
        where, wparams = self.where(name)
        order = ", ".join(
            f"{quote_identifier(c)} {'DESC' if desc else 'ASC'} NULLS LAST" for c, desc in (sort or []) if c in present
        )
        select = ", ".join(quote_identifier(c) for c in cols)
        base = f"FROM {self.ref(name)} WHERE {where} AND ({condition})"
        all_params = [*wparams, *params]
        total = int(self.scalar(f"SELECT count(*) {base}", all_params) or 0)
        sql = f"SELECT {select} {base}" + (f" ORDER BY {order}" if order else "") + " LIMIT ? OFFSET ?"
        return self.rows(sql, [*all_params, int(limit), int(offset)]), total

    def value_counts(self, name: str, column: str, condition: str = "TRUE",
                     params: Iterable[Any] = ()) -> list[tuple[Any, int]]:
        if not self.has_col(name, column):
            return []
        where, wparams = self.where(name)
        col = quote_identifier(column)
        rows = self.con.execute(
            f"SELECT {col}, count(*) FROM {self.ref(name)} WHERE {where} AND ({condition}) "
            f"GROUP BY 1 ORDER BY 2 DESC, 1", [*wparams, *params]
        ).fetchall()
        return [(r[0], int(r[1])) for r in rows]
