"""A labels CSV (account_id,label) for `liens audience train`, read into a frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DatasetError


def read_labels(path: str | Path) -> pd.DataFrame:
    """The labels file as a frame of text columns (lower-cased names); a clear error when it cannot be read."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DatasetError("the labels file does not exist", file=str(path), expected="a CSV with account_id,label") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise DatasetError(f"not a readable CSV ({str(error).splitlines()[0]})", file=str(path),
                           expected="a CSV with account_id,label") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame
