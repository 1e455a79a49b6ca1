"""Vectorised n-gram TF-IDF features: word 1–2-grams (Arrow) and character 3–4-grams (NumPy).

scikit-learn's TfidfVectorizer tokenises in a Python loop, one text at a time: on a million
distinct texts that loop was most of the intent model's cost. Here the same features are built
for a whole batch at once: words are split and looked up in Arrow's C++ kernels, character
n-grams are packed into 64-bit keys over the batch's code points and looked up in a sorted
vocabulary. Each text's row depends on that text alone, so results do not depend on batching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

# A word is a run of letters, digits or underscores; any other visible character is a token of its own.
_NOT_WORD = r"([^\p{L}\p{N}_\s])"
_UNKNOWN_CHAR = 0xFFFE  # alphabet id of characters never seen in training
_TRIGRAM_TAG = np.uint64(0xFFFF) << np.uint64(48)  # top 16 bits of a 3-gram key (no character has this id)


def _string_array(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    array = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    return pc.fill_null(array, "").cast(pa.large_string())


def codepoints(texts: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The Unicode code points of all texts end to end (UTF-8 decoded in NumPy), and the n + 1
    offsets of each text in them."""
    array = _string_array(texts)
    n = len(array)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + n + 1]
    data = array.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8)[offsets[0]:offsets[-1]] if data is not None else np.zeros(0, np.uint8)
    lead = (raw & 0xC0) != 0x80
    at = np.flatnonzero(lead)
    cp = raw[at].astype(np.uint32)
    wide = np.flatnonzero(cp >= 0xC0)  # the few characters beyond ASCII
    if len(wide):
        padded = np.concatenate([raw, np.zeros(3, np.uint8)]).astype(np.uint32)
        first = cp[wide]
        width = 2 + (first >= 0xE0).astype(np.int64) + (first >= 0xF0)
        value = np.select([width == 2, width == 3], [first & 0x1F, first & 0x0F], first & 0x07)
        for k in (1, 2, 3):
            more = width > k
            value[more] = (value[more] << 6) | (padded[at[wide[more]] + k] & 0x3F)
        cp[wide] = value
    chars_before = np.concatenate([[0], np.cumsum(lead)])
    return cp, chars_before[offsets - offsets[0]]


@lru_cache(maxsize=1)
def _white_space() -> np.ndarray:
    """The code points Python's str.split() splits on (scikit-learn's word boundaries)."""
    return np.array([c for c in range(0x110000) if chr(c).isspace()])


def _tfidf(counts: sparse.csr_matrix, transformer: object) -> sparse.csr_matrix:
    return transformer.transform(counts)  # type: ignore[attr-defined]


