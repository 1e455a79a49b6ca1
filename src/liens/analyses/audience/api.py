"""The audience feature's Python API over a store: train and evaluate the follower model, vet an account.

The CLI (`liens audience ...`) is a thin layer over these functions. They read the store's canonical
tables (and the per-account results of `liens analyze` when there are any), never print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from ...config import Config
from ...engine import connect
from ...errors import AnalysisError
from ...readers.labels import read_labels
from ...schema import TABLES
from ...store.models import AUDIENCE_LABELS, AUDIENCE_MODEL, save_audience_model, side_table
from ...store.store import RESULT_PREFIX, Store
from ..common import brand_account_ids
from ..core import base_interactions
from . import Assessment, assess, vetting_row
from .features import activity_table, follower_frames, labelled_rows
from .model import TrainedModel, cross_validate, fit, from_table, parse_labels, to_row


class _Inputs:
    """The store's tables seen through the engine, with the brand and the end of the data."""

    def __init__(self, store: Store, config: Config) -> None:
        store.require_data()
        self.backend = connect(store)
        self.tables = {name: self.backend.table(name) for name in TABLES if store.has_table(name)}
        self.brand_ids = brand_account_ids(self.tables["accounts"], self.tables["posts"], config)
        results = RESULT_PREFIX + "accounts"
        activity = None
        if store.has_table(results):
            table = self.backend.table(results)
            if "interactions_made" in table.columns:
                cols = ["account_id", "interactions_made"] + (["pod_id"] if "pod_id" in table.columns else [])
                activity = table.select(*cols)
        self.activity = activity if activity is not None else activity_table(self.tables["interactions"])
        stored = RESULT_PREFIX + "interactions"
        self.interactions = (self.backend.table(stored) if store.has_table(stored)
                             else base_interactions(self.tables["interactions"], self.tables["posts"], self.brand_ids))
        span = self.tables["interactions"].aggregate(start=ibis._.created_at.min(), end=ibis._.created_at.max())
        row = span.to_pyarrow().to_pylist()[0]
        self.span = None if row["start"] is None else (pd.Timestamp(row["start"]), pd.Timestamp(row["end"]))


def labelled_features(inputs: _Inputs, labels: pd.DataFrame) -> pd.DataFrame:
    """Feature rows of the labelled accounts, in the labels' order."""
    ids = ibis.memtable(labels[["account_id"]].astype(str))
    rows = labelled_rows(ids, inputs.tables.get("follows"), inputs.brand_ids,
                         None if inputs.span is None else inputs.span[1].to_pydatetime())
    profiles, _ = follower_frames(inputs.tables["accounts"], inputs.activity, rows)
    return labels[["account_id"]].merge(profiles, on="account_id", how="left")


def train_model(store: Store, labels: pd.DataFrame | str | Path, config: Config | None = None) -> TrainedModel:
    """Fit the follower model on labelled accounts (account_id, label: fake or real) and keep it in the store;
    `liens analyze` uses it from then on."""
    config = config or Config()
    frame = read_labels(labels) if isinstance(labels, (str, Path)) else labels
    inputs = _Inputs(store, config)
    known = set(inputs.tables["accounts"].account_id.to_pyarrow().to_pylist())
    parsed = parse_labels(frame, known)
    features = labelled_features(inputs, parsed)
    model = fit(features, parsed.is_fake.to_numpy(), trees=config.audience.model_trees, seed=config.audience.seed)
    labels_table = pa.Table.from_pandas(
        parsed[["account_id", "label", "is_fake"]].astype({"account_id": str, "label": str, "is_fake": int}),
        preserve_index=False)
    save_audience_model(store, to_row(model), labels_table)
    return model


def evaluate_model(store: Store, config: Config | None = None, *, folds: int | None = None,
                   repeats: int | None = None) -> dict[str, Any]:
    """Repeated stratified cross-validation of the model on the labels it was trained on."""
    config = config or Config()
    stored = side_table(store, AUDIENCE_LABELS)
    if stored is None:
        raise AnalysisError("no labelled accounts in this store: run `liens audience train LABELS.csv` first")
    labels = stored.to_pandas()
    inputs = _Inputs(store, config)
    features = labelled_features(inputs, labels)
    settings = config.audience
    return cross_validate(features, labels.is_fake.to_numpy(), folds=folds or settings.cv_folds,
                          repeats=repeats or settings.cv_repeats, trees=settings.model_trees, seed=settings.seed)


def stored_model(store: Store) -> TrainedModel | None:
    return from_table(side_table(store, AUDIENCE_MODEL))


def resolve_account(accounts: Any, wanted: str) -> str:
    """The account id of `wanted`: an id of the accounts table, else a handle (with or without @, any case;
    one account must hold it)."""
    if accounts.filter(accounts.account_id == wanted).count().to_pyarrow().as_py():
        return wanted
    if "handle" in accounts.columns:
        handle = wanted.strip().lstrip("@").lower()
        key = accounts.handle.strip().re_replace("^@", "").lower()
        found = sorted(set(accounts.filter(key == handle).account_id.to_pyarrow().to_pylist()))
        if len(found) == 1:
            return str(found[0])
        if len(found) > 1:
            raise AnalysisError(f"the handle '{wanted}' is held by {len(found)} accounts ({', '.join(found[:5])}): "
                                "give the account id")
    raise AnalysisError(f"account '{wanted}' is not in the store's accounts table (neither an id nor a handle)")


def vet_account(store: Store, account_id: str, config: Config | None = None, *,
                sample: int | None = None) -> tuple[dict[str, Any], Assessment]:
    """Judge another account's audience (an influencer before paying them) from a sample of its followers,
    the same way as the brand's: (figures as in the `vetting` table, the full assessment). `account_id` may
    be a handle; `fake_share_status` is `wide_interval` when the sample is too small for a useful interval."""
    config = config or Config()
    inputs = _Inputs(store, config)
    follows = inputs.tables.get("follows")
    if follows is None:
        raise AnalysisError("vetting an account needs the 'follows' table (who follows it)")
    accounts = inputs.tables["accounts"]
    account_id = resolve_account(accounts, account_id)
    result = assess(accounts=accounts, activity=inputs.activity, follows=follows, audience=inputs.tables.get("audience"),
                    posts=inputs.tables["posts"], interactions=inputs.interactions, owners=[account_id],
                    settings=config.audience, model=stored_model(store), span=inputs.span,
                    sample=sample or config.audience.vet_sample)
    return vetting_row(account_id, result, accounts, follows), result
