"""Intent of each text: purchase, job, cocreation, support, critique, praise, generic, spam.

A scikit-learn linear SVM over TF-IDF word and character n-grams (built in `ngrams.py`), bilingual
cue lexicons and a few shape features, trained on the labelled corpus kept in `data/`. Training
takes about a second, so the model is trained once per process and never downloaded.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from ._text import is_question, normalise
from .ngrams import CharNgrams, WordNgrams
from .sentiment import mark_negations, sentiment_scores

INTENTS = ("purchase", "job", "cocreation", "support", "critique", "praise", "generic", "spam")
_DATA = "liens.analyses.conversation.data"


def load_corpus() -> list[dict[str, str]]:
    """The labelled corpus: rows of text, language (fr|en), intent."""
    text = resources.files(_DATA).joinpath("intent_corpus.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def load_lexicon() -> dict[str, list[str]]:
    with resources.files(_DATA).joinpath("intent_lexicon.json").open(encoding="utf-8") as handle:
        raw = json.load(handle)
    return {intent: raw[intent] for intent in INTENTS if intent in raw}


def _shape_features(normalised: pa.Array | pa.ChunkedArray, lexicon: dict[str, list[str]],
                    polarity: np.ndarray) -> sparse.csr_matrix:
    """Cue-lexicon hits, shape (question, length, emoji only) and sentiment (both lexicons), vectorised."""
    columns = [pc.match_substring_regex(normalised, pattern="|".join(patterns)) for patterns in lexicon.values()]
    words = pc.list_value_length(pc.split_pattern_regex(normalised, pattern=r"\s+"))
    columns += [
        is_question(normalised),
        pc.less_equal(words, 1), pc.equal(words, 2), pc.equal(words, 3),
        pc.and_(pc.greater_equal(words, 4), pc.less_equal(words, 6)), pc.greater(words, 12),
        pc.invert(pc.match_substring_regex(normalised, pattern=r"[a-z0-9]")),  # emoji or punctuation only
    ]
    dense = [np.asarray(c.to_numpy(zero_copy_only=False), dtype=np.float32) for c in columns]
    # Sentiment separates praise from critique where words alone do not ("pas du tout déçue").
    dense += [np.clip(polarity, 0, None), np.clip(-polarity, 0, None)]
    return sparse.csr_matrix(np.column_stack(dense))


@dataclass
class IntentModel:
    word: WordNgrams
    char: CharNgrams
    classifier: Any
    lexicon: dict[str, list[str]]
    purchase_margin: float = 0.6

    def features(self, normalised: pa.Array | pa.ChunkedArray, marked: pa.Array | pa.ChunkedArray | None = None,
                 polarity: np.ndarray | None = None) -> sparse.csr_matrix:
        """The feature matrix of normalised texts (`marked`: their negation-marked form, and
        `polarity`: their sentiment over both lexicons, when the caller has them already)."""
        if marked is None:
            marked = mark_negations(normalised)  # "neg_" words: "pas top" is not "top"
        if polarity is None:
            polarity = sentiment_scores(normalised, normalised=True, marked=marked)
        return sparse.hstack(
            [self.word.transform(marked), self.char.transform(normalised), _shape_features(normalised, self.lexicon, polarity)],
            format="csr",
        )

    def classify(self, normalised: pa.Array | pa.ChunkedArray, marked: pa.Array | pa.ChunkedArray | None = None,
                 polarity: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(intent, confidence) of one batch of normalised texts (arguments as in `features`)."""
        classes = np.asarray(self.classifier.classes_, dtype=object)
        purchase = int(np.flatnonzero(classes == "purchase")[0])
        scores = self.classifier.decision_function(self.features(normalised, marked, polarity))
        scores = scores.reshape(len(normalised), len(classes))
        order = np.argsort(-scores, axis=1)[:, :2]
        rows = np.arange(len(scores))
        best = order[:, 0].copy()
        margin = scores[rows, order[:, 0]] - scores[rows, order[:, 1]]
        demote = (best == purchase) & (margin < self.purchase_margin)
        best[demote] = order[demote, 1]
        weights = np.exp(scores - scores.max(axis=1, keepdims=True))
        return classes[best], weights[rows, best] / weights.sum(axis=1)

    def predict(self, texts: Sequence[str] | pa.Array | pa.ChunkedArray, batch: int = 50_000) -> tuple[np.ndarray, np.ndarray]:
        """(intent, confidence) for each text.

        The confidence is a softmax of the classifier's scores (relative, in [0, 1]). A purchase is
        only called when it beats the runner-up by `purchase_margin`: a false lead costs the brand
        more than a missed one, so purchase is kept precise.
        """
        array = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(list(texts), pa.string())
        array = normalise(pc.fill_null(array, ""))
        parts = [self.classify(array.slice(start, batch)) for start in range(0, len(array), batch)]
        if not parts:  # batches bound the memory of the n-gram matrices
            return np.array([], dtype=object), np.array([], dtype=float)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def train(rows: Sequence[dict[str, str]], seed: int = 0, purchase_margin: float = 0.6) -> IntentModel:
    from sklearn.svm import LinearSVC

    normalised = normalise(pa.array([r["text"] for r in rows], pa.string()))
    # Words carry meaning; character n-grams survive typos, slang spellings and missing accents.
    word, char = WordNgrams(min_df=1), CharNgrams(min_df=2)
    model = IntentModel(word=word, char=char, classifier=None, lexicon=load_lexicon(), purchase_margin=purchase_margin)
    word.fit(mark_negations(normalised))
    char.fit(normalised)
    # A linear SVM: as accurate as a logistic regression here, and ten times faster to train.
    classifier = LinearSVC(C=1.0, random_state=seed)
    classifier.fit(model.features(normalised), [r["intent"] for r in rows])
    model.classifier = classifier
    return model


