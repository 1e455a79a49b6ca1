"""Topics of captions and comments (TF-IDF + NMF), named by their top terms, with the clean weighted
engagement each earns.

The model is fitted on a sample of the documents (at most `topic_max_documents`) and then assigns
every document; a post takes the topic that dominates its caption and its comments together.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import numpy as np
import pyarrow as pa
from scipy import sparse

WORD_PATTERN = r"(?u)\b[^\W\d_][^\W_]{2,}\b"  # words of three letters or more, no numbers


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("liens.analyses.conversation.data").joinpath("stopwords.txt").read_text(encoding="utf-8")
    words = " ".join(line for line in text.splitlines() if not line.startswith("#")).split()
    words += [part for word in words for part in re.split(r"[^a-z]+", word) if part]  # as the tokenizer cuts them
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(words) | ENGLISH_STOP_WORDS


def fit_topics(documents: list[str], n_topics: int, n_terms: int, max_documents: int, seed: int = 0
               ) -> tuple[np.ndarray, list[list[str]]]:
    """(weights: documents x topics, top terms of each topic). Documents must be normalised text."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(documents) < 2 * max(n_topics, 1):
        return np.zeros((len(documents), 0)), []
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(documents), size=min(max_documents, len(documents)), replace=False)
    vectorizer = TfidfVectorizer(
        token_pattern=WORD_PATTERN, stop_words=sorted(stop_words()), min_df=3, max_df=0.3,
        max_features=20_000, sublinear_tf=True,
    )
    try:
        fitted = vectorizer.fit_transform([documents[i] for i in sample])
    except ValueError:  # no term left (tiny or empty corpus)
        return np.zeros((len(documents), 0)), []
    k = min(n_topics, fitted.shape[1] - 1, fitted.shape[0] - 1)
    if k < 1:
        return np.zeros((len(documents), 0)), []
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    model.fit(fitted)
    weights = np.vstack([
        model.transform(vectorizer.transform(documents[start:start + 100_000]))
        for start in range(0, len(documents), 100_000)
    ])
    vocabulary = np.asarray(vectorizer.get_feature_names_out())
    terms = [list(vocabulary[np.argsort(-row)[:n_terms]]) for row in model.components_]
    return weights, terms


def dominant(weights: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Topic of each group (e.g. a post) from its documents' summed weights; -1 when none."""
    if weights.shape[1] == 0:
        return np.full(n_groups, -1)
    member = sparse.csr_matrix((np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(n_groups, len(groups)))
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
    rows = []
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
