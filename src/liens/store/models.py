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
#: input name an analysis declares -> table of the store
SIDE_TABLES = {AUDIENCE_MODEL: "_liens_audience_model", AUDIENCE_LABELS: "_liens_audience_labels",
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


def side_table(store: Store, name: str) -> pa.Table | None:
    """A side table by its input name (`audience_model`, `audience_labels`), or None when absent."""
    table = SIDE_TABLES[name]
    return store.arrow(table) if store.has_table(table) else None
