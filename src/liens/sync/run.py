"""`liens sync`: fetch a platform's pages into the journal, then load them all at once."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from ..errors import ConfigError, ReaderError
from ..store import Store
from ..store.load import load_relations, relations_for_arrow
from .build import build, count_rows
from .client import Client, Skip, next_page
from .cursors import read_cursors, save_cursors
from .errors import TokenMissing
from .platforms import PLATFORM_CLASSES, Window, seen_key
from .settings import PLATFORMS, TOKEN_ENV, SyncSettings
from .spool import Spool, Task


@dataclass
class SyncReport:
    """What one `liens sync` did."""

    platform: str
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    waited_seconds: float = 0.0
    pages: int = 0
    resumed: bool = False
    window_start: str | None = None
    rows_in: dict[str, int] = field(default_factory=dict)
    rows_new: dict[str, int] = field(default_factory=dict)
    cursors: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def resolve_token(platform: str, *, token_env: str | None = None, token_file: str | Path | None = None) -> str:
    """The token from a file given by path, else from the environment variable (default LIENS_<PLATFORM>_TOKEN)."""
    if platform not in PLATFORMS:
        raise ConfigError(f"unknown platform '{platform}' (expected one of {', '.join(PLATFORMS)})")
    if token_file is not None:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError:
            token = ""
        if not token:
            raise TokenMissing("token_file_unreadable", path=str(token_file))
        return token
    env = token_env or TOKEN_ENV[platform]
    token = os.environ.get(env, "").strip()
    if not token:
        raise TokenMissing("token_missing", platform=platform, env=env)
    return token


def spool_folder(store: Store, platform: str) -> Path:
    return Path(str(store.path) + ".sync") / platform


def _since(value: str | datetime | None) -> str | None:
    if value is None or isinstance(value, datetime):
        return value.isoformat() if value else None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"--since {value!r} is not a date (expected e.g. 2024-03-01)") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.isoformat()


def sync(store: Store, platform: str, token: str, *, account: str | None = None, since: str | datetime | None = None,
         full: bool = False, restart: bool = False, settings: SyncSettings | None = None,
         transport: httpx.BaseTransport | None = None, progress: Callable[[int, str], None] | None = None) -> SyncReport:
    """Fetch the brand's `platform` account(s) and load them into `store`, all or nothing.

    An interrupted sync is resumed by the next call (same store and platform) unless `restart`; its
    options are those it started with. `progress(pages, kind)` is called after each page.
    """
    if platform not in PLATFORMS:
        raise ConfigError(f"unknown platform '{platform}' (expected one of {', '.join(PLATFORMS)})")
    settings = settings or SyncSettings()
    started = time.perf_counter()
    plat = PLATFORM_CLASSES[platform]()
    spool = Spool(spool_folder(store, platform))
    if restart and spool.pending:
        spool.remove()
    cursors = read_cursors(store, platform)
    report = SyncReport(platform)
    if spool.pending:
        spool.resume()
        report.resumed = True
    header = spool.header or {
        "platform": platform, "account": account, "since": _since(since), "full": full,
        "lookback_days": settings.lookback_days,
        "measured_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0).isoformat(),
    }
    window = Window(since=datetime.fromisoformat(header["since"]) if header["since"] else None, full=header["full"],
                    lookback_days=header["lookback_days"], cursors=cursors, page_size=settings.page_size,
                    comment_page_size=settings.comment_page_size)
    if not report.resumed:
        first = plat.first(header["account"], window)
        spool.start(header, [Task(i, t["kind"], t["path"], t["params"], t["object_id"], t["meta"])
                             for i, t in enumerate(first)])
    report.window_start = None if header["full"] else _window_text(window, cursors)
    client = Client(platform, token, settings, transport=transport)
    client.pages_kept = len(spool.pages)
    try:
        if not spool.complete:
            _fetch(spool, plat, client, window, progress)
            spool.mark_complete()
    finally:
        client.close()
        spool.close()
        report.requests, report.retries = client.counters.requests, client.counters.retries
        report.throttled, report.waited_seconds = client.counters.throttled, client.counters.waited_seconds
    measured_at = datetime.fromisoformat(header["measured_at"])
    try:
        dataset = build(spool, platform, plat.reader, measured_at)
    except ReaderError:
        spool.remove()  # the pages cannot be read: the next sync fetches them again
        raise
    label = f"liens sync {platform}"
    relations = relations_for_arrow(dataset, label, store.con)
    try:
        load = load_relations(store, relations, label)
    finally:
        for relation in relations:
            store.con.unregister(relation.sql.strip('"'))
    report.rows_in, report.rows_new = load.rows_in, load.rows_new
    report.cursors = save_cursors(store, platform, spool.seen, measured_at)
    report.pages = len(spool.pages)
    report.warnings = list(spool.warnings)
    spool.remove()
    report.seconds = time.perf_counter() - started
    assert count_rows(dataset)  # the readers always give the three mandatory tables
    return report


def _window_text(window: Window, cursors: dict[Any, Any]) -> str | None:
    starts = [window.start(obj) for (endpoint, obj) in cursors if endpoint == "media"]
    found = [s for s in starts if s is not None]
    if window.since is not None:
        return window.since.isoformat()
    return min(found).isoformat() if found else None


_SKIPPABLE_COMMENTS = {"comments", "threads"}


def _fetch(spool: Spool, plat: Any, client: Client, window: Window,
           progress: Callable[[int, str], None] | None) -> None:
    while (task := spool.next_task()) is not None:
        try:
            body = client.get(task.kind, task.path, task.params)
        except Skip as skip:
            seen = {}
            if task.kind in _SKIPPABLE_COMMENTS:  # fetch them again next time
                seen[seen_key("comments", task.object_id)] = {"value": None, "count": None, "account": None}
            spool.record(task, None, for_reader=False, next_request=None, new=[], seen=seen,
                         warnings=[f"{task.kind} of {task.object_id or 'the account'} skipped: {skip.detail}"])
            continue
        outcome = plat.on_page(task.kind, task.object_id, task.meta, body, window)
        nxt = None if outcome.stop else next_page(client.platform, task.path, task.params, body)
        spool.record(task, outcome.payload, for_reader=outcome.for_reader, next_request=nxt, new=outcome.new,
                     seen=outcome.seen, warnings=outcome.warnings, label=outcome.label)
        client.pages_kept += 1
        if progress is not None:
            progress(client.pages_kept, task.kind)
