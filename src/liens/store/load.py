"""Validate a dataset and load it into the store, all or nothing.

Every source (a dataset folder, a DuckDB file, a platform export read into Arrow) becomes a set of
SQL relations that DuckDB scans; validation is one aggregate pass per table, and the row of the
first offending value is only looked up when something is wrong. No Python loop touches rows.

The conversion and its checks are those of `liens.conversion` (shared with the Spark engine, which
reads them as Ibis expressions); this module spells them as DuckDB SQL text, which keeps the pass over
millions of rows a single query.
"""

from __future__ import annotations

import os
import re
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .. import conversion
from ..conversion import MISSING, NOT_ALLOWED, NOT_WHOLE, UNREADABLE, Check
from ..errors import DatasetError
from ..readers.dataset import FileSource, find_tables
from ..readers.registry import read_platform_logged, resolve_format
from ..schema import (
    BOOLEAN,
    DATE,
    DUCKDB_TYPES,
    FALSE_WORDS,
    FILE_SUFFIXES,
    FLOAT,
    INTEGER,
    MANDATORY_TABLES,
    STRING,
    TABLES,
    TIMESTAMP,
    TRUE_WORDS,
    TableSpec,
)
from . import privacy
from .store import Store, has_store_suffix
from .store import quote_identifier as q


@dataclass
class Relation:
    """One table of the incoming dataset, as something DuckDB can scan."""

    table: str
    label: str  # what the user calls it: the file path
    sql: str  # a FROM-clause expression
    csv: bool = False  # rows are lines after a header


@dataclass
class LoadReport:
    source: str
    rows_in: dict[str, int] = field(default_factory=dict)
    rows_new: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # A platform export: its format, what each file was taken for (readers.tables.FileNote: file,
    # taken_for, rows per table, skipped reason -> count) and warnings, each {"en": …, "fr": …}.
    format: str | None = None
    files: list[Any] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)

    @property
    def interactions_per_second(self) -> float:
        return self.rows_in.get("interactions", 0) / self.seconds if self.seconds else 0.0


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _file_relation(source: FileSource) -> Relation:
    paths = "[" + ", ".join(_literal(str(p)) for p in source.paths) + "]"
    if source.format == "csv":
        sql = (
            f"read_csv({paths}, header = true, all_varchar = true, delim = {_literal(source.delimiter)}, "
            "quote = '\"', escape = '\"', skip = 0, strict_mode = true, union_by_name = true)"
        )
        return Relation(source.table, source.label, sql, csv=True)
    if source.format == "jsonl":
        return Relation(
            source.table, source.label,
            f"read_json({paths}, format = 'newline_delimited', union_by_name = true, sample_size = -1)",
        )
    return Relation(source.table, source.label, f"read_parquet({paths}, union_by_name = true)")


# DuckDB source type -> its family in `conversion.TYPED_FAMILIES` (which says what needs no parsing).
_FAMILIES = {
    **dict.fromkeys(("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"),
                    conversion.TIMESTAMP_FAMILY),
    "DATE": conversion.DATE_FAMILY,
    **dict.fromkeys(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
                     "HUGEINT"), conversion.INTEGER_FAMILY),
    **dict.fromkeys(("FLOAT", "DOUBLE", "REAL"), conversion.FLOATING_FAMILY),
    "BOOLEAN": conversion.BOOLEAN_FAMILY,
}


def _is_native(type_: str, source: str) -> bool:
    family = conversion.DECIMAL_FAMILY if source.startswith("DECIMAL") else _FAMILIES.get(source)
    return conversion.is_typed(type_, family)


# Source type given to the columns of text files, whose values are trimmed of stray spaces.
CSV_TEXT = "CSV TEXT"


def _raw(column: str, source: str) -> str:
    if source == CSV_TEXT:
        return f"NULLIF(trim({q(column)}), '')"
    text = q(column) if source == "VARCHAR" else f"CAST({q(column)} AS VARCHAR)"
    return f"NULLIF({text}, '')"


# Text ending in a UTC offset other than Z (+02:00, -0500, +02) needs the slower zone-aware parse.
_OFFSET = r"'[T ][0-9:.]+[+-][0-9]{2}(:?[0-9]{2})?$'"


