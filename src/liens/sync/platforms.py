"""What to ask each platform, page after page, and what each answer adds to ask.

A platform starts with a few requests (the account, its profile) and each page it answers may add
more: a media page adds, for each media in the sync's window, its insights and (when its comment
count changed since the last sync) its comments; a comments page adds the replies the API did not
embed. `Outcome.stop` ends a list early when it reaches media older than the window (lists come
newest first). The pages the payload readers understand are marked `for_reader`; the others
(account lists, insights) are read by `build.py` alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..readers.values import utc
from .errors import AccountNotFound

IG_MEDIA_FIELDS = "id,caption,media_type,media_product_type,timestamp,permalink,like_count,comments_count,username"
IG_COMMENT_FIELDS = "id,text,timestamp,username,from{id,username},like_count,parent_id,hidden"
IG_MEDIA_METRICS = "reach,saved,shares,views,total_interactions"
FB_POST_FIELDS = ("id,message,created_time,permalink_url,status_type,shares,"
                  "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)")
FB_COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},like_count"
FB_POST_METRICS = "post_impressions,post_impressions_unique,post_clicks"
FB_PAGE_METRIC = "page_follows"


@dataclass
class Cursor:
    """Where the last sync of one account's endpoint stopped: a value (a time, a date) and a count."""

    value: str | None = None
    count: int | None = None


@dataclass
class Window:
    """What this sync revisits, per account: media published at or after `start(account)`.

    `--full`: everything; `--since`: from that time; otherwise from `lookback_days` before the newest
    media the last sync saw, or everything on the first sync of the account.
    """

    since: datetime | None
    full: bool
    lookback_days: int
    cursors: dict[tuple[str, str], Cursor]
    page_size: int = 100
    comment_page_size: int = 50

    def start(self, account: str) -> datetime | None:
        if self.full:
            return None
        if self.since is not None:
            return self.since
        cursor = self.cursors.get(("media", account))
        newest = _when(cursor.value) if cursor is not None and cursor.value else None
        return None if newest is None else newest - timedelta(days=self.lookback_days)

    def in_window(self, when: datetime | None, account: str) -> bool:
        start = self.start(account)
        return start is None or when is None or when >= start

    def changed(self, object_id: str, count: int | None) -> bool:
        """Whether the comments of `object_id` need fetching: a full sync, a count that moved, or never seen."""
        if self.full or count is None:
            return True
        cursor = self.cursors.get(("comments", object_id))
        return cursor is None or cursor.count != count


@dataclass
class Outcome:
    payload: dict[str, Any] | None
    for_reader: bool = True
    new: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    stop: bool = False
    label: str = ""  # the page file's name part (the Meta reader reads an edge from it); default: the kind


def _task(kind: str, path: str, params: dict[str, Any], object_id: str = "", **meta: Any) -> dict[str, Any]:
    return {"kind": kind, "path": path, "params": params, "object_id": object_id, "meta": meta}


