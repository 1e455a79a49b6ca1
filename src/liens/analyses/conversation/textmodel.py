"""The shipped text models: one feature extractor, linear heads for intent and sentiment.

Features are the vectorised TF-IDF n-grams of `ngrams.py` (word 1–2-grams of the negation-marked
text, character 3–4-grams inside words: typos, elongations, slang and missing accents share most of
their n-grams with the right spelling) plus a few dense columns (the cue lexicons of each intent,
the polarity of the TextBlob lexicons, question and length shape). Each head is a linear model
(`coef`, `intercept`) over the same matrix, so the features of a batch are built once for both.

A model is saved as one compressed NumPy archive (`save` / `load`): vocabularies, idf, weights and
the lexicon patterns; loading needs no scikit-learn and takes well under a second. Training
(`fit_features`, `fit_head`) uses scikit-learn.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from ._text import is_question, normalise
from .ngrams import CharNgrams, WordNgrams, _white_space, count_matrix
from .sentiment import lexicon_scores, mark_negations

FORMAT = 1
# Complaint and politeness formulas the n-grams see only as words: a column each, learnt per head.
FORMULAS = (
    r"\bmerci (pour|de) rien\b|\bthanks? for nothing\b|\bthanks? a lot\b|\bmerci beaucoup\b.*\b(toujours|encore|jamais)\b",
    r"\b(merci|thanks|thank you|thx|cordialement|svp|please|pls|stp)\W*$",  # politeness closing a message
    r"a{3,}|e{3,}|i{3,}|o{3,}|u{3,}|y{3,}|s{3,}|h{3,}|m{3,}|r{3,}|z{3,}|!{2,}",  # elongation: "trooop", "sooo"
    r"!",
    r"\b(deja|already|toujours pas|still not|still no|never (got|received|arrived)|jamais (recu|arrive))\b",
    r"\b(ma commande|mon colis|my order|my parcel|my package|commande n|order (no|number|#)|numero de commande)\b",
)


@dataclass
class Batch:
    """A batch of texts in the forms the features need (each computed once)."""

    normalised: pa.Array
    marked: pa.Array
    by_lexicon: np.ndarray  # mean polarity under the fr, en and both lexicons

    @classmethod
    def of(cls, texts: pa.Array | pa.ChunkedArray | Sequence[str], normalised: bool = False) -> Batch:
        array = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(list(texts), pa.string())
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        norm = array if normalised else normalise(pc.fill_null(array, ""))
        marked = mark_negations(norm)
        return cls(norm, marked, lexicon_scores(marked))


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """sublinear tf × idf, rows scaled to unit length (TfidfTransformer's transform)."""
    out = counts.astype(np.float64, copy=True)
    out.data = 1.0 + np.log(out.data)
    out = out @ sparse.diags(idf) if out.shape[1] else out
    out = sparse.csr_matrix(out)
    norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ out)


@dataclass
class Features:
    word: WordNgrams
    char: CharNgrams
    word_idf: np.ndarray
    char_idf: np.ndarray
    lexicon: dict[str, list[str]]

    @property
    def width(self) -> int:
        return len(self.word.vocabulary) + len(self.char.vocabulary) + self.dense_width

    @property
    def dense_width(self) -> int:
        return len(self.lexicon) + 7 + 6 + len(FORMULAS)

    def dense(self, batch: Batch) -> np.ndarray:
        norm = batch.normalised
        columns = [pc.match_substring_regex(norm, pattern="|".join(p)) for p in self.lexicon.values()]
        words = pc.list_value_length(pc.split_pattern_regex(norm, pattern=r"\s+"))
        columns += [
            is_question(norm),
            pc.less_equal(words, 1), pc.equal(words, 2), pc.equal(words, 3),
            pc.and_(pc.greater_equal(words, 4), pc.less_equal(words, 6)), pc.greater(words, 12),
            pc.invert(pc.match_substring_regex(norm, pattern=r"[a-z0-9]")),  # emoji or punctuation only
        ]
        columns += [pc.match_substring_regex(norm, pattern=f) for f in FORMULAS]
        dense = [np.asarray(c.to_numpy(zero_copy_only=False), dtype=np.float32) for c in columns]
        lex = np.clip(batch.by_lexicon, -1.0, 1.0).astype(np.float32)
        dense += [np.clip(lex[:, i], 0, None) for i in range(3)] + [np.clip(-lex[:, i], 0, None) for i in range(3)]
        return np.column_stack(dense)

    def transform(self, batch: Batch) -> sparse.csr_matrix:
        return sparse.hstack([
            _tfidf(self.word.counts(batch.marked), self.word_idf),
            _tfidf(self.char.counts(batch.normalised), self.char_idf),
            sparse.csr_matrix(self.dense(batch)),
        ], format="csr")


def fit_features(texts: Sequence[str] | pa.Array, lexicon: dict[str, list[str]], word_min_df: int = 2,
                 char_min_df: int = 3) -> Features:
    """Vocabularies and idf learnt from training texts (the union of every head's texts)."""
    batch = Batch.of(texts)
    word, char = WordNgrams(min_df=word_min_df), CharNgrams(min_df=char_min_df)
    word.fit(batch.marked)
    char.fit(batch.normalised)
    idf = lambda t: np.asarray(t.idf_, dtype=np.float64)  # noqa: E731
    return Features(word, char, idf(word.transformer), idf(char.transformer), lexicon)


