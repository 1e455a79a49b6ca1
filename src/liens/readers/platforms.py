"""Platform exports and API payloads: detect which one a path holds, and read it into dataset v1.

Each format has a module of its own (bytes in, canonical rows out); this module holds what they
share and the registry the loader calls:

    Dataset = dict[str, pyarrow.Table]      # canonical table name -> table of dataset v1 columns
    READERS: dict[str, Callable[..., Dataset]]
    detect_format(path) -> str | None
    read_platform(path, fmt="auto", mapping=None, **options) -> Dataset

Conventions every reader follows:

* ids are strings prefixed by platform (``ig:lea.martin``, ``yt:UC…``, ``discord:1234``), and the
  same person gets the same id from every reader of a platform; ids of interactions that the
  platform does not number are a hash of their content, so that re-reading a newer export of the
  same account yields the same ids (the loader dedupes on them);
* times are naive ``timestamp[us]`` values in UTC (never local time, never a time zone the store
  would have to convert); dates are ``date32``;
* ``accounts``, ``posts`` and ``interactions`` are always present (possibly empty, with their
  required columns); every account an interaction, post, follow or audience row names is listed in
  ``accounts``;
* aggregate numbers that name nobody (saved, shares, reach…) stay aggregates, in extra ``posts``
  columns; no interaction is invented from a count;
* anything that cannot be read raises :class:`~liens.errors.ReaderError` naming the file (and the
  record, row or key) and what was expected.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

import pyarrow as pa

from ..errors import ReaderError
from ..schema import BOOLEAN, DATE, FLOAT, INTEGER, MANDATORY_TABLES, STRING, TABLES, TIMESTAMP

Dataset = dict[str, pa.Table]

# --------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------

#: format name -> (module in liens.readers, what the format is, for messages and --help)
FORMATS: dict[str, tuple[str, str]] = {
    "instagram-export": ("instagram_export", "an Instagram 'Download your information' export (JSON, folder or zip)"),
    "meta-graph": ("meta_graph", "Meta Graph API JSON responses (Instagram or Facebook media, comments, insights)"),
    "youtube": ("youtube", "YouTube Data API v3 JSON responses or a Google Takeout comments.csv"),
    "discord": ("discord", "a DiscordChatExporter JSON export"),
    "whatsapp": ("whatsapp", "a WhatsApp chat export (.txt, or the zip with media)"),
    "linkedin": ("linkedin", "LinkedIn page analytics exports (XLS, XLSX or CSV)"),
    "reddit": ("reddit", "a Reddit data request export (posts.csv, comments.csv)"),
    "csv-map": ("csv_map", "any CSV files described by a mapping TOML (--map)"),
}


def _lazy(module: str) -> Callable[..., Dataset]:
    def read(path: Path, **options: Any) -> Dataset:
        return importlib.import_module(f"liens.readers.{module}").read(Path(path), **options)

    read.__name__ = f"read_{module}"
    read.__doc__ = f"Read {FORMATS_BY_MODULE[module]} into dataset v1 tables."
    return read


FORMATS_BY_MODULE = {module: text for module, text in FORMATS.values()}
#: format name -> reader. Imported lazily: a reader module imports the helpers below.
READERS: dict[str, Callable[..., Dataset]] = {name: _lazy(module) for name, (module, _) in FORMATS.items()}


def read_platform(path: Path, fmt: str = "auto", mapping: Path | None = None, **options: Any) -> Dataset:
    """Read a platform export at `path` into dataset v1 tables.

    `fmt` is a key of READERS or "auto" (sniff the path; with a `mapping`, "auto" means csv-map).
    `options` go to the reader (e.g. ``timezone="Europe/Paris"`` for WhatsApp, ``page=`` for
    LinkedIn, ``owner=`` for exports that do not say whose they are).
    """
    path = Path(path)
    if not path.exists():
        raise ReaderError("no such file or folder", file=str(path), expected="a platform export")
    if fmt == "auto":
        fmt = "csv-map" if mapping is not None else (detect_format(path) or "")
        if not fmt:
            raise ReaderError(
                "this is not a platform export Liens recognises", file=str(path),
                expected="one of: " + "; ".join(text for _, text in FORMATS.values()),
            )
    if fmt not in READERS:
        raise ReaderError(f"unknown format '{fmt}'", file=str(path), expected="auto or one of " + ", ".join(READERS))
    if fmt == "csv-map":
        if mapping is None:
            raise ReaderError("the csv-map format needs a mapping file (--map mapping.toml)", file=str(path),
                              expected="a TOML file naming which CSV column is which")
        options["mapping"] = Path(mapping)
    elif mapping is not None:
        raise ReaderError(f"a mapping file is only used with --format csv-map, not {fmt}", file=str(mapping))
    return READERS[fmt](path, **options)


# --------------------------------------------------------------------------------------------
# Sources: a folder, a zip or a single file, seen the same way
# --------------------------------------------------------------------------------------------


class Source:
    """The files of an export, wherever they are: a folder, a zip archive or one file.

    Paths inside are POSIX-style and relative (`connections/followers_and_following/followers_1.json`);
    a single file is seen as a source holding that one file, under its own name.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            self.kind = "folder"
            names = []
            for root, dirs, files in os.walk(self.path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    names.append(Path(root, name).relative_to(self.path).as_posix())
            self._names = names
        elif is_zip(self.path):
            self.kind = "zip"
            try:
                self._zip = zipfile.ZipFile(self.path)
                infos = self._zip.infolist()
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
                raise ReaderError(
                    f"the zip archive cannot be opened ({error}); it may be truncated or still downloading",
                    file=str(self.path), expected="a complete zip archive",
                ) from None
            self._names = sorted(
                i.filename for i in infos
                if not i.is_dir() and not i.filename.startswith("__MACOSX/")
                and not PurePosixPath(i.filename).name.startswith(".")
            )
        elif self.path.is_file():
            self.kind = "file"
            self._names = [self.path.name]
        else:
            raise ReaderError("no such file or folder", file=str(self.path), expected="a platform export")

    # -- listing ---------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def named(self, *basenames: str) -> list[str]:
        """Files whose base name is one of `basenames` (case-insensitive), anywhere in the tree."""
        wanted = {b.lower() for b in basenames}
        return [n for n in self._names if PurePosixPath(n).name.lower() in wanted]

    def matching(self, pattern: str) -> list[str]:
        """Files whose relative path matches the regular expression `pattern` (case-insensitive)."""
        rx = re.compile(pattern, re.IGNORECASE)
        return [n for n in self._names if rx.search(n)]

    def with_suffix(self, *suffixes: str) -> list[str]:
        low = tuple(s.lower() for s in suffixes)
        return [n for n in self._names if n.lower().endswith(low)]

    def display(self, name: str) -> str:
        """How a user finds the file: its path on disk, or the zip's path followed by the member."""
        if self.kind == "file":
            return str(self.path)
        return f"{self.path}/{name}"

    # -- reading ---------------------------------------------------------------------------

    def read_bytes(self, name: str) -> bytes:
        try:
            if self.kind == "zip":
                assert self._zip is not None
                return self._zip.read(name)
            if self.kind == "file":
                return self.path.read_bytes()
            return (self.path / name).read_bytes()
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as error:
            raise ReaderError(
                f"this member of the zip archive is damaged ({error}); the archive may be truncated",
                file=self.display(name), expected="a complete zip archive",
            ) from None
        except OSError as error:
            raise ReaderError(f"cannot read the file ({error.strerror or error})", file=self.display(name)) from None

    def read_text(self, name: str, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
        data = self.read_bytes(name)
        for encoding in encodings:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                last = error
        raise ReaderError(
            f"the file is not valid {encodings[0].replace('-sig', '').upper()} text (byte {last.start})",
            file=self.display(name), expected="UTF-8 text",
        )

    def read_json(self, name: str) -> Any:
        return parse_json(self.read_text(name), self.display(name))

    def head(self, name: str, size: int = 65536) -> bytes:
        """The first bytes of a file, for sniffing (never the whole of a large file)."""
        try:
            if self.kind == "zip":
                assert self._zip is not None
                with self._zip.open(name) as handle:
                    return handle.read(size)
            target = self.path if self.kind == "file" else self.path / name
            with open(target, "rb") as handle:
                return handle.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError):
            return b""

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_zip(path: Path) -> bool:
    if not path.is_file():
        return False
    if path.suffix.lower() == ".zip":
        return True
    if path.suffix.lower() in (".xlsx", ".xlsm", ".docx", ".pptx", ".ods"):
        return False  # office files are zips inside, but one file to the reader
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip()) - 1
        hint = "the file ends too early: it is truncated" if truncated or not text.strip() else "the file is not valid JSON"
        raise ReaderError(
            f"{hint} ({error.msg} at line {error.lineno}, column {error.colno})", file=where, expected="a complete JSON document",
        ) from None
    except RecursionError:
        raise ReaderError("the JSON is nested too deeply to read", file=where, expected="a platform JSON export") from None


