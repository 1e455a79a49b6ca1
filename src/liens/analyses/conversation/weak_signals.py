"""Weak signals: terms and topics whose use rises in the recent window against a baseline.

The unit is an author in a window. Time is cut into windows of `recent_days` back from the end of
the data: window 0 is the recent one, the `baseline_days // recent_days` before it the baseline. A
term's count in a window is the number of distinct authors using it there (one author repeating a
word counts once per window); a window's exposure is the number of authors who wrote anything in
it. Counting both per window of equal length keeps them comparable: an author who writes the same
word every week adds one to the term and one to the exposure of every week, so steady repeat
writers are steady, and when the whole audience grows, the exposure grows with it.

Null hypothesis for a term: each active author uses it with the same probability in every window.
Given its total n = k + K (recent + baseline author-windows), k then follows Binomial(n, p0), p0 the
recent window's share of all exposure: a one-sided binomial test gives its p-value. Terms with
n >= `min_count` are tested (filtering on the total says nothing about where the mentions fall),
and q-values correct for testing them all at once: Benjamini-Hochberg in its discrete form (Heyse
2011), which counts, for each term, the p-values its total can actually reach; a term seen 4 times
cannot reach 1e-6 and should not dilute the others' evidence. A signal needs k >= `min_count`,
lift >= `min_lift` (recent rate over baseline rate, the baseline smoothed by half a mention) and
q <= `max_q`: three people naming a new defect in a week, never named before, stand out.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.stats import binom

from .topics import words

SCHEMA = pa.schema([
    ("signal", pa.string()), ("kind", pa.string()), ("recent_authors", pa.int64()), ("baseline_authors", pa.int64()),
    ("recent_rate", pa.float64()), ("baseline_rate", pa.float64()), ("lift", pa.float64()),
    ("p_value", pa.float64()), ("q_value", pa.float64()), ("window_start", pa.timestamp("us")),
    ("window_end", pa.timestamp("us")),
])

EXACT_UP_TO = 200  # totals above this are treated as continuous in the discrete correction (F(t) <= t)


def discrete_bh(p_values: np.ndarray, totals: np.ndarray, p0: float) -> np.ndarray:
    """Benjamini-Hochberg q-values where each test's null distribution is Binomial(total, p0):
    q_(i) = min over j >= i of sum_k F_k(p_(j)) / j, F_k(t) the chance that test k reaches a
    p-value <= t (Heyse 2011), and never below the test's own p-value. With F_k(t) = t for every
    test it is the usual BH."""
    m = len(p_values)
    if m == 0:
        return np.zeros(0)
    order = np.argsort(p_values, kind="stable")
    ranked = p_values[order] * (1 + 1e-12)  # an observed p-value is attainable by its own test
    large = totals > EXACT_UP_TO
    reach = large.sum() * np.minimum(ranked, 1.0)
    # F_k is a step function: it rises to each attainable value a_c at the first ranked p-value
    # >= a_c. Adding the rises (a difference array) costs O(sum of totals + m), not O(sizes x m).
    rises = np.zeros(m + 1)
    for size, count in zip(*np.unique(totals[~large], return_counts=True)):
        attainable = binom.sf(np.arange(size, -1, -1) - 1, size, p0)  # P(X >= c), c = size .. 0: increasing
        np.add.at(rises, np.searchsorted(ranked, attainable, side="left"), count * np.diff(attainable, prepend=0.0))
    reach += np.cumsum(rises)[:m]
    q_sorted = np.minimum.accumulate((reach / np.arange(1, m + 1))[::-1])[::-1].clip(max=1.0)
    q = np.empty(m)
    q[order] = q_sorted
    return np.maximum(q, p_values)  # never below a term's own p-value (Heyse's sum can dip under it)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort: numpy's hash-based np.unique is ~50x slower on 10M int64)."""
    out = np.sort(values)
    return out[np.concatenate([[True], out[1:] != out[:-1]])] if len(out) else out


