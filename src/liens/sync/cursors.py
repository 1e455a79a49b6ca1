"""Cursors in the store: where the last sync of each platform, account and endpoint stopped.

One row per (platform, endpoint, object_id): `media` rows (object_id: the account) keep the newest
publication time seen; `comments` rows (object_id: a media, post or video) keep the comment count
seen when its comments were last fetched. No token is ever kept here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from ..store import Store
from ..store.models import SIDE_TABLES, SYNC_CURSORS
from .platforms import Cursor

TABLE = SIDE_TABLES[SYNC_CURSORS]
_COLUMNS = ("platform VARCHAR, account VARCHAR, endpoint VARCHAR, object_id VARCHAR, value VARCHAR, "
            "count BIGINT, synced_at TIMESTAMP")


def read_cursors(store: Store, platform: str) -> dict[tuple[str, str], Cursor]:
    if not store.has_table(TABLE):
        return {}
    rows = store.con.execute(f"SELECT endpoint, object_id, value, count FROM {TABLE} WHERE platform = ?",
                             [platform]).fetchall()
    return {(r[0], r[1]): Cursor(r[2], None if r[3] is None else int(r[3])) for r in rows}


def save_cursors(store: Store, platform: str, seen: dict[str, dict[str, Any]], synced_at: datetime) -> int:
    """Upsert the cursors a completed sync saw, in one transaction; return how many were written."""
    rows = []
    for key, entry in seen.items():
        endpoint, object_id = key.split("|", 1)
        rows.append({"platform": platform, "account": entry.get("account"), "endpoint": endpoint,
                     "object_id": object_id, "value": entry.get("value"), "count": entry.get("count"),
                     "synced_at": synced_at})
    if not rows:
        return 0
    incoming = pa.Table.from_pylist(rows, schema=pa.schema([
        ("platform", pa.string()), ("account", pa.string()), ("endpoint", pa.string()), ("object_id", pa.string()),
        ("value", pa.string()), ("count", pa.int64()), ("synced_at", pa.timestamp("us"))]))
    with store.transaction() as con:
        con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({_COLUMNS})")
        con.register("_liens_cursors_in", incoming)
        try:
            con.execute(f"DELETE FROM {TABLE} t USING _liens_cursors_in s WHERE t.platform = s.platform "
                        "AND t.endpoint = s.endpoint AND t.object_id = s.object_id")
            con.execute(f"INSERT INTO {TABLE} SELECT platform, account, endpoint, object_id, value, count, synced_at "
                        "FROM _liens_cursors_in")
        finally:
            con.unregister("_liens_cursors_in")
    return len(rows)
