"""A brand's own labels for the conversation model: `liens conversation train LABELS.csv` and `evaluate`.

A labels file is a CSV with a `text` or an `interaction_id` column (the text is then read from the
store) and an `intent` and/or a `sentiment` column. Labels may be written in English or in French
(achat, assistance, éloge…; négatif, neutre, positif). A bad file is refused with the file, the row
(its line in the file, the header being line 1) and the column named, and the store is unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ...errors import AnalysisError, DatasetError
from ...store.models import CONVERSATION_LABELS, save_conversation_model, side_table
from ...store.store import Store
from .intent import INTENTS
from .models import SENTIMENTS, ConversationModel, adapt, default_model

INTENT_WORDS = {**{i: i for i in INTENTS}, "co-creation": "cocreation", "achat": "purchase", "emploi": "job",
                "co-création": "cocreation", "cocréation": "cocreation", "assistance": "support", "éloge": "praise",
                "eloge": "praise", "générique": "generic", "generique": "generic"}
SENTIMENT_WORDS = {**{s: s for s in SENTIMENTS}, "négatif": "negative", "negatif": "negative", "neutre": "neutral",
                   "positif": "positive", "neg": "negative", "pos": "positive", "-1": "negative", "0": "neutral",
                   "1": "positive"}
MIN_LABELS = 10


def read_labels(path: str | Path, store: Store | None = None) -> list[dict[str, Any]]:
    """The labelled rows of a labels file: row (line in the file), interaction_id, text, intent, sentiment."""
    path = Path(path)
    where = str(path)
    expected = "a CSV with a text or interaction_id column and an intent and/or sentiment column"
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [str(c or "").strip().lower() for c in (reader.fieldnames or [])]
            raw = list(reader)
    except FileNotFoundError:
        raise DatasetError("the labels file does not exist", file=where, expected=expected) from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise DatasetError(f"not a readable CSV ({error})", file=where, expected=expected) from None
    if not header:
        raise DatasetError("the labels file is empty", file=where, expected=expected)
    if "text" not in header and "interaction_id" not in header:
        raise DatasetError("no text or interaction_id column", file=where, row=1, column="text", expected=expected)
    if "intent" not in header and "sentiment" not in header:
        raise DatasetError("no intent or sentiment column", file=where, row=1, column="intent", expected=expected)
    if not raw:
        raise DatasetError("the labels file has a header but no labelled row", file=where, row=2, expected=expected)
    rows = []
    for i, values in enumerate(raw):
        line = i + 2
        cell = {k: str(values.get(orig) or "").strip() for k, orig in zip(header, reader.fieldnames or [])}
        out: dict[str, Any] = {"row": line, "interaction_id": cell.get("interaction_id", ""), "text": cell.get("text", ""),
                               "intent": "", "sentiment": ""}
        for column, words, names in (("intent", INTENT_WORDS, INTENTS), ("sentiment", SENTIMENT_WORDS, SENTIMENTS)):
            word = cell.get(column, "").lower()
            if word and word not in words:
                raise DatasetError(f"unknown {column} '{cell[column]}'", file=where, row=line, column=column,
                                   expected="one of " + ", ".join(names))
            out[column] = words.get(word, "")
        if not out["intent"] and not out["sentiment"]:
            raise DatasetError("the row has neither an intent nor a sentiment", file=where, row=line,
                               column="intent" if "intent" in header else "sentiment", expected=expected)
        if not out["text"] and not out["interaction_id"]:
            raise DatasetError("the row has neither a text nor an interaction id", file=where, row=line,
                               column="text" if "text" in header else "interaction_id", expected=expected)
        rows.append(out)
    wanted = sorted({r["interaction_id"] for r in rows if not r["text"]})
    if wanted:
        if store is None:
            raise DatasetError("rows name an interaction id but no store is given to read their text", file=where,
                               row=next(r["row"] for r in rows if not r["text"]), column="interaction_id")
        texts = _texts_of(store, wanted)
        for r in rows:
            if r["text"]:
                continue
            text = texts.get(r["interaction_id"])
            if text is None:
                raise DatasetError(f"interaction '{r['interaction_id']}' is not in the store", file=where, row=r["row"],
                                   column="interaction_id", expected="an interaction_id of the store's interactions")
            if not text.strip():
                raise DatasetError(f"interaction '{r['interaction_id']}' has no text", file=where, row=r["row"],
                                   column="interaction_id", expected="an interaction with a text")
            r["text"] = text
    return rows


def _texts_of(store: Store, ids: Sequence[str]) -> dict[str, str]:
    if not store.has_table("interactions"):
        return {}
    store.con.register("_liens_wanted_ids", pa.table({"interaction_id": pa.array(list(ids), pa.string())}))
    try:
        found = store.con.execute(
            "SELECT i.interaction_id, coalesce(i.text, '') AS text FROM interactions i "
            "JOIN _liens_wanted_ids w USING (interaction_id)").to_arrow_table().to_pylist()
    finally:
        store.con.unregister("_liens_wanted_ids")
    return {r["interaction_id"]: r["text"] for r in found}


def _check_enough(rows: Sequence[dict[str, Any]]) -> None:
    if len(rows) < MIN_LABELS:
        raise AnalysisError(f"the labels hold {len(rows)} labelled texts: at least {MIN_LABELS} are needed to learn from")


def train(store: Store, labels: str | Path | Sequence[dict[str, Any]], purchase_margin: float = 0.6,
          seed: int = 0) -> tuple[ConversationModel, list[dict[str, Any]]]:
    """Adapt the shipped model to the brand's labels and keep it (and the labels) in the store."""
    rows = read_labels(labels, store) if isinstance(labels, (str, Path)) else list(labels)
    _check_enough(rows)
    model = adapt(default_model(purchase_margin), rows, seed=seed)
    table = pa.table({
        "row": pa.array([int(r.get("row", i + 2)) for i, r in enumerate(rows)], pa.int64()),
        **{c: pa.array([str(r.get(c) or "") for r in rows], pa.string()) for c in ("interaction_id", "text", "intent", "sentiment")},
    })
    save_conversation_model(store, {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"), "shipped": model.meta.get("digest", ""),
        "n_labels": len(rows), "model": model.adaptation_bytes()}, table)
    return model, rows