# --------------------------------------------------------------------------------------------
# Values: times, ids, text
# --------------------------------------------------------------------------------------------


def utc(value: Any) -> datetime | None:
    """A naive UTC datetime from an ISO 8601 string (any offset), epoch seconds or milliseconds.

    Raises ValueError when the value is not a time; returns None for None and "".
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        return from_epoch(value)
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return from_epoch(float(text))
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    # .NET writes seven fractional digits; Python reads at most six.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    parsed = datetime.fromisoformat(text)
    return utc(parsed)


def from_epoch(seconds: float) -> datetime:
    if abs(seconds) > 1e11:  # milliseconds
        seconds = seconds / 1000.0
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)


def time_or_error(value: Any, *, file: str, row: int | None = None, column: str | None = None) -> datetime | None:
    try:
        return utc(value)
    except (ValueError, TypeError, OverflowError):
        raise ReaderError(f"cannot read the time {str(value)[:60]!r}", file=file, row=row, column=column,
                          expected="an ISO 8601 time or a Unix timestamp") from None


def stable_id(*parts: Any) -> str:
    """A short id that depends only on `parts`: the same content gives the same id in every export."""
    digest = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:20]


def fix_mojibake(value: Any) -> Any:
    """Undo Meta's export encoding: UTF-8 bytes written as \\u00XX escapes (`é` arrives as `Ã©`).

    Each string is re-read as UTF-8 when it round-trips; strings that are already right (any
    character above U+00FF, or Latin-1 text that is not valid UTF-8) are left alone. Recursive over
    lists and dicts, keys included.
    """
    if isinstance(value, str):
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value
    if isinstance(value, list):
        return [fix_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {fix_mojibake(k): fix_mojibake(v) for k, v in value.items()}
    return value


def clean(value: Any) -> str | None:
    """A text value, or None for missing/blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def to_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if value != value else int(value)
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", "")
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if value != value else float(value)
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    percent = text.endswith("%")
    text = text.rstrip("%")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number / 100.0 if percent else number


