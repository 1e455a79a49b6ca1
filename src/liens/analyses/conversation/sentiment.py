"""Sentiment of each text in French and English: a score in [-1, 1] and negative / neutral / positive.

The word polarities are TextBlob's (English) and textblob-fr's (French) lexicons, both shipped with
those packages, plus `data/sentiment_lexicon.csv` for what they miss: emojis, slang and complaint
words. Scoring is vectorised: negations mark the next word (`pas top` -> `neg_top`, whose polarity is
-0.5 times `top`'s, as in TextBlob's pattern analyser), a fixed-vocabulary count matrix times the
polarity vector gives the mean polarity of the words found.
"""

from __future__ import annotations

import csv
import os
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


@dataclass
class _Scorer:
    vectorizer: object
    polarity: np.ndarray

    def score(self, marked: list[str]) -> np.ndarray:
        counts = self.vectorizer.transform(marked)
        found = np.asarray(counts.sum(axis=1)).ravel()
        total = counts @ self.polarity
        return np.divide(total, found, out=np.zeros(len(marked)), where=found > 0)


@lru_cache(maxsize=1)
def _scorers() -> dict[str, _Scorer]:
    from sklearn.feature_extraction.text import CountVectorizer
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
    scorers = {}
    for lang, lexicon in lexicons.items():
        # Negated forms flip and soften, unless the lexicon says otherwise ("pas terrible" is not praise).
        lexicon = {**{"neg_" + t: NEGATED_WEIGHT * v for t, v in lexicon.items() if not t.startswith("neg_")}, **lexicon}
        terms = list(lexicon)
        polarity = np.array([lexicon[t] for t in terms])
        vectorizer = CountVectorizer(vocabulary=terms, token_pattern=TOKEN_PATTERN, lowercase=False)
        scorers[lang] = _Scorer(vectorizer, polarity)
    return scorers


def mark_negations(normalised: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """`je n'aime pas` -> `je ne neg_aime pas`: French elisions are opened first so the next word is seen."""
    opened = pc.replace_substring_regex(normalised, pattern=r"\b([nljdcsm]|qu)'", replacement=r"\1e ")
    # Spoken French drops the "ne": "j'aime pas", "ça marche pas".
    marked = pc.replace_substring_regex(opened, pattern=r"\b(\w+) pas\b", replacement=r"neg_\1 pas")
    marked = pc.replace_substring_regex(marked, pattern=_NEGATION, replacement=r"\1 neg_\2")
    return pc.replace_substring_regex(marked, pattern=r"(neg_)+", replacement="neg_")


def sentiment_scores(texts: pa.Array | pa.ChunkedArray, languages: np.ndarray | None = None,
                     normalised: bool = False) -> np.ndarray:
    """A polarity in [-1, 1] per text, with the lexicon of its language ('fr', 'en', else both)."""
    array = texts if normalised else normalise(pc.fill_null(texts, ""))
    marked = np.asarray(mark_negations(array).to_pylist(), dtype=object)
    langs = np.full(len(marked), "other", dtype=object) if languages is None else np.asarray(languages, dtype=object)
    out = np.zeros(len(marked))
    scorers = _scorers()
    for lang in ("fr", "en", "other"):
        mask = langs == lang if lang != "other" else ~np.isin(langs, ["fr", "en"])
        if mask.any():
            out[mask] = scorers[lang].score(list(marked[mask]))
    return np.clip(out, -1.0, 1.0)


def sentiment_labels(scores: np.ndarray, negative: float = -0.1, positive: float = 0.1) -> np.ndarray:
    labels = np.full(len(scores), "neutral", dtype=object)
    labels[scores > positive] = "positive"
    labels[scores < negative] = "negative"
    return labels
