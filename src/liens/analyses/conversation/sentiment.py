"""Sentiment of each text in French and English: a score in [-1, 1] and negative / neutral / positive.

The word polarities are TextBlob's (English) and textblob-fr's (French) lexicons, both shipped with
those packages, plus `data/sentiment_lexicon.csv` for what they miss: emojis, slang and complaint
words. Scoring is vectorised: negations mark the next word (`pas top` -> `neg_top`, whose polarity is
-0.5 times `top`'s, as in TextBlob's pattern analyser); Arrow splits and looks up the words of a whole
batch at once, and one count matrix times each lexicon's polarity vector gives the mean polarity of
the words found, for the three lexicons (fr, en, both) in one pass.
"""

from __future__ import annotations

import csv
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._text import normalise

_NEGATORS = (
    r"ne|pas|jamais|rien|sans|aucun|aucune|not|no|never|dont|don't|doesn't|didn't|isn't|wasn't|aren't|"
    r"won't|can't|cannot|without|nothing|nobody|never"
)
# The negated word may come after "du tout", "very", "that"...: "pas du tout satisfaite", "not that good".
_NEGATION = rf"\b({_NEGATORS})\s+(?:(?:du tout|tres|si|assez|trop|vraiment|at all|very|so|really|that|too|a|an|the|un|une|de|du|des|le|la|les)\s+)?(\w+)"
_EMOJI = "[\U0001F300-\U0001FAFF\u2600-\u27BF]"
TOKEN_PATTERN = rf"neg_\w+|\w+(?:'\w+)?|{_EMOJI}"
NEGATED_WEIGHT = -0.5


def _textblob_lexicon(path: str) -> dict[str, float]:
    """Mean polarity of each word form in a pattern-style sentiment XML (accents removed, like our texts)."""
    sums: dict[str, list[float]] = {}
    for word in ET.parse(path).getroot().iter("word"):
        form, polarity = word.get("form"), word.get("polarity")
        if form and polarity is not None:
            sums.setdefault(form.lower(), []).append(float(polarity))
    forms = list(sums)
    stripped = normalise(pa.array(forms, pa.string())).to_pylist()
    return {s: float(np.mean(sums[f])) for f, s in zip(forms, stripped) if " " not in s and np.mean(sums[f]) != 0.0}


# TOKEN_PATTERN for Arrow's RE2 (whose \w is ASCII only). Replacing every token is slow, so every
# character that is neither a word character nor an apostrophe is set apart first (emojis become
# tokens, punctuation pieces no term equals); only the rare pieces with an apostrophe go through
# the token pattern ("aujourd'hui" is one token, "'top" is "top").
_W = r"[\p{L}\p{N}_]"
_SET_APART = r"([^\p{L}\p{N}_'\s])"
_TOKEN = rf"(neg_{_W}+|{_W}+(?:'{_W}+)?|[\x{{1F300}}-\x{{1FAFF}}\x{{2600}}-\x{{27BF}}])"
LEXICONS = ("fr", "en", "other")