# --------------------------------------------------------------------------------------------
# Building the tables
# --------------------------------------------------------------------------------------------

#: id prefix -> platform, for accounts that are only named by another row
PLATFORM_OF_PREFIX = {
    "ig": "instagram", "fb": "facebook", "yt": "youtube", "discord": "discord",
    "whatsapp": "whatsapp", "linkedin": "linkedin", "reddit": "reddit",
}

_ARROW = {
    STRING: pa.string(), TIMESTAMP: pa.timestamp("us"), DATE: pa.date32(),
    INTEGER: pa.int64(), FLOAT: pa.float64(), BOOLEAN: pa.bool_(),
}


class AccountBook:
    """Accounts seen while reading, merged: the first non-empty value of each field wins, and an
    account is the brand's if any sighting says so."""

    def __init__(self) -> None:
        self._rows: dict[str, dict[str, Any]] = {}

    def add(self, account_id: str, platform: str, **fields: Any) -> str:
        row = self._rows.get(account_id)
        if row is None:
            row = self._rows[account_id] = {"account_id": account_id, "platform": platform}
        for key, value in fields.items():
            if value is None:
                continue
            if key == "is_brand":
                row[key] = bool(row.get(key)) or bool(value)
            elif row.get(key) is None:
                row[key] = value
        return account_id

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._rows

    def get(self, account_id: str) -> dict[str, Any] | None:
        return self._rows.get(account_id)

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows.values())


