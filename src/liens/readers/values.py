"""Values as platforms write them, made canonical: times (any offset, epoch seconds or
milliseconds) as naive UTC, ids stable across exports, text repaired and trimmed, numbers with
their thousands separators and percent signs."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..errors import ReaderError


def utc(value: Any) -> datetime | None:
    """A naive UTC datetime from an ISO 8601 string (any offset), epoch seconds or milliseconds.

    Raises ValueError when the value is not a time; returns None for None and "".
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        return from_epoch(value)
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return from_epoch(float(text))
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    # .NET writes seven fractional digits; Python reads at most six.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    parsed = datetime.fromisoformat(text)
    return utc(parsed)


def from_epoch(seconds: float) -> datetime:
    if abs(seconds) > 1e11:  # milliseconds
        seconds = seconds / 1000.0
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)


def time_or_error(value: Any, *, file: str, row: int | None = None, column: str | None = None) -> datetime | None:
    try:
        return utc(value)
    except (ValueError, TypeError, OverflowError):
        raise ReaderError(f"cannot read the time {str(value)[:60]!r}", file=file, row=row, column=column,
                          expected="an ISO 8601 time or a Unix timestamp") from None


def stable_id(*parts: Any) -> str:
    """A short id that depends only on `parts`: the same content gives the same id in every export."""
    digest = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:20]


def fix_mojibake(value: Any) -> Any:
    """Undo Meta's export encoding: UTF-8 bytes written as \\u00XX escapes (`é` arrives as `Ã©`).

    Each string is re-read as UTF-8 when it round-trips; strings that are already right (any
    character above U+00FF, or Latin-1 text that is not valid UTF-8) are left alone. Recursive over
    lists and dicts, keys included.
    """
    if isinstance(value, str):
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value
    if isinstance(value, list):
        return [fix_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {fix_mojibake(k): fix_mojibake(v) for k, v in value.items()}
    return value


def as_dict(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (a missing or malformed field)."""
    return value if isinstance(value, dict) else {}


def clean(value: Any) -> str | None:
    """A text value, or None for missing/blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def to_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else int(value)
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", "")
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if math.isnan(value) else float(value)
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    percent = text.endswith("%")
    text = text.rstrip("%")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number / 100.0 if percent else number