@dataclass
class _Lexicons:
    """The union of the lexicons' terms, and per lexicon the polarity and membership of each term."""

    terms: pa.Array
    polarity: np.ndarray  # terms x lexicons
    member: np.ndarray  # terms x lexicons, 1.0 where the lexicon has the term

    def scores(self, marked: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Mean polarity of the lexicon words of each text, one column per lexicon (0 without any)."""
        from .ngrams import count_matrix

        array = marked.combine_chunks() if isinstance(marked, pa.ChunkedArray) else marked
        lists = pc.utf8_split_whitespace(pc.replace_substring_regex(array, pattern=_SET_APART, replacement=r" \1 "))
        pieces = pc.list_flatten(lists)
        docs = pc.list_parent_indices(lists).to_numpy()
        quoted = pc.match_substring(pieces, "'").to_numpy(zero_copy_only=False)
        if quoted.any():
            split = pc.utf8_split_whitespace(pc.replace_substring_regex(
                pieces.filter(quoted), pattern=_TOKEN, replacement=r" \1 "))
            pieces = pa.concat_arrays([pieces.filter(~quoted), pc.list_flatten(split)])
            docs = np.concatenate([docs[~quoted], docs[quoted][pc.list_parent_indices(split).to_numpy()]])
        at = pc.index_in(pieces, value_set=self.terms)
        known = pc.is_valid(at).to_numpy(zero_copy_only=False)
        counts = count_matrix(docs[known], at.drop_null().to_numpy(), len(array), len(self.terms))
        total, found = counts @ self.polarity, counts @ self.member
        return np.divide(total, found, out=np.zeros_like(total), where=found > 0)


@lru_cache(maxsize=1)
def _lexicons() -> _Lexicons:
    import textblob
    import textblob_fr

    english = _textblob_lexicon(os.path.join(os.path.dirname(textblob.__file__), "en", "en-sentiment.xml"))
    french = _textblob_lexicon(os.path.join(os.path.dirname(textblob_fr.__file__), "fr-sentiment.xml"))
    extra: dict[str, dict[str, float]] = {"fr": {}, "en": {}, "any": {}}
    with resources.files("liens.analyses.conversation.data").joinpath("sentiment_lexicon.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            extra[row["language"]][normalise(pa.array([row["term"]])).to_pylist()[0]] = float(row["polarity"])
    lexicons = {
        "en": {**english, **extra["en"], **extra["any"]},
        "fr": {**french, **extra["fr"], **extra["any"]},
    }
    lexicons["other"] = {**lexicons["fr"], **lexicons["en"]}
    # Negated forms flip and soften, unless the lexicon says otherwise ("pas terrible" is not praise).
    lexicons = {lang: {**{"neg_" + t: NEGATED_WEIGHT * v for t, v in lexicon.items() if not t.startswith("neg_")}, **lexicon}
                for lang, lexicon in lexicons.items()}
    token = re.compile(TOKEN_PATTERN)
    terms = sorted(t for t in set().union(*lexicons.values()) if token.fullmatch(t))  # others are never found
    polarity = np.array([[lexicons[lang].get(t, 0.0) for lang in LEXICONS] for t in terms])
    member = np.array([[float(t in lexicons[lang]) for lang in LEXICONS] for t in terms])
    return _Lexicons(pa.array(terms, pa.string()), polarity, member)


def mark_negations(normalised: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """`je n'aime pas` -> `je ne neg_aime pas`: French elisions are opened first so the next word is seen."""
    opened = pc.replace_substring_regex(normalised, pattern=r"\b([nljdcsm]|qu)'", replacement=r"\1e ")
    # Spoken French drops the "ne": "j'aime pas", "ça marche pas".
    marked = pc.replace_substring_regex(opened, pattern=r"\b(\w+) pas\b", replacement=r"neg_\1 pas")
    marked = pc.replace_substring_regex(marked, pattern=_NEGATION, replacement=r"\1 neg_\2")
    return pc.replace_substring_regex(marked, pattern=r"(neg_)+", replacement="neg_")


def sentiment_scores(texts: pa.Array | pa.ChunkedArray, languages: np.ndarray | None = None,
                     normalised: bool = False, marked: pa.Array | pa.ChunkedArray | None = None,
                     by_lexicon: np.ndarray | None = None) -> np.ndarray:
    """A polarity in [-1, 1] per text, with the lexicon of its language ('fr', 'en', else both).

    `marked` (the texts' `mark_negations` form) or `by_lexicon` (`lexicon_scores` of it) may be
    given when the caller has them already."""
    if by_lexicon is None:
        if marked is None:
            marked = mark_negations(texts if normalised else normalise(pc.fill_null(texts, "")))
        by_lexicon = lexicon_scores(marked)
    column = np.full(len(by_lexicon), LEXICONS.index("other"))
    if languages is not None:
        langs = np.asarray(languages, dtype=object)
        column[langs == "fr"], column[langs == "en"] = LEXICONS.index("fr"), LEXICONS.index("en")
    return np.clip(by_lexicon[np.arange(len(by_lexicon)), column], -1.0, 1.0)


def lexicon_scores(marked: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Unclipped mean polarity of each negation-marked text under each lexicon (columns: LEXICONS)."""
    return _lexicons().scores(marked)


def sentiment_labels(scores: np.ndarray, negative: float = -0.1, positive: float = 0.1) -> np.ndarray:
    labels = np.full(len(scores), "neutral", dtype=object)
    labels[scores > positive] = "positive"
    labels[scores < negative] = "negative"
    return labels
