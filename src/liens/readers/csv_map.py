"""Any CSV, described by a mapping file: which column of which file is which dataset v1 column.

``liens load PATH --format csv-map --map mapping.toml``::

    platform = "tiktok"              # fills `platform` columns and the accounts made from ids
    timezone = "Europe/Paris"        # times written without an offset are local to this zone (default UTC)
    date_format = "%d/%m/%Y %H:%M"   # strftime pattern of the time columns (default: ISO 8601)

    [interactions]
    file = "export_comments.csv"     # relative to the mapping's folder (or to PATH when PATH is a folder);
                                     # leave out when PATH is the CSV file itself
    delimiter = ";"                  # optional: sniffed from the header line otherwise
    encoding = "utf-8"               # optional
    date_format = "%d/%m/%Y"         # optional: overrides the top-level one for this table
    [interactions.columns]           # dataset column = "CSV column"
    interaction_id = "ID"
    kind = "Type"
    actor_id = "User"
    created_at = "Date"
    text = "Message"
    saved = "Saved"                  # columns outside dataset v1 are kept as extra columns
    [interactions.values.kind]       # "CSV value" = dataset value (matched case-insensitively)
    "Like" = "like"
    "Commentaire" = "comment"
    [interactions.constants]         # dataset column = value for every row
    platform = "tiktok"
    [interactions.prefix]            # dataset column = text put before every value (to namespace ids)
    actor_id = "tt:"
    [interactions.types]             # type of extra columns: string (default), integer, float, boolean, timestamp, date
    saved = "boolean"

Any table of dataset v1 may be mapped. ``accounts`` is completed from the ids the other tables
name; ``posts`` and ``interactions`` are empty when not mapped. A mapped column missing from the
CSV, a value that does not parse, a required column left unmapped: ReaderError naming the file,
the row (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..errors import ReaderError
from ..schema import (
    BOOLEAN,
    DATE,
    EXPECTED,
    FALSE_WORDS,
    FLOAT,
    INTEGER,
    MANDATORY_TABLES,
    STRING,
    TABLES,
    TIMESTAMP,
    TRUE_WORDS,
    TableSpec,
)
from .tables import ARROW_TYPES, Dataset

_TRUE = frozenset(TRUE_WORDS)
_FALSE = frozenset(FALSE_WORDS)
_TABLE_KEYS = {"file", "delimiter", "encoding", "date_format", "timezone", "columns", "values", "constants", "prefix", "types"}
_TYPE_NAMES = {"string": STRING, "text": STRING, "timestamp": TIMESTAMP, "date": DATE, "integer": INTEGER,
               "float": FLOAT, "number": FLOAT, "boolean": BOOLEAN}
_ID_COLUMNS = {
    "interactions": ("actor_id", "target_id"), "posts": ("author_id",), "follows": ("follower_id", "followee_id"),
    "audience": ("account_id",), "conversions": ("account_id",), "identities": ("account_id",),
}


def load_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ReaderError("the mapping file does not exist", file=str(path), expected="a TOML mapping file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReaderError(f"the mapping file cannot be read ({error})", file=str(path), expected="a UTF-8 TOML file") from None
    try:
        mapping = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ReaderError(f"the mapping is not valid TOML ({error})", file=str(path), expected="a TOML mapping file") from None
    tables = {k: v for k, v in mapping.items() if isinstance(v, dict)}
    for name, section in tables.items():
        if name not in TABLES:
            raise ReaderError(f"the mapping names an unknown table [{name}]", file=str(path),
                              expected="tables among " + ", ".join(TABLES))
        unknown = set(section) - _TABLE_KEYS
        if unknown:
            raise ReaderError(f"[{name}] has unknown keys: {', '.join(sorted(unknown))}", file=str(path),
                              expected="keys among " + ", ".join(sorted(_TABLE_KEYS)))
        if not isinstance(section.get("columns", {}), dict) or not section.get("columns"):
            raise ReaderError(f"[{name}] maps no column", file=str(path),
                              expected=f"a [{name}.columns] section: dataset column = \"CSV column\"")
    if not tables:
        raise ReaderError("the mapping describes no table", file=str(path),
                          expected="sections such as [interactions] with file and [interactions.columns]")
    return mapping


def _delimiter(head: str) -> str:
    first = head.splitlines()[0] if head.splitlines() else ""
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, section: dict[str, Any]) -> pd.DataFrame:
    where = str(path)
    encoding = section.get("encoding", "utf-8-sig")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReaderError("the CSV file named in the mapping does not exist", file=where,
                          expected="the file given by 'file' in the mapping") from None
    except OSError as error:
        raise ReaderError(f"the CSV file cannot be read ({error})", file=where) from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ReaderError(f"the file is not valid {encoding} text (byte {error.start})", file=where, row=line,
                          expected=f"{encoding} text (set encoding = \"cp1252\" in the mapping for Excel CSVs)") from None
    except LookupError:
        raise ReaderError(f"unknown encoding '{encoding}'", file=where, expected="an encoding such as utf-8 or cp1252") from None
    if not text.strip():
        raise ReaderError("the CSV file is empty", file=where, expected="a header line naming the columns")
    delimiter = section.get("delimiter") or _delimiter(text[:65536])
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=True, quoting=csv.QUOTE_MINIMAL)
    except pd.errors.ParserError as error:
        raise ReaderError(f"the CSV cannot be read ({str(error).strip()}); the file may be truncated", file=where,
                          expected="one value per column on each line") from None
    except pd.errors.EmptyDataError:
        raise ReaderError("the CSV file is empty", file=where, expected="a header line naming the columns") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _empty_to_none(series: pd.Series) -> pd.Series:
    """Stripped Python strings in an object series, None for blank cells (whatever pandas' string dtype)."""
    values = [v.strip() if isinstance(v, str) else None for v in series.tolist()]
    return pd.Series([v if v else None for v in values], index=series.index, dtype=object)


def _first_bad(original: pd.Series, parsed: pd.Series) -> int | None:
    bad = original.notna() & parsed.isna()
    if bad.any():
        return int(bad.idxmax())
    return None


def _times(series: pd.Series, fmt: str | None, zone: str, *, where: str, column: str, as_date: bool) -> pd.Series:
    values = series
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    present = values.notna()
    if not present.any():
        return result
    text = values[present]
    try:
        if fmt:
            parsed = pd.to_datetime(text, format=fmt, errors="coerce")
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
            elif not as_date:
                parsed = parsed.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC").dt.tz_localize(None)
        else:
            epoch = text.str.fullmatch(r"\d{9,13}(\.\d+)?")
            offset = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2}|\sUTC)$", regex=True) & ~epoch
            parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
            if epoch.any():
                numbers = pd.to_numeric(text[epoch], errors="coerce")
                unit_ms = numbers > 1e11
                seconds = numbers.where(~unit_ms, numbers / 1000.0)
                parsed[epoch] = pd.to_datetime(seconds, unit="s", errors="coerce")
            if offset.any():
                aware = pd.to_datetime(text[offset].str.replace(r"\sUTC$", "+00:00", regex=True), format="ISO8601",
                                       utc=True, errors="coerce")
                parsed[offset] = aware.dt.tz_localize(None)
            naive = ~epoch & ~offset
            if naive.any():
                local = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
                if not as_date:
                    local = local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC").dt.tz_localize(None)
                parsed[naive] = local
    except (ValueError, TypeError) as error:
        raise ReaderError(f"the times cannot be read ({error})", file=where, column=column,
                          expected=f"times written as {fmt}" if fmt else EXPECTED[TIMESTAMP]) from None
    result[present] = parsed
    bad = _first_bad(series, result)
    if bad is not None:
        raise ReaderError(f"cannot read the time {series[bad]!r}", file=where, row=bad + 2, column=column,
                          expected=f"times written as {fmt}" if fmt else (EXPECTED[DATE] if as_date else EXPECTED[TIMESTAMP]))
    return result


