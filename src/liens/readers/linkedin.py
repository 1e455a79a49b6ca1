"""LinkedIn page analytics exports (Page admin → Analytics → Export): XLS, XLSX, or CSV saved from them.

LinkedIn gives aggregates only, never who did what:

* the content export (``<page>_content_<n>.xls``), sheet **All posts**: one row per post with
  ``Post title, Post link, Post type, Campaign name, Posted by, Created date, …, Impressions, Views,
  Clicks, Click through rate (CTR), Likes, Comments, Reposts, Follows, Engagement rate, Content
  Type`` → ``posts`` with metric columns ``impressions, views, clicks, ctr, reactions, comments,
  shares, follows, engagement_rate``; sheet **Metrics** (per day: ``Impressions (total)``,
  ``Reactions (total)``…) → ``page_*`` columns of ``audience`` on the days it covers;
* the followers export (``<page>_followers_<n>.xls``), sheet **New followers**: ``Date, Sponsored
  followers, Organic followers, Auto-invited followers, Total followers`` (new followers that day)
  → ``audience``. LinkedIn does not give the running total: ``followers`` counts from the first day
  of the export (``followers_is_relative = true``) unless ``followers_total=`` (today's total) is
  passed. Day-to-day changes, which follower-burst detection uses, are exact either way.

``interactions`` stays empty: see :data:`NEEDS_PER_PERSON_DATA` for the analyses this leaves out.
The page (``linkedin:page:<name>``, ``is_brand``) is named after the file (``<page>_content_…``) or
``page=``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ReaderError
from .archive import Source, check_cell, limits, too_large
from .tables import Dataset, Rows
from .values import clean, stable_id, to_float, to_int

PLATFORM = "linkedin"

#: What a LinkedIn page export cannot feed, because it never says which person did what.
NEEDS_PER_PERSON_DATA: dict[str, str] = {
    "pods": "engagement pods: who engaged with which post, and how fast",
    "fake_followers": "fake, inactive and mass-following followers: the followers themselves",
    "members": "members versus followers, levels, recurrence and cohorts: each person's interactions over time",
    "ambassadors": "ambassadors and defenders: who comments, replies and shares",
    "conversation": "intents, sentiment, topics and weak signals: the text of comments and messages",
    "responsiveness": "response rate and time: questions and the brand's replies to them",
    "attribution": "conversions tied to members: who engaged before converting",
}

#: Analyses that a LinkedIn export does feed.
AVAILABLE_ANALYSES: dict[str, str] = {
    "vanity_metrics": "impressions, reactions, comments, shares and engagement rate per post",
    "follower_bursts": "daily new followers (sponsored and organic), for bursts of bought followers",
    "content": "which posts and formats get more reach and engagement",
}


def limitations() -> str:
    """One paragraph for the CLI: what LinkedIn data allows and what it does not."""
    missing = "; ".join(NEEDS_PER_PERSON_DATA.values())
    return ("LinkedIn page exports hold aggregates only (per post and per day), never who engaged. "
            f"Analyses that need per-person data are skipped: {missing}.")


_POST_COLUMNS = {
    "impressions": "impressions", "views (excluding off-site video views)": "views", "views": "views",
    "off-site views": "offsite_views", "clicks": "clicks", "click through rate (ctr)": "ctr",
    "likes": "reactions", "reactions": "reactions", "comments": "comments", "reposts": "shares", "shares": "shares",
    "follows": "follows", "engagement rate": "engagement_rate", "unique impressions": "unique_impressions",
}
_DAILY_COLUMNS = {
    "impressions (total)": "page_impressions", "impressions": "page_impressions",
    "unique impressions (organic)": "page_unique_impressions", "clicks (total)": "page_clicks",
    "reactions (total)": "page_reactions", "comments (total)": "page_comments",
    "reposts (total)": "page_shares", "shares (total)": "page_shares", "engagement rate (total)": "page_engagement_rate",
}
_FORMATS = {
    "image": "photo", "photo": "photo", "video": "video", "text": "text", "article": "article", "newsletter": "article",
    "document": "other", "poll": "other", "carousel": "carousel", "multi-image": "carousel", "images": "carousel",
    "live": "live", "live video": "live", "event": "other",
}
_FILE_NAME = re.compile(r"^(?P<page>.+?)_(content|followers|visitors|updates|competitor_analytics)(_|\.|$)", re.IGNORECASE)
_URN = re.compile(r"(urn:li:(?:activity|share|ugcPost):\d+)")


def _norm(value: Any) -> str:
    return " ".join(str(value or "").replace("\n", " ").split()).lower()


def _day(value: Any, where: str, row: int, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    if text:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        try:
            if match:
                a, b, year = (int(g) for g in match.groups())
                month, day = (b, a) if a > 12 else (a, b)  # LinkedIn writes MM/DD/YYYY
                return date(year, month, day)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
                return date.fromisoformat(text[:10])
            if re.fullmatch(r"\d+(\.0)?", text):  # an Excel serial day number saved as text
                return date(1899, 12, 30) + timedelta(days=int(float(text)))
        except ValueError:
            pass
    raise ReaderError(f"cannot read the date {str(value)[:40]!r}", file=where, row=row, column=column,
                      expected="a date such as 03/12/2024 (month/day/year)")


def _sheets(source: Source, name: str) -> list[tuple[str, list[list[Any]]]]:
    """(sheet name, rows of cell values) of a spreadsheet or CSV file."""
    where = source.display(name)
    data = source.read_bytes(name)
    low = name.lower()
    if low.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        csv.field_size_limit(max(limits().max_cell_chars + 1, 131072))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
            rows = _capped(csv.reader(io.StringIO(text, newline=""), dialect), where)
        except csv.Error:
            try:
                rows = _capped(csv.reader(io.StringIO(text, newline="")), where)
            except csv.Error as error:
                raise ReaderError(f"the CSV cannot be read ({error}); a cell may be over the cap on one cell",
                                  file=where, expected="cells under --max-cell-chars characters") from None
        return [(PurePosixPath(name).stem, rows)]
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data, where)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _xls(data, where)
    if data.lstrip()[:1] == b"<":
        raise ReaderError("this spreadsheet is an HTML page, not an Excel file", file=where,
                          expected="the .xls or .xlsx file LinkedIn exports (open and save it as .xlsx)")
    raise ReaderError("this is not an Excel file (or it is truncated)", file=where, expected="an .xls or .xlsx file")


def _xlsx(data: bytes, where: str) -> list[tuple[str, list[list[Any]]]]:
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:  # an .xlsx is a zip: no part inflated past the cap
            for info in inner.infolist():
                if info.file_size > limits().max_file_bytes:
                    raise too_large(f"{where} ({info.filename})", info.file_size)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = [(ws.title, _capped(ws.iter_rows(values_only=True), f"{where} (sheet {ws.title})"))
                  for ws in book.worksheets]
        book.close()
        return sheets
    except ReaderError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
        raise ReaderError(f"the spreadsheet cannot be opened ({error}); it may be truncated", file=where,
                          expected="a complete .xlsx file") from None
    except Exception as error:
        raise ReaderError(f"the spreadsheet cannot be opened ({type(error).__name__}: {error})", file=where,
                          expected="a complete .xlsx file") from None


def _capped(rows: Any, where: str) -> list[list[Any]]:
    """The rows of a sheet, each cell under the cell cap and the sheet under the row cap."""
    cap = limits().max_rows
    found: list[list[Any]] = []
    for number, row in enumerate(rows, start=1):
        if number > cap:
            raise ReaderError(f"the sheet has more than {cap:,} rows, the cap on one sheet", file=where,
                              expected="a sheet under the cap, or raise it with --max-rows")
        values = list(row)
        for column, value in enumerate(values, start=1):
            check_cell(value, where, row=number, column=str(column))
        found.append(values)
    return found


def _xls(data: bytes, where: str) -> list[tuple[str, list[list[Any]]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
    except Exception as error:
        raise ReaderError(f"the spreadsheet cannot be opened ({type(error).__name__}: {error}); it may be truncated",
                          file=where, expected="a complete .xls file") from None
    sheets = []
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            values = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_EMPTY:
                    values.append(None)
                else:
                    values.append(cell.value)
            rows.append(values)
        sheets.append((sheet.name, _capped(rows, f"{where} (sheet {sheet.name})")))
    return sheets


def _header(rows: list[list[Any]]) -> tuple[int, list[str]] | None:
    """The header row (LinkedIn puts a note above it in some sheets) and its normalised names."""
    for index, row in enumerate(rows[:10]):
        names = [_norm(v) for v in row]
        if ("post link" in names or "post title" in names) or ("date" in names and len([n for n in names if n]) >= 2):
            return index, names
    return None


class _Reader:
    def __init__(self, source: Source, page: str | None, followers_total: int | None) -> None:
        self.source = source
        self.rows = Rows()
        self.page_name = page
        self.followers_total = followers_total
        self.new_followers: dict[date, dict[str, Any]] = {}
        self.daily: dict[date, dict[str, Any]] = {}
        self.posts: list[dict[str, Any]] = []

    def page_id(self) -> str:
        name = self.page_name or "page"
        return f"linkedin:page:{name}"

    def posts_sheet(self, rows: list[list[Any]], start: int, names: list[str], where: str) -> None:
        col = {n: i for i, n in enumerate(names) if n}
        if "created date" not in col and "date" not in col:
            raise ReaderError("the posts sheet has no 'Created date' column", file=where, row=start + 1,
                              column="Created date", expected="LinkedIn's All posts sheet")
        date_col = col["created date"] if "created date" in col else col["date"]
        for number, row in enumerate(rows[start + 1:], start=start + 2):
            def cell(name: str, row: list[Any] = row) -> Any:
                return row[col[name]] if name in col and col[name] < len(row) else None

            if not any(v not in (None, "") for v in row):
                continue
            link, title = clean(cell("post link")), clean(cell("post title"))
            day = _day(row[date_col] if date_col < len(row) else None, where, number, "Created date")
            urn = _URN.search(link or "")
            post = {
                "post_id": f"linkedin:{urn.group(1)}" if urn else "linkedin:post:" + stable_id(link or title, day),
                "author_id": self.page_id(), "created_at": datetime(day.year, day.month, day.day),
                "created_at_precision": "day", "platform": PLATFORM,
                "format": _FORMATS.get(_norm(cell("content type"))), "caption": title, "url": link,
                "campaign": clean(cell("campaign name")),
                "paid": {"sponsored": True, "organic": False}.get(_norm(cell("post type"))),
            }
            for header, column in _POST_COLUMNS.items():
                if header in col and post.get(column) is None:
                    value = cell(header)
                    number_value = to_float(value) if column in ("ctr", "engagement_rate") else to_int(value)
                    post[column] = number_value
            self.posts.append(post)

    def dated_sheet(self, rows: list[list[Any]], start: int, names: list[str], where: str) -> bool:
        col = {n: i for i, n in enumerate(names) if n}
        followers = "organic followers" in col or "sponsored followers" in col
        metrics = any(n.startswith("impressions") for n in col)
        if not (followers or metrics):
            return False
        for number, row in enumerate(rows[start + 1:], start=start + 2):
            if not row or row[col["date"]] in (None, ""):
                continue
            day = _day(row[col["date"]], where, number, "Date")
            def get(name: str, row: list[Any] = row) -> Any:
                return row[col[name]] if name in col and col[name] < len(row) else None

            if followers:
                organic, sponsored = to_int(get("organic followers")), to_int(get("sponsored followers"))
                invited = to_int(get("auto-invited followers"))
                total = to_int(get("total followers"))
                if total is None:
                    total = (organic or 0) + (sponsored or 0) + (invited or 0)
                self.new_followers[day] = {"new_followers": total, "organic_followers": organic,
                                           "sponsored_followers": sponsored, "auto_invited_followers": invited}
            else:
                entry = self.daily.setdefault(day, {})
                for header, column in _DAILY_COLUMNS.items():
                    if header in col and entry.get(column) is None:
                        value = get(header)
                        entry[column] = to_float(value) if column.endswith("rate") else to_int(value)
        return True

    def read(self) -> Dataset:
        source = self.source
        names = source.with_suffix(".xls", ".xlsx", ".csv")
        if not names:
            raise ReaderError("no spreadsheet found", file=str(source.path),
                              expected="LinkedIn page analytics exports (.xls, .xlsx or .csv)")
        if not self.page_name:
            for name in [source.path.name, *names]:
                match = _FILE_NAME.match(PurePosixPath(name).name)
                if match:
                    self.page_name = match["page"]
                    break
        recognised = 0
        for name in names:
            where = source.display(name)
            for _sheet, rows in _sheets(source, name):
                found = _header(rows)
                if found is None:
                    continue
                start, header = found
                if "post link" in header or "post title" in header:
                    self.posts_sheet(rows, start, header, where)
                    recognised += 1
                elif self.dated_sheet(rows, start, header, where):
                    recognised += 1
        if not recognised:
            raise ReaderError(
                "no LinkedIn analytics sheet found", file=str(source.path),
                expected="an 'All posts' sheet (Post title, Post link, Created date…) or a 'New followers' sheet "
                         "(Date, Sponsored followers, Organic followers…)",
            )
        page = self.page_id()
        self.rows.accounts.add(page, PLATFORM, display_name=self.page_name, is_brand=True,
                               followers_count=self.followers_total)
        self.rows.posts.extend(self.posts)
        if self.new_followers:
            days = sorted(self.new_followers)
            gained = sum(self.new_followers[d]["new_followers"] or 0 for d in days)
            running = (self.followers_total - gained) if self.followers_total is not None else 0
            for day in days:
                entry = self.new_followers[day]
                running += entry["new_followers"] or 0
                self.rows.audience.append({
                    "account_id": page, "date": day, "followers": running, **entry,
                    "followers_is_relative": self.followers_total is None, **self.daily.get(day, {}),
                })
        return self.rows.dataset(PLATFORM)


def read(path: Path, *, page: str | None = None, followers_total: int | None = None, **_: Any) -> Dataset:
    """Read LinkedIn page analytics exports (one file, or a folder / zip of them).

    `page`: the page's name when the file names do not carry it (``<page>_content_<n>.xls``).
    `followers_total`: today's follower count, to turn daily new followers into totals.
    """
    with Source(path) as source:
        return _Reader(source, page, followers_total).read()
