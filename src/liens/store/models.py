"""Side tables of the store: what `liens audience train` keeps for later runs (a model and its labels).

The store keeps rows; what a row means (a pickled estimator and its feature list) is the analyses'
business. Analyses read these tables through the workspace, like the canonical ones (`SIDE_TABLES`).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from .store import Store

AUDIENCE_MODEL = "audience_model"
AUDIENCE_LABELS = "audience_labels"
#: where `liens sync` stopped, per platform, account and endpoint (liens.sync.cursors reads and writes it)
SYNC_CURSORS = "sync_cursors"
#: a brand's adaptation of the shipped conversation model (`liens conversation train`), and its labels
CONVERSATION_MODEL = "conversation_model"
CONVERSATION_LABELS = "conversation_labels"
#: input name an analysis declares -> table of the store
SIDE_TABLES = {AUDIENCE_MODEL: "_liens_audience_model", AUDIENCE_LABELS: "_liens_audience_labels",
               CONVERSATION_MODEL: "_liens_conversation_model", CONVERSATION_LABELS: "_liens_conversation_labels",
               SYNC_CURSORS: "_liens_sync_cursors"}


def save_audience_model(store: Store, model_row: dict[str, Any], labels: pa.Table) -> None:
    """Replace the stored model (one row: trained_at, kind, features, n_labels, n_fake, model bytes) and
    its labels (account_id, label, is_fake), all or nothing."""
    model_table, labels_table = SIDE_TABLES[AUDIENCE_MODEL], SIDE_TABLES[AUDIENCE_LABELS]
    columns = ("trained_at", "kind", "features", "n_labels", "n_fake", "model")
    with store.transaction() as con:
        con.execute(f"CREATE OR REPLACE TABLE {model_table} (trained_at VARCHAR, kind VARCHAR, features VARCHAR, "
                    "n_labels BIGINT, n_fake BIGINT, model BLOB)")
        con.execute(f"INSERT INTO {model_table} VALUES (?, ?, ?, ?, ?, ?)", [model_row[c] for c in columns])
        con.execute(f"CREATE OR REPLACE TABLE {labels_table} (account_id VARCHAR, label VARCHAR, is_fake INTEGER)")
        con.register("_liens_labels_in", labels.select(["account_id", "label", "is_fake"]))
        try:
            con.execute(f"INSERT INTO {labels_table} SELECT account_id, label, is_fake FROM _liens_labels_in")
        finally:
            con.unregister("_liens_labels_in")


def save_conversation_model(store: Store, model_row: dict[str, Any], labels: pa.Table) -> None:
    """Replace the brand's conversation model (one row: trained_at, shipped, n_labels, model bytes) and its
    labels (row, interaction_id, text, intent, sentiment), all or nothing."""
    model_table, labels_table = SIDE_TABLES[CONVERSATION_MODEL], SIDE_TABLES[CONVERSATION_LABELS]
    with store.transaction() as con:
        con.execute(f"CREATE OR REPLACE TABLE {model_table} (trained_at VARCHAR, shipped VARCHAR, n_labels BIGINT, model BLOB)")
        con.execute(f"INSERT INTO {model_table} VALUES (?, ?, ?, ?)",
                    [model_row[c] for c in ("trained_at", "shipped", "n_labels", "model")])
        con.execute(f"CREATE OR REPLACE TABLE {labels_table} (row BIGINT, interaction_id VARCHAR, text VARCHAR, "
                    "intent VARCHAR, sentiment VARCHAR)")
        con.register("_liens_conversation_labels_in", labels.select(["row", "interaction_id", "text", "intent", "sentiment"]))
        try:
            con.execute(f"INSERT INTO {labels_table} SELECT row, interaction_id, text, intent, sentiment "
                        "FROM _liens_conversation_labels_in")
        finally:
            con.unregister("_liens_conversation_labels_in")


def side_table(store: Store, name: str) -> pa.Table | None:
    """A side table by its input name (`audience_model`, `audience_labels`), or None when absent."""
    table = SIDE_TABLES[name]
    return store.arrow(table) if store.has_table(table) else None


# -- alert state (liens.alerts): one row per alert, the store keeps rows; what they mean is the alerts' business.
ALERTS_TABLE = "_liens_alerts"
ALERT_COLUMNS = {
    "alert_id": "VARCHAR", "rule": "VARCHAR", "kind": "VARCHAR", "key": "VARCHAR", "status": "VARCHAR",
    "mode": "VARCHAR", "channels": "VARCHAR", "delivered_channels": "VARCHAR", "raised_at": "TIMESTAMP",
    "last_seen_at": "TIMESTAMP", "resolved_at": "TIMESTAMP", "raised_run_at": "TIMESTAMP",
    "delivered_at": "TIMESTAMP", "attempts": "BIGINT", "last_error": "VARCHAR", "account_ids": "VARCHAR",
    "payload": "VARCHAR",
}
#: (day of data, member, level, ambassador kinds) kept at each run, for the digest's level moves
SNAPSHOTS_TABLE = "_liens_member_snapshots"


def read_alerts(store: Store) -> list[dict[str, Any]]:
    """Every alert kept in the store (none before the first run)."""
    if not store.has_table(ALERTS_TABLE):
        return []
    return list(store.con.execute(f"SELECT * FROM {ALERTS_TABLE} ORDER BY raised_at, alert_id").to_arrow_table().to_pylist())


def save_alerts(store: Store, rows: list[dict[str, Any]]) -> None:
    """Insert or replace alerts by `alert_id`, all or nothing."""
    if not rows:
        return
    columns = list(ALERT_COLUMNS)
    with store.transaction() as con:
        con.execute(f"CREATE TABLE IF NOT EXISTS {ALERTS_TABLE} ("
                    + ", ".join(f"{c} {t}" for c, t in ALERT_COLUMNS.items()) + ")")
        con.executemany(f"DELETE FROM {ALERTS_TABLE} WHERE alert_id = ?", [[r["alert_id"]] for r in rows])
        con.executemany(f"INSERT INTO {ALERTS_TABLE} VALUES ({', '.join('?' * len(columns))})",
                        [[r.get(c) for c in columns] for r in rows])


def save_member_snapshot(store: Store, day: Any) -> None:
    """Keep today's member levels and ambassador kinds (from `result_members`) under `day`, replacing that day's."""
    if not store.has_table("result_members"):
        return
    with store.transaction() as con:
        con.execute(f"CREATE TABLE IF NOT EXISTS {SNAPSHOTS_TABLE} (day DATE, member_id VARCHAR, member_level VARCHAR, "
                    "ambassador_kinds VARCHAR)")
        con.execute(f"DELETE FROM {SNAPSHOTS_TABLE} WHERE day = ?", [day])
        con.execute(f"INSERT INTO {SNAPSHOTS_TABLE} SELECT CAST(? AS DATE), member_id, member_level, "
                    "coalesce(ambassador_kinds, '') FROM result_members", [day])


# -- the inbox (`liens inbox done`, the dashboard's "handled" button): texts the team has handled, so the
# queue shrinks; kept across analyses (an analysis rewrites result_unanswered, not this).
INBOX_DONE_TABLE = "_liens_inbox_done"


def mark_done(store: Store, interaction_ids: list[str], when: Any, by: str = "") -> int:
    """Mark these texts handled (again: no change); how many were newly marked."""
    ids = sorted({str(i) for i in interaction_ids if str(i).strip()})
    if not ids:
        return 0
    with store.transaction() as con:
        con.execute(f"CREATE TABLE IF NOT EXISTS {INBOX_DONE_TABLE} (interaction_id VARCHAR PRIMARY KEY, "
                    "done_at TIMESTAMP, done_by VARCHAR)")
        before = con.execute(f"SELECT count(*) FROM {INBOX_DONE_TABLE}").fetchone()
        con.executemany(f"INSERT INTO {INBOX_DONE_TABLE} VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        [[i, when, by] for i in ids])
        after = con.execute(f"SELECT count(*) FROM {INBOX_DONE_TABLE}").fetchone()
    return int((after or [0])[0]) - int((before or [0])[0])


def done_ids(store: Store) -> set[str]:
    """The texts marked handled."""
    if not store.has_table(INBOX_DONE_TABLE):
        return set()
    return {str(r[0]) for r in store.con.execute(f"SELECT interaction_id FROM {INBOX_DONE_TABLE}").fetchall()}
