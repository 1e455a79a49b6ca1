"""The audience feature's Python API over a store: train and evaluate the follower model, vet an account.

The CLI (`liens audience ...`) is a thin layer over these functions. They read the store's canonical
tables (and the per-account results of `liens analyze` when there are any), never print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from ...config import Config
from ...engine import connect
from ...errors import AnalysisError, LiensError
from ...schema import TABLES
from ...store.store import RESULT_PREFIX, Store
from ..common import brand_account_ids
from ..core import base_interactions
from . import Assessment, assess, vetting_row
from .features import activity_table, follower_frames, labelled_rows
from .model import LABELS_TABLE, TrainedModel, cross_validate, fit, load_from_backend, parse_labels, save


def read_labels(path: str | Path) -> pd.DataFrame:
    """A labels CSV (account_id,label) as a frame; a clear error when it cannot be read."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise LiensError(f"labels file {path} does not exist") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise LiensError(f"labels file {path} is not a readable CSV ({str(error).splitlines()[0]})") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


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
    with store.transaction() as con:
        save(con, model, parsed)
    return model


def evaluate_model(store: Store, config: Config | None = None, *, folds: int | None = None,
                   repeats: int | None = None) -> dict[str, Any]:
    """Repeated stratified cross-validation of the model on the labels it was trained on."""
    config = config or Config()
    if not store.has_table(LABELS_TABLE):
        raise AnalysisError("no labelled accounts in this store: run `liens audience train LABELS.csv` first")
    labels = store.arrow(LABELS_TABLE).to_pandas()
    inputs = _Inputs(store, config)
    features = labelled_features(inputs, labels)
    settings = config.audience
    return cross_validate(features, labels.is_fake.to_numpy(), folds=folds or settings.cv_folds,
                          repeats=repeats or settings.cv_repeats, trees=settings.model_trees, seed=settings.seed)


def stored_model(store: Store) -> TrainedModel | None:
    return load_from_backend(connect(store))


def vet_account(store: Store, account_id: str, config: Config | None = None, *,
                sample: int | None = None) -> tuple[dict[str, Any], Assessment]:
    """Judge another account's audience (an influencer before paying them) from a sample of its followers,
    the same way as the brand's: (figures as in the `vetting` table, the full assessment)."""
    config = config or Config()
    inputs = _Inputs(store, config)
    follows = inputs.tables.get("follows")
    if follows is None:
        raise AnalysisError("vetting an account needs the 'follows' table (who follows it)")
    accounts = inputs.tables["accounts"]
    if not accounts.filter(accounts.account_id == account_id).count().to_pyarrow().as_py():
        raise AnalysisError(f"account '{account_id}' is not in the store's accounts table")
    result = assess(accounts=accounts, activity=inputs.activity, follows=follows, audience=inputs.tables.get("audience"),
                    posts=inputs.tables["posts"], interactions=inputs.interactions, owners=[account_id],
                    settings=config.audience, model=load_from_backend(inputs.backend), span=inputs.span,
                    sample=sample or config.audience.vet_sample)
    return vetting_row(account_id, result, accounts, follows), result