def _convert(series: pd.Series, type_: str, *, where: str, column: str, fmt: str | None, zone: str) -> pa.Array:
    if type_ == STRING:
        return pa.array(series.tolist(), type=pa.string())
    if type_ in (TIMESTAMP, DATE):
        times = _times(series, fmt, zone, where=where, column=column, as_date=type_ == DATE)
        if type_ == DATE:
            return pa.array([None if pd.isna(t) else t.date() for t in times], type=pa.date32())
        return pa.array(times.astype("datetime64[us]"), type=pa.timestamp("us"), from_pandas=True)
    if type_ in (INTEGER, FLOAT):
        cleaned = series.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        if type_ == FLOAT:
            cleaned = cleaned.where(cleaned.str.contains(".", regex=False).fillna(False), cleaned.str.replace(",", ".", regex=False))
        else:
            cleaned = cleaned.str.replace(",", "", regex=False)
        numbers = pd.to_numeric(cleaned, errors="coerce")
        bad = _first_bad(series, numbers)
        if bad is None and type_ == INTEGER:
            fractional = numbers.notna() & (numbers != numbers.round())
            bad = int(fractional.idxmax()) if fractional.any() else None
        if bad is not None:
            raise ReaderError(f"cannot read the number {series[bad]!r}", file=where, row=bad + 2, column=column,
                              expected=EXPECTED[type_])
        if type_ == INTEGER:
            return pa.array(numbers.round().astype("Int64"), type=pa.int64(), from_pandas=True)
        return pa.array(numbers.astype("float64"), type=pa.float64(), from_pandas=True)
    if type_ == BOOLEAN:
        values = pd.Series([None if not isinstance(v, str) else (True if v.lower() in _TRUE else (False if v.lower() in _FALSE else None))
                            for v in series], index=series.index, dtype=object)
        bad = _first_bad(series, values)
        if bad is not None:
            raise ReaderError(f"cannot read {series[bad]!r} as true or false", file=where, row=bad + 2, column=column,
                              expected=EXPECTED[BOOLEAN])
        return pa.array(values.tolist(), type=pa.bool_())
    raise ValueError(type_)


