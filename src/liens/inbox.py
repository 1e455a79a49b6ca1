"""The inbox a community manager works from: the unanswered queue, filtered, named, and shrinking.

`queue` reads `result_unanswered` (most urgent first, its `rank`), leaves out what the team marked
handled (`mark_done`, kept in the store's side table `_liens_inbox_done`, so the queue shrinks and
stays shrunk after the next analysis), and adds who wrote it (handle, name, platform) and the post's
permalink. Waiting times are in hours, until the end of the data; with `conversation.business_hours`
set they count business hours only, and `over_target` says whether `response_target_hours` passed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .config import Config, load_config
from .errors import StoreError
from .store import Store
from .store.models import INBOX_DONE_TABLE, done_ids, mark_done
from .store.store import read_summary

QUEUE = "result_unanswered"
__all__ = ["INBOX_DONE_TABLE", "QUEUE", "done", "handled", "queue"]


def _data_end(store: Store) -> datetime | None:
    end = read_summary(store.con).get("period_end")
    if not end:
        return None
    moment = datetime.fromisoformat(str(end))
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def queue(store: Store, config: Config | None = None, *, intents: list[str] | None = None, platform: str | None = None,
          older_than_hours: float | None = None, include_done: bool = False) -> list[dict[str, Any]]:
    """The texts still waiting for the brand's answer, most urgent first (rank), filtered and named."""
    if not store.has_table(QUEUE):
        raise StoreError("no unanswered queue in this store: run `liens analyze` first")
    config = config or load_config()
    spec = getattr(config.conversation, "business_hours", "")
    target = float(getattr(config.conversation, "response_target_hours", 24.0))
    hours = None
    if spec:
        from .alerts.hours import parse_business_hours  # the alerts' parser: one reading of the setting

        hours = parse_business_hours(spec)
    cols = store.columns("result_accounts") if store.has_table("result_accounts") else {}
    names = ", ".join(f"a.{c}" if c in cols else f"NULL AS {c}" for c in ("handle", "display_name"))
    join = "LEFT JOIN result_accounts a ON a.account_id = u.actor_id" if cols else ""
    post_cols = store.columns("posts") if store.has_table("posts") else {}
    url = "p.url" if "url" in post_cols else "NULL"
    post_join = "LEFT JOIN posts p ON p.post_id = u.post_id" if post_cols else ""
    if not post_join:
        url = "NULL"
    rows = store.con.execute(
        f"SELECT u.*, {names}, {url} AS post_url FROM {QUEUE} u {join} {post_join} ORDER BY u.rank, u.interaction_id"
    ).to_arrow_table().to_pylist()
    done = done_ids(store)
    end = _data_end(store)
    out = []
    for row in rows:
        row["done"] = str(row["interaction_id"]) in done
        if row["done"] and not include_done:
            continue
        if intents and row.get("intent") not in intents:
            continue
        if platform and row.get("platform") != platform:
            continue
        created = row.get("created_at")
        if hours is not None and not hours.always and created is not None and end is not None:
            row["waiting_hours"] = hours.hours_between(created, end)
        waited = row.get("waiting_hours")
        if older_than_hours is not None and (waited is None or waited < older_than_hours):
            continue
        row["over_target"] = waited is not None and waited > target
        out.append(row)
    return out


def done(store: Store, interaction_ids: list[str], *, by: str = "") -> int:
    """Mark these texts of the queue handled; unknown ids are refused (nothing is marked)."""
    ids = [str(i).strip() for i in interaction_ids if str(i).strip()]
    if not store.has_table(QUEUE):
        raise StoreError("no unanswered queue in this store: run `liens analyze` first")
    known = {str(r[0]) for r in store.con.execute(
        f"SELECT interaction_id FROM {QUEUE} WHERE interaction_id IN (SELECT unnest(?))", [ids]).fetchall()}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise StoreError(f"not in the unanswered queue: {', '.join(unknown[:10])}")
    return mark_done(store, ids, datetime.now(UTC).replace(tzinfo=None), by)


def handled(store: Store) -> set[str]:
    return done_ids(store)
