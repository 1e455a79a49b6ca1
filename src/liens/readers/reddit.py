"""Reddit data request export (reddit.com/settings/data-request): a folder or zip of CSV files.

The export is the account owner's (the brand's) own activity:

* ``posts.csv`` (``id, permalink, date, ip, subreddit, gildings, title, url, body``) → ``posts``
  (``reddit:t3_<id>``) authored by the owner;
* ``comments.csv`` (``id, permalink, date, ip, subreddit, gildings, link, parent, body, media``) →
  the owner's ``comment`` on the post named by ``link``, or ``reply`` to the comment named by
  ``parent`` (``reddit:t1_<id>``);
* ``messages.csv`` (``id, permalink, thread_id, date, ip, from, to, subject, body``), when present
  → ``dm`` both ways.

Dates read ``2024-03-12 14:05:33 UTC``. The owner's username comes from ``statistics.csv``
(``account name``) or ``owner=``; otherwise the account is ``reddit:me``. IP addresses are never
read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import ReaderError
from .archive import Source, csv_text_rows
from .tables import Dataset, Rows
from .values import clean, time_or_error

PLATFORM = "reddit"
_POST_IN_URL = re.compile(r"/comments/([a-z0-9]+)", re.IGNORECASE)
_NEEDED = {"posts.csv": ("id", "permalink", "date"), "comments.csv": ("id", "permalink", "date"),
           "messages.csv": ("id", "date", "from", "to")}


def _thing(value: str | None, prefix: str) -> str | None:
    """`t1_abc` / `abc` → `reddit:t1_abc` (with the given default prefix)."""
    value = clean(value)
    if not value:
        return None
    if re.match(r"^t\d_", value):
        return f"reddit:{value}"
    return f"reddit:{prefix}_{value}"


def user_id(name: str) -> str:
    return f"reddit:u:{name.strip().removeprefix('/u/').removeprefix('u/').lower()}"


class _Reader:
    def __init__(self, source: Source, owner: str | None) -> None:
        self.source = source
        self.rows = Rows()
        self.owner_name = owner

    def table(self, name: str) -> list[tuple[int, dict[str, str]]]:
        where = self.source.display(name)
        header, rows = csv_text_rows(self.source.read_text(name), where)
        basename = name.rsplit("/", 1)[-1].lower()
        for column in _NEEDED.get(basename, ()):
            if column not in header:
                raise ReaderError(f"the column '{column}' is missing", file=where, row=1, column=column,
                                  expected="Reddit's export columns " + ", ".join(_NEEDED[basename]))
        return rows

    def find_owner(self) -> None:
        if self.owner_name:
            return
        for name in self.source.named("statistics.csv"):
            for _, row in self.table(name):
                key = (row.get("statistic") or "").strip().lower().replace("_", " ")
                if key in ("account name", "username", "account username"):
                    self.owner_name = clean(row.get("value"))

    def read(self) -> Dataset:
        source = self.source
        posts, comments, messages = source.named("posts.csv"), source.named("comments.csv"), source.named("messages.csv")
        if not posts and not comments:
            raise ReaderError(
                "no posts.csv or comments.csv found: the export is incomplete or is not a Reddit data export",
                file=str(source.path), expected="Reddit's data request export with posts.csv and comments.csv",
            )
        self.find_owner()
        owner = user_id(self.owner_name) if self.owner_name else "reddit:me"
        self.rows.accounts.add(owner, PLATFORM, handle=self.owner_name.lower() if self.owner_name else None, is_brand=True)
        for name in posts:
            where = source.display(name)
            for line, row in self.table(name):
                pid = _thing(row.get("id"), "t3")
                if not pid:
                    raise ReaderError("the post has no id", file=where, row=line, column="id", expected="a Reddit id")
                when = time_or_error(row.get("date"), file=where, row=line, column="date")
                if when is None:
                    raise ReaderError("the post has no date", file=where, row=line, column="date",
                                      expected="a date such as 2024-03-12 14:05:33 UTC")
                title, body = clean(row.get("title")), clean(row.get("body"))
                self.rows.posts.append({
                    "post_id": pid, "author_id": owner, "created_at": when, "platform": PLATFORM,
                    "format": "text" if body or not clean(row.get("url")) else "other",
                    "caption": "\n\n".join(t for t in (title, body) if t) or None, "url": clean(row.get("permalink")),
                    "subreddit": clean(row.get("subreddit")),
                })
        for name in comments:
            where = source.display(name)
            for line, row in self.table(name):
                cid = _thing(row.get("id"), "t1")
                if not cid:
                    raise ReaderError("the comment has no id", file=where, row=line, column="id", expected="a Reddit id")
                when = time_or_error(row.get("date"), file=where, row=line, column="date")
                if when is None:
                    raise ReaderError("the comment has no date", file=where, row=line, column="date",
                                      expected="a date such as 2024-03-12 14:05:33 UTC")
                link = clean(row.get("link")) or clean(row.get("permalink")) or ""
                match = _POST_IN_URL.search(link)
                post = f"reddit:t3_{match.group(1)}" if match else None
                parent = clean(row.get("parent"))
                parent_id = None
                if parent and not parent.startswith("t3_"):
                    parent_id = _thing(parent, "t1")
                self.rows.interactions.append({
                    "interaction_id": cid, "kind": "reply" if parent_id else "comment", "actor_id": owner,
                    "created_at": when, "post_id": post, "parent_id": parent_id, "text": clean(row.get("body")),
                    "platform": PLATFORM, "subreddit": clean(row.get("subreddit")),
                })
        for name in messages:
            where = source.display(name)
            for line, row in self.table(name):
                sender, recipient = clean(row.get("from")), clean(row.get("to"))
                when = time_or_error(row.get("date"), file=where, row=line, column="date")
                if not sender or when is None or not clean(row.get("id")):
                    raise ReaderError("the message has no id, sender or date", file=where, row=line,
                                      expected="id, date and from")
                actor = owner if self.owner_name and sender.lower() == self.owner_name.lower() else user_id(sender)
                target = None
                if recipient:
                    target = owner if self.owner_name and recipient.lower() == self.owner_name.lower() else user_id(recipient)
                for account, handle in ((actor, sender), (target, recipient)):
                    if account and account != owner:
                        self.rows.accounts.add(account, PLATFORM, handle=handle.lower() if handle else None)
                self.rows.interactions.append({
                    "interaction_id": f"reddit:msg:{row['id'].strip()}", "kind": "dm", "actor_id": actor,
                    "target_id": target, "created_at": when, "text": clean(row.get("body")), "platform": PLATFORM,
                })
        return self.rows.dataset(PLATFORM)


def read(path: Path, *, owner: str | None = None, **_: Any) -> Dataset:
    """Read a Reddit data request export (folder, zip, or posts.csv / comments.csv alone)."""
    with Source(path) as source:
        return _Reader(source, owner).read()
