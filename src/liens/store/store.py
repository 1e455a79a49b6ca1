"""The store: one DuckDB file holding the loaded tables and the analyses' results."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ..errors import StoreError
from ..schema import DUCKDB_TYPES, STORE_SUFFIXES, TABLES

DEFAULT_STORE = "liens.duckdb"
RESULT_PREFIX = "result_"
META_TABLE = "_liens_meta"
SUMMARY_KEY = "summary"
# 10M interactions on a 2-core machine ran fastest with it (docs/scale.md: 2.5 GB and 1.5 GB were slower).
DEFAULT_MEMORY_LIMIT = "2GB"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Store:
    """A DuckDB file with the canonical tables (`accounts`, `posts`, …) and `result_*` tables."""

    def __init__(self, path: str | Path = DEFAULT_STORE, *, read_only: bool = False, compact: bool = False,
                 memory_limit: str | None = None) -> None:
        """Open or create the store file.

        `compact=False` (the default) writes tables uncompressed: loads take about half the CPU time
        and the file is about three times larger; `compact=True` trades the other way.

        `memory_limit` caps DuckDB's memory (beyond it, joins and sorts spill to a folder beside the
        store); default: the `LIENS_MEMORY_LIMIT` environment variable, else `DEFAULT_MEMORY_LIMIT`.
        DuckDB's own default, 80 % of the machine's memory, is kept as cache: the 10M-interaction
        run used 7.8 GB that way, and 3.4 GB, faster, with 2 GB (docs/scale.md).
        """
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"store {self.path} does not exist: run `liens load DATASET --store {self.path}` first")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except (duckdb.IOException, duckdb.InvalidInputException) as error:
            raise StoreError(f"cannot open store {self.path}: {str(error).splitlines()[0]}") from None
        # Timestamps are stored as naive UTC; parsing with an offset converts through UTC.
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        limit, origin = memory_limit, "memory limit"
        if not limit and os.environ.get("LIENS_MEMORY_LIMIT"):
            limit, origin = os.environ["LIENS_MEMORY_LIMIT"], "LIENS_MEMORY_LIMIT"
        limit = limit or DEFAULT_MEMORY_LIMIT
        try:
            self.con.execute(f"SET memory_limit = '{limit.replace(chr(39), '')}'")
        except duckdb.Error:
            self.con.close()
            raise StoreError(f"{origin} {limit!r} is not a size DuckDB understands (e.g. '2.5GB', '800MB')") from None
        if not compact:
            self.con.execute("SET force_compression = 'uncompressed'")
        if not read_only:
            self._ensure_catalog()

    def _ensure_catalog(self) -> None:
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS _liens_loads ("
            "load_id BIGINT, loaded_at TIMESTAMP, source VARCHAR, table_name VARCHAR, rows_in BIGINT, rows_new BIGINT)"
        )

    # -- tables -----------------------------------------------------------------------------
    def tables(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    def has_table(self, name: str) -> bool:
        return name in self.tables()

    def columns(self, name: str) -> dict[str, str]:
        rows = self.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_catalog = current_database() AND table_name = ? ORDER BY ordinal_position",
            [name],
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def ensure_table(self, name: str) -> None:
        """Create a canonical table with its declared columns if it is not there yet."""
        spec = TABLES[name]
        cols = ", ".join(f"{_quote(c.name)} {DUCKDB_TYPES[c.type]}" for c in spec.columns)
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {_quote(name)} ({cols})")

    def count(self, name: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0])  # type: ignore[index]

    def is_empty(self) -> bool:
        return not all(self.has_table(t) for t in ("accounts", "posts", "interactions"))

    def require_data(self) -> None:
        if self.is_empty():
            raise StoreError(
                f"store {self.path} holds no dataset yet: run `liens load DATASET --store {self.path}` first"
            )

    def arrow(self, name: str) -> pa.Table:
        return self.con.execute(f"SELECT * FROM {_quote(name)}").to_arrow_table()

    def result(self, name: str) -> pa.Table:
        """A result table written by `analyze`, e.g. `result('accounts')`."""
        table = RESULT_PREFIX + name
        if not self.has_table(table):
            raise StoreError(f"store {self.path} has no result '{name}': run `liens analyze` first")
        return self.arrow(table)

    def result_names(self) -> list[str]:
        return [t[len(RESULT_PREFIX):] for t in self.tables() if t.startswith(RESULT_PREFIX)]

    def meta(self, key: str) -> str | None:
        if not self.has_table(META_TABLE):
            return None
        row = self.con.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str, con: duckdb.DuckDBPyConnection | None = None) -> None:
        """Keep `value` under `key`; `con` is the connection of a transaction already open."""
        con = con or self.con
        con.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)", [key, value])

    # -- the summary of the last analysis -----------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """The headline figures of the last `analyze` (what `summary.json` holds); {} before one."""
        return read_summary(self.con)

    def save_summary(self, summary: dict[str, Any], con: duckdb.DuckDBPyConnection | None = None) -> None:
        self.set_meta(SUMMARY_KEY, json.dumps(summary, default=str), con)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: anything raised inside rolls the store back to where it was."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def quote_identifier(name: str) -> str:
    return _quote(name)


def read_summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The summary kept in a store, through any connection to it (the dashboard's cursors); {} before one."""
    kept = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                       "AND table_catalog = current_database() AND table_name = ?", [META_TABLE]).fetchone()
    if not kept or not kept[0]:
        return {}
    row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", [SUMMARY_KEY]).fetchone()
    return {} if row is None else dict(json.loads(row[0]))


def has_store_suffix(path: str | Path) -> bool:
    """Whether `path` is named like a DuckDB file (a store, or a dataset kept as one)."""
    path = Path(path)
    return path.is_file() and path.suffix.lower() in STORE_SUFFIXES


def is_store_file(path: str | Path) -> bool:
    """Whether `path` is a Liens store (a DuckDB file with a load catalogue), not a dataset."""
    if not has_store_suffix(path):
        return False
    try:
        with Store(path, read_only=True) as store:
            return store.has_table("_liens_loads")
    except Exception:  # not a DuckDB file, or one of another tool: then it is a dataset
        return False
