"""Language of each text: French, English, or 'other' (too short, emoji only, or neither), offline.

lingua is restricted to French and English (fast and accurate between the two); a text whose best
confidence stays below the threshold is 'other'. The detector loads its models once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

FRENCH, ENGLISH, OTHER = "fr", "en", "other"


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


def detect_languages(texts: Sequence[str], min_confidence: float = 0.6) -> np.ndarray:
    """'fr', 'en' or 'other' for each text (vectorised over both cores by lingua)."""
    if len(texts) == 0:
        return np.array([], dtype=object)
    from lingua import Language

    # Rows come sorted by confidence, best first; with two languages the best one decides.
    rows = _detector().compute_language_confidence_values_in_parallel(list(texts))
    best = [row[0] if row else None for row in rows]
    confidence = np.fromiter((0.0 if b is None else b.value for b in best), dtype=float, count=len(best))
    is_french = np.fromiter((b is not None and b.language == Language.FRENCH for b in best), dtype=bool, count=len(best))
    out = np.full(len(texts), OTHER, dtype=object)
    sure = confidence >= min_confidence
    out[sure & is_french] = FRENCH
    out[sure & ~is_french] = ENGLISH
    return out