@dataclass
class Head:
    """A linear classifier over the features: scores = X @ coef.T + intercept."""

    classes: np.ndarray
    coef: np.ndarray  # classes x features (float32)
    intercept: np.ndarray

    def scores(self, matrix: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(matrix @ self.coef.T.astype(np.float64)) + self.intercept

    def probabilities(self, matrix: sparse.csr_matrix) -> np.ndarray:
        s = self.scores(matrix)
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def fit_head(matrix: sparse.csr_matrix, labels: Sequence[str], weights: np.ndarray | None = None,
             kind: str = "logistic", c: float = 1.0, seed: int = 0) -> Head:
    """A logistic regression (probabilities: sentiment) or a linear SVM (intent) on the features."""
    if kind == "logistic":
        from sklearn.linear_model import LogisticRegression

        model: Any = LogisticRegression(C=c, max_iter=400, random_state=seed)
    else:
        from sklearn.svm import LinearSVC

        model = LinearSVC(C=c, random_state=seed)
    model.fit(matrix, np.asarray(labels, dtype=object), sample_weight=weights)
    classes = np.asarray(model.classes_, dtype=object)
    coef, intercept = np.asarray(model.coef_), np.asarray(model.intercept_)
    if len(classes) == 2:  # binary models keep one row: make it one row per class
        coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
    return Head(classes, coef.astype(np.float32), intercept.astype(np.float64))


@dataclass
class TextModel:
    """Features and named heads ('intent', 'sentiment'), with what the trainer recorded (`meta`)."""

    features: Features
    heads: dict[str, Head]
    meta: dict[str, Any] = field(default_factory=dict)

    def matrix(self, batch: Batch) -> sparse.csr_matrix:
        return self.features.transform(batch)

    def to_bytes(self) -> bytes:
        f = self.features
        vocab = f.word.vocabulary.cast(pa.large_string())
        arrays: dict[str, np.ndarray] = {
            "word_offsets": np.frombuffer(vocab.buffers()[1], dtype=np.int64)[vocab.offset:vocab.offset + len(vocab) + 1].copy(),
            "word_data": np.frombuffer(vocab.buffers()[2], dtype=np.uint8).copy() if len(vocab) else np.zeros(0, np.uint8),
            "word_idf": f.word_idf.astype(np.float32),
            "char_seen": np.flatnonzero((f.char.alphabet != 0xFFFE) & (f.char.alphabet != 0)).astype(np.uint32),
            "char_ids": f.char.alphabet[(f.char.alphabet != 0xFFFE) & (f.char.alphabet != 0)],
            "char_vocabulary": f.char.vocabulary, "char_columns": f.char.columns.astype(np.int32),
            "char_idf": f.char_idf.astype(np.float32),
        }
        for name, head in self.heads.items():
            arrays[f"head_{name}_coef"] = head.coef.astype(np.float16)
            arrays[f"head_{name}_intercept"] = head.intercept
            arrays[f"head_{name}_classes"] = np.array(list(head.classes), dtype=np.str_)
        meta = {"format": FORMAT, "heads": list(self.heads), "lexicon": f.lexicon, "word_min_df": f.word.min_df,
                "char_min_df": f.char.min_df, **self.meta}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        out = io.BytesIO()
        np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
        return out.getvalue()

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> TextModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise ValueError(f"text model format {meta.get('format')} is not {FORMAT}")
            offsets, data_ = z["word_offsets"], z["word_data"]
            vocab = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets.tobytes()),
                                                     pa.py_buffer(data_.tobytes()))
            word = WordNgrams(min_df=meta["word_min_df"], vocabulary=vocab)
            alphabet = np.full(0x110000, 0xFFFE, dtype=np.uint16)
            alphabet[z["char_seen"]] = z["char_ids"]
            alphabet[_white_space()] = 0
            char = CharNgrams(min_df=meta["char_min_df"], alphabet=alphabet, vocabulary=z["char_vocabulary"],
                              columns=z["char_columns"].astype(np.int64))
            features = Features(word, char, z["word_idf"].astype(np.float64), z["char_idf"].astype(np.float64),
                                meta.pop("lexicon"))
            heads = {name: Head(z[f"head_{name}_classes"].astype(object), z[f"head_{name}_coef"].astype(np.float32),
                                z[f"head_{name}_intercept"]) for name in meta["heads"]}
        meta["digest"] = hashlib.sha256(data).hexdigest()[:16]  # a brand's adaptation names the model it adapts
        return cls(features, heads, {k: v for k, v in meta.items() if k not in ("format", "heads")})

    @classmethod
    def load(cls, path: str | Path) -> TextModel:
        return cls.from_bytes(Path(path).read_bytes())


__all__ = ["Batch", "Features", "Head", "TextModel", "count_matrix", "fit_features", "fit_head"]