def _typed(values: list[Any], type_: pa.DataType) -> pa.Array:
    if pa.types.is_string(type_):
        values = [None if v is None else str(v) for v in values]
    elif pa.types.is_timestamp(type_):
        values = [utc(v) if v is not None else None for v in values]
    elif pa.types.is_date(type_):
        values = [v.date() if isinstance(v, datetime) else v for v in values]
    elif pa.types.is_boolean(type_):
        values = [None if v is None else bool(v) for v in values]
    elif pa.types.is_integer(type_):
        values = [None if v is None else int(v) for v in values]
    elif pa.types.is_floating(type_):
        values = [None if v is None else float(v) for v in values]
    return pa.array(values, type=type_)


def _infer(values: list[Any]) -> pa.DataType | None:
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return None
    if kinds == {bool}:
        return pa.bool_()
    if kinds <= {int}:
        return pa.int64()
    if kinds <= {int, float}:
        return pa.float64()
    if kinds <= {datetime}:
        return pa.timestamp("us")
    if kinds <= {date}:
        return pa.date32()
    return pa.string()


def make_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """A table of dataset v1 `name` from row dicts: required columns always, optional and extra
    columns when some row fills them, each with its dataset v1 type (extras: inferred)."""
    spec = TABLES[name]
    present: dict[str, None] = {}
    for row in rows:
        for key, value in row.items():
            if value is not None:
                present.setdefault(key, None)
    columns: dict[str, pa.Array] = {}
    for col in spec.columns:
        if col.required or col.name in present:
            columns[col.name] = _typed([r.get(col.name) for r in rows], _ARROW[col.type])
    for key in present:
        if spec.column(key) is not None:
            continue
        values = [r.get(key) for r in rows]
        type_ = _infer(values)
        if type_ is not None:
            if pa.types.is_string(type_):
                values = [None if v is None else str(v) for v in values]
            columns[key] = _typed(values, type_)
    return pa.table(columns)