def _count(value: Any) -> int | None:
    """A count as the API wrote it (number or numeric text); absent or empty is None, never 0."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value).strip()
    return int(float(text)) if text and text.replace(".", "", 1).isdigit() else None


def _when(value: Any) -> datetime | None:
    try:
        return utc(value)
    except (ValueError, TypeError):
        return None


def seen_key(endpoint: str, object_id: str) -> str:
    return f"{endpoint}|{object_id}"


def _newest(seen: dict[str, Any], key: str, when: datetime | None, account: str) -> None:
    if when is not None:
        text = when.isoformat()
        if key not in seen or text > seen[key]["value"]:
            seen[key] = {"value": text, "count": None, "account": account}


class Platform:
    name = ""
    reader = ""

    def first(self, account: str | None, window: Window) -> list[dict[str, Any]]:
        raise NotImplementedError

    def on_page(self, kind: str, object_id: str, meta: dict[str, Any], body: dict[str, Any],
                window: Window) -> Outcome:
        raise NotImplementedError


class Instagram(Platform):
    """Instagram Graph API (Instagram professional accounts, through Facebook Login)."""

    name = "instagram"
    reader = "meta-graph"

    def first(self, account: str | None, window: Window) -> list[dict[str, Any]]:
        if account:
            return self._account(account, window)
        return [_task("accounts", "/me/accounts", {"fields": "id,name,instagram_business_account{id,username}",
                                                   "limit": window.page_size})]

    def _account(self, ig_id: str, window: Window) -> list[dict[str, Any]]:
        return [
            _task("profile", f"/{ig_id}", {"fields": "id,username,name,biography,followers_count,follows_count,"
                                                     "media_count,profile_picture_url"}, ig_id),
            _task("media", f"/{ig_id}/media", {"fields": IG_MEDIA_FIELDS, "limit": window.page_size}, ig_id),
        ]

    def on_page(self, kind: str, object_id: str, meta: dict[str, Any], body: dict[str, Any],
                window: Window) -> Outcome:
        if kind == "accounts":
            linked = [str(page["instagram_business_account"]["id"]) for page in body.get("data") or []
                      if isinstance(page, dict) and isinstance(page.get("instagram_business_account"), dict)
                      and page["instagram_business_account"].get("id")]
            if not linked:
                raise AccountNotFound("account_not_found", platform=self.name,
                                      what="Instagram professional account linked to a Facebook Page "
                                           "(give --account IG_USER_ID, or link the account to a Page)")
            out = Outcome(body, for_reader=False, new=self._account(linked[0], window), stop=True)
            if len(linked) > 1:
                out.warnings.append(f"the token sees {len(linked)} Instagram accounts; synced {linked[0]}, "
                                    f"give --account for the others: {', '.join(linked[1:])}")
            return out
        if kind == "profile":
            return Outcome(body)
        if kind == "media":
            out = Outcome(body)
            for media in body.get("data") or []:
                if not isinstance(media, dict) or not media.get("id"):
                    continue
                when = _when(media.get("timestamp"))
                _newest(out.seen, seen_key("media", object_id), when, object_id)
                if not window.in_window(when, object_id):
                    out.stop = True
                    continue
                mid = str(media["id"])
                brief = {"timestamp": media.get("timestamp"), "media_type": media.get("media_type")}
                out.new.append(_task("insights", f"/{mid}/insights", {"metric": IG_MEDIA_METRICS}, mid, **brief))
                count = _count(media.get("comments_count"))
                if window.changed(mid, count):
                    out.new.append(_task("comments", f"/{mid}/comments",
                                         {"fields": f"{IG_COMMENT_FIELDS},replies{{{IG_COMMENT_FIELDS}}}",
                                          "limit": window.comment_page_size}, mid, **brief))
                    out.seen[seen_key("comments", mid)] = {"value": None, "count": count, "account": object_id}
            return out
        if kind == "insights":
            return Outcome(body, for_reader=False)
        if kind in ("comments", "replies"):
            media_id = object_id if kind == "comments" else str(meta.get("media_id"))
            out = Outcome(body)
            for comment in body.get("data") or []:
                if not isinstance(comment, dict):
                    continue
                comment.setdefault("media", {"id": media_id})
                if kind == "replies":
                    comment.setdefault("parent_id", object_id)
                replies = comment.get("replies")
                if isinstance(replies, dict):
                    for reply in replies.get("data") or []:
                        if isinstance(reply, dict):
                            reply.setdefault("media", {"id": media_id})
                            reply.setdefault("parent_id", comment.get("id"))
                    if (replies.get("paging") or {}).get("next") and comment.get("id"):
                        cid = str(comment["id"])
                        out.new.append(_task("replies", f"/{cid}/replies", {"fields": IG_COMMENT_FIELDS,
                                                                            "limit": window.comment_page_size},
                                             cid, media_id=media_id))
            return out
        raise ValueError(kind)


class Facebook(Platform):
    """Facebook Pages through the Graph API, with a Page access token."""

    name = "facebook"
    reader = "meta-graph"

    def first(self, account: str | None, window: Window) -> list[dict[str, Any]]:
        return [_task("page", f"/{account or 'me'}", {"fields": "id,name,username,fan_count,followers_count,category,link"},
                      account or "me")]

    def on_page(self, kind: str, object_id: str, meta: dict[str, Any], body: dict[str, Any],
                window: Window) -> Outcome:
        if kind == "page":
            page_id = str(body.get("id") or "")
            if not page_id:
                raise AccountNotFound("account_not_found", platform=self.name,
                                      what="Facebook Page (use a Page access token, or give --account PAGE_ID)")
            params: dict[str, Any] = {"fields": FB_POST_FIELDS, "limit": window.page_size}
            insights: dict[str, Any] = {"metric": FB_PAGE_METRIC, "period": "day"}
            start = window.start(page_id)
            if start is not None:
                params["since"] = int((start - datetime(1970, 1, 1)).total_seconds())
                insights["since"] = params["since"]
            return Outcome(body, new=[_task("posts", f"/{page_id}/posts", params, page_id),
                                      _task("page_insights", f"/{page_id}/insights", insights, page_id)])
        if kind == "page_insights":
            return Outcome(body, for_reader=False)
        if kind == "posts":
            out = Outcome(body)
            for post in body.get("data") or []:
                if not isinstance(post, dict) or not post.get("id"):
                    continue
                when = _when(post.get("created_time"))
                _newest(out.seen, seen_key("media", object_id), when, object_id)
                if not window.in_window(when, object_id):
                    out.stop = True
                    continue
                pid = str(post["id"])
                out.new.append(_task("post_insights", f"/{pid}/insights", {"metric": FB_POST_METRICS}, pid))
                comments = post.get("comments")
                count = _count(((comments or {}).get("summary") or {}).get("total_count")) if isinstance(comments, dict) else None
                if window.changed(pid, count):
                    out.new.append(_task("comments", f"/{pid}/comments",
                                         {"fields": FB_COMMENT_FIELDS, "filter": "stream", "limit": window.page_size},
                                         pid, created_time=post.get("created_time")))
                    out.seen[seen_key("comments", pid)] = {"value": None, "count": count, "account": object_id}
            return out
        if kind == "post_insights":
            return Outcome(body, for_reader=False)
        if kind == "comments":
            # the post the comments belong to is said by embedding them in it (the last page has no URL to say it)
            # (and the file is named as a post, not as a comments page, which the reader would take it for)
            wrapped = {"id": object_id, "created_time": meta.get("created_time"), "comments": body}
            return Outcome(wrapped, label="post")
        raise ValueError(kind)


class YouTube(Platform):
    """YouTube Data API v3, with an OAuth access token of the channel's owner."""

    name = "youtube"
    reader = "youtube"

    def first(self, account: str | None, window: Window) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"part": "snippet,statistics,contentDetails"}
        params.update({"id": account} if account else {"mine": "true"})
        return [_task("channel", "/channels", params, account or "mine")]

    def on_page(self, kind: str, object_id: str, meta: dict[str, Any], body: dict[str, Any],
                window: Window) -> Outcome:
        if kind == "channel":
            new = []
            for channel in body.get("items") or []:
                uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
                if uploads:
                    new.append(_task("uploads", "/playlistItems", {"part": "snippet,contentDetails",
                                                                   "playlistId": uploads, "maxResults": 50},
                                     str(channel.get("id"))))
            if not new:
                raise AccountNotFound("account_not_found", platform=self.name,
                                      what="YouTube channel with an uploads playlist (is the token the channel owner's?)")
            return Outcome(body, new=new)
        if kind == "uploads":
            out = Outcome(body)
            ids = []
            for item in body.get("items") or []:
                details = item.get("contentDetails") or {}
                snippet = item.get("snippet") or {}
                video = details.get("videoId") or (snippet.get("resourceId") or {}).get("videoId")
                when = _when(details.get("videoPublishedAt") or snippet.get("publishedAt"))
                _newest(out.seen, seen_key("media", object_id), when, object_id)
                if not window.in_window(when, object_id):
                    out.stop = True
                    continue
                if video:
                    ids.append(str(video))
            if ids:
                out.new.append(_task("videos", "/videos", {"part": "snippet,statistics", "id": ",".join(ids),
                                                           "maxResults": 50}, object_id))
            return out
        if kind == "videos":
            out = Outcome(body)
            for video in body.get("items") or []:
                vid = str(video.get("id"))
                stats = video.get("statistics") or {}
                if "commentCount" not in stats:
                    continue  # comments turned off: nothing to ask
                count = _count(stats.get("commentCount"))
                if window.changed(vid, count):
                    out.new.append(_task("threads", "/commentThreads", {
                        "part": "snippet,replies", "videoId": vid, "maxResults": window.page_size,
                        "textFormat": "plainText", "order": "time"}, vid))
                    out.seen[seen_key("comments", vid)] = {"value": None, "count": count, "account": object_id}
            return out
        if kind == "threads":
            out = Outcome(body)
            for thread in body.get("items") or []:
                snippet = thread.get("snippet") or {}
                replies = ((thread.get("replies") or {}).get("comments")) or []
                total = _count(snippet.get("totalReplyCount")) or 0
                if total > len(replies) and thread.get("id"):
                    out.new.append(_task("replies", "/comments", {"part": "snippet", "parentId": str(thread["id"]),
                                                                  "maxResults": window.page_size,
                                                                  "textFormat": "plainText"},
                                         str(thread["id"]), video=object_id))
            return out
        if kind == "replies":
            for comment in body.get("items") or []:
                snippet = comment.get("snippet")
                if isinstance(snippet, dict):
                    snippet.setdefault("videoId", meta.get("video"))
                    snippet.setdefault("parentId", object_id)
            return Outcome(body)
        raise ValueError(kind)


PLATFORM_CLASSES: dict[str, type[Platform]] = {"instagram": Instagram, "facebook": Facebook, "youtube": YouTube}
