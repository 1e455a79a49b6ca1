"""Weak signals: terms and topics whose use rises in a recent window against a baseline window.

For each term, k = distinct authors using it in the recent window and b = in the baseline window.
If its share of voice did not change, k follows Binomial(k + b, p0) with p0 the recent window's share
of all texts of both windows; a one-sided binomial test gives the p-value. A signal needs k >= min_count, a lift
(recent rate over baseline rate, the baseline smoothed by half a mention) >= min_lift and
p <= max_p: three authors naming a new defect in a week, never named before, stand out.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa
from scipy import sparse
from scipy.stats import binom

from .topics import WORD_PATTERN, stop_words

SCHEMA = pa.schema([
    ("signal", pa.string()), ("kind", pa.string()), ("recent_authors", pa.int64()), ("baseline_authors", pa.int64()),
    ("recent_rate", pa.float64()), ("baseline_rate", pa.float64()), ("lift", pa.float64()),
    ("p_value", pa.float64()), ("q_value", pa.float64()), ("window_start", pa.timestamp("us")),
    ("window_end", pa.timestamp("us")),
])


def _test(k: np.ndarray, b: np.ndarray, n_recent: int, n_base: int, min_count: int, min_lift: float,
          max_p: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p0 = n_recent / (n_recent + n_base)
    p_values = binom.sf(k - 1, k + b, p0)
    lift = (k / n_recent) / ((b + 0.5) / n_base)
    order = np.argsort(p_values)  # Benjamini-Hochberg q-values over every term tested
    ranked = p_values[order] * len(p_values) / np.arange(1, len(p_values) + 1)
    q = np.empty_like(p_values)
    q[order] = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    keep = (k >= min_count) & (lift >= min_lift) & (p_values <= max_p)
    return keep, p_values, np.column_stack([lift, q])


def weak_signals(created_at: np.ndarray, authors: np.ndarray, texts: list[str], topics: np.ndarray,
                 topic_labels: list[str], recent_days: int, baseline_days: int, min_count: int,
                 min_lift: float, max_p: float) -> pa.Table:
    """Signals among terms (words and word pairs) and topics; texts must be normalised."""
    if len(texts) == 0:
        return SCHEMA.empty_table()
    from sklearn.feature_extraction.text import CountVectorizer

    stamps = created_at.astype("datetime64[us]")
    end = stamps.max()
    recent_start = end - np.timedelta64(recent_days, "D")
    base_start = recent_start - np.timedelta64(baseline_days, "D")
    recent = stamps > recent_start
    base = (stamps > base_start) & ~recent
    window = recent | base
    if not recent.any() or not base.any():
        return SCHEMA.empty_table()
    idx = np.flatnonzero(window)
    _, author_codes = np.unique(authors[idx], return_inverse=True)
    n_authors = author_codes.max() + 1
    # Exposure is the volume of texts in each window; a term counts each author once per window
    # (one insistent author does not make a trend).
    n_recent, n_base = int(recent.sum()), int(base.sum())

    def authors_per_column(matrix: sparse.csr_matrix, mask: np.ndarray) -> np.ndarray:
        rows = np.flatnonzero(mask)
        owner = sparse.csr_matrix((np.ones(len(rows)), (author_codes[rows], rows)), shape=(n_authors, matrix.shape[0]))
        return np.asarray(((owner @ matrix) > 0).sum(axis=0)).ravel()

    out: list[dict] = []
    vectorizer = CountVectorizer(token_pattern=WORD_PATTERN, stop_words=sorted(stop_words()), ngram_range=(1, 2),
                                 binary=True, min_df=min(min_count, len(idx)))
    try:
        terms_matrix = vectorizer.fit_transform([texts[i] for i in idx]).tocsr()
        names = vectorizer.get_feature_names_out()
    except ValueError:  # no term appears often enough
        terms_matrix, names = None, []
    candidates = []
    if terms_matrix is not None:
        candidates.append(("term", terms_matrix, list(names)))
    if topic_labels:
        valid = topics[idx] >= 0
        topic_matrix = sparse.csr_matrix(
            (np.ones(valid.sum()), (np.flatnonzero(valid), topics[idx][valid])), shape=(len(idx), len(topic_labels)))
        candidates.append(("topic", topic_matrix, topic_labels))
    for kind, matrix, labels in candidates:
        k = authors_per_column(matrix, recent[idx])
        b = authors_per_column(matrix, base[idx])
        tested = k >= min_count
        if not tested.any():
            continue
        keep, p_values, extra = _test(k[tested], b[tested], n_recent, n_base, min_count, min_lift, max_p)
        positions = np.flatnonzero(tested)
        for j in np.flatnonzero(keep):
            col = positions[j]
            out.append({
                "signal": labels[col], "kind": kind, "recent_authors": int(k[col]), "baseline_authors": int(b[col]),
                "recent_rate": k[col] / n_recent, "baseline_rate": b[col] / n_base, "lift": float(extra[j, 0]),
                "p_value": float(p_values[j]), "q_value": float(extra[j, 1]),
                "window_start": recent_start.astype(object), "window_end": end.astype(object),
            })
    out.sort(key=lambda r: (r["p_value"], -r["recent_authors"], r["signal"]))
    return pa.Table.from_pylist(out, schema=SCHEMA)