def _table(name: str, section: dict[str, Any], csv_path: Path, mapping: dict[str, Any], mapping_path: Path) -> pa.Table:
    spec: TableSpec = TABLES[name]
    frame = _read_csv(csv_path, section)
    where = str(csv_path)
    columns: dict[str, str] = {str(k): str(v) for k, v in section["columns"].items()}
    constants: dict[str, Any] = dict(section.get("constants") or {})
    prefixes: dict[str, str] = {str(k): str(v) for k, v in (section.get("prefix") or {}).items()}
    values_maps: dict[str, dict[str, Any]] = section.get("values") or {}
    types: dict[str, str] = {}
    for target, type_name in (section.get("types") or {}).items():
        if str(type_name).lower() not in _TYPE_NAMES:
            raise ReaderError(f"unknown type '{type_name}' for {name}.{target}", file=str(mapping_path),
                              expected="one of " + ", ".join(_TYPE_NAMES))
        if spec.column(str(target)) is not None:
            raise ReaderError(f"{name}.{target} is a dataset v1 column: its type is fixed", file=str(mapping_path),
                              expected="[types] only for extra columns")
        types[str(target)] = _TYPE_NAMES[str(type_name).lower()]
    if "platform" in {c.name for c in spec.columns} and "platform" not in columns and "platform" not in constants \
            and mapping.get("platform"):
        constants["platform"] = mapping["platform"]
    for target, source_col in columns.items():
        if source_col not in frame.columns:
            raise ReaderError(
                f"the column '{source_col}' named in the mapping for {name}.{target} is not in the file", file=where,
                row=1, column=source_col, expected="one of the file's columns: " + ", ".join(map(str, frame.columns[:30])),
            )
    for required in spec.required:
        if required not in columns and required not in constants:
            raise ReaderError(
                f"the mapping does not say which column is {name}.{required}", file=str(mapping_path), column=required,
                expected=f"{required} = \"<CSV column>\" in [{name}.columns], or a value in [{name}.constants]",
            )
    fmt = section.get("date_format", mapping.get("date_format"))
    zone = section.get("timezone", mapping.get("timezone", "UTC"))
    try:
        pd.Timestamp("2024-01-01").tz_localize(zone)
    except Exception:
        raise ReaderError(f"unknown time zone '{zone}'", file=str(mapping_path), expected="an IANA zone such as Europe/Paris") from None
    arrays: dict[str, pa.Array] = {}
    for target in list(columns) + [c for c in constants if c not in columns]:
        if target in columns:
            series = _empty_to_none(frame[columns[target]])
            source_col = columns[target]
        else:
            series = pd.Series([str(constants[target])] * len(frame), index=frame.index, dtype=object)
            source_col = target
        table_map = values_maps.get(target)
        if isinstance(table_map, dict) and table_map:
            exact = {str(k): v for k, v in table_map.items()}
            folded = {str(k).strip().lower(): v for k, v in table_map.items()}
            series = pd.Series([None if v is None else str(exact.get(v, folded.get(v.lower(), v))) for v in series],
                               index=series.index, dtype=object)
        if target in prefixes:
            series = pd.Series([None if v is None else prefixes[target] + v for v in series], index=series.index, dtype=object)
        col = spec.column(target)
        type_ = col.type if col is not None else types.get(target, STRING)
        if col is not None and col.required:
            missing = series.isna()
            if missing.any():
                row = int(missing.idxmax())
                raise ReaderError(f"{name}.{target} is empty", file=where, row=row + 2, column=source_col,
                                  expected=EXPECTED[type_])
        if col is not None and col.allowed:
            lowered = pd.Series([None if v is None else v.strip().lower() for v in series], index=series.index, dtype=object)
            bad = lowered.notna() & ~lowered.isin(col.allowed)
            if bad.any():
                row = int(bad.idxmax())
                raise ReaderError(
                    f"unknown {target} {series[row]!r}", file=where, row=row + 2, column=source_col,
                    expected="one of " + ", ".join(col.allowed) + f" (translate values in [{name}.values.{target}])",
                )
            series = lowered
        arrays[target] = _convert(series, type_, where=where, column=source_col, fmt=fmt, zone=zone)
    ordered = {c.name: arrays[c.name] for c in spec.columns if c.name in arrays}
    ordered.update({k: v for k, v in arrays.items() if k not in ordered})
    return pa.table(ordered)


