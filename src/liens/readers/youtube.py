"""YouTube: Data API v3 JSON responses, and the Google Takeout ``comments.csv``.

API responses (one JSON file per page, or a folder / zip of them; a file may also hold a list of
pages):

* ``youtube#commentThreadListResponse``: ``items[].snippet.topLevelComment`` → ``comment`` on
  ``yt:video:<videoId>``, its ``replies.comments[]`` → ``reply`` (``parent_id`` from
  ``snippet.parentId``). Authors are ``yt:<authorChannelId.value>``; the thread's
  ``snippet.channelId`` is the channel the video belongs to, marked ``is_brand``;
* ``youtube#commentListResponse`` (``comments.list``, e.g. with ``parentId``): the same comments;
* ``youtube#videoListResponse`` / ``youtube#playlistItemListResponse`` → ``posts`` (publication
  time, title, and ``view_count``/``like_count``/``comment_count`` aggregates);
* ``youtube#channelListResponse`` → the channel's account (subscribers, videos), ``is_brand``;
* ``youtube#searchListResponse`` → the videos found (``id.videoId``) as ``posts`` of their channels
  (channels and playlists found are accounts only, counted as left out);
* video ``statistics`` also go to ``post_metrics`` as numbers (views, likes, comments), measured at
  ``measured_at=`` when given, else when the response file was saved (said in a warning).

The brand is the channel the comment threads name (``snippet.channelId``), the channels of a
``channels.list`` response, or ``owner=`` (a channel id); when none names it the load says so.

A video known only from its comments gets no ``posts`` row (its publication time is unknown and is
not made up); add the ``videos.list`` or uploads ``playlistItems.list`` response to have it.

Google Takeout (YouTube and YouTube Music → comments): ``comments.csv`` with ``Comment ID, Channel
ID, Comment Create Timestamp, Price, Parent Comment ID, (Post ID,) Video ID, Comment Text(, Top-level
comment ID)``: the comments the account owner wrote (the owner is the brand). The text is JSON
(``{"takeoutSegments":[{"text":…}]}`` in older exports, ``{"text":…},{"text":…}`` in newer ones) or
plain. ``channels/channel.csv`` names the owner's channel.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ReaderError
from .archive import Source, csv_text_rows
from .tables import Dataset, Rows, words
from .values import as_dict, clean, time_or_error, to_int

PLATFORM = "youtube"
_LIST_KINDS = {
    "youtube#commentThreadListResponse", "youtube#commentListResponse", "youtube#videoListResponse",
    "youtube#playlistItemListResponse", "youtube#channelListResponse", "youtube#searchListResponse",
}


def _norm(header: str) -> str:
    return " ".join(header.strip().lower().split())


def _segments(raw: str | None) -> list[dict[str, Any]] | None:
    text = clean(raw)
    if not text or not text.startswith("{"):
        return None
    try:
        parsed = json.loads("[" + text + "]", strict=False)
    except json.JSONDecodeError:
        return None
    segments: list[dict[str, Any]] = []
    for item in parsed:
        if isinstance(item, dict) and isinstance(item.get("takeoutSegments"), list):
            segments.extend(s for s in item["takeoutSegments"] if isinstance(s, dict))
        elif isinstance(item, dict):
            segments.append(item)
    return segments


def takeout_text(raw: str | None) -> str | None:
    """The comment text of a Takeout comments.csv cell, whichever of its encodings it uses."""
    segments = _segments(raw)
    if segments is None:
        return clean(raw)
    return clean("".join(str(s.get("text", "")) for s in segments))


def takeout_mentions(raw: str | None) -> list[str]:
    """Channel ids mentioned in a Takeout comment (segments with a "mention")."""
    found = []
    for segment in _segments(raw) or []:
        mention = segment.get("mention")
        if isinstance(mention, dict) and clean(mention.get("externalChannelId")):
            found.append(str(mention["externalChannelId"]))
    return found


class _Reader:
    def __init__(self, source: Source, owner: str | None = None, measured_at: Any = None) -> None:
        self.source = source
        self.rows = Rows()
        self.posts: dict[str, dict[str, Any]] = {}
        self.owner = clean(owner)
        self.measured_at = time_or_error(measured_at, file=str(source.path), column="--measured-at") if measured_at else None
        self.where_saved: Any = None

    def channel_account(self, channel_id: str, **fields: Any) -> str:
        if self.owner and channel_id == self.owner:
            fields["is_brand"] = True
        return self.rows.accounts.add(f"yt:{channel_id}", PLATFORM, **fields)

    # -- API -------------------------------------------------------------------------------

    def response(self, data: Any, where: str) -> int:
        if isinstance(data, list):
            return sum(self.response(page, where) for page in data)
        if not isinstance(data, dict):
            return 0
        kind = str(data.get("kind") or "")
        if "error" in data and not kind:
            error = data["error"] if isinstance(data["error"], dict) else {}
            raise ReaderError(f"this file holds a YouTube API error, not data: {error.get('message', data['error'])}",
                              file=where, expected="a successful YouTube Data API response")
        if kind in _LIST_KINDS:
            items = data.get("items")
            if not isinstance(items, list):
                raise ReaderError("the response has no 'items' list", file=where, column="items",
                                  expected=f"a complete {kind}")
            for index, item in enumerate(items, start=1):
                if isinstance(item, dict):
                    self.resource(item, where, index)
            return 1
        if kind.startswith("youtube#"):
            self.resource(data, where, None)
            return 1
        return 0

    def resource(self, item: dict[str, Any], where: str, index: int | None) -> None:
        kind = item.get("kind")
        if kind == "youtube#commentThread":
            snippet = item.get("snippet") or {}
            top = snippet.get("topLevelComment")
            if not isinstance(top, dict):
                raise ReaderError("a comment thread has no topLevelComment", file=where, row=index,
                                  column="snippet.topLevelComment", expected="commentThreads requested with part=snippet")
            video = clean(snippet.get("videoId"))
            if clean(snippet.get("channelId")):
                self.channel_account(snippet["channelId"], is_brand=True)
            self.comment(top, where, index, video=video)
            for reply in ((item.get("replies") or {}).get("comments") or []):
                if isinstance(reply, dict):
                    self.comment(reply, where, index, video=video, parent=clean(top.get("id")))
        elif kind == "youtube#comment":
            self.comment(item, where, index)
        elif kind == "youtube#video":
            self.video(item, where, index)
        elif kind == "youtube#searchResult":
            found = as_dict(item.get("id"))
            snippet = item.get("snippet") or {}
            if clean(found.get("videoId")):
                self.add_post(str(found["videoId"]), snippet.get("publishedAt"), clean(snippet.get("channelId")),
                              clean(snippet.get("title")), where, index)
            else:
                self.rows.skip("search_other", words("search results that are channels or playlists, not videos",
                                                     "résultats de recherche qui sont des chaînes ou des playlists"))
        elif kind == "youtube#playlistItem":
            snippet = item.get("snippet") or {}
            details = item.get("contentDetails") or {}
            video = clean((snippet.get("resourceId") or {}).get("videoId")) or clean(details.get("videoId"))
            if video:
                self.add_post(video, details.get("videoPublishedAt") or snippet.get("publishedAt"),
                              clean(snippet.get("videoOwnerChannelId")) or clean(snippet.get("channelId")),
                              clean(snippet.get("title")), where, index)
        elif kind == "youtube#channel":
            snippet = item.get("snippet") or {}
            stats = item.get("statistics") or {}
            handle = clean(snippet.get("customUrl"))
            self.channel_account(
                str(item["id"]), handle=handle.lstrip("@").lower() if handle else None,
                display_name=clean(snippet.get("title")), bio=clean(snippet.get("description")),
                created_at=time_or_error(snippet.get("publishedAt"), file=where, row=index, column="snippet.publishedAt"),
                followers_count=None if stats.get("hiddenSubscriberCount") else to_int(stats.get("subscriberCount")),
                posts_count=to_int(stats.get("videoCount")), is_brand=True,
            )

    def comment(self, item: dict[str, Any], where: str, index: int | None, *, video: str | None = None,
                parent: str | None = None) -> None:
        snippet = item.get("snippet")
        cid = clean(item.get("id"))
        if not isinstance(snippet, dict) or not cid:
            raise ReaderError("a comment has no id or snippet", file=where, row=index,
                              expected="comments requested with part=snippet (and id)")
        author_id = clean((snippet.get("authorChannelId") or {}).get("value")) if isinstance(snippet.get("authorChannelId"), dict) else clean(snippet.get("authorChannelId"))
        display = clean(snippet.get("authorDisplayName"))
        if author_id:
            actor = self.channel_account(author_id, handle=display.lstrip("@").lower() if display and display.startswith("@") else None,
                                         display_name=display)
        elif display:
            actor = self.rows.accounts.add(f"yt:name:{display}", PLATFORM, display_name=display)
        else:
            raise ReaderError(f"comment {cid} does not say who wrote it", file=where, row=index,
                              column="snippet.authorChannelId", expected="the author's channel id")
        when = time_or_error(snippet.get("publishedAt"), file=where, row=index, column="snippet.publishedAt")
        if when is None:
            raise ReaderError(f"comment {cid} has no publication time", file=where, row=index, column="snippet.publishedAt",
                              expected="an ISO 8601 time")
        parent = clean(snippet.get("parentId")) or parent
        video = clean(snippet.get("videoId")) or video
        if clean(snippet.get("channelId")) and not parent:
            self.channel_account(snippet["channelId"], is_brand=True)
        self.rows.interactions.append({
            "interaction_id": f"yt:comment:{cid}", "kind": "reply" if parent else "comment", "actor_id": actor,
            "created_at": when, "post_id": f"yt:video:{video}" if video else None,
            "parent_id": f"yt:comment:{parent}" if parent else None,
            "text": clean(snippet.get("textOriginal")) or clean(snippet.get("textDisplay")),
            "platform": PLATFORM, "like_count": to_int(snippet.get("likeCount")),
        })

    def video(self, item: dict[str, Any], where: str, index: int | None) -> None:
        snippet = item.get("snippet") or {}
        video_id = item.get("id")
        if isinstance(video_id, dict):  # search results
            video_id = video_id.get("videoId")
        if not clean(video_id):
            return
        post = self.add_post(str(video_id), snippet.get("publishedAt"), clean(snippet.get("channelId")),
                             clean(snippet.get("title")), where, index)
        stats = item.get("statistics") or {}
        if post is not None:
            post["view_count"] = to_int(stats.get("viewCount"))
            post["like_count"] = to_int(stats.get("likeCount"))
            post["comment_count"] = to_int(stats.get("commentCount"))
        counts = {"views": to_int(stats.get("viewCount")), "likes": to_int(stats.get("likeCount")),
                  "comments": to_int(stats.get("commentCount"))}
        when = self.measured_at or self.where_saved
        if any(v is not None for v in counts.values()) and when is not None:
            if self.measured_at is None:
                self.rows.warn(words(
                    "video statistics are dated by when their response file was saved (its modification time); "
                    "pass --measured-at to give the time they were read",
                    "les statistiques des vidéos sont datées par l'enregistrement de leur fichier (sa date de "
                    "modification) ; passez --measured-at pour donner l'heure de lecture"))
            self.rows.post_metrics.append({"post_id": f"yt:video:{video_id}", "measured_at": when,
                                           "platform": PLATFORM, **counts})

    def add_post(self, video: str, published: Any, channel: str | None, title: str | None, where: str,
                 index: int | None) -> dict[str, Any] | None:
        when = time_or_error(published, file=where, row=index, column="snippet.publishedAt")
        if when is None or not channel:
            return None  # part=snippet was not requested: nothing to say about the post
        author = self.channel_account(channel)
        post = self.posts.setdefault(f"yt:video:{video}", {
            "post_id": f"yt:video:{video}", "author_id": author, "created_at": when, "platform": PLATFORM,
            "format": "video", "caption": title, "url": f"https://www.youtube.com/watch?v={video}",
        })
        return post

    # -- Takeout ---------------------------------------------------------------------------

    def takeout_comments(self, name: str, owner_fields: dict[str, Any]) -> None:
        where = self.source.display(name)
        header, rows = csv_text_rows(self.source.read_text(name), where)
        cols = {_norm(h): h for h in header}
        needed = ("comment id", "channel id", "comment create timestamp", "video id", "comment text")
        for col in needed:
            if col not in cols:
                raise ReaderError("a column of the Takeout comments file is missing", file=where, row=1,
                                  column=col.title(), expected="the columns " + ", ".join(c.title() for c in needed))
        for line, row in rows:
            def get(col: str, row: dict[str, str] = row) -> str | None:
                key = cols.get(col)
                return clean(row.get(key)) if key else None

            cid = get("comment id")
            channel = get("channel id")
            if not cid or not channel:
                raise ReaderError("the row has no comment id or channel id", file=where, row=line,
                                  column="Comment ID" if not cid else "Channel ID", expected="a value")
            when = time_or_error(get("comment create timestamp"), file=where, row=line, column="Comment Create Timestamp")
            if when is None:
                raise ReaderError("the row has no time", file=where, row=line, column="Comment Create Timestamp",
                                  expected="an ISO 8601 time")
            actor = self.channel_account(channel, is_brand=True, **owner_fields.get(channel, {}))
            parent = get("parent comment id")
            video, post = get("video id"), get("post id")
            self.rows.interactions.append({
                "interaction_id": f"yt:comment:{cid}", "kind": "reply" if parent else "comment", "actor_id": actor,
                "created_at": when,
                "post_id": f"yt:video:{video}" if video else (f"yt:post:{post}" if post else None),
                "parent_id": f"yt:comment:{parent}" if parent else None,
                "text": takeout_text(row.get(cols["comment text"])), "platform": PLATFORM,
            })
            for mentioned in dict.fromkeys(takeout_mentions(row.get(cols["comment text"]))):
                self.rows.interactions.append({
                    "interaction_id": f"yt:mention:{cid}:{mentioned}", "kind": "mention", "actor_id": actor,
                    "created_at": when, "target_id": self.channel_account(mentioned),
                    "parent_id": f"yt:comment:{cid}", "platform": PLATFORM,
                })

    def takeout_channels(self, names: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for name in names:
            header, rows = csv_text_rows(self.source.read_text(name), self.source.display(name))
            cols = {_norm(h): h for h in header}
            if "channel id" not in cols:
                continue
            title_col = next((cols[c] for c in cols if c.startswith("channel title")), None)
            for _, row in rows:
                channel = clean(row.get(cols["channel id"]))
                if channel:
                    found[channel] = {"display_name": clean(row.get(title_col)) if title_col else None}
        return found

    # -- the whole source --------------------------------------------------------------------

    def read(self) -> Dataset:
        source = self.source
        csvs = source.with_suffix(".csv")
        comment_csvs, channel_csvs = [], []
        for name in csvs:
            head = source.head(name, 4096).decode("utf-8-sig", errors="ignore").splitlines()
            first = _norm(head[0]) if head else ""
            if "comment id" in first and "video id" in first:
                comment_csvs.append(name)
            elif "channel id" in first and "channel title" in first:
                channel_csvs.append(name)
        takeout = bool(comment_csvs) or any(n.lower().startswith("takeout/") for n in source.names)
        jsons = [n for n in source.with_suffix(".json") if not (takeout and not _looks_like_api(source.head(n, 4096)))]
        if not comment_csvs and not jsons:
            if takeout:
                raise ReaderError(
                    "this Google Takeout holds no YouTube comments file: the export is incomplete or 'comments' was not selected",
                    file=str(source.path), expected="Takeout/YouTube and YouTube Music/comments/comments.csv",
                )
            raise ReaderError("no YouTube data found", file=str(source.path),
                              expected="YouTube Data API responses (.json) or a Takeout comments.csv")
        for name in jsons:
            where = source.display(name)
            self.rows.begin(where, words("YouTube Data API response", "réponse de l'API YouTube Data"))
            self.where_saved = source.modified(name)
            if not self.response(source.read_json(name), where):
                raise ReaderError(
                    "this JSON is not a YouTube Data API response", file=where,
                    expected="a commentThreads, comments, videos, playlistItems or channels list response (\"kind\": \"youtube#…\")",
                )
        owners = self.takeout_channels(channel_csvs)
        for name in comment_csvs:
            self.rows.begin(source.display(name), words("YouTube comments the account wrote (Takeout)",
                                                        "commentaires YouTube écrits par le compte (Takeout)"))
            self.takeout_comments(name, owners)
        self.rows.posts.extend(self.posts.values())
        has_comments = any(r["kind"] in ("comment", "reply") for r in self.rows.interactions)
        if has_comments and not any(row.get("is_brand") for row in self.rows.accounts.rows()):
            self.rows.warn(words(
                "no response names the brand's channel (comment threads without snippet.channelId, no channels.list): "
                "comments are read, but whose videos they are on is unknown; pass --owner CHANNEL_ID (UC…)",
                "aucune réponse ne nomme la chaîne de la marque (fils sans snippet.channelId, pas de channels.list) : "
                "les commentaires sont lus, mais on ne sait pas à qui sont les vidéos ; passez --owner ID_CHAÎNE (UC…)"))
        return self.rows.dataset(PLATFORM)


def _looks_like_api(head: bytes) -> bool:
    return b'"kind"' in head and b"youtube#" in head


def read(path: Path, *, owner: str | None = None, measured_at: Any = None, **_: Any) -> Dataset:
    """Read YouTube Data API responses and/or a Google Takeout comments.csv (file, folder or zip).

    `owner`: the brand's channel id. `measured_at`: when the video statistics were read.
    """
    with Source(path) as source:
        return _Reader(source, owner, measured_at).read()

