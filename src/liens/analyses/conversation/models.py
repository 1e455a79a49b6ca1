"""The conversation model that ships in the package: intent and sentiment heads over one set of features.

`default_model()` loads `data/conversation_model.npz` (written by `scripts/train_conversation.py`
from real labelled text and the team's corpus; see docs/data-card.md). A brand's own labels adapt
it (`adapt`): the brand's texts join the training rows with a higher weight and the heads are fit
again over the shipped features; the result is kept in the store (`liens conversation train`).

Intent: a linear SVM; a purchase is called only when its score beats the runner-up by
`purchase_margin` (a false lead costs more than a missed one). Sentiment: a logistic regression
over negative / neutral / positive; the score is P(positive) - P(negative), in [-1, 1].
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from scipy import sparse

from .intent import load_corpus
from .textmodel import Batch, Head, TextModel, fit_features, fit_head

_DATA = "liens.analyses.conversation.data"
SHIPPED = Path(__file__).resolve().parent / "data" / "conversation_model.npz"
SENTIMENTS = ("negative", "neutral", "positive")

# Weight of one training text by source: the hand-written corpus is the domain (brand comments and
# DMs in both languages) and is small; the public sets are large and from other domains.
# Measured (scripts/train_conversation.py): the sentiment corpus needs weight 30 to be heard beside
# 60k Reddit and subtitle lines (team held-out English polar accuracy 0.68 at 3, 0.78 at 30).
SOURCE_WEIGHTS = {
    "intent": {"corpus": 3.0, "corpus_sentiment": 3.0, "brand": 6.0, "clinc_train": 1.0, "clinc_test": 1.0,
               "snips": 0.5, "youtube": 0.7},
    "sentiment": {"corpus": 30.0, "corpus_sentiment": 30.0, "brand": 30.0, "goemotions_train": 0.6,
                  "goemotions_test": 0.6, "xed_en": 0.5, "xed_fr": 1.0},
}
SENTIMENT_C, INTENT_C = 2.0, 0.5


def load_sentiment_corpus() -> list[dict[str, str]]:
    """The team's sentiment corpus: text, language, sentiment (and an intent where one was written)."""
    text = resources.files(_DATA).joinpath("sentiment_corpus.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def corpus_rows() -> list[dict[str, str]]:
    """The team's corpus as training rows: the intent corpus (praise is positive, critique negative)
    and the sentiment corpus."""
    out = []
    for r in load_corpus():
        # Requests, applications and ideas are mostly told without feeling either way (questions before
        # buying above all); support (damage, delays), ideas and short reactions are left unlabelled.
        sentiment = {"praise": "positive", "critique": "negative", "purchase": "neutral", "job": "neutral",
                     "spam": "neutral"}.get(r["intent"], "")
        out.append({"text": r["text"], "language": r["language"], "source": "corpus", "intent": r["intent"],
                    "sentiment": sentiment})
    for r in load_sentiment_corpus():
        out.append({"text": r["text"], "language": r["language"], "source": "corpus_sentiment",
                    "intent": r.get("intent") or "", "sentiment": r["sentiment"]})
    return out


STACK_SCALE = 0.5  # the shipped head's scores, as features of a brand's head


@dataclass
class ConversationModel:
    model: TextModel
    purchase_margin: float = 0.6
    # A brand's heads (`adapt`), over the features and the shipped heads' scores.
    adapted: dict[str, Head] = field(default_factory=dict)

    @property
    def meta(self) -> dict[str, Any]:
        return self.model.meta

    def head_scores(self, name: str, matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """(scores, classes) of one head: the brand's where there is one, else the shipped one."""
        base = self.model.heads[name]
        scores = base.scores(matrix)
        if name not in self.adapted:
            return scores, np.asarray(base.classes, dtype=object)
        stacked = sparse.hstack([matrix, sparse.csr_matrix(scores * STACK_SCALE)], format="csr")
        return self.adapted[name].scores(stacked), np.asarray(self.adapted[name].classes, dtype=object)

    def classify(self, batch: Batch) -> dict[str, np.ndarray]:
        """intent, intent_confidence, sentiment_probabilities (negative, neutral, positive), sentiment_score."""
        matrix = self.model.matrix(batch)
        out: dict[str, np.ndarray] = {}
        scores, classes = self.head_scores("intent", matrix)
        order = np.argsort(-scores, axis=1)[:, :2]
        rows = np.arange(len(scores))
        best = order[:, 0].copy()
        if "purchase" in set(classes) and len(classes) > 1:
            purchase = int(np.flatnonzero(classes == "purchase")[0])
            margin = scores[rows, order[:, 0]] - scores[rows, order[:, 1]]
            demote = (best == purchase) & (margin < self.purchase_margin)
            best[demote] = order[demote, 1]
        weights = np.exp(scores - scores.max(axis=1, keepdims=True))
        out["intent"] = classes[best]
        out["intent_confidence"] = weights[rows, best] / weights.sum(axis=1)
        logits, sentiment_classes = self.head_scores("sentiment", matrix)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities = e / e.sum(axis=1, keepdims=True)
        column = {c: i for i, c in enumerate(sentiment_classes)}
        out["sentiment_probabilities"] = probabilities[:, [column[c] for c in SENTIMENTS]]
        out["sentiment_score"] = out["sentiment_probabilities"][:, 2] - out["sentiment_probabilities"][:, 0]
        return out

    def predict(self, texts: Sequence[str] | pa.Array, batch: int = 50_000, negative: float = -0.1,
                positive: float = 0.1) -> dict[str, np.ndarray]:
        """As `classify`, for any number of texts, with `sentiment` labels from the score's thresholds."""
        array = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(list(texts), pa.string())
        parts = [self.classify(Batch.of(array.slice(s, batch))) for s in range(0, len(array), batch)]
        if not parts:
            return {"intent": np.array([], dtype=object), "intent_confidence": np.zeros(0),
                    "sentiment_score": np.zeros(0), "sentiment": np.array([], dtype=object)}
        out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        out["sentiment"] = sentiment_labels(out["sentiment_score"], negative, positive)
        return out

    def save(self, path: str | Path) -> None:
        self.model.save(path)

    def adaptation_bytes(self) -> bytes:
        """The brand's heads alone (the shipped model is in the package), with the shipped model's digest."""
        arrays: dict[str, np.ndarray] = {}
        for name, head in self.adapted.items():
            arrays[f"{name}_coef"] = head.coef.astype(np.float32)
            arrays[f"{name}_intercept"] = head.intercept
            arrays[f"{name}_classes"] = np.array(list(head.classes), dtype=np.str_)
        meta = {"heads": list(self.adapted), "shipped": self.meta.get("digest", "")}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        out = io.BytesIO()
        np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
        return out.getvalue()

    def with_adaptation(self, data: bytes) -> ConversationModel:
        """This model with a brand's heads read from `adaptation_bytes` (refused when they were fit on
        another shipped model: their weights would not mean the same features)."""
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            if meta.get("shipped") != self.meta.get("digest", ""):
                raise ValueError("the brand's conversation model was trained on another version of the shipped model")
            heads = {n: Head(z[f"{n}_classes"].astype(object), z[f"{n}_coef"], z[f"{n}_intercept"]) for n in meta["heads"]}
        return ConversationModel(self.model, self.purchase_margin, heads)


def sentiment_labels(scores: np.ndarray, negative: float = -0.1, positive: float = 0.1) -> np.ndarray:
    labels = np.full(len(scores), "neutral", dtype=object)
    labels[scores > positive] = "positive"
    labels[scores < negative] = "negative"
    return labels


def _weights(rows: Sequence[dict[str, str]], head: str) -> np.ndarray:
    return np.array([SOURCE_WEIGHTS[head].get(r.get("source", "corpus"), 1.0) for r in rows])


def train(rows: Sequence[dict[str, str]], seed: int = 0, features: Any = None,
          meta: dict[str, Any] | None = None) -> ConversationModel:
    """Fit the features (unless given) and both heads on rows of text, language, source, intent and/or
    sentiment (an empty label: not a training text for that head)."""
    from .intent import load_lexicon

    rows = sorted(rows, key=lambda r: (r.get("source", ""), r["language"], r["text"], r.get("intent", ""), r.get("sentiment", "")))
    texts = [r["text"] for r in rows]
    if features is None:
        features = fit_features(texts, load_lexicon())
    matrix = features.transform(Batch.of(texts))
    heads = {}
    for name, kind, c in (("intent", "svm", INTENT_C), ("sentiment", "logistic", SENTIMENT_C)):
        idx = np.array([i for i, r in enumerate(rows) if r.get(name)], dtype=np.int64)
        labels = [rows[i][name] for i in idx]
        weights = _weights([rows[i] for i in idx], name)
        heads[name] = fit_head(sparse.csr_matrix(matrix[idx]), labels, weights, kind=kind, c=c, seed=seed)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.get("source", "corpus")] = counts.get(r.get("source", "corpus"), 0) + 1
    return ConversationModel(TextModel(features, heads, {"sources": counts, **(meta or {})}))


def adapt(base: ConversationModel, labelled: Sequence[dict[str, str]], seed: int = 0) -> ConversationModel:
    """The shipped model adapted to a brand's labelled texts (rows of text, intent and/or sentiment).

    Each head is fit again on the team's corpus and the brand's texts (weighted `SOURCE_WEIGHTS`
    'brand'), over the shipped features and the shipped head's scores: what the shipped model learnt
    from the public sets stays one feature away, and the brand's words correct it."""
    rows = corpus_rows() + [{**r, "source": "brand"} for r in labelled]
    rows = sorted(rows, key=lambda r: (r["source"], r["text"], r.get("intent", ""), r.get("sentiment", "")))
    matrix = base.model.matrix(Batch.of([r["text"] for r in rows]))
    heads = {}
    for name, kind, c in (("intent", "svm", INTENT_C), ("sentiment", "logistic", SENTIMENT_C)):
        if not any(r.get(name) for r in labelled):
            continue  # the brand labelled the other task only: its shipped head stays
        idx = np.array([i for i, r in enumerate(rows) if r.get(name)], dtype=np.int64)
        sub = sparse.csr_matrix(matrix[idx])
        stacked = sparse.hstack([sub, sparse.csr_matrix(base.model.heads[name].scores(sub) * STACK_SCALE)], format="csr")
        heads[name] = fit_head(stacked, [rows[i][name] for i in idx], _weights([rows[i] for i in idx], name),
                               kind=kind, c=c, seed=seed)
    return ConversationModel(base.model, base.purchase_margin, heads)


@lru_cache(maxsize=4)
def _shipped(path: str) -> TextModel:
    return TextModel.load(path)


def default_model(purchase_margin: float = 0.6) -> ConversationModel:
    """The shipped model (loaded once per process)."""
    return ConversationModel(_shipped(str(SHIPPED)), purchase_margin)
