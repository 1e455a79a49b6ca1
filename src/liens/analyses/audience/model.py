"""The trainable follower model: a random forest on the scorer's features, fitted on the user's labels.

`fit` trains on labelled accounts; `cross_validate` reports repeated stratified k-fold accuracy,
precision, recall, F1 (of the fake class) and AUC, next to the default scorer's AUC on the same
accounts; the model is kept in the store (pickled, with its feature list and training date) and used
by `liens analyze` from then on. Random forests take missing values as they are (scikit-learn 1.4+),
so a follower with an unknown field is scored with what there is.
"""

from __future__ import annotations

import io
import json
import pickle
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ...errors import AnalysisError
from .features import FEATURES
from .scoring import score_profiles

# joined_in_burst is known only after the bursts are found from the first scores: it is added to the
# model's log-odds as in the default scorer rather than learnt.
MODEL_FEATURES = tuple(f for f in FEATURES if f != "joined_in_burst")
FAKE_WORDS = {"fake", "bot", "bought", "spam", "1", "true", "yes"}
REAL_WORDS = {"real", "genuine", "authentic", "human", "0", "false", "no", "inactive", "mass_follower"}


@dataclass
class TrainedModel:
    estimator: Any
    features: list[str]
    trained_at: str
    n_labels: int
    n_fake: int

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Probability of being fake for each row of a feature frame."""
        if not len(frame):
            return np.zeros(0)
        X = frame.reindex(columns=self.features).to_numpy(dtype=float)
        return self.estimator.predict_proba(X)[:, list(self.estimator.classes_).index(1)]


def parse_labels(labels: pd.DataFrame, known_ids: set[str] | None = None) -> pd.DataFrame:
    """Check a labels table (account_id, label) and return it with `is_fake` (0/1).

    Labels: fake, bot, bought, spam, 1, true → fake; real, genuine, inactive, mass_follower, 0, false → not fake.
    """
    missing = [c for c in ("account_id", "label") if c not in labels.columns]
    if missing:
        raise AnalysisError(f"the labels file needs the columns account_id and label (missing: {', '.join(missing)})")
    frame = labels[["account_id", "label"]].dropna(subset=["account_id"]).copy()
    frame["account_id"] = frame.account_id.astype(str).str.strip()
    words = frame.label.astype(str).str.strip().str.lower()
    unknown = sorted(set(words) - FAKE_WORDS - REAL_WORDS)
    if unknown:
        rows = [int(i) + 2 for i in frame.index[words.isin(unknown)][:3]]
        raise AnalysisError(f"the labels file has unknown labels {unknown[:5]} (rows {rows}): use fake or real")
    frame["is_fake"] = words.isin(FAKE_WORDS).astype(int)
    frame = frame.drop_duplicates("account_id", keep="last")
    if known_ids is not None:
        strangers = sorted(set(frame.account_id) - known_ids)
        if strangers:
            shown = ", ".join(strangers[:5]) + (" …" if len(strangers) > 5 else "")
            raise AnalysisError(f"{len(strangers)} labelled account(s) are not in the store's accounts table: {shown}")
    counts = frame.is_fake.value_counts()
    if len(counts) < 2:
        only = "fake" if counts.index[0] == 1 else "real" if len(counts) else "none"
        raise AnalysisError(f"the labels need both fake and real accounts to learn from (all are {only})")
    if counts.min() < 2:
        raise AnalysisError("the labels need at least 2 fake and 2 real accounts to learn from")
    return frame.reset_index(drop=True)


def make_estimator(trees: int = 200, seed: int = 0) -> Any:
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=trees, min_samples_leaf=3, random_state=seed, n_jobs=1)


def usable_features(frame: pd.DataFrame, candidates: tuple[str, ...] = MODEL_FEATURES) -> list[str]:
    """The features with at least one known value among the labelled accounts."""
    return [f for f in candidates if f in frame.columns and frame[f].notna().any()]


def fit(frame: pd.DataFrame, y: np.ndarray, trees: int = 200, seed: int = 0) -> TrainedModel:
    features = usable_features(frame)
    if not features:
        raise AnalysisError("the labelled accounts have no profile or behaviour field to learn from")
    estimator = make_estimator(trees, seed).fit(frame[features].to_numpy(dtype=float), np.asarray(y, dtype=int))
    return TrainedModel(estimator, features, datetime.now(UTC).replace(microsecond=0).isoformat(),
                        len(y), int(np.sum(y)))


def cross_validate(frame: pd.DataFrame, y: np.ndarray, *, folds: int = 5, repeats: int = 10, trees: int = 200,
                   seed: int = 0) -> dict[str, Any]:
    """Repeated stratified k-fold figures of the model (mean and standard deviation over the folds), and the
    default scorer's AUC on the same accounts (it needs no training, so no folds)."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import RepeatedStratifiedKFold
    from sklearn.model_selection import cross_validate as sk_cross_validate

    y = np.asarray(y, dtype=int)
    smallest = int(min(np.sum(y), len(y) - np.sum(y)))
    if smallest < 2:
        raise AnalysisError("cross-validation needs at least 2 fake and 2 real labelled accounts")
    folds = min(folds, smallest)
    features = usable_features(frame)
    cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    scores = sk_cross_validate(make_estimator(trees, seed), frame[features].to_numpy(dtype=float), y, cv=cv,
                               scoring=("accuracy", "precision", "recall", "f1", "roc_auc"))
    out: dict[str, Any] = {"folds": folds, "repeats": repeats, "accounts": len(y), "fake": int(y.sum()),
                           "features": features}
    for name, key in (("accuracy", "accuracy"), ("precision", "precision"), ("recall", "recall"), ("f1", "f1"),
                      ("auc", "roc_auc")):
        values = scores[f"test_{key}"]
        out[name], out[f"{name}_std"] = float(np.mean(values)), float(np.std(values))
    out["default_auc"] = float(roc_auc_score(y, score_profiles(frame).fake_score))
    return out


# -- keeping the model in the store ----------------------------------------------------------------

def to_bytes(model: TrainedModel) -> bytes:
    buffer = io.BytesIO()
    pickle.dump(model.estimator, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()


def to_row(model: TrainedModel) -> dict[str, Any]:
    """The model as the store keeps it (`store.models.save_audience_model`)."""
    return {"trained_at": model.trained_at, "kind": "random_forest", "features": json.dumps(model.features),
            "n_labels": model.n_labels, "n_fake": model.n_fake, "model": to_bytes(model)}


def from_row(row: dict[str, Any]) -> TrainedModel:
    # The store is the user's own file, written by `save`: unpickling it is as trusted as the store.
    estimator = pickle.loads(row["model"])
    return TrainedModel(estimator, json.loads(row["features"]), str(row["trained_at"]), int(row["n_labels"]),
                        int(row["n_fake"]))


def from_table(table: Any) -> TrainedModel | None:
    """The model kept in the store's side table (an Ibis or Arrow table, as the workspace gives it), or None."""
    if table is None:
        return None
    rows = (table if isinstance(table, pa.Table) else table.to_pyarrow()).to_pylist()
    return from_row(rows[0]) if rows else None