def count_matrix(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sparse.csr_matrix:
    """Counts of (row, column) pairs as a CSR matrix, indices sorted (one sort of packed pairs)."""
    code = rows.astype(np.int64) * n_cols + cols
    code.sort()
    first = np.flatnonzero(np.concatenate([[True], code[1:] != code[:-1]])) if len(code) else np.zeros(0, np.int64)
    counts = np.diff(np.append(first, len(code))).astype(np.float64)
    unique = code[first]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(unique // max(n_cols, 1), minlength=n_rows))])
    return sparse.csr_matrix((counts, (unique % max(n_cols, 1)).astype(np.int32), indptr), shape=(n_rows, n_cols))


def _fit_transformer(counts: sparse.csr_matrix) -> object:
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True).fit(counts)


@dataclass
class CharNgrams:
    """TF-IDF of the character 3- and 4-grams inside each word padded with a space on both sides
    (scikit-learn's `char_wb` analyser), for a vocabulary of n-grams seen in `min_df` training texts."""

    min_df: int = 2
    alphabet: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint16))
    vocabulary: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))  # sorted n-gram keys
    columns: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # column of each key
    transformer: object = None

    def _keys(self, texts: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, int]:
        """(text index, key) of every n-gram of every text, and the number of texts."""
        cp, offsets = codepoints(texts)
        n = len(offsets) - 1
        # One stream of alphabet ids in which 0 is a word boundary: white space, and one 0 before
        # each text and after the last, so that no n-gram spans two words or two texts.
        lengths = np.diff(offsets) + 1
        doc = np.repeat(np.arange(n), lengths)  # the text of each stream position
        stream = np.zeros(len(doc) + 1, dtype=np.uint64)
        stream[np.flatnonzero(np.concatenate([[False], doc[1:] == doc[:-1]]))] = self.alphabet[cp]
        if len(stream) < 4:
            return np.zeros(0, np.int64), np.zeros(0, np.uint64), n
        # A key packs 16-bit ids: 3-grams are tagged in their top bits, 4-grams use all 64 bits.
        k3 = (stream[:-2] << np.uint64(32)) | (stream[1:-1] << np.uint64(16)) | stream[2:]
        k4 = (k3[:-1] << np.uint64(16)) | stream[3:]
        inside3 = stream[1:-1] != 0  # a boundary may only open or close an n-gram
        inside4 = inside3[:-1] & inside3[1:]
        keys = np.concatenate([k3[inside3] | _TRIGRAM_TAG, k4[inside4]])
        docs = np.concatenate([doc[:len(k3)][inside3], doc[:len(k4)][inside4]])
        return docs, keys, n

    def fit(self, texts: pa.Array | pa.ChunkedArray) -> sparse.csr_matrix:
        """Learn the alphabet, vocabulary and idf; return the training texts' TF-IDF matrix."""
        cp, _ = codepoints(texts)
        seen = np.unique(cp)
        if len(seen) >= _UNKNOWN_CHAR:
            raise ValueError("too many distinct characters for the character n-gram alphabet")
        self.alphabet = np.full(0x110000, _UNKNOWN_CHAR, dtype=np.uint16)
        self.alphabet[seen] = np.arange(1, len(seen) + 1, dtype=np.uint16)
        self.alphabet[_white_space()] = 0
        docs, keys, _ = self._keys(texts)
        pairs = pa.table({"key": keys, "doc": docs}).group_by(["key", "doc"]).aggregate([])
        unique_keys, df = np.unique(pairs["key"].to_numpy(), return_counts=True)
        self.vocabulary = unique_keys[df >= self.min_df]
        # Columns in the order of the n-grams' text, as scikit-learn orders them (same model).
        chars = np.concatenate([[" "], [chr(c) for c in seen]])
        names = ["".join(chars[(int(k) >> s) & 0xFFFF] for s in (48, 32, 16, 0) if (int(k) >> s) & 0xFFFF != 0xFFFF)
                 for k in self.vocabulary]
        self.columns = np.argsort(np.argsort(np.array(names, dtype=object), kind="stable"))
        counts = self.counts(texts)
        self.transformer = _fit_transformer(counts)
        return _tfidf(counts, self.transformer)

    def counts(self, texts: pa.Array | pa.ChunkedArray) -> sparse.csr_matrix:
        docs, keys, n = self._keys(texts)
        at = pc.index_in(pa.array(keys), value_set=pa.array(self.vocabulary))  # a hash lookup
        known = pc.is_valid(at).to_numpy(zero_copy_only=False)
        return count_matrix(docs[known], self.columns[at.drop_null().to_numpy()], n, len(self.vocabulary))

    def transform(self, texts: pa.Array | pa.ChunkedArray) -> sparse.csr_matrix:
        return _tfidf(self.counts(texts), self.transformer)


def word_tokens(texts: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray, int]:
    """Word tokens (runs of letters, digits, underscores; any other visible character alone) of
    every text, flattened, with the index of the text each comes from."""
    array = _string_array(texts)
    spaced = pc.utf8_trim_whitespace(pc.replace_substring_regex(array, pattern=_NOT_WORD, replacement=r" \1 "))
    lists = pc.utf8_split_whitespace(spaced)
    tokens = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy()
    keep = pc.greater(pc.binary_length(tokens), 0)
    return tokens.filter(keep), parents[keep.to_numpy(zero_copy_only=False)], len(array)


@dataclass
class WordNgrams:
    """TF-IDF of word 1- and 2-grams (a 2-gram is two tokens of a text in a row, joined by a space)."""

    min_df: int = 1
    vocabulary: pa.Array = field(default_factory=lambda: pa.array([], pa.large_string()))
    transformer: object = None

    @staticmethod
    def _grams(texts: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray, int]:
        tokens, docs, n = word_tokens(texts)
        follows = np.flatnonzero(docs[1:] == docs[:-1])  # token i and i + 1 from the same text
        bigrams = pc.binary_join_element_wise(tokens.take(pa.array(follows)), tokens.take(pa.array(follows + 1)), pa.scalar(" ", pa.large_string()))
        return pa.concat_arrays([tokens, bigrams]), np.concatenate([docs, docs[follows]]), n

    def fit(self, texts: pa.Array | pa.ChunkedArray) -> sparse.csr_matrix:
        grams, docs, _ = self._grams(texts)
        pairs = pa.table({"gram": grams, "doc": docs}).group_by(["gram", "doc"]).aggregate([])
        df = pairs.group_by("gram").aggregate([("doc", "count")])
        frequent = df.filter(pc.greater_equal(df["doc_count"], self.min_df))["gram"]
        self.vocabulary = frequent.take(pc.array_sort_indices(frequent)).combine_chunks()
        counts = self.counts(texts)
        self.transformer = _fit_transformer(counts)
        return _tfidf(counts, self.transformer)

    def counts(self, texts: pa.Array | pa.ChunkedArray) -> sparse.csr_matrix:
        grams, docs, n = self._grams(texts)
        at = pc.index_in(grams, value_set=self.vocabulary)
        known = pc.is_valid(at).to_numpy(zero_copy_only=False)
        return count_matrix(docs[known], at.drop_null().to_numpy(), n, len(self.vocabulary))

    def transform(self, texts: pa.Array | pa.ChunkedArray) -> sparse.csr_matrix:
        return _tfidf(self.counts(texts), self.transformer)
