"""Platform exports and API payloads: decide which one a path holds, and read it into dataset v1.

Each format has a module of its own (bytes in, canonical rows out); what they share sits beside
them (`archive`: the files of an export; `values`: times, ids, numbers; `tables`: rows into
dataset v1 tables). This module is the registry the loader calls, and the one place that decides
which reader, if any, a path needs:

    Dataset = dict[str, pyarrow.Table]      # canonical table name -> table of dataset v1 columns
    READERS: dict[str, Callable[..., Dataset]]
    resolve_format(path, fmt="auto", mapping=None) -> str | None   # None: a dataset v1 folder or DuckDB file
    detect_format(path) -> str | None
    read_platform(path, fmt="auto", mapping=None, **options) -> Dataset

Conventions every reader follows:

* ids are strings prefixed by platform (``ig:lea.martin``, ``yt:UC…``, ``discord:1234``), and the
  same person gets the same id from every reader of a platform; ids of interactions that the
  platform does not number are a hash of their content, so that re-reading a newer export of the
  same account yields the same ids (the loader dedupes on them);
* times are naive ``timestamp[us]`` values in UTC (never local time, never a time zone the store
  would have to convert); dates are ``date32``;
* ``accounts``, ``posts`` and ``interactions`` are always present (possibly empty, with their
  required columns); every account an interaction, post, follow or audience row names is listed in
  ``accounts``;
* aggregate numbers that name nobody (saved, shares, reach…) stay aggregates, in extra ``posts``
  columns; no interaction is invented from a count;
* anything that cannot be read raises :class:`~liens.errors.ReaderError` naming the file (and the
  record, row or key) and what was expected.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ReaderError
from ..schema import DATASET_SUFFIXES, MANDATORY_TABLES, STORE_SUFFIXES, TABLES
from .archive import Source, is_zip
from .tables import Dataset

#: --format values the dataset loader reads itself (a dataset v1 folder or DuckDB file)
DATASET_FORMATS = ("dataset", "csv", "jsonl", "parquet")

#: format name -> (module in liens.readers, what the format is, for messages and --help)
FORMATS: dict[str, tuple[str, str]] = {
    "instagram-export": ("instagram_export", "an Instagram 'Download your information' export (JSON, folder or zip)"),
    "meta-graph": ("meta_graph", "Meta Graph API JSON responses (Instagram or Facebook media, comments, insights)"),
    "youtube": ("youtube", "YouTube Data API v3 JSON responses or a Google Takeout comments.csv"),
    "discord": ("discord", "a DiscordChatExporter JSON export"),
    "whatsapp": ("whatsapp", "a WhatsApp chat export (.txt, or the zip with media)"),
    "linkedin": ("linkedin", "LinkedIn page analytics exports (XLS, XLSX or CSV)"),
    "reddit": ("reddit", "a Reddit data request export (posts.csv, comments.csv)"),
    "csv-map": ("csv_map", "any CSV files described by a mapping TOML (--map)"),
}


def _lazy(module: str) -> Callable[..., Dataset]:
    def read(path: Path, **options: Any) -> Dataset:
        return importlib.import_module(f"liens.readers.{module}").read(Path(path), **options)

    read.__name__ = f"read_{module}"
    read.__doc__ = f"Read {FORMATS_BY_MODULE[module]} into dataset v1 tables."
    return read


FORMATS_BY_MODULE = {module: text for module, text in FORMATS.values()}
#: format name -> reader. Imported lazily: a reader module pulls in its own dependencies.
READERS: dict[str, Callable[..., Dataset]] = {name: _lazy(module) for name, (module, _) in FORMATS.items()}


def _one_of_the_formats() -> str:
    return "one of: " + "; ".join(text for _, text in FORMATS.values())


def resolve_format(path: str | os.PathLike[str], fmt: str = "auto",
                   mapping: str | os.PathLike[str] | None = None) -> str | None:
    """The reader `path` needs: a key of READERS, or None for a dataset v1 folder or DuckDB file.

    `fmt` is "auto" (with a `mapping`, csv-map; without, sniff the path with `detect_format`), one
    of DATASET_FORMATS (the dataset loader; a mapping is then ignored), or a key of READERS. An
    unknown format, csv-map without a mapping or a mapping with another format raise ReaderError.
    """
    if fmt in DATASET_FORMATS:
        return None
    if fmt == "auto":
        return "csv-map" if mapping is not None else detect_format(Path(path))
    if fmt not in READERS:
        raise ReaderError(f"unknown format '{fmt}'", file=str(path), expected="auto or one of " + ", ".join(READERS))
    if fmt == "csv-map" and mapping is None:
        raise ReaderError("the csv-map format needs a mapping file (--map mapping.toml)", file=str(path),
                          expected="a TOML file naming which CSV column is which")
    if fmt != "csv-map" and mapping is not None:
        raise ReaderError(f"a mapping file is only used with --format csv-map, not {fmt}", file=str(mapping))
    return fmt


def read_platform(path: str | os.PathLike[str], fmt: str = "auto", mapping: str | os.PathLike[str] | None = None,
                  **options: Any) -> Dataset:
    """Read a platform export at `path` into dataset v1 tables.

    `fmt` is a key of READERS or "auto" (as `resolve_format` decides; a path that is no platform
    export is an error here). `options` go to the reader (e.g. ``timezone="Europe/Paris"`` for
    WhatsApp, ``page=`` for LinkedIn, ``owner=`` for exports that do not say whose they are).
    """
    path = Path(path)
    if not path.exists():
        raise ReaderError("no such file or folder", file=str(path), expected="a platform export")
    if fmt in DATASET_FORMATS:
        raise ReaderError(f"unknown format '{fmt}'", file=str(path), expected="auto or one of " + ", ".join(READERS))
    resolved = resolve_format(path, fmt, mapping)
    if resolved is None:
        raise ReaderError("this is not a platform export Liens recognises", file=str(path),
                          expected=_one_of_the_formats())
    if resolved == "csv-map":
        assert mapping is not None
        options["mapping"] = Path(mapping)
    return READERS[resolved](path, **options)


_IG_MARKERS = re.compile(
    r"(^|/)(followers_\d+|following|liked_posts|post_comments(_\d+)?|reels_comments|personal_information)\.(json|html)$"
    r"|(^|/)messages/inbox/[^/]+/message_\d+\.(json|html)$",
    re.IGNORECASE,
)
_WHATSAPP_LINE = re.compile(
    r"^\u200e?(\[\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+\d{1,2}[:.]\d{2}"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+(à\s+)?\d{1,2}[:.]\d{2}[^-\n]{0,12}\s[-–]\s)",
    re.MULTILINE,
)


def _sniff_json(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="ignore")
    if re.search(r'"kind"\s*:\s*"youtube#', text):
        return "youtube"
    if re.search(r'"guild"\s*:', text) and re.search(r'"channel"\s*:', text):
        return "discord"
    if re.search(r'"(relationships_following|likes_media_likes|comments_media_comments|string_list_data|string_map_data)"', text):
        return "instagram-export"
    if re.search(r'"participants"\s*:', text) and re.search(r'"(sender_name|timestamp_ms)"', text):
        return "instagram-export"
    if re.search(r'"(media_type|media_product_type|permalink|created_time|like_count|comments_count|paging|insights|total_value|followers_count|fan_count)"', text):
        return "meta-graph"
    if re.search(r'"data"\s*:\s*\[', text) and re.search(r'"(id|name)"\s*:', text):
        return "meta-graph"
    return None


def _sniff_csv(head: bytes) -> str | None:
    text = head.decode("utf-8-sig", errors="ignore")
    first = text.splitlines()[0].strip().lower() if text.strip() else ""
    cols = [c.strip().strip('"') for c in first.split(",")]
    if "comment id" in cols and "video id" in cols:
        return "youtube"
    if {"id", "permalink", "date"} <= set(cols) and ({"subreddit", "body"} & set(cols) or "title" in cols):
        return "reddit"
    low = text[:4000].lower()
    if ("organic followers" in low and "sponsored followers" in low) or "post link" in low or "impressions (organic)" in low:
        return "linkedin"
    return None


def _detect_in(source: Source) -> str | None:
    names = source.names
    lowered = [n.lower() for n in names]
    if any(_IG_MARKERS.search(n) for n in names):
        return "instagram-export"
    if any("youtube" in n and n.endswith(".csv") for n in lowered) or any(n.startswith("takeout/") for n in lowered):
        return "youtube"
    scores: dict[str, int] = {}
    for name in names:
        low = name.lower()
        fmt: str | None = None
        if low.endswith(".json"):
            fmt = _sniff_json(source.head(name, 16384))
        elif low.endswith(".txt"):
            head = source.head(name, 8192).decode("utf-8-sig", errors="ignore")
            fmt = "whatsapp" if len(_WHATSAPP_LINE.findall(head)) >= 1 else None
        elif low.endswith(".csv"):
            fmt = _sniff_csv(source.head(name, 8192))
        elif low.endswith((".xls", ".xlsx")):
            fmt = "linkedin"
        if fmt:
            scores[fmt] = scores.get(fmt, 0) + 1
    if not scores:
        return None
    return max(scores, key=lambda f: scores[f])




def _looks_like_dataset(source: Source, names: list[str]) -> bool:
    """A dataset v1 table file among `names`: named after a mandatory table, with a dataset suffix,
    and (for text files) a header naming that table's required columns. A Reddit export's posts.csv
    (id, permalink, date…) is not one."""
    for name in names:
        base = PurePosixPath(name).name.lower()
        suffix = next((s for s in DATASET_SUFFIXES if base.endswith(s)), None)
        if suffix is None or base[: -len(suffix)] not in MANDATORY_TABLES:
            continue
        if suffix in (".parquet", ".jsonl.gz", ".csv.gz"):
            return True
        head = source.head(name, 4096).decode("utf-8-sig", errors="ignore")
        required = TABLES[base[: -len(suffix)]].required
        if any(col in head for col in required):
            return True
    return False


# Single files that are datasets, never exports: DuckDB files and the one-table dataset formats.
_NOT_EXPORTS = STORE_SUFFIXES + (".parquet", ".jsonl", ".ndjson")


def detect_format(path: str | os.PathLike[str]) -> str | None:
    """Which platform export `path` holds (a key of READERS), or None when it is not one.

    None means the path may be a dataset v1 folder (or DuckDB file) for the dataset loader. A zip
    archive, a JSON file or a text file that is not a recognisable export raises ReaderError: no
    dataset reader could make sense of it either, and the user deserves to be told what was expected.
    """
    path = Path(path)
    if not path.exists():
        raise ReaderError("no such file or folder", file=str(path), expected="a platform export or a dataset folder")
    suffix = path.suffix.lower()
    if path.is_file() and suffix in _NOT_EXPORTS:
        return None
    if path.is_dir():
        with Source(path) as source:
            if _looks_like_dataset(source, [n for n in source.names if "/" not in n]):
                return None
            return _detect_in(source)
    if is_zip(path):
        with Source(path) as source:
            found = _detect_in(source)
            if found:
                return found
            if _looks_like_dataset(source, source.names):
                raise ReaderError(
                    "this zip holds a dataset folder; unzip it and load the folder", file=str(path),
                    expected="a platform export archive, or a dataset folder",
                )
            raise ReaderError(
                "this zip archive is not a platform export Liens recognises", file=str(path),
                expected=_one_of_the_formats(),
            )
    with Source(path) as source:
        found = _detect_in(source)
    if found:
        return found
    if suffix in (".json", ".txt", ".xls", ".xlsx"):
        raise ReaderError(
            "this file is not a platform export Liens recognises", file=str(path),
            expected=_one_of_the_formats(),
        )
    return None