def split_corpus(rows: Sequence[dict[str, str]], test_share: float = 0.25, seed: int = 0) -> tuple[list, list]:
    """A held-out split, stratified by language and intent."""
    from sklearn.model_selection import train_test_split

    strata = [f"{r['language']}/{r['intent']}" for r in rows]
    train_rows, test_rows = train_test_split(list(rows), test_size=test_share, random_state=seed, stratify=strata)
    return train_rows, test_rows


def cross_validated(rows: Sequence[dict[str, str]], folds: int = 5, seed: int = 0, purchase_margin: float = 0.6) -> np.ndarray:
    """Held-out predictions for every row: each fold is predicted by a model trained on the others."""
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{r['language']}/{r['intent']}" for r in rows]
    predicted = np.empty(len(rows), dtype=object)
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(rows, strata):
        model = train([rows[i] for i in train_idx], seed=seed, purchase_margin=purchase_margin)
        predicted[test_idx] = model.predict([rows[i]["text"] for i in test_idx])[0]
    return predicted


def evaluate(model: IntentModel | None, rows: Sequence[dict[str, str]], predicted: Any = None
             ) -> dict[str, dict[str, float]]:
    """Per language: accuracy, macro-F1, precision and recall of the purchase intent (of `model` on `rows`,
    or of given held-out predictions)."""
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

    if predicted is None:
        assert model is not None, "a model or its predictions"
        predicted, _ = model.predict([r["text"] for r in rows])
    figures: dict[str, dict[str, float]] = {}
    for lang in sorted({r["language"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["language"] == lang]
        truth = [rows[i]["intent"] for i in idx]
        guess = [predicted[i] for i in idx]
        figures[lang] = {
            "texts": len(idx),
            "accuracy": float(accuracy_score(truth, guess)),
            "macro_f1": float(f1_score(truth, guess, average="macro", labels=list(INTENTS), zero_division=0)),
            "purchase_precision": float(precision_score(truth, guess, labels=["purchase"], average="micro", zero_division=0)),
            "purchase_recall": float(recall_score(truth, guess, labels=["purchase"], average="micro", zero_division=0)),
        }
    return figures


@lru_cache(maxsize=4)
def default_model(seed: int = 0, purchase_margin: float = 0.6) -> IntentModel:
    """The model trained on the whole corpus (cached for the process)."""
    return train(load_corpus(), seed=seed, purchase_margin=purchase_margin)
