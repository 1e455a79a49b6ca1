"""Dataset v1 folders: one file (or folder of parts) per table, CSV, JSON Lines or Parquet, any mix.

This module only finds the files and describes how DuckDB should scan them; validation and loading
happen in the store, so that every source (a folder, a platform export) goes through one check.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import DatasetError
from ..schema import DATASET_SUFFIXES as _SUFFIXES
from ..schema import TABLES


@dataclass(frozen=True)
class FileSource:
    """One table stored in one or more files of the same format."""

    table: str
    paths: tuple[Path, ...]
    format: str  # csv | jsonl | parquet
    delimiter: str = ","

    @property
    def label(self) -> str:
        if len(self.paths) == 1:
            return str(self.paths[0])
        return f"{self.paths[0].parent}/ ({len(self.paths)} files)"


def _suffix_of(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return None


def _table_name(path: Path) -> str | None:
    suffix = _suffix_of(path)
    if suffix is None:
        return None
    stem = path.name[: -len(suffix)].lower()
    return stem if stem in TABLES else None


def _sniff_csv(path: Path) -> str:
    """Read the header line ourselves: DuckDB's sniffer guesses wrong on short or ragged files."""
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    if path.name.lower().endswith(".gz"):
        import gzip

        with gzip.open(path, "rb") as handle:
            head = handle.read(64 * 1024)
    if not head.strip():
        raise DatasetError("the file is empty", file=str(path), expected="a header line naming the columns")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    first_line = head.splitlines()[0] if head.splitlines() else b""
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DatasetError(
            f"the header is not valid UTF-8 (byte {error.start})", file=str(path), row=0, expected="UTF-8 text"
        ) from None
    counts = {d: text.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    if not any(h.strip() for h in header):
        raise DatasetError("the header line is empty", file=str(path), row=0, expected="column names")
    return delimiter


def find_tables(folder: Path) -> dict[str, FileSource]:
    """Map each dataset table present in `folder` to its files.

    A table is `NAME.csv|.jsonl|.parquet` (optionally gzipped) or a folder `NAME/` of such parts,
    as Spark writes them.
    """
    if not folder.is_dir():
        raise DatasetError("not a folder", file=str(folder), expected="a dataset folder holding accounts, posts and interactions files")
    found: dict[str, FileSource] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_dir() and entry.name.lower() in TABLES:
            parts = sorted(p for p in entry.iterdir() if p.is_file() and _suffix_of(p) and not p.name.startswith((".", "_")))
            if not parts:
                raise DatasetError("the folder holds no data files", file=str(entry), expected="CSV, JSON Lines or Parquet parts")
            formats = {_SUFFIXES[_suffix_of(p)] for p in parts}  # type: ignore[index]
            if len(formats) > 1:
                raise DatasetError("the folder mixes file formats", file=str(entry), expected="parts of one format")
            source = FileSource(entry.name.lower(), tuple(parts), formats.pop())
        elif entry.is_file() and (name := _table_name(entry)):
            source = FileSource(name, (entry,), _SUFFIXES[_suffix_of(entry)])  # type: ignore[index]
        else:
            continue
        if source.table in found:
            raise DatasetError(
                f"table '{source.table}' is given twice ({found[source.table].label} and {source.label})",
                file=str(folder),
                expected="one file per table",
            )
        found[source.table] = source
    for table, source in list(found.items()):
        if source.format == "csv":
            for path in source.paths:
                if path.stat().st_size == 0:
                    raise DatasetError("the file is empty", file=str(path), expected="a header line naming the columns")
            delimiter = _sniff_csv(source.paths[0])
            found[table] = FileSource(table, source.paths, "csv", delimiter)
        else:
            for path in source.paths:
                if path.stat().st_size == 0:
                    raise DatasetError("the file is empty", file=str(path), expected="at least one row or a schema")
    return found
