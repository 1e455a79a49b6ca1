"""The files of an export, wherever they are: a folder, a zip archive or one file.

`Source` lists and reads them the same way in all three cases (paths inside are POSIX-style and
relative); `parse_json` and `csv_text_rows` read a member's text, and say which file is wrong when
it cannot be read.

`Limits` caps what one read may take in: a file or archive member read into memory, a cell of a
sheet or CSV, the rows of a sheet. They are set for the read in progress (`use_limits`, a context
variable: `read_platform` sets them from its options) and a file over a cap is refused with a
message naming the file, the cap and the option that raises it; nothing is inflated first.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Self

from ..errors import ReaderError


@dataclass(frozen=True)
class Limits:
    """Caps on one read (each overridable by the reader option of the same name)."""

    max_file_mb: float = 256.0  # a file, or a member of an archive, read into memory
    max_cell_chars: int = 100_000  # one cell of a spreadsheet or CSV (a post is a few thousand)
    max_rows: int = 2_000_000  # rows of one sheet

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


_LIMITS: ContextVar[Limits] = ContextVar("liens_read_limits", default=Limits())  # noqa: B039 (frozen)


def limits() -> Limits:
    return _LIMITS.get()


@contextmanager
def use_limits(value: Limits) -> Iterator[Limits]:
    token = _LIMITS.set(value)
    try:
        yield value
    finally:
        _LIMITS.reset(token)


def too_large(where: str, size: int) -> ReaderError:
    cap = limits().max_file_mb
    return ReaderError(
        f"the file is {size / 1024 / 1024:,.0f} MB uncompressed, over the {cap:g} MB cap on one file",
        file=where, expected=f"a file under {cap:g} MB, or raise the cap with --max-file-mb",
    )


def check_cell(value: Any, where: str, row: int | None = None, column: str | None = None) -> None:
    """Refuse a cell longer than the cap (a damaged or hostile sheet, not a post)."""
    cap = limits().max_cell_chars
    if isinstance(value, str) and len(value) > cap:
        raise ReaderError(
            f"a cell holds {len(value):,} characters, over the {cap:,} cap on one cell", file=where, row=row,
            column=column, expected=f"cells under {cap:,} characters, or raise the cap with --max-cell-chars",
        )


class Source:
    """The files of an export, wherever they are: a folder, a zip archive or one file.

    Paths inside are POSIX-style and relative (`connections/followers_and_following/followers_1.json`);
    a single file is seen as a source holding that one file, under its own name.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            self.kind = "folder"
            names = []
            for root, dirs, files in os.walk(self.path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    names.append(Path(root, name).relative_to(self.path).as_posix())
            self._names = names
        elif is_zip(self.path):
            self.kind = "zip"
            try:
                self._zip = zipfile.ZipFile(self.path)
                infos = self._zip.infolist()
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
                raise ReaderError(
                    f"the zip archive cannot be opened ({error}); it may be truncated or still downloading",
                    file=str(self.path), expected="a complete zip archive",
                ) from None
            self._names = sorted(
                i.filename for i in infos
                if not i.is_dir() and not i.filename.startswith("__MACOSX/")
                and not PurePosixPath(i.filename).name.startswith(".")
            )
        elif self.path.is_file():
            self.kind = "file"
            self._names = [self.path.name]
        else:
            raise ReaderError("no such file or folder", file=str(self.path), expected="a platform export")

    # -- listing ---------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def named(self, *basenames: str) -> list[str]:
        """Files whose base name is one of `basenames` (case-insensitive), anywhere in the tree."""
        wanted = {b.lower() for b in basenames}
        return [n for n in self._names if PurePosixPath(n).name.lower() in wanted]

    def matching(self, pattern: str) -> list[str]:
        """Files whose relative path matches the regular expression `pattern` (case-insensitive)."""
        rx = re.compile(pattern, re.IGNORECASE)
        return [n for n in self._names if rx.search(n)]

    def with_suffix(self, *suffixes: str) -> list[str]:
        low = tuple(s.lower() for s in suffixes)
        return [n for n in self._names if n.lower().endswith(low)]

    def display(self, name: str) -> str:
        """How a user finds the file: its path on disk, or the zip's path followed by the member."""
        if self.kind == "file":
            return str(self.path)
        return f"{self.path}/{name}"

    # -- reading ---------------------------------------------------------------------------

    def size(self, name: str) -> int:
        """The (uncompressed) size the file says it has."""
        if self.kind == "zip":
            assert self._zip is not None
            return self._zip.getinfo(name).file_size
        return (self.path if self.kind == "file" else self.path / name).stat().st_size

    def modified(self, name: str) -> datetime | None:
        """When the file was last written (UTC for files; the zip's recorded local time for members)."""
        try:
            if self.kind == "zip":
                assert self._zip is not None
                return datetime(*self._zip.getinfo(name).date_time)
            stat = (self.path if self.kind == "file" else self.path / name).stat()
            return datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None)
        except (KeyError, OSError, ValueError):
            return None

    def read_bytes(self, name: str) -> bytes:
        cap = limits().max_file_bytes
        try:
            if self.size(name) > cap:
                raise too_large(self.display(name), self.size(name))
            if self.kind == "zip":
                assert self._zip is not None
                with self._zip.open(name) as handle:  # read at most the cap: a member may lie about its size
                    data = handle.read(cap + 1)
                if len(data) > cap:
                    raise too_large(self.display(name), len(data))
                return data
            if self.kind == "file":
                return self.path.read_bytes()
            return (self.path / name).read_bytes()
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as error:
            raise ReaderError(
                f"this member of the zip archive is damaged ({error}); the archive may be truncated",
                file=self.display(name), expected="a complete zip archive",
            ) from None
        except OSError as error:
            raise ReaderError(f"cannot read the file ({error.strerror or error})", file=self.display(name)) from None

    def read_text(self, name: str, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
        data = self.read_bytes(name)
        return decode_text(data, self.display(name), encodings)

    def read_json(self, name: str) -> Any:
        return parse_json(self.read_text(name), self.display(name))

    def head(self, name: str, size: int = 65536) -> bytes:
        """The first bytes of a file, for sniffing (never the whole of a large file)."""
        try:
            if self.kind == "zip":
                assert self._zip is not None
                with self._zip.open(name) as handle:
                    return handle.read(size)
            target = self.path if self.kind == "file" else self.path / name
            with open(target, "rb") as handle:
                return handle.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError):
            return b""

    def head_text(self, name: str, size: int = 65536) -> str:
        """The first characters of a text file, in the encoding its bytes show (UTF-8 unless UTF-16/32)."""
        data = self.head(name, size)
        encoding = sniff_encoding(data) or "utf-8-sig"
        if encoding == "utf-16":
            encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
            data = data[2:]
        return data.decode(encoding, errors="ignore")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_zip(path: Path) -> bool:
    if not path.is_file():
        return False
    if path.suffix.lower() == ".zip":
        return True
    if path.suffix.lower() in (".xlsx", ".xlsm", ".docx", ".pptx", ".ods"):
        return False  # office files are zips inside, but one file to the reader
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def sniff_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 told by a byte-order mark or by the zero bytes of ASCII text; None otherwise."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4000]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be"
    return None