def _utc(timestamptz: str) -> str:
    # TIMESTAMPTZ holds UTC microseconds: rebuilding the naive timestamp avoids a per-row time-zone lookup.
    return f"make_timestamp(epoch_us({timestamptz}))"


def _convert(column: str, type_: str, source: str = "VARCHAR") -> str:
    """SQL turning a raw value into the canonical type, NULL when it cannot.

    Values already stored with a matching type (Parquet, DuckDB) are cast directly; text is parsed.
    """
    if source == "TIMESTAMP WITH TIME ZONE" and type_ == TIMESTAMP:
        return _utc(q(column))
    if _is_native(type_, source):
        return f"CAST({q(column)} AS {DUCKDB_TYPES[type_]})"
    raw = _raw(column, source)
    if type_ == STRING:
        return raw
    if type_ == TIMESTAMP:
        return (f"CASE WHEN regexp_matches({raw}, {_OFFSET}) THEN {_utc(f'TRY_CAST({raw} AS TIMESTAMPTZ)')} "
                f"ELSE TRY_CAST({raw} AS TIMESTAMP) END")
    if type_ == DATE:
        return f"TRY_CAST({raw} AS DATE)"
    if type_ == INTEGER:
        # Exact when written as an integer (a DOUBLE rounds beyond 2^53); "12.0" or "1e3" through a number.
        return f"coalesce(TRY_CAST({raw} AS BIGINT), TRY_CAST(TRY_CAST({raw} AS DOUBLE) AS BIGINT))"
    if type_ == FLOAT:
        return f"TRY_CAST({raw} AS DOUBLE)"
    if type_ == BOOLEAN:
        low = f"lower({raw})"
        return (
            f"CASE WHEN {low} IN ({', '.join(map(_literal, TRUE_WORDS))}) THEN true "
            f"WHEN {low} IN ({', '.join(map(_literal, FALSE_WORDS))}) THEN false END"
        )
    raise ValueError(type_)


def _checks(spec: TableSpec, present: dict[str, str]) -> list[tuple[Check, str]]:
    """The checks of `conversion.checks`, each with its SQL condition (true on a bad row)."""
    found: list[tuple[Check, str]] = []
    for col in spec.columns:
        if col.name not in present:
            continue
        source = present[col.name]
        native = _is_native(col.type, source)
        raw = q(col.name) if native else _raw(col.name, source)
        for check in conversion.checks(col, typed=native):
            if check.kind == MISSING:
                condition = f"{raw} IS NULL"
            elif check.kind == UNREADABLE:
                condition = f"{raw} IS NOT NULL AND {_convert(col.name, col.type, source)} IS NULL"
            elif check.kind == NOT_WHOLE:
                number = f"TRY_CAST({raw} AS DOUBLE)"
                condition = f"{number} <> floor({number})"
            elif check.kind == NOT_ALLOWED:
                assert col.allowed is not None
                condition = f"{raw} IS NOT NULL AND lower({raw}) NOT IN ({', '.join(map(_literal, col.allowed))})"
            else:
                raise ValueError(check.kind)
            found.append((check, condition))
    return found


# Values a column cannot plausibly hold, refused like unreadable ones (file, row, column, expected).
NOT_NEGATIVE = {
    "accounts": ("followers_count", "following_count", "posts_count"),
    "audience": ("followers",),
    "post_metrics": ("likes", "comments", "shares", "saves", "reach", "impressions", "views"),
    "costs": ("amount", "hours"),
    "interactions": ("dwell_seconds",),
}
# (table, earlier column, later column): a period that ends before it starts.
ORDERED = (("costs", "period_start", "period_end"), ("follows", "followed_at", "unfollowed_at"))
DATE_RANGE_ENV = "LIENS_DATE_RANGE"
DEFAULT_DATE_RANGE = ("1990-01-01", "2100-01-01")
NESTED = ("[]", "STRUCT", "MAP", "UNION")


def date_range() -> tuple[str, str]:
    """Dates outside this range are refused: `LIENS_DATE_RANGE=1900-01-01..2200-01-01` widens it."""
    given = os.environ.get(DATE_RANGE_ENV, "")
    if not given:
        return DEFAULT_DATE_RANGE
    low, sep, high = given.partition("..")
    if not sep or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", low.strip()) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", high.strip()):
        raise DatasetError(f"{DATE_RANGE_ENV} {given!r} is not a range of dates", expected="e.g. 1990-01-01..2100-01-01")
    return low.strip(), high.strip()