def read(path: Path, *, mapping: Path, **_: Any) -> Dataset:
    """Read the CSV files a mapping TOML describes into dataset v1 tables."""
    mapping_path = Path(mapping)
    config = load_mapping(mapping_path)
    path = Path(path)
    sections = {k: v for k, v in config.items() if isinstance(v, dict)}
    without_file = [name for name, section in sections.items() if not section.get("file")]
    if without_file and not path.is_file():
        raise ReaderError(f"[{without_file[0]}] names no file", file=str(mapping_path),
                          expected=f"file = \"<name>.csv\" in [{without_file[0]}], or the CSV file itself as PATH")
    if len(without_file) > 1:
        raise ReaderError(f"several tables name no file ({', '.join(without_file)})", file=str(mapping_path),
                          expected="file = \"<name>.csv\" in each table but one")
    base = path if path.is_dir() else mapping_path.parent
    dataset: dict[str, pa.Table] = {}
    for name, section in sections.items():
        if section.get("file"):
            csv_path = Path(section["file"])
            if not csv_path.is_absolute():
                candidate = base / csv_path
                csv_path = candidate if candidate.exists() or not (mapping_path.parent / csv_path).exists() else mapping_path.parent / csv_path
        else:
            csv_path = path
        dataset[name] = _table(name, section, csv_path, config, mapping_path)
    _complete_accounts(dataset, str(config.get("platform") or "csv"))
    for name in MANDATORY_TABLES:
        if name not in dataset:
            spec = TABLES[name]
            dataset[name] = pa.table({c.name: pa.array([], type=ARROW_TYPES[c.type]) for c in spec.columns if c.required})
    return dataset


def _complete_accounts(dataset: dict[str, pa.Table], platform: str) -> None:
    """Add an account row for every id another table names and accounts does not list."""
    named: dict[str, None] = {}
    for table, cols in _ID_COLUMNS.items():
        if table not in dataset:
            continue
        for col in cols:
            if col in dataset[table].column_names:
                for value in dataset[table].column(col).to_pylist():
                    if value is not None:
                        named.setdefault(value, None)
    have: set[str] = set()
    if "accounts" in dataset:
        have = {v for v in dataset["accounts"].column("account_id").to_pylist() if v is not None}
    missing = [v for v in named if v not in have]
    if not missing and "accounts" in dataset:
        return
    extra = pa.table({"account_id": pa.array(missing, pa.string()), "platform": pa.array([platform] * len(missing), pa.string())})
    if "accounts" in dataset:
        dataset["accounts"] = pa.concat_tables([dataset["accounts"], extra], promote_options="default")
    else:
        dataset["accounts"] = extra
