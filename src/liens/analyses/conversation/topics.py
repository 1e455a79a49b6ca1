"""Topics of captions and comments (TF-IDF + NMF), named by their top terms, with the clean weighted
engagement each earns.

The model is fitted on a sample of the documents (at most `topic_max_documents`) and then assigns
every document; a post takes the topic that dominates its caption and its comments together.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from .ngrams import count_matrix

WORD_PATTERN = r"(?u)\b[^\W\d_][^\W_]{2,}\b"  # words of three letters or more, no numbers


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("liens.analyses.conversation.data").joinpath("stopwords.txt").read_text(encoding="utf-8")
    words = " ".join(line for line in text.splitlines() if not line.startswith("#")).split()
    words += [part for word in words for part in re.split(r"[^a-z]+", word) if part]  # as the tokenizer cuts them
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(words) | ENGLISH_STOP_WORDS


_SEPARATORS = r"[^\p{L}\p{N}_]+"
_WORD = r"^\p{L}[\p{L}\p{N}]{2,}$"  # as WORD_PATTERN: a letter, then letters or digits (three or more)


@lru_cache(maxsize=1)
def _stop_array() -> pa.Array:
    return pa.array(sorted(stop_words()), pa.string())


def words(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The words of every normalised text in order (stop words out), with the index of their text:
    tokenised in Arrow's kernels, not a Python loop per text."""
    lists = pc.split_pattern_regex(pc.fill_null(texts, ""), pattern=_SEPARATORS)
    tokens = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    keep = pc.and_(pc.match_substring_regex(tokens, pattern=_WORD),
                   pc.invert(pc.is_in(tokens, value_set=_stop_array())))
    return tokens.filter(keep), parent[keep.to_numpy(zero_copy_only=False)]


def _counts(tokens: pa.Array, parent: np.ndarray, n_documents: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Word counts (documents x vocabulary, columns in alphabetical order) and the vocabulary."""
    vocabulary = pc.unique(tokens)
    vocabulary = vocabulary.take(pc.array_sort_indices(vocabulary))
    column = pc.index_in(tokens, value_set=vocabulary).to_numpy(zero_copy_only=False)
    matrix = count_matrix(parent, column, n_documents, len(vocabulary))
    return matrix, np.asarray(vocabulary.to_pylist(), dtype=object)


def fit_topics(documents: pa.Array, occurrences: np.ndarray, n_topics: int, n_terms: int, max_documents: int,
               seed: int = 0, tokens: tuple[pa.Array, np.ndarray] | None = None) -> tuple[np.ndarray, list[list[str]]]:
    """(weights: documents x topics, top terms of each topic) for distinct normalised documents,
    each occurring `occurrences` times in the data (`tokens`: their `words`, if already known).

    The model is fitted on at most `max_documents` occurrences drawn at random (a frequent text
    weighs as often as it is written), then every distinct document is assigned once. The draw is
    made over the documents sorted by text, so the result does not depend on the input's order."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfTransformer

    n = int(np.sum(occurrences))
    empty: tuple[np.ndarray, list[list[str]]] = np.zeros((len(documents), 0)), []
    if n < 2 * max(n_topics, 1):
        return empty
    by_text = pc.array_sort_indices(documents).to_numpy()
    rng = np.random.default_rng(seed)
    drawn = np.sort(rng.choice(n, size=min(max_documents, n), replace=False))
    sample = by_text[np.searchsorted(np.cumsum(occurrences[by_text]), drawn, side="right")]
    counts, vocabulary = _counts(*(tokens or words(documents)), len(documents))
    fit_counts = counts[sample]
    df = np.bincount(fit_counts.indices, minlength=counts.shape[1])
    kept = np.flatnonzero((df >= 3) & (df <= 0.3 * len(sample)))  # rare and ubiquitous words say nothing of a topic
    if len(kept) > 20_000:  # the most frequent words, as TfidfVectorizer's max_features
        frequency = np.asarray(fit_counts.sum(axis=0)).ravel()[kept]
        kept = np.sort(kept[np.lexsort((kept, -frequency))[:20_000]])
    k = min(n_topics, len(kept) - 1, len(sample) - 1)
    if k < 1:
        return empty
    tfidf = TfidfTransformer(sublinear_tf=True).fit(fit_counts[:, kept])
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    model.fit(tfidf.transform(fit_counts[:, kept]))
    weights = model.transform(tfidf.transform(counts[:, kept]))
    terms = [list(vocabulary[kept][np.argsort(-row, kind="stable")[:n_terms]]) for row in model.components_]
    return weights, terms


def dominant(weights: np.ndarray, groups: np.ndarray, n_groups: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Topic of each group (e.g. a post) from its documents' summed weights; -1 when none.
    `rows`: the row of `weights` of each document (default: one row per document, in order)."""
    if weights.shape[1] == 0:
        return np.full(n_groups, -1)
    rows = np.arange(len(groups)) if rows is None else rows
    member = sparse.csr_matrix((np.ones(len(groups)), (groups, rows)), shape=(n_groups, weights.shape[0]))
    summed = np.asarray(member @ weights)
    out = summed.argmax(axis=1)
    out[summed.max(axis=1) <= 0] = -1
    return out


def document_topics(weights: np.ndarray) -> np.ndarray:
    if weights.shape[1] == 0:
        return np.full(weights.shape[0], -1)
    out = weights.argmax(axis=1)
    out[weights.max(axis=1) <= 0] = -1
    return out


def topics_table(terms: list[list[str]], post_topic: np.ndarray, post_raw: np.ndarray, post_clean: np.ndarray,
                 text_topic: np.ndarray) -> pa.Table:
    """One row per topic: its name, posts and texts, raw and clean weighted engagement."""
    rows: list[dict[str, Any]] = []
    total_clean = float(post_clean.sum()) or 1.0
    for topic, words in enumerate(terms):
        on = post_topic == topic
        posts = int(on.sum())
        clean = float(post_clean[on].sum())
        rows.append({
            "topic_id": topic,
            "label": " · ".join(words[:3]),
            "terms": ", ".join(words),
            "posts": posts,
            "texts": int((text_topic == topic).sum()),
            "raw_engagement": float(post_raw[on].sum()),
            "clean_engagement": clean,
            "clean_engagement_per_post": clean / posts if posts else None,
            "share_of_clean_engagement": clean / total_clean,
        })
    rows.sort(key=lambda r: (-r["clean_engagement"], r["topic_id"]))
    schema = pa.schema([
        ("topic_id", pa.int64()), ("label", pa.string()), ("terms", pa.string()), ("posts", pa.int64()),
        ("texts", pa.int64()), ("raw_engagement", pa.float64()), ("clean_engagement", pa.float64()),
        ("clean_engagement_per_post", pa.float64()), ("share_of_clean_engagement", pa.float64()),
    ])
    return pa.Table.from_pylist(rows, schema=schema)