def _dedupe(rows: Iterable[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per key; later sightings only fill what earlier ones left empty."""
    merged: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        k = tuple(row.get(c) for c in key)
        have = merged.get(k)
        if have is None:
            merged[k] = dict(row)
        else:
            for col, value in row.items():
                if value is not None and have.get(col) is None:
                    have[col] = value
    return list(merged.values())


def _merge_follows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        k = (row["follower_id"], row["followee_id"])
        have = merged.get(k)
        if have is None:
            merged[k] = dict(row)
            continue
        for col, value in row.items():
            if value is None:
                continue
            if col == "followed_at" and have.get(col) is not None:
                have[col] = min(have[col], value)
            elif col == "unfollowed_at" and have.get(col) is not None:
                have[col] = max(have[col], value)
            elif have.get(col) is None:
                have[col] = value
    return list(merged.values())


def build_dataset(
    accounts: AccountBook,
    *,
    posts: Iterable[dict[str, Any]] = (),
    interactions: Iterable[dict[str, Any]] = (),
    follows: Iterable[dict[str, Any]] = (),
    audience: Iterable[dict[str, Any]] = (),
    default_platform: str | None = None,
) -> Dataset:
    """Turn rows into dataset v1 tables: dedupe on keys, list every referenced account, type columns."""
    posts_rows = _dedupe(posts, ("post_id",))
    inter_rows = _dedupe(interactions, ("interaction_id",))
    follow_rows = _merge_follows(follows)
    audience_rows = _dedupe(audience, ("account_id", "date"))

    def ensure(account_id: Any) -> None:
        if account_id is None or account_id in accounts:
            return
        prefix = str(account_id).split(":", 1)[0]
        accounts.add(str(account_id), PLATFORM_OF_PREFIX.get(prefix, default_platform or prefix))

    for row in posts_rows:
        ensure(row.get("author_id"))
    for row in inter_rows:
        ensure(row.get("actor_id"))
        ensure(row.get("target_id"))
    for row in follow_rows:
        ensure(row.get("follower_id"))
        ensure(row.get("followee_id"))
    for row in audience_rows:
        ensure(row.get("account_id"))

    dataset: Dataset = {
        "accounts": make_table("accounts", accounts.rows()),
        "posts": make_table("posts", posts_rows),
        "interactions": make_table("interactions", inter_rows),
    }
    if follow_rows:
        dataset["follows"] = make_table("follows", follow_rows)
    if audience_rows:
        dataset["audience"] = make_table("audience", audience_rows)
    assert all(t in dataset for t in MANDATORY_TABLES)
    return dataset


# --------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------

_IG_MARKERS = re.compile(
    r"(^|/)(followers_\d+|following|liked_posts|post_comments(_\d+)?|reels_comments|personal_information)\.(json|html)$"
    r"|(^|/)messages/inbox/[^/]+/message_\d+\.(json|html)$",
    re.IGNORECASE,
)
_WHATSAPP_LINE = re.compile(
    r"^\u200e?(\[\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+\d{1,2}[:.]\d{2}"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+(à\s+)?\d{1,2}[:.]\d{2}[^-\n]{0,12}\s[-–]\s)",
    re.MULTILINE,
)


def _sniff_json(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="ignore")
    if re.search(r'"kind"\s*:\s*"youtube#', text):
        return "youtube"
    if re.search(r'"guild"\s*:', text) and re.search(r'"channel"\s*:', text):
        return "discord"
    if re.search(r'"(relationships_following|likes_media_likes|comments_media_comments|string_list_data|string_map_data)"', text):
        return "instagram-export"
    if re.search(r'"participants"\s*:', text) and re.search(r'"(sender_name|timestamp_ms)"', text):
        return "instagram-export"
    if re.search(r'"(media_type|media_product_type|permalink|created_time|like_count|comments_count|paging|insights|total_value|followers_count|fan_count)"', text):
        return "meta-graph"
    if re.search(r'"data"\s*:\s*\[', text) and re.search(r'"(id|name)"\s*:', text):
        return "meta-graph"
    return None


def _sniff_csv(head: bytes) -> str | None:
    text = head.decode("utf-8-sig", errors="ignore")
    first = text.splitlines()[0].strip().lower() if text.strip() else ""
    cols = [c.strip().strip('"') for c in first.split(",")]
    if "comment id" in cols and "video id" in cols:
        return "youtube"
    if {"id", "permalink", "date"} <= set(cols) and ({"subreddit", "body"} & set(cols) or "title" in cols):
        return "reddit"
    low = text[:4000].lower()
    if ("organic followers" in low and "sponsored followers" in low) or "post link" in low or "impressions (organic)" in low:
        return "linkedin"
    return None


def _detect_in(source: Source) -> str | None:
    names = source.names
    lowered = [n.lower() for n in names]
    if any(_IG_MARKERS.search(n) for n in names):
        return "instagram-export"
    if any("youtube" in n and n.endswith(".csv") for n in lowered) or any(n.startswith("takeout/") for n in lowered):
        return "youtube"
    scores: dict[str, int] = {}
    for name in names:
        low = name.lower()
        fmt: str | None = None
        if low.endswith(".json"):
            fmt = _sniff_json(source.head(name, 16384))
        elif low.endswith(".txt"):
            head = source.head(name, 8192).decode("utf-8-sig", errors="ignore")
            fmt = "whatsapp" if len(_WHATSAPP_LINE.findall(head)) >= 1 else None
        elif low.endswith(".csv"):
            fmt = _sniff_csv(source.head(name, 8192))
        elif low.endswith((".xls", ".xlsx")):
            fmt = "linkedin"
        if fmt:
            scores[fmt] = scores.get(fmt, 0) + 1
    if not scores:
        return None
    return max(scores, key=lambda f: scores[f])


_DATASET_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".jsonl", ".ndjson", ".jsonl.gz", ".parquet")


def _looks_like_dataset(source: Source, names: list[str]) -> bool:
    """A dataset v1 table file among `names`: named after a mandatory table, with a dataset suffix,
    and (for text files) a header naming that table's required columns. A Reddit export's posts.csv
    (id, permalink, date…) is not one."""
    for name in names:
        base = PurePosixPath(name).name.lower()
        suffix = next((s for s in _DATASET_SUFFIXES if base.endswith(s)), None)
        if suffix is None or base[: -len(suffix)] not in MANDATORY_TABLES:
            continue
        if suffix in (".parquet", ".jsonl.gz", ".csv.gz"):
            return True
        head = source.head(name, 4096).decode("utf-8-sig", errors="ignore")
        required = TABLES[base[: -len(suffix)]].required
        if any(col in head for col in required):
            return True
    return False


def detect_format(path: Path) -> str | None:
    """Which platform export `path` holds (a key of READERS), or None when it is not one.

    None means the path may be a dataset v1 folder (or DuckDB file) for the dataset loader. A zip
    archive, a JSON file or a text file that is not a recognisable export raises ReaderError: no
    dataset reader could make sense of it either, and the user deserves to be told what was expected.
    """
    path = Path(path)
    if not path.exists():
        raise ReaderError("no such file or folder", file=str(path), expected="a platform export or a dataset folder")
    suffix = path.suffix.lower()
    if path.is_file() and suffix in (".duckdb", ".db", ".parquet", ".jsonl", ".ndjson"):
        return None
    if path.is_dir():
        with Source(path) as source:
            if _looks_like_dataset(source, [n for n in source.names if "/" not in n]):
                return None
            return _detect_in(source)
    if is_zip(path):
        with Source(path) as source:
            found = _detect_in(source)
            if found:
                return found
            if _looks_like_dataset(source, source.names):
                raise ReaderError(
                    "this zip holds a dataset folder; unzip it and load the folder", file=str(path),
                    expected="a platform export archive, or a dataset folder",
                )
            raise ReaderError(
                "this zip archive is not a platform export Liens recognises", file=str(path),
                expected="one of: " + "; ".join(text for _, text in FORMATS.values()),
            )
    with Source(path) as source:
        found = _detect_in(source)
    if found:
        return found
    if suffix in (".json", ".txt", ".xls", ".xlsx"):
        raise ReaderError(
            "this file is not a platform export Liens recognises", file=str(path),
            expected="one of: " + "; ".join(text for _, text in FORMATS.values()),
        )
    return None


# --------------------------------------------------------------------------------------------
# Small shared pieces
# --------------------------------------------------------------------------------------------


@dataclass
class Rows:
    """The rows a reader collects, handed to build_dataset at the end."""

    accounts: AccountBook = field(default_factory=AccountBook)
    posts: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    follows: list[dict[str, Any]] = field(default_factory=list)
    audience: list[dict[str, Any]] = field(default_factory=list)

    def dataset(self, default_platform: str | None = None) -> Dataset:
        return build_dataset(
            self.accounts, posts=self.posts, interactions=self.interactions, follows=self.follows,
            audience=self.audience, default_platform=default_platform,
        )


def csv_text_rows(text: str, where: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line number, row dict) of a small CSV text; the header is line 1."""
    import csv

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ReaderError("the file is empty", file=where, expected="a header line naming the columns") from None
    except csv.Error as error:
        raise ReaderError(f"the CSV cannot be read ({error})", file=where, row=1) from None
    header = [h.strip() for h in header]
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise ReaderError(
                    f"the row has {len(values)} values for {len(header)} columns", file=where, row=reader.line_num,
                    expected="one value per column (quote values holding commas)",
                )
            rows.append((reader.line_num, dict(zip(header, values))))
    except csv.Error as error:
        raise ReaderError(f"the CSV cannot be read ({error}); the file may be truncated", file=where,
                          row=reader.line_num) from None
    return header, rows