def stored_labels(store: Store) -> list[dict[str, Any]]:
    table = side_table(store, CONVERSATION_LABELS)
    if table is None:
        raise AnalysisError("no conversation labels in this store: run `liens conversation train LABELS.csv` first")
    return list(table.to_pylist())


def _figures(truth: Sequence[str], guess: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    return {"texts": len(truth), "accuracy": float(np.mean([a == b for a, b in zip(truth, guess)])) if truth else float("nan"),
            "macro_f1": float(f1_score(truth, guess, labels=sorted(set(truth)), average="macro", zero_division=0))
            if truth else float("nan")}


def evaluate(store: Store, folds: int = 5, purchase_margin: float = 0.6, seed: int = 0) -> dict[str, Any]:
    """Cross-validated figures of the brand's model on its labels, beside the shipped model's on the same
    texts: per task (intent, sentiment), accuracy and macro-F1 over the labels present."""
    rows = stored_labels(store)
    _check_enough(rows)
    shipped = default_model(purchase_margin)
    folds = max(2, min(folds, len(rows)))
    order = np.random.default_rng(seed).permutation(len(rows))
    guessed: dict[str, list[str]] = {"intent": [""] * len(rows), "sentiment": [""] * len(rows)}
    for k in range(folds):
        test = order[k::folds]
        train_rows = [rows[i] for i in order if i not in set(test.tolist())]
        model = adapt(shipped, train_rows, seed=seed)
        found = model.predict([rows[i]["text"] for i in test])
        for task in guessed:
            for j, i in enumerate(test):
                guessed[task][i] = str(found[task][j])
    base = shipped.predict([r["text"] for r in rows])
    out: dict[str, Any] = {"labels": len(rows), "folds": folds}
    for task, names in (("intent", INTENTS), ("sentiment", SENTIMENTS)):
        idx = [i for i, r in enumerate(rows) if r[task]]
        if not idx:
            continue
        truth = [rows[i][task] for i in idx]
        out[task] = {"brand": _figures(truth, [guessed[task][i] for i in idx], names),
                     "shipped": _figures(truth, [str(base[task][i]) for i in idx], names)}
    return out