def _value_checks(spec: TableSpec, present: dict[str, str]) -> list[tuple[Check, str]]:
    """Checks beyond parsing: finite numbers, no negative counts or costs, plausible dates, ordered periods."""
    found: list[tuple[Check, str]] = []
    low, high = date_range()
    for col in spec.columns:
        if col.name not in present:
            continue
        value = _convert(col.name, col.type, present[col.name])
        if col.type == FLOAT:
            found.append((Check(col.name, "range", "the value is not a finite number", "a number (not inf or NaN)"),
                          f"(isinf({value}) OR isnan({value}))"))
        if col.name in NOT_NEGATIVE.get(spec.name, ()):
            found.append((Check(col.name, "range", "the value is negative", "a number of 0 or more"), f"{value} < 0"))
        if col.type in (TIMESTAMP, DATE):
            found.append((Check(col.name, "range", f"the date is outside {low[:4]}–{high[:4]}",
                                f"a date between {low} and {high} (set {DATE_RANGE_ENV}=START..END to widen)"),
                          f"({value} < DATE '{low}' OR {value} > DATE '{high}')"))
    for table, first, last in ORDERED:
        if table == spec.name and first in present and last in present:
            a = _convert(first, _type_of(spec, first), present[first])
            b = _convert(last, _type_of(spec, last), present[last])
            found.append((Check(last, "range", f"the period ends before it starts ({first} is later)",
                                f"{last} on or after {first}"), f"{b} < {a}"))
    return found


def _duplicate_header(relation: Relation) -> str | None:
    """The first column named twice in a CSV file's header (DuckDB would rename the second one)."""
    import csv
    import gzip

    path = Path(relation.label)
    if path.is_dir():
        path = next((p for p in sorted(path.iterdir()) if p.is_file()), path)
    if not path.is_file():
        return None
    delimiter = re.search(r"delim = '(.)'", relation.sql)
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
            header = next(csv.reader(handle, delimiter=delimiter.group(1) if delimiter else ","), [])
    except (OSError, EOFError, csv.Error):
        return None
    seen: set[str] = set()
    for name in (h.strip() for h in header):
        if name in seen:
            return name
        seen.add(name)
    return None


def _key_sql(spec: TableSpec, present: dict[str, str]) -> tuple[list[str], str]:
    columns = [k for k in spec.key if k in present]
    return columns, ", ".join(_convert(k, _type_of(spec, k), present[k]) for k in columns)


def _type_of(spec: TableSpec, name: str) -> str:
    col = spec.column(name)
    return col.type if col is not None else STRING


