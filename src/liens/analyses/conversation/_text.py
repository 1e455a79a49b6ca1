"""Text normalisation shared by the conversation classifiers, vectorised over Arrow arrays."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# A question: a question mark, or an interrogative opening (questions often come without "?").
QUESTION_PATTERN = (
    r"\?|^(est[- ]ce|ou |quand|comment|combien|pourquoi|quel|quelle|quels|quelles|qui |"
    r"y a[- ]t[- ]il|il y a|what|where|when|how|why|which|who|do you|does|did you|is it|is there|"
    r"are you|can i|can you|could you|will you|would you|any )"
)


def normalise(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Lower case, accents removed, curly apostrophes straightened, spaces collapsed."""
    out = pc.utf8_lower(texts)
    out = pc.utf8_normalize(out, form="NFKD")
    out = pc.replace_substring_regex(out, pattern=r"\p{Mn}", replacement="")
    out = pc.replace_substring_regex(out, pattern="[\u2019\u2018`]", replacement="'")
    out = pc.replace_substring_regex(out, pattern=r"\s+", replacement=" ")
    return pc.utf8_trim_whitespace(out)


def is_question(normalised: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return pc.match_substring_regex(normalised, pattern=QUESTION_PATTERN)
