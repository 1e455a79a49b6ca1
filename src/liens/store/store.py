"""The store: one DuckDB file holding the loaded tables and the analyses' results."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
# The store file is attached under this name to an in-memory DuckDB connection; a replacement
# being written is attached beside it under NEXT_ALIAS (see `Store.replacing`).
ALIAS = "liens"
NEXT_ALIAS = "liens_next"
NEXT_SUFFIX = ".next-"
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
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"store {self.path} does not exist: run `liens load DATASET --store {self.path}` first")
        if self.path.exists() and not self.path.is_file():
            raise StoreError(f"store {self.path} is not a file: give a DuckDB file, e.g. --store brand.duckdb")
        # An in-memory connection with the file attached: a store being replaced (`replacing`) is
        # swapped by ATTACH / DETACH, and the connection, its registered views and settings stay.
        self.con = duckdb.connect()
        try:
            self._attach()
        except StoreError:
            self.con.close()
            raise
        # Timestamps are stored as naive UTC; parsing with an offset converts through UTC.
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        # Spill beside the store, as DuckDB does for a file it opens itself.
        self.con.execute(f"SET temp_directory = {_literal(str(self.path) + '.tmp')}")
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
            remove_leftovers(self.path)

    def _attach(self) -> None:
        mode = " (READ_ONLY)" if self.read_only else ""
        try:
            self.con.execute(f"ATTACH {_literal(str(self.path))} AS {ALIAS}{mode}")
        except duckdb.Error as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            hint = "" if "lock" in first.lower() else " (is it a DuckDB file?)"
            raise StoreError(f"cannot open store {self.path}: {first}{hint}") from None
        self.con.execute(f"USE {ALIAS}")

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

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own (for another thread), on the same database as the store's connection."""
        current = self.con.execute("SELECT current_database()").fetchone()
        cursor = self.con.cursor()
        cursor.execute(f"USE {_quote(str(current[0]) if current else ALIAS)}")
        return cursor

    @contextmanager
    def replacing(self, *, copy: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing, even under kill -9: the work goes into a new file that replaces the store.

        `copy=True`: the new file starts as a byte copy of the store (a load adds to it).
        `copy=False`: it starts with the store's schema only, and the caller writes every row it
        keeps (forget, pseudonymise): nothing of the old file survives in the new one.

        Inside, unqualified names and `current_database()` refer to the new file, and the store's
        current content is `liens.main.<table>`. On success the new file is checkpointed, closed,
        synced and renamed over the store (one atomic rename); on any error, or a kill at any
        moment, the store file is left as it was and the half-written file is removed (at once,
        or when the store is next opened).
        """
        if self.read_only:
            raise StoreError(f"store {self.path} is open read-only")
        self.con.execute(f"CHECKPOINT {ALIAS}")  # nothing of the store left in its write-ahead log
        target = self.path.with_name(f"{self.path.name}{NEXT_SUFFIX}{os.getpid()}")
        _remove_file(target)
        try:
            if copy:
                shutil.copyfile(self.path, target)
            self.con.execute(f"ATTACH {_literal(str(target))} AS {NEXT_ALIAS}")
        except (OSError, duckdb.Error) as error:
            _remove_file(target)
            raise StoreError(f"cannot write beside store {self.path}: {error}") from None
        try:
            if not copy:
                self.con.execute(f"COPY FROM DATABASE {ALIAS} TO {NEXT_ALIAS} (SCHEMA)")
            self.con.execute(f"USE {NEXT_ALIAS}")
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")
            self.con.execute(f"CHECKPOINT {NEXT_ALIAS}")
        except BaseException:
            with suppress(duckdb.Error):
                self.con.execute(f"USE {ALIAS}")
                self.con.execute(f"DETACH {NEXT_ALIAS}")
            _remove_file(target)
            raise
        self.con.execute("USE memory")
        self.con.execute(f"DETACH {NEXT_ALIAS}")
        self.con.execute(f"DETACH {ALIAS}")
        try:
            _sync(target)
            os.replace(target, self.path)  # the one moment the store changes
            _sync(self.path.parent)
        finally:
            self._attach()

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


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _remove_file(path: Path) -> None:
    for leftover in (path, Path(str(path) + ".wal")):
        with suppress(FileNotFoundError):
            leftover.unlink()


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entries) to the disk, where the system allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


OUTPUTS_SUFFIX = ".outputs.json"


def outputs_file(store_path: Path) -> Path:
    """Beside the store: the results folders and reports written from it (forget removes them)."""
    return store_path.with_name(store_path.name + OUTPUTS_SUFFIX)


def note_output(store_path: str | Path, files: list[Path]) -> None:
    """Remember files written from the store's data (a results folder, a report), so that `forget`
    and `pseudonymise` can remove them. Kept beside the store, so that a read-only store can note too."""
    record = outputs_file(Path(store_path))
    try:
        known = json.loads(record.read_text(encoding="utf-8")) if record.exists() else []
    except (OSError, ValueError):
        known = []
    paths = sorted({*map(str, known), *(str(Path(f).resolve()) for f in files)})
    with suppress(OSError):  # a store on a read-only disk: nothing will be removed later, nothing breaks now
        record.write_text(json.dumps(paths, indent=1), encoding="utf-8")


def forget_outputs(store_path: str | Path) -> list[str]:
    """Remove the files noted by `note_output` (they hold data from before); return those removed."""
    record = outputs_file(Path(store_path))
    try:
        known = json.loads(record.read_text(encoding="utf-8")) if record.exists() else []
    except (OSError, ValueError):
        known = []
    removed = []
    for name in map(str, known):
        with suppress(FileNotFoundError, IsADirectoryError):
            Path(name).unlink()
            removed.append(name)
    with suppress(FileNotFoundError):
        record.unlink()
    return removed


def remove_leftovers(path: Path) -> list[Path]:
    """Remove the replacement files a killed `replacing` left beside the store (their process is gone)."""
    removed = []
    for candidate in path.parent.glob(f"{path.name}{NEXT_SUFFIX}*"):
        pid = candidate.name[len(path.name) + len(NEXT_SUFFIX):].removesuffix(".wal")
        if not pid.isdigit() or (int(pid) != os.getpid() and _alive(int(pid))):
            continue
        _remove_file(candidate)
        removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