class _Loader:
    def __init__(self, store: Store, progress: Callable[[str], None] | None) -> None:
        self.store = store
        self.con = store.con
        self.progress = progress or (lambda _msg: None)

    def _run(self, sql: str, relation: Relation) -> list[tuple[Any, ...]]:
        try:
            return self.con.execute(sql).fetchall()
        except duckdb.Error as error:
            raise _scan_error(error, relation) from None

    def columns_of(self, relation: Relation) -> dict[str, str]:
        """Column name -> DuckDB type of the incoming relation."""
        rows = self._run(f"DESCRIBE SELECT * FROM {relation.sql}", relation)
        return {r[0]: CSV_TEXT if relation.csv and r[1] == "VARCHAR" else r[1] for r in rows}

    def validate(self, relation: Relation) -> tuple[dict[str, str], int, bool]:
        """Return the present columns, the row count and whether exact duplicate rows exist."""
        spec = TABLES[relation.table]
        present = self.columns_of(relation)
        missing = [c for c in spec.required if c not in present]
        if missing:
            raise conversion.missing_column(missing[0], list(present), file=relation.label)
        nested = next((c for c, ty in present.items() if spec.column(c) is not None and any(n in ty for n in NESTED)), None)
        if nested is not None:
            raise DatasetError(f"the column holds nested values ({present[nested]})", file=relation.label, column=nested,
                               expected="one plain value per row (text, number or date), not a list or a record")
        if relation.csv and (twice := _duplicate_header(relation)) is not None:
            raise DatasetError(f"the header names the column '{twice}' twice", file=relation.label, row=0, column=twice,
                               expected="each column name once")
        checks = _checks(spec, present)
        checks += _value_checks(spec, present)
        _, key = _key_sql(spec, present)
        selects = ["count(*)", f"count(DISTINCT ({key}))" if key else "count(*)"]
        selects += [f"count(*) FILTER (WHERE {condition})" for _, condition in checks]
        counts = self._run(f"SELECT {', '.join(selects)} FROM {relation.sql}", relation)[0]
        total, distinct_keys, bad = counts[0], counts[1], counts[2:]
        for (check, condition), n_bad in zip(checks, bad):
            if n_bad:
                row, value = self._first_row(relation, condition, check.column)
                raise conversion.value_error(check, value, file=relation.label, row=row)
        has_duplicates = bool(key) and distinct_keys < total
        if has_duplicates:
            self._reject_conflicting_duplicates(relation, spec, present)
        return present, total, has_duplicates

    def _numbered(self, relation: Relation) -> str:
        # Called only on the error path; a single thread keeps rows in file order.
        self.con.execute("SET threads = 1")
        return f"(SELECT row_number() OVER () AS __row, * FROM {relation.sql})"

    def _first_row(self, relation: Relation, condition: str, column: str) -> tuple[int, object]:
        try:
            found = self._run(
                f"SELECT __row, {q(column)} FROM {self._numbered(relation)} WHERE {condition} ORDER BY __row LIMIT 1",
                relation,
            )
        finally:
            self.con.execute("RESET threads")
        return (int(found[0][0]), found[0][1]) if found else (0, None)

    def _reject_conflicting_duplicates(self, relation: Relation, spec: TableSpec, present: dict[str, str]) -> None:
        key_cols, key = _key_sql(spec, present)
        everything = ", ".join(q(c) for c in present)
        conflict = self._run(
            f"SELECT k FROM (SELECT ({key}) AS k, hash({everything}) AS h FROM {relation.sql}) "
            "GROUP BY k HAVING count(DISTINCT h) > 1 LIMIT 1",
            relation,
        )
        if not conflict:
            return
        try:
            rows = self._run(
                f"SELECT __row FROM {self._numbered(relation)} WHERE ({key}) = (SELECT k FROM (SELECT ({key}) AS k "
                f"FROM {relation.sql}) WHERE k IS NOT DISTINCT FROM {_struct_literal(conflict[0][0])} LIMIT 1) "
                "ORDER BY __row LIMIT 2",
                relation,
            )
        finally:
            self.con.execute("RESET threads")
        raise conversion.conflicting_key(key_cols, conflict[0][0], file=relation.label, rows=[r[0] for r in rows])

    def insert(self, relation: Relation, present: dict[str, str], has_duplicates: bool) -> int:
        """Upsert the relation's rows into the store table; return how many keys are new.

        A row whose key is stored already gets the values of the columns the file holds (an
        explicit empty value included); a column the file does not hold keeps its stored values.
        Rows of forgotten people (`privacy.tombstones`) are left out, or lose the link to them.
        """
        spec = TABLES[relation.table]
        self.store.ensure_table(relation.table)
        existing = self.store.columns(relation.table)
        for extra in present:
            if extra not in existing and spec.column(extra) is None:
                self.con.execute(f"ALTER TABLE {q(relation.table)} ADD COLUMN {q(extra)} VARCHAR")
        exprs = []
        for name, source in present.items():
            col = spec.column(name)
            value = _convert(name, col.type if col else STRING, source)
            if col is not None and conversion.stored_lower(col):
                value = f"lower({value})"
            exprs.append(f"{value} AS {q(name)}")
        select = f"SELECT {', '.join(exprs)} FROM {relation.sql}"
        if has_duplicates:
            select = f"SELECT DISTINCT * FROM ({select})"
        select = privacy.without_forgotten(self.con, relation.table, select, list(present))
        before = self.store.count(relation.table)
        if before == 0:
            self._run(f"INSERT INTO {q(relation.table)} BY NAME {select}", relation)
            return self.store.count(relation.table)
        staging = f"_incoming_{relation.table}"
        self._run(f"CREATE OR REPLACE TEMP TABLE {q(staging)} AS {select}", relation)
        # A key column the file lacks is empty in every incoming row.
        match = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM s.{q(k)}" if k in present else f"t.{q(k)} IS NULL"
                             for k in spec.key)
        values = [c for c in present if c not in spec.key]
        if values:
            changed = " OR ".join(f"t.{q(c)} IS DISTINCT FROM s.{q(c)}" for c in values)
            self.con.execute(f"UPDATE {q(relation.table)} t SET {', '.join(f'{q(c)} = s.{q(c)}' for c in values)} "
                             f"FROM {q(staging)} s WHERE {match} AND ({changed})")
        self.con.execute(f"INSERT INTO {q(relation.table)} BY NAME SELECT * FROM {q(staging)} s "
                         f"WHERE NOT EXISTS (SELECT 1 FROM {q(relation.table)} t WHERE {match})")
        self.con.execute(f"DROP TABLE {q(staging)}")
        return self.store.count(relation.table) - before


