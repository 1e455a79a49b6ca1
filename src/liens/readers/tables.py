"""Rows collected by a reader, turned into dataset v1 tables.

Readers add accounts to an `AccountBook` and rows to a `Rows`; `build_dataset` dedupes on the
tables' keys, lists every account a row names, and types each column as dataset v1 says
(`make_table`).

What a reader did with each file is written down as it reads: `Rows.begin(file, taken_for)` opens
a `FileNote`, every row appended afterwards is counted on it, `Rows.skip(reason)` counts what was
left out and why, `Rows.warn(text)` says what the user should know (an owner not found, a brand not
named). The notes of one read go to the `ReadLog` that `read_platform` opened (a context variable,
so no reader signature carries it), and the loader prints them: a load is never silent.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ..schema import (
    BOOLEAN,
    DATE,
    FLOAT,
    INTEGER,
    MANDATORY_TABLES,
    STRING,
    TABLES,
    TIMESTAMP,
)
from .values import utc

#: canonical table name -> table of dataset v1 columns
Dataset = dict[str, pa.Table]

#: a user-facing text in both languages: {"en": ..., "fr": ...}
Words = dict[str, str]


def words(en: str, fr: str) -> Words:
    return {"en": en, "fr": fr}


#: tables whose rows say something (accounts alone are only who is who)
CONTENT_TABLES = ("posts", "interactions", "follows", "audience", "post_metrics")


@dataclass
class FileNote:
    """What one file of an export was taken for, the rows it gave and what was left out, and why."""

    file: str
    taken_for: Words
    rows: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, tuple[Words, int]] = field(default_factory=dict)  # reason key -> (words, count)

    @property
    def content_rows(self) -> int:
        return sum(self.rows.get(t, 0) for t in CONTENT_TABLES)


@dataclass
class ReadLog:
    """The notes of one read: a note per file, and warnings about the whole export."""

    files: list[FileNote] = field(default_factory=list)
    warnings: list[Words] = field(default_factory=list)

    def warn(self, text: Words) -> None:
        if text not in self.warnings:
            self.warnings.append(text)


_LOG: ContextVar[ReadLog | None] = ContextVar("liens_read_log", default=None)


def current_log() -> ReadLog:
    """The log of the read in progress (a throw-away one when a reader is called directly)."""
    log = _LOG.get()
    if log is None:
        log = ReadLog()
        _LOG.set(log)
    return log


def open_log() -> tuple[ReadLog, Token[ReadLog | None]]:
    log = ReadLog()
    return log, _LOG.set(log)


def close_log(token: Token[ReadLog | None]) -> None:
    _LOG.reset(token)


class _Counted(list[dict[str, Any]]):
    """A list of rows that counts each append on the file being read."""

    def __init__(self, table: str, owner: Rows) -> None:
        super().__init__()
        self.table, self.owner = table, owner

    def append(self, row: dict[str, Any]) -> None:
        super().append(row)
        self.owner.count(self.table)

    def extend(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.append(row)

#: id prefix -> platform, for accounts that are only named by another row
PLATFORM_OF_PREFIX = {
    "ig": "instagram", "fb": "facebook", "yt": "youtube", "discord": "discord",
    "whatsapp": "whatsapp", "linkedin": "linkedin", "reddit": "reddit", "telegram": "telegram",
    "twitter": "twitter",
}

#: logical type -> Arrow type of the readers' tables
ARROW_TYPES = {
    STRING: pa.string(), TIMESTAMP: pa.timestamp("us"), DATE: pa.date32(),
    INTEGER: pa.int64(), FLOAT: pa.float64(), BOOLEAN: pa.bool_(),
}


class AccountBook:
    """Accounts seen while reading, merged: the first non-empty value of each field wins, and an
    account is the brand's if any sighting says so."""

    def __init__(self) -> None:
        self._rows: dict[str, dict[str, Any]] = {}
        self.on_new: Any = None  # called with no argument when an account is first seen

    def add(self, account_id: str, platform: str, **fields: Any) -> str:
        row = self._rows.get(account_id)
        if row is None:
            row = self._rows[account_id] = {"account_id": account_id, "platform": platform}
            if self.on_new is not None:
                self.on_new()
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
            columns[col.name] = _typed([r.get(col.name) for r in rows], ARROW_TYPES[col.type])
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
    post_metrics: Iterable[dict[str, Any]] = (),
    default_platform: str | None = None,
) -> Dataset:
    """Turn rows into dataset v1 tables: dedupe on keys, list every referenced account, type columns."""
    posts_rows = _dedupe(posts, ("post_id",))
    inter_rows = _dedupe(interactions, ("interaction_id",))
    follow_rows = _merge_follows(follows)
    audience_rows = _dedupe(audience, ("account_id", "date"))
    metric_rows = _dedupe(post_metrics, ("post_id", "measured_at"))

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
    if metric_rows:
        dataset["post_metrics"] = make_table("post_metrics", metric_rows)
    assert all(t in dataset for t in MANDATORY_TABLES)
    return dataset


class Rows:
    """The rows a reader collects, handed to build_dataset at the end, and its notes on each file."""

    def __init__(self) -> None:
        self.accounts = AccountBook()
        self.accounts.on_new = lambda: self.count("accounts")
        self.posts: list[dict[str, Any]] = _Counted("posts", self)
        self.interactions: list[dict[str, Any]] = _Counted("interactions", self)
        self.follows: list[dict[str, Any]] = _Counted("follows", self)
        self.audience: list[dict[str, Any]] = _Counted("audience", self)
        self.post_metrics: list[dict[str, Any]] = _Counted("post_metrics", self)
        self.note: FileNote | None = None

    def begin(self, file: str, taken_for: Words) -> FileNote:
        """Rows appended from now on come from `file`, read as `taken_for`."""
        self.note = FileNote(file, taken_for)
        current_log().files.append(self.note)
        return self.note

    def count(self, table: str, n: int = 1) -> None:
        if self.note is not None:
            self.note.rows[table] = self.note.rows.get(table, 0) + n

    def skip(self, key: str, reason: Words, n: int = 1) -> None:
        """`n` records of the current file left out, for `reason` (counted per reason)."""
        if self.note is None or n <= 0:
            return
        _, have = self.note.skipped.get(key, (reason, 0))
        self.note.skipped[key] = (reason, have + n)

    def warn(self, text: Words) -> None:
        current_log().warn(text)

    def dataset(self, default_platform: str | None = None) -> Dataset:
        return build_dataset(
            self.accounts, posts=self.posts, interactions=self.interactions, follows=self.follows,
            audience=self.audience, post_metrics=self.post_metrics, default_platform=default_platform,
        )