def decode_text(data: bytes, where: str, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    """The text of a file: UTF-8 (or `encodings`), UTF-16/32 when its bytes say so; else an error
    naming the encoding expected and the first byte that is not."""
    found = sniff_encoding(data)
    if found:
        try:
            return data.decode(found)
        except UnicodeDecodeError:
            raise ReaderError(f"the file looks like {found.upper()} text but cannot be decoded as such", file=where,
                              expected="UTF-8 text (or complete UTF-16 text)") from None
    last: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            last = error
    assert last is not None
    raise ReaderError(
        f"the file is not valid {encodings[0].replace('-sig', '').upper()} text (byte {last.start}); "
        "it may be in another encoding (Windows-1252, Latin-1)",
        file=where, expected="UTF-8 text",
    )


def parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip()) - 1
        hint = "the file ends too early: it is truncated" if truncated or not text.strip() else "the file is not valid JSON"
        raise ReaderError(
            f"{hint} ({error.msg} at line {error.lineno}, column {error.colno})", file=where, expected="a complete JSON document",
        ) from None
    except RecursionError:
        raise ReaderError("the JSON is nested too deeply to read", file=where, expected="a platform JSON export") from None


def csv_text_rows(text: str, where: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line number, row dict) of a small CSV text; the header is line 1."""
    import csv

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ReaderError("the file is empty", file=where, expected="a header line naming the columns") from None
    except csv.Error as error:
        raise ReaderError(f"the CSV cannot be read ({error})", file=where, row=1) from None
    header = [h.strip() for h in header]
    if text.count('"') % 2 == 1:
        raise ReaderError("the file ends inside a quoted value: it is truncated (cut mid-row)", file=where,
                          expected="a complete CSV file (download or export it again)")
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise ReaderError(
                    f"the row has {len(values)} values for {len(header)} columns", file=where, row=reader.line_num,
                    expected="one value per column (quote values holding commas)",
                )
            for column, value in zip(header, values):
                check_cell(value, where, row=reader.line_num, column=column)
            rows.append((reader.line_num, dict(zip(header, values))))
        if rows and not text.endswith(("\n", "\r")) and len(last := text.splitlines()[-1].split(",")) < len(header) \
                and len(next(csv.reader([text.splitlines()[-1]]))) < len(header):
            raise ReaderError(f"the last row has {len(last)} values for {len(header)} columns and the file does not end "
                              "with a new line: it is truncated (cut mid-row)", file=where, row=reader.line_num,
                              expected="a complete CSV file (download or export it again)")
    except csv.Error as error:
        raise ReaderError(f"the CSV cannot be read ({error}); the file may be truncated", file=where,
                          row=reader.line_num) from None
    return header, rows