def _struct_literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_struct_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (int, float)):
        return repr(value)
    return _literal(str(value))


def _scan_error(error: duckdb.Error, relation: Relation) -> DatasetError:
    """Turn a DuckDB scan failure into a message naming the file, and the row where we can."""
    text = str(error)
    first = text.splitlines()[0] if text else type(error).__name__
    for prefix in ("Invalid Input Error: ", "Conversion Error: ", "IO Error: ", "Binder Error: "):
        first = first.replace(prefix, "")
    if "Invalid unicode" in text or "not utf-8" in text.lower():
        row = _first_invalid_utf8_line(relation)
        return DatasetError(
            "the text is not valid UTF-8 (broken encoding)", file=relation.label,
            row=None if row is None else row - (1 if relation.csv else 0), expected="a UTF-8 encoded file",
        )
    if relation.csv and ("CSV" in text or "sniffing" in text):
        found = _first_ragged_row(relation)
        if found is not None:
            row, fields, expected = found
            if fields < 0:
                return DatasetError("a quoted value is not closed (a \" is missing)", file=relation.label, row=row,
                                    expected="each quoted value closed, a \" inside one written twice (\"\")")
            return DatasetError(
                f"the row has {fields} fields but the header has {expected}", file=relation.label, row=row,
                expected="one value per header column, text containing the delimiter quoted",
            )
    line = re.search(r"[Ll]ine:? (\d+)", text)
    row = int(line.group(1)) - (1 if relation.csv else 0) if line else None
    if "Malformed JSON" in text:
        return DatasetError("malformed JSON", file=relation.label, row=row, expected="one JSON object per line")
    return DatasetError(f"cannot be read: {first}", file=relation.label, row=row)


def _first_ragged_row(relation: Relation) -> tuple[int, int, int] | None:
    """On the error path only: the first data row whose field count differs from the header's; a row
    whose quoted value is never closed is reported with -1 fields."""
    import csv

    path = Path(relation.label)
    if not path.is_file():
        return None
    delimiter = re.search(r"delim = '(.)'", relation.sql)
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter.group(1) if delimiter else ",", strict=True)
        header = next(reader, [])
        number = 0
        while True:
            number += 1
            try:
                fields = next(reader)
            except StopIteration:
                return None
            except csv.Error:
                return number, -1, len(header)
            if fields and len(fields) != len(header):
                return number, len(fields), len(header)


def _first_invalid_utf8_line(relation: Relation) -> int | None:
    """Line number of the first invalid UTF-8 byte, scanning the raw file in blocks."""
    import codecs

    path = relation.label if Path(relation.label).is_file() else None
    if path is None:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                return line + block[: error.start].count(b"\n")
            line += block.count(b"\n")
    return None


def _broken_gzip(folder: Path) -> Path:
    """On the error path only: the first .gz under `folder` whose start cannot be decompressed."""
    import gzip

    for candidate in sorted(folder.rglob("*.gz")) if folder.is_dir() else [folder]:
        try:
            with gzip.open(candidate) as handle:
                handle.read(1 << 16)
        except (OSError, EOFError, zlib.error):
            return candidate
    return folder