def _distinct_counts(unit: np.ndarray, column: np.ndarray, n_columns: int, n_windows: int) -> np.ndarray:
    """(columns x windows) counts of distinct units (author, window) per column."""
    pairs = _distinct(unit.astype(np.int64) * n_columns + column)
    window, col = (pairs // n_columns) % n_windows, pairs % n_columns
    return np.bincount(col * n_windows + window, minlength=n_columns * n_windows).reshape(n_columns, n_windows)


def _expand(unit: np.ndarray, doc: np.ndarray, doc_terms: np.ndarray, n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """(unit, term) for every term of every (unit, doc); `doc_terms` are sorted doc * n_terms + term codes."""
    owner, term = doc_terms // n_terms, doc_terms % n_terms
    starts = np.searchsorted(owner, doc, side="left")
    lengths = np.searchsorted(owner, doc, side="right") - starts
    first = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.repeat(unit, lengths), term[first + np.arange(lengths.sum())]


def _test(counts: np.ndarray, exposure: np.ndarray, min_count: int, min_lift: float, max_q: float
          ) -> dict[str, np.ndarray]:
    k, total = counts[:, 0], counts.sum(axis=1)
    e_recent, e_base = float(exposure[0]), float(exposure[1:].sum())
    p0 = e_recent / (e_recent + e_base)
    tested = np.flatnonzero(total >= min_count)
    k, total, base = k[tested], total[tested], total[tested] - k[tested]
    p = binom.sf(k - 1, total, p0)
    q = discrete_bh(p, total, p0)
    lift = (k / e_recent) / ((base + 0.5) / e_base)
    keep = (k >= min_count) & (lift >= min_lift) & (q <= max_q)
    return {"column": tested[keep], "k": k[keep], "base": base[keep], "recent_rate": k[keep] / e_recent,
            "baseline_rate": base[keep] / e_base, "lift": lift[keep], "p": p[keep], "q": q[keep]}


def _as_array(values: object) -> pa.Array:
    array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(np.asarray(values).tolist(), pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def weak_signals(created_at: np.ndarray, authors: object, texts: object, topics: np.ndarray,
                 topic_labels: list[str], recent_days: int, baseline_days: int, min_count: int,
                 min_lift: float, max_q: float) -> pa.Table:
    """Signals among terms (words and word pairs) and topics; texts must be normalised.

    `authors` and `texts` are Arrow arrays (or sequences of strings), one per text, as `created_at`."""
    texts = pc.fill_null(_as_array(texts), "")
    documents = pc.unique(texts)
    doc = pc.index_in(texts, value_set=documents).to_numpy(zero_copy_only=False)
    return signals_of_documents(created_at, authors, doc, words(documents), len(documents), topics, topic_labels,
                                recent_days, baseline_days, min_count, min_lift, max_q)


def signals_of_documents(created_at: np.ndarray, authors: object, doc: np.ndarray, tokens: tuple[pa.Array, np.ndarray],
                         n_documents: int, topics: np.ndarray, topic_labels: list[str], recent_days: int,
                         baseline_days: int, min_count: int, min_lift: float, max_q: float) -> pa.Table:
    """`weak_signals` for texts given as the index `doc` of each in distinct documents already
    tokenised (`topics.words`): each distinct text is tokenised once."""
    if len(created_at) == 0 or n_documents == 0:
        return SCHEMA.empty_table()
    stamps = np.asarray(created_at).astype("datetime64[us]")
    end = stamps.max()
    span = np.timedelta64(recent_days, "D").astype("timedelta64[us]")
    n_windows = 1 + baseline_days // recent_days
    window = ((end - stamps) // span).astype(np.int64)  # 0: the last `recent_days`, then back in time
    inside = np.flatnonzero(window < n_windows)
    window = window[inside]
    if not (window == 0).any() or not (window > 0).any():
        return SCHEMA.empty_table()
    author = pc.dictionary_encode(_as_array(authors).take(pa.array(inside))).indices.to_numpy(zero_copy_only=False)
    unit = author.astype(np.int64) * n_windows + window
    exposure = np.bincount(_distinct(unit) % n_windows, minlength=n_windows)

    words_, parent = tokens
    # Terms as integers: a word's code, or a pair's V + first * V + second; strings only for the
    # few terms reported.
    encoded = pc.dictionary_encode(words_)
    vocabulary, code = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    v = len(vocabulary)
    follows = np.flatnonzero(parent[1:] == parent[:-1])  # word pairs: consecutive words of a text (stop words out)
    terms = pc.dictionary_encode(pa.array(np.concatenate([code, v + code[follows] * v + code[follows + 1]])))
    term_codes = terms.dictionary.to_numpy(zero_copy_only=False)
    term = terms.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    n_terms = max(len(term_codes), 1)
    doc_terms = _distinct(np.concatenate([parent, parent[follows]]).astype(np.int64) * n_terms + term)
    unit_doc = _distinct(unit * n_documents + np.asarray(doc, dtype=np.int64)[inside])  # a text repeated in a window: once
    unit_t, term_t = _expand(unit_doc // n_documents, unit_doc % n_documents, doc_terms, n_terms)

    def name(column: int) -> str:
        c = int(term_codes[column])
        return vocabulary[c].as_py() if c < v else f"{vocabulary[(c - v) // v].as_py()} {vocabulary[(c - v) % v].as_py()}"

    candidates = [("term", _distinct_counts(unit_t, term_t, len(term_codes), n_windows), name)]
    if topic_labels:
        topic = np.asarray(topics)[inside]
        on = topic >= 0
        candidates.append(("topic", _distinct_counts(unit[on], topic[on], len(topic_labels), n_windows),
                           lambda column: topic_labels[column]))
    recent_start = end - span
    out: list[dict] = []
    for kind, counts, label in candidates:
        found = _test(counts, exposure, min_count, min_lift, max_q)
        for i, col in enumerate(found["column"]):
            out.append({
                "signal": label(int(col)), "kind": kind, "recent_authors": int(found["k"][i]),
                "baseline_authors": int(found["base"][i]), "recent_rate": float(found["recent_rate"][i]),
                "baseline_rate": float(found["baseline_rate"][i]), "lift": float(found["lift"][i]),
                "p_value": float(found["p"][i]), "q_value": float(found["q"][i]),
                "window_start": recent_start.astype(object), "window_end": end.astype(object),
            })
    out.sort(key=lambda r: (r["p_value"], -r["recent_authors"], r["signal"]))
    return pa.Table.from_pylist(out, schema=SCHEMA)
