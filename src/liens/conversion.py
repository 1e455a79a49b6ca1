"""How an incoming column becomes its canonical column, and which values are refused.

The rules, per column of `schema.TABLES`, are the same wherever data enters:

* a value is *raw text* unless the source already holds the column's type (a Parquet or DuckDB
  column of a matching type: `is_typed`), in which case it is cast and never parsed;
* raw text is trimmed of spaces where the engine reads text files, and empty text is missing;
* strings are kept; booleans are the words of `schema.TRUE_WORDS` / `schema.FALSE_WORDS`
  (lower-cased); integers are read as numbers and must be whole; floats, dates and timestamps are
  parsed; columns with allowed values are compared and stored lower-cased;
* the checks of `checks(column)` refuse a table: a required value missing, a value that cannot
  be read, a fractional integer, a value outside the allowed ones; a key repeated with different
  content is refused too. Each refusal is the same `DatasetError` (`value_error`, `missing_column`,
  `conflicting_key`) naming the file, the row where the engine knows it, the column and what was
  expected.

Two readings of these rules exist, on purpose: the loader (`store/load.py`) compiles them to DuckDB
SQL text, because it checks 10M rows in one aggregate pass over files DuckDB scans directly; the
Spark engine compiles them to Ibis expressions here (`canonical_table`, `validate_table`), because
its inputs are Ibis tables on a Spark session. Both take their types, words, allowed values,
required columns, checks and messages from this module and `schema.py`; only the spelling differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import DatasetError
from .schema import (
    BOOLEAN,
    DATE,
    EXPECTED,
    FALSE_WORDS,
    FLOAT,
    IBIS_TYPES,
    INTEGER,
    STRING,
    TABLES,
    TIMESTAMP,
    TRUE_WORDS,
    Column,
)

if TYPE_CHECKING:
    import ibis.expr.datatypes as dt
    import ibis.expr.types as ir

# Families of source types, as both engines classify them.
TIMESTAMP_FAMILY = "timestamp"
DATE_FAMILY = "date"
INTEGER_FAMILY = "integer"
FLOATING_FAMILY = "floating"
DECIMAL_FAMILY = "decimal"
BOOLEAN_FAMILY = "boolean"

# Logical type -> source families that need no parsing (a plain cast cannot fail).
TYPED_FAMILIES: dict[str, frozenset[str]] = {
    TIMESTAMP: frozenset({TIMESTAMP_FAMILY, DATE_FAMILY}),
    DATE: frozenset({DATE_FAMILY, TIMESTAMP_FAMILY}),
    INTEGER: frozenset({INTEGER_FAMILY}),
    FLOAT: frozenset({INTEGER_FAMILY, FLOATING_FAMILY, DECIMAL_FAMILY}),
    BOOLEAN: frozenset({BOOLEAN_FAMILY}),
}


def is_typed(type_: str, family: str | None) -> bool:
    """Whether a source column of `family` already holds logical type `type_` (cast, not parsed)."""
    return family is not None and family in TYPED_FAMILIES.get(type_, frozenset())


# What a check refuses.
MISSING = "missing"
UNREADABLE = "unreadable"
NOT_WHOLE = "not whole"
NOT_ALLOWED = "not allowed"


@dataclass(frozen=True)
class Check:
    column: str
    kind: str  # MISSING, UNREADABLE, NOT_WHOLE or NOT_ALLOWED
    message: str
    expected: str


def checks(column: Column, *, typed: bool) -> list[Check]:
    """The checks a value of `column` goes through, in the order they are reported.

    `typed`: the source holds the column's type already (`is_typed`), so nothing can fail to parse.
    """
    found: list[Check] = []
    if column.required:
        found.append(Check(column.name, MISSING, "the value is missing", EXPECTED[column.type]))
    if column.type != STRING and not typed:
        found.append(Check(column.name, UNREADABLE, "the value cannot be read", EXPECTED[column.type]))
    if column.type == INTEGER and not typed:
        found.append(Check(column.name, NOT_WHOLE, "the value is not a whole number", EXPECTED[INTEGER]))
    if column.allowed:
        found.append(Check(column.name, NOT_ALLOWED, f"unknown {column.name}", "one of " + ", ".join(column.allowed)))
    return found


def stored_lower(column: Column) -> bool:
    """Values of columns with allowed values are stored lower-cased."""
    return column.allowed is not None


def show(value: object) -> str:
    """An offending value as a message quotes it (at most 60 characters)."""
    text = str(value)
    return repr(text[:60] + ("…" if len(text) > 60 else ""))


def missing_column(name: str, present: list[str], *, file: str | None) -> DatasetError:
    return DatasetError(
        f"required column '{name}' is missing (the file has: {', '.join(present) or 'no columns'})",
        file=file, column=name, expected=f"a column named '{name}'",
    )


def value_error(check: Check, value: object, *, file: str | None, row: int | None) -> DatasetError:
    shown = "" if value is None else f" ({show(value)})"
    return DatasetError(check.message + shown, file=file, row=row, column=check.column, expected=check.expected)


def conflicting_key(key_columns: list[str], key: object, *, file: str | None, rows: list[int] | None) -> DatasetError:
    """A key repeated with different content; `rows` are the rows holding it, when the engine knows them."""
    joined = "/".join(key_columns)
    where = f"on rows {' and '.join(map(str, rows))}" if rows else "on more than one row"
    return DatasetError(
        f"{joined} {show(key)} appears {where} with different content",
        file=file, row=rows[-1] if rows else None, column=key_columns[0],
        expected=f"each {joined} once, or repeated with identical content",
    )


# --------------------------------------------------------------------------------------------
# The rules as Ibis expressions (the Spark engine's inputs)
# --------------------------------------------------------------------------------------------


def ibis_family(dtype: dt.DataType) -> str | None:
    if dtype.is_timestamp():
        return TIMESTAMP_FAMILY
    if dtype.is_date():
        return DATE_FAMILY
    if dtype.is_integer():
        return INTEGER_FAMILY
    if dtype.is_decimal():
        return DECIMAL_FAMILY
    if dtype.is_floating():
        return FLOATING_FAMILY
    if dtype.is_boolean():
        return BOOLEAN_FAMILY
    return None


def _text(value: ir.Value) -> ir.StringValue:
    """Raw text: spaces (not other whitespace) trimmed, as DuckDB's trim(), and empty text missing.

    Every text column is trimmed here, Parquet's included (the Spark engine always did so; the
    loader trims the text of CSV files only, where the stray spaces come from).
    """
    text = value if value.type().is_string() else value.cast("string")
    return text.re_replace(r"^ +| +$", "").nullif("")


def _typed(column: Column, value: ir.Value) -> bool:
    return is_typed(column.type, ibis_family(value.type()))


def _raw(column: Column, value: ir.Value) -> ir.Value:
    """What the checks look at: the value itself when typed, else its raw text."""
    return value if _typed(column, value) else _text(value)


def _converted(column: Column, value: ir.Value) -> ir.Value:
    """The value in its canonical type; NULL where raw text cannot be read."""
    import ibis

    target = IBIS_TYPES[column.type]
    if _typed(column, value):
        return value.cast(target)
    text = _text(value)
    if column.type == STRING:
        return text
    if column.type == BOOLEAN:
        low = text.lower()
        return ibis.cases((low.isin(TRUE_WORDS), True), (low.isin(FALSE_WORDS), False),
                          else_=ibis.null().cast("boolean"))
    if column.type == INTEGER:
        return text.try_cast("float64").try_cast("int64")
    return text.try_cast(target)


def _condition(check: Check, column: Column, value: ir.Value) -> ir.BooleanValue:
    """True on a row the check refuses."""
    raw = _raw(column, value)
    if check.kind == MISSING:
        return raw.isnull()
    if check.kind == UNREADABLE:
        return raw.notnull() & _converted(column, value).isnull()
    if check.kind == NOT_WHOLE:
        number = raw.try_cast("float64")
        return number != number.floor()
    if check.kind == NOT_ALLOWED:
        assert column.allowed is not None
        return raw.notnull() & ~raw.lower().isin(column.allowed)
    raise ValueError(check.kind)


def canonical_table(table: ir.Table, name: str) -> ir.Table:
    """The table with the canonical columns and types of `schema.py`, as the loader stores them.

    Canonical columns come first in their declared order (absent ones as typed nulls), then the
    extra columns as text, like the store's tables.
    """
    import ibis

    spec = TABLES[name]
    columns: dict[str, ir.Value] = {}
    for col in spec.columns:
        if col.name not in table.columns:
            columns[col.name] = ibis.null().cast(IBIS_TYPES[col.type])
            continue
        value = _converted(col, table[col.name])
        columns[col.name] = value.lower() if stored_lower(col) else value
    for extra in table.columns:
        if spec.column(extra) is None:
            columns[extra] = table[extra].cast("string") if not table[extra].type().is_string() else table[extra]
    return table.select(**columns)


def validate_table(table: ir.Table, name: str, *, file: str) -> bool:
    """Refuse the table as the loader refuses a file: required columns, every value's checks, keys
    repeated with different content. One aggregate query; the offending value is looked up only
    when something is wrong. Rows are not numbered on Spark, so errors name no row.

    Returns whether some rows repeat a key (with identical content: they are to be kept once, as
    the loader keeps them)."""
    import ibis

    spec = TABLES[name]
    present = list(table.columns)
    missing = [c for c in spec.required if c not in present]
    if missing:
        raise missing_column(missing[0], present, file=file)
    found: list[tuple[Check, ir.BooleanValue]] = []
    for col in spec.columns:
        if col.name in present:
            value = table[col.name]
            found += [(check, _condition(check, col, value)) for check in checks(col, typed=_typed(col, value))]
    key_columns = [k for k in spec.key if k in present]
    keys = {k: _converted(spec.column(k), table[k]) for k in key_columns}  # type: ignore[arg-type]
    metrics: dict[str, ir.Value] = {"total": table.count()}
    if keys:
        metrics["distinct_keys"] = (ibis.struct(keys) if len(keys) > 1 else next(iter(keys.values()))).nunique()
    for i, (_, condition) in enumerate(found):
        metrics[f"bad_{i}"] = condition.cast("int64").sum()
    counts = table.aggregate(**metrics).to_pyarrow().to_pylist()[0]
    for i, (check, condition) in enumerate(found):
        if counts[f"bad_{i}"]:
            first = table.filter(condition).select(check.column).limit(1).to_pyarrow()
            value = first.column(0)[0].as_py() if first.num_rows else None
            raise value_error(check, value, file=file, row=None)
    duplicated = bool(keys) and counts["distinct_keys"] < counts["total"]
    if duplicated:
        _reject_conflicting_keys(table, keys, file)
    return duplicated


def _reject_conflicting_keys(table: ir.Table, keys: dict[str, ir.Value], file: str) -> None:
    import ibis

    # Content is every column as it arrived, as the loader compares rows.
    raw = {c: table[c] for c in table.columns}
    rows = table.select(**{f"_key_{k}": v for k, v in keys.items()}, **raw).distinct()
    conflict = (rows.group_by([f"_key_{k}" for k in keys]).aggregate(_versions=ibis._.count())
                .filter(ibis._._versions > 1).limit(1).to_pyarrow().to_pylist())
    if not conflict:
        return
    values = [conflict[0][f"_key_{k}"] for k in keys]
    key: object = values[0] if len(values) == 1 else dict(zip(keys, values))
    raise conflicting_key(list(keys), key, file=file, rows=None)


__all__ = [
    "TYPED_FAMILIES",
    "Check",
    "canonical_table",
    "checks",
    "conflicting_key",
    "is_typed",
    "missing_column",
    "show",
    "stored_lower",
    "validate_table",
    "value_error",
]