def relations_for(path: Path, store: Store) -> list[Relation]:
    """Describe each table of the dataset at `path` (a folder or a DuckDB file) as a relation."""
    if has_store_suffix(path):
        alias = "_incoming_db"
        try:
            store.con.execute(f"ATTACH {_literal(str(path))} AS {alias} (READ_ONLY)")
        except duckdb.Error as error:
            raise DatasetError(f"cannot open as a DuckDB dataset: {str(error).splitlines()[0]}", file=str(path)) from None
        names = {r[0] for r in store.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ?", [alias]).fetchall()}
        return [Relation(t, f"{path}:{t}", f"{alias}.main.{q(t)}") for t in TABLES if t in names]
    try:
        sources = find_tables(path)
    except (OSError, EOFError, zlib.error) as error:  # a corrupt .gz met while sniffing the header
        raise DatasetError(f"cannot be read: {error}", file=str(getattr(error, "filename", None) or _broken_gzip(path)),
                           expected="a readable file (a .gz archive that is not damaged)") from None
    return [_file_relation(source) for source in sources.values()]


def relations_for_arrow(dataset: Mapping[str, pa.Table], label: str, con: duckdb.DuckDBPyConnection) -> list[Relation]:
    relations = []
    for table, data in dataset.items():
        if table not in TABLES:
            raise DatasetError(f"unknown table '{table}'", file=label, expected="one of " + ", ".join(TABLES))
        view = f"_arrow_{table}"
        con.register(view, data)
        relations.append(Relation(table, f"{label} ({table})", q(view)))
    return relations


def load_relations(store: Store, relations: list[Relation], source: str,
                   progress: Callable[[str], None] | None = None) -> LoadReport:
    """Validate every table, then upsert them all in one transaction."""
    started = time.perf_counter()
    names = {r.table for r in relations}
    for table in MANDATORY_TABLES:
        if table not in names:
            raise DatasetError(
                f"the mandatory table '{table}' is missing", file=source,
                expected="a file " + " or ".join((", ".join(table + s for s in FILE_SUFFIXES[:-1]),
                                                  table + FILE_SUFFIXES[-1])),
            )
    loader = _Loader(store, progress)
    report = LoadReport(source)
    validated = []
    for relation in sorted(relations, key=lambda r: list(TABLES).index(r.table)):
        loader.progress(f"checking {relation.table}")
        present, total, dupes = loader.validate(relation)
        report.rows_in[relation.table] = total
        validated.append((relation, present, dupes))
    with store.replacing() as con:  # all or nothing, even when the process is killed
        load_id = int(con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM _liens_loads").fetchone()[0])  # type: ignore[index]
        for relation, present, dupes in validated:
            loader.progress(f"loading {relation.table}")
            new = loader.insert(relation, present, dupes)
            report.rows_new[relation.table] = new
            con.execute(
                "INSERT INTO _liens_loads VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?)",
                [load_id, source, relation.table, report.rows_in[relation.table], new],
            )
    report.seconds = time.perf_counter() - started
    return report


def load_path(store: Store, path: str | Path, *, fmt: str = "auto", mapping: str | Path | None = None,
              progress: Callable[[str], None] | None = None,
              options: Mapping[str, Any] | None = None) -> LoadReport:
    """Load a dataset folder, a DuckDB file, or a platform export into the store (all or nothing).

    `options` go to the platform reader (``timezone``, ``owner``, ``me``…; see `liens formats`);
    the report then says, per file, what it was taken for, the rows read and what was skipped.
    """
    path = Path(path)
    if not path.exists():
        raise DatasetError("no such file or folder", file=str(path), expected="a dataset folder or an export")
    given = {k: v for k, v in (options or {}).items() if v is not None}
    # The readers decide: a platform export's format, or None for a dataset v1 folder or DuckDB file.
    platform_format = resolve_format(path, fmt, mapping)
    log = None
    if platform_format is not None:
        dataset, log = read_platform_logged(path, platform_format, Path(mapping) if mapping else None, given)
        relations = relations_for_arrow(dataset, str(path), store.con)
    else:
        if given:
            raise DatasetError(
                "reader options (" + ", ".join("--" + k.replace("_", "-") for k in given) + ") apply to platform "
                "exports, and this is a dataset folder or store file", file=str(path),
                expected="no reader option, or --format naming the export's format",
            )
        relations = relations_for(path, store)
    try:
        report = load_relations(store, relations, str(path), progress)
        if log is not None:
            report.format, report.files, report.warnings = platform_format, log.files, log.warnings
        return report
    finally:
        for relation in relations:
            if relation.sql.startswith('"_arrow_'):
                store.con.unregister(relation.sql.strip('"'))
        if any(r.sql.startswith("_incoming_db.") for r in relations):
            store.con.execute("DETACH _incoming_db")

