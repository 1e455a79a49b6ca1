"""Meta Graph API JSON, Instagram and Facebook: media with their insights, comments and replies.

Input: one JSON response, or a folder / zip of them (one file per page of results is the usual way
of saving them). Each file may hold:

* a list response ``{"data": [...], "paging": {"cursors": {...}, "next": "…"}}`` of IG media
  (``id, caption, media_type, media_product_type, timestamp, permalink, like_count,
  comments_count``), IG comments (``id, text, timestamp, username, from{id,username}, parent_id,
  replies{data}``), Facebook posts (``id, message, created_time, permalink_url, from``) or Facebook
  comments (``id, message, created_time, from{id,name}, parent, comments{data}``);
* an insights response ``{"data": [{"name", "period", "values": [{"value"}] | "total_value":
  {"value"}, "id": "<media-id>/insights/<name>/<period>"}]}``;
* one object (a media with embedded ``comments`` and ``insights`` edges, an IG user, a Page);
* a list of any of these, a batch response ``[{"code": 200, "body": "<json>"}]``, or a multi-id
  response (``?ids=a,b``: ``{"<id>": {...}, "<id>": {...}}``).

Pages of the same list spread over several files are merged (ids are deduped). Which media a
comments page belongs to comes from the comment's ``media{id}``, the embedding media, or the
``paging`` URLs (``/<media-id>/comments?…``).

Insights are aggregates that name nobody: they become ``insight_<metric>`` columns of ``posts``
(``insight_saved``, ``insight_shares``, ``insight_reach``, ``insight_replies``…), as do
``like_count`` and ``comments_count``; no interaction is invented from a count. They are also
written as numbers to ``post_metrics`` (likes, comments, shares, saves, reach, impressions, views),
measured at the values' ``end_time`` when the response gives one, else at ``measured_at=`` when
given, else when the response file was saved (its modification time, said in a warning); a
media's insights load even when its media response is not there (the load says so). Account
insights (``/<ig-user-id>/insights``, per day) become ``audience`` rows of the account, one per
day, with ``insight_<metric>`` columns; ``followers`` is the running total of the daily
``follower_count`` gains, from the account's ``followers_count`` when a user response gives it
(else from 0, ``followers_is_relative`` true).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ReaderError
from .archive import Source
from .tables import Dataset, Rows, words
from .values import as_dict, clean, time_or_error, to_float, to_int, utc

#: Graph metric names -> post_metrics column
METRIC_COLUMNS = {
    "like_count": "likes", "likes": "likes", "comments_count": "comments", "comments": "comments",
    "shares": "shares", "saved": "saves", "saves": "saves", "reach": "reach", "impressions": "impressions",
    "video_views": "views", "plays": "views", "views": "views", "ig_reels_aggregated_all_plays_count": "views",
    "post_impressions": "impressions", "post_impressions_unique": "reach",
}

_EDGE_URL = re.compile(r"/(\d[\d_]*)/(comments|replies|insights|media|posts|feed|published_posts|stories|tags)(?:[/?#]|$)")
_FB_POST_KEYS = ("permalink_url", "status_type", "attachments", "full_picture", "shares", "is_published", "story")

IG_FORMATS = {"IMAGE": "photo", "VIDEO": "video", "CAROUSEL_ALBUM": "carousel"}
IG_PRODUCT_FORMATS = {"REELS": "reel", "STORY": "story"}
FB_FORMATS = {"added_photos": "photo", "added_video": "video", "mobile_status_update": "text",
              "created_note": "article", "shared_story": "other", "published_story": "other"}


@dataclass
class _Context:
    where: str
    edge: str | None = None  # comments | replies | insights | media | posts
    owner_object: str | None = None  # the id in /<id>/<edge>
    media_id: str | None = None
    parent_id: str | None = None
    network: str | None = None  # ig | fb


def _context_from_paging(paging: Any, where: str, name: str) -> _Context:
    ctx = _Context(where)
    urls = []
    if isinstance(paging, dict):
        urls = [paging.get("next"), paging.get("previous")]
    for url in urls:
        if isinstance(url, str):
            match = _EDGE_URL.search(url)
            if match:
                ctx.owner_object, ctx.edge = match.group(1), match.group(2)
                break
    if ctx.edge is None:
        low = PurePosixPath(name).name.lower()
        for word, edge in (("repl", "replies"), ("comment", "comments"), ("insight", "insights"),
                           ("media", "media"), ("post", "posts"), ("feed", "posts")):
            if word in low:
                ctx.edge = edge
                break
    return ctx


class _Reader:
    def __init__(self, source: Source, measured_at: Any = None) -> None:
        self.source = source
        self.measured_at = time_or_error(measured_at, file=str(source.path), column="--measured-at") if measured_at else None
        self.saved_at: dict[str, Any] = {}  # file -> when it was saved (a fallback measurement time)
        self.notes: dict[str, Any] = {}  # file -> its FileNote, to count rows built at the end on their file
        self.rows = Rows()
        self.media: dict[str, dict[str, Any]] = {}  # ig media id -> object (+ "_where")
        self.ig_comments: dict[str, dict[str, Any]] = {}
        self.fb_posts: dict[str, dict[str, Any]] = {}
        self.fb_comments: dict[str, dict[str, Any]] = {}
        self.insights: list[tuple[str | None, dict[str, Any], str]] = []
        self.ig_user: dict[str, Any] | None = None
        self.fb_page: dict[str, Any] | None = None
        self.recognised = 0

    # -- walking the documents -----------------------------------------------------------------

    def document(self, data: Any, where: str, name: str, ctx: _Context | None = None) -> None:
        if isinstance(data, list):
            if data and all(isinstance(d, dict) and "body" in d and "code" in d for d in data):
                for index, entry in enumerate(data, start=1):
                    body = entry.get("body")
                    if entry.get("code") != 200 or not isinstance(body, str):
                        raise ReaderError(f"batch entry {index} is not a successful response (code {entry.get('code')})",
                                          file=where, row=index, expected="code 200 with a JSON body")
                    try:
                        parsed = json.loads(body)
                    except json.JSONDecodeError:
                        raise ReaderError("the body of a batch entry is not JSON", file=where, row=index) from None
                    self.document(parsed, where, name)
                return
            for item in data:
                self.document(item, where, name, ctx)
            return
        if not isinstance(data, dict):
            return
        if "error" in data and "data" not in data and "id" not in data:
            error = data["error"] if isinstance(data["error"], dict) else {}
            raise ReaderError(
                f"this file holds a Graph API error, not data: {error.get('message', data['error'])}", file=where,
                expected="a successful Graph API response",
            )
        if data and "id" not in data and "data" not in data and all(
                isinstance(v, dict) and str(v.get("id", k)) == str(k) for k, v in data.items()) and all(
                re.fullmatch(r"[\d_]+", str(k)) for k in data):
            for value in data.values():  # a multi-id response: {"<id>": {...}, ...}
                self.document(value, where, name, ctx)
            return
        if isinstance(data.get("data"), list):
            page_ctx = _context_from_paging(data.get("paging"), where, name)
            if ctx is not None:  # an embedded edge: what embeds it says more than its URLs
                page_ctx.media_id = page_ctx.media_id or ctx.media_id
                page_ctx.parent_id = ctx.parent_id
                page_ctx.network = ctx.network
                page_ctx.edge = ctx.edge or page_ctx.edge
            for item in data["data"]:
                if isinstance(item, dict):
                    self.element(item, page_ctx)
            if not data["data"]:
                self.recognised += 1  # an empty page is a valid response
            return
        self.element(data, ctx or _context_from_paging(data.get("paging"), where, name))

    def element(self, obj: dict[str, Any], ctx: _Context) -> None:
        where = ctx.where
        if "name" in obj and ("values" in obj or "total_value" in obj):
            media_id = ctx.media_id
            ident = str(obj.get("id") or "")
            if "/insights/" in ident:
                media_id = ident.split("/insights/", 1)[0]
            elif ctx.edge == "insights" and ctx.owner_object:
                media_id = media_id or ctx.owner_object
            self.insights.append((media_id, obj, where))
            self.recognised += 1
            return
        if not clean(obj.get("id")):
            return
        oid = str(obj["id"])
        is_ig_media = any(k in obj for k in ("media_type", "media_product_type", "media_url", "shortcode")) or (
            "permalink" in obj and "instagram.com" in str(obj.get("permalink"))
        ) or ("timestamp" in obj and ("caption" in obj or "like_count" in obj or "comments_count" in obj) and "text" not in obj) or (
            "timestamp" in obj and ctx.edge in ("media", "stories", "tags") and "text" not in obj
        )
        if is_ig_media and ctx.edge not in ("comments", "replies"):
            self.merge(self.media, oid, obj, where)
            self.recognised += 1
            self.embedded(obj, oid, where, network="ig")
            return
        if "timestamp" in obj and ("text" in obj or ctx.edge in ("comments", "replies")):
            record = dict(obj)
            record.setdefault("_media", ctx.media_id or (ctx.owner_object if ctx.edge == "comments" else None))
            if ctx.parent_id or (ctx.edge == "replies" and ctx.owner_object):
                record.setdefault("parent_id", ctx.parent_id or ctx.owner_object)
            self.merge(self.ig_comments, oid, record, where)
            self.recognised += 1
            for reply_page in (obj.get("replies"),):
                if isinstance(reply_page, dict):
                    self.document(reply_page, where, "", _Context(where, "replies", oid, record.get("_media") or
                                                                  _media_id(obj), oid, "ig"))
            return
        if "username" in obj and "timestamp" not in obj and "text" not in obj and ctx.edge not in ("comments", "replies"):
            self.ig_user = {**(self.ig_user or {}), **obj}
            self.recognised += 1
            self.embedded(obj, None, where, network="ig")
            return
        if "created_time" in obj:
            is_comment = ctx.edge in ("comments", "replies") or (
                ctx.edge not in ("posts", "media") and "from" in obj and "message" in obj
                and not any(k in obj for k in _FB_POST_KEYS) and ("parent" in obj or "comment_count" in obj or "like_count" in obj)
            )
            if is_comment:
                record = dict(obj)
                if ctx.parent_id:
                    record.setdefault("parent", {"id": ctx.parent_id})
                record.setdefault("_post", ctx.media_id or (ctx.owner_object if ctx.edge == "comments" else None))
                self.merge(self.fb_comments, oid, record, where)
                self.recognised += 1
                if isinstance(obj.get("comments"), dict):
                    self.document(obj["comments"], where, "", _Context(where, "comments", oid, record.get("_post"), oid, "fb"))
                return
            self.merge(self.fb_posts, oid, obj, where)
            self.recognised += 1
            if isinstance(obj.get("comments"), dict):
                self.document(obj["comments"], where, "", _Context(where, "comments", oid, oid, None, "fb"))
            return
        if "name" in obj and any(k in obj for k in ("fan_count", "category", "followers_count", "link")):
            self.fb_page = {**(self.fb_page or {}), **obj}
            self.recognised += 1
            return

    def embedded(self, obj: dict[str, Any], media_id: str | None, where: str, network: str) -> None:
        for key in ("comments", "insights"):
            page = obj.get(key)
            if isinstance(page, dict) and isinstance(page.get("data"), list):
                self.document(page, where, "", _Context(where, key, media_id, media_id, None, network))
        media_page = obj.get("media")
        if isinstance(media_page, dict) and isinstance(media_page.get("data"), list):
            self.document(media_page, where, "", _Context(where, "media", obj.get("id"), None, None, network))

    @staticmethod
    def merge(store: dict[str, dict[str, Any]], oid: str, obj: dict[str, Any], where: str) -> None:
        have = store.get(oid)
        if have is None:
            store[oid] = {**obj, "_where": where}
        else:
            for key, value in obj.items():
                if have.get(key) is None:
                    have[key] = value

    # -- turning objects into rows ---------------------------------------------------------------

    def ig_owner(self) -> str:
        user = self.ig_user or {}
        username = clean(user.get("username"))
        if not username:
            for media in self.media.values():
                username = clean(media.get("username"))
                if username:
                    break
        owner_ig_id = clean(user.get("id"))
        if not owner_ig_id:
            for media in self.media.values():
                owner = media.get("owner")
                if isinstance(owner, dict) and clean(owner.get("id")):
                    owner_ig_id = str(owner["id"])
                    break
        if username:
            account = f"ig:{username.lower()}"
        elif owner_ig_id:
            account = f"ig:id:{owner_ig_id}"
        else:
            account = "ig:me"
        self.rows.accounts.add(
            account, "instagram", handle=username.lower() if username else None, display_name=clean(user.get("name")),
            followers_count=to_int(user.get("followers_count")), following_count=to_int(user.get("follows_count")),
            posts_count=to_int(user.get("media_count")), bio=clean(user.get("biography")),
            has_profile_picture=True if user.get("profile_picture_url") else None, is_brand=True,
            ig_user_id=owner_ig_id,
        )
        return account

    def ig_commenter(self, comment: dict[str, Any], index: str) -> str:
        sender = as_dict(comment.get("from"))
        username = clean(comment.get("username")) or clean(sender.get("username"))
        user_id = clean(sender.get("id")) or (clean(comment["user"].get("id")) if isinstance(comment.get("user"), dict) else None)
        if username:
            return self.rows.accounts.add(f"ig:{username.lower()}", "instagram", handle=username.lower(), ig_user_id=user_id)
        if user_id:
            return self.rows.accounts.add(f"ig:id:{user_id}", "instagram", ig_user_id=user_id)
        raise ReaderError(
            "a comment does not say who wrote it", file=comment["_where"], row=None, column=f"comment {index}",
            expected="comments requested with fields=id,text,timestamp,username,from,parent_id,replies",
        )

    def build(self) -> Dataset:
        rows = self.rows
        posts: dict[str, dict[str, Any]] = {}
        if self.media or self.ig_comments:
            owner = self.ig_owner()
            for mid, media in self.media.items():
                when = time_or_error(media.get("timestamp"), file=media["_where"], column=f"media {mid} timestamp")
                if when is None:
                    raise ReaderError("a media has no timestamp", file=media["_where"], column=f"media {mid}",
                                      expected="media requested with fields=id,caption,media_type,timestamp,permalink")
                product = str(media.get("media_product_type") or "").upper()
                posts[f"ig:media:{mid}"] = {
                    "post_id": f"ig:media:{mid}", "author_id": owner, "created_at": when, "platform": "instagram",
                    "format": IG_PRODUCT_FORMATS.get(product) or IG_FORMATS.get(str(media.get("media_type") or "").upper()),
                    "caption": clean(media.get("caption")), "url": clean(media.get("permalink")),
                    "like_count": to_int(media.get("like_count")), "comments_count": to_int(media.get("comments_count")),
                }
            for cid, comment in self.ig_comments.items():
                when = time_or_error(comment.get("timestamp"), file=comment["_where"], column=f"comment {cid} timestamp")
                if when is None:
                    raise ReaderError("a comment has no timestamp", file=comment["_where"], column=f"comment {cid}",
                                      expected="an ISO 8601 timestamp")
                parent = clean(comment.get("parent_id"))
                media_id = _media_id(comment) or clean(comment.get("_media"))
                if media_id is None and parent and parent in self.ig_comments:
                    media_id = _media_id(self.ig_comments[parent]) or clean(self.ig_comments[parent].get("_media"))
                rows.interactions.append({
                    "interaction_id": f"ig:comment:{cid}", "kind": "reply" if parent else "comment",
                    "actor_id": self.ig_commenter(comment, cid), "created_at": when,
                    "post_id": f"ig:media:{media_id}" if media_id else None,
                    "parent_id": f"ig:comment:{parent}" if parent else None, "text": clean(comment.get("text")),
                    "platform": "instagram", "like_count": to_int(comment.get("like_count")),
                    "hidden": comment.get("hidden") if isinstance(comment.get("hidden"), bool) else None,
                })
        if self.ig_user and not (self.media or self.ig_comments):
            self.ig_owner()  # a profile alone: the account, and nothing else to load
        if self.fb_posts or self.fb_comments or self.fb_page:
            page = self.fb_page or {}
            page_id = clean(page.get("id"))
            for post in self.fb_posts.values():
                sender = as_dict(post.get("from"))
                page_id = page_id or clean(sender.get("id")) or (str(post["id"]).split("_")[0] if "_" in str(post["id"]) else None)
                if page_id:
                    break
            brand = f"fb:{page_id}" if page_id else "fb:me"
            rows.accounts.add(brand, "facebook", display_name=clean(page.get("name")),
                              followers_count=to_int(page.get("followers_count") or page.get("fan_count")), is_brand=True)
            for pid, post in self.fb_posts.items():
                when = time_or_error(post.get("created_time"), file=post["_where"], column=f"post {pid} created_time")
                sender = as_dict(post.get("from"))
                author = f"fb:{sender['id']}" if clean(sender.get("id")) else brand
                if author != brand:
                    rows.accounts.add(author, "facebook", display_name=clean(sender.get("name")))
                posts[f"fb:post:{pid}"] = {
                    "post_id": f"fb:post:{pid}", "author_id": author, "created_at": when, "platform": "facebook",
                    "format": FB_FORMATS.get(str(post.get("status_type") or "")), "caption": clean(post.get("message")),
                    "url": clean(post.get("permalink_url")),
                    "share_count": to_int((post.get("shares") or {}).get("count")) if isinstance(post.get("shares"), dict) else None,
                    "reaction_count": _summary_total(post.get("reactions")),
                    "like_count": _summary_total(post.get("likes")),
                    "comments_count": _summary_total(post.get("comments")),
                }
            for cid, comment in self.fb_comments.items():
                where = comment["_where"]
                when = time_or_error(comment.get("created_time"), file=where, column=f"comment {cid} created_time")
                sender = as_dict(comment.get("from"))
                if not clean(sender.get("id")):
                    raise ReaderError(
                        "a comment does not say who wrote it", file=where, column=f"comment {cid}",
                        expected="comments requested with fields=id,message,created_time,from,parent with a Page access token",
                    )
                actor = rows.accounts.add(f"fb:{sender['id']}", "facebook", display_name=clean(sender.get("name")))
                parent_id = clean(as_dict(comment.get("parent")).get("id"))
                post_id = clean(comment.get("_post"))
                if post_id in self.fb_comments:  # the edge was /<comment-id>/comments
                    parent_id = parent_id or post_id
                    post_id = clean(self.fb_comments[post_id].get("_post"))
                if post_id is None and parent_id and parent_id in self.fb_comments:
                    post_id = clean(self.fb_comments[parent_id].get("_post"))
                if post_id is None and "_" in cid and f"{cid.split('_')[0]}" and cid.split("_")[0] in self.fb_posts:
                    post_id = cid.split("_")[0]
                rows.interactions.append({
                    "interaction_id": f"fb:comment:{cid}", "kind": "reply" if parent_id else "comment",
                    "actor_id": actor, "created_at": when, "post_id": f"fb:post:{post_id}" if post_id else None,
                    "parent_id": f"fb:comment:{parent_id}" if parent_id else None, "text": clean(comment.get("message")),
                    "platform": "facebook", "like_count": to_int(comment.get("like_count")),
                })
        metrics: dict[tuple[str, Any], dict[str, Any]] = {}
        owner_ids = {clean((self.ig_user or {}).get("id")), clean((self.fb_page or {}).get("id"))} - {None}
        account_days: dict[Any, dict[str, Any]] = {}
        unlisted: set[str] = set()
        for media_id, insight, where in self.insights:
            self.rows.note = self.notes.get(where, self.rows.note)
            name = re.sub(r"[^a-z0-9_]+", "_", str(insight.get("name")).lower()).strip("_")
            dated = [v for v in insight.get("values") or [] if isinstance(v, dict) and v.get("end_time")]
            period = str(insight.get("period") or "")
            if not media_id or media_id in owner_ids or (period in ("day", "week", "days_28") and
                                                         f"ig:media:{media_id}" not in posts):
                for entry in dated:  # account insights, one value per day
                    day = utc(entry["end_time"])
                    number = entry.get("value")
                    if day is not None and isinstance(number, (int, float)) and not isinstance(number, bool):
                        account_days.setdefault(day.date(), {})[f"insight_{name}"] = number
                if not dated and _insight_value(insight) is not None:
                    self.rows.skip("account_total", words("account totals without a day (total_value)",
                                                          "totaux du compte sans jour (total_value)"))
                continue
            post_key = f"ig:media:{media_id}" if f"ig:media:{media_id}" in posts else (
                f"fb:post:{media_id}" if f"fb:post:{media_id}" in posts else None)
            value = _insight_value(insight)
            if post_key is None:
                post_key = f"ig:media:{media_id}"
                unlisted.add(media_id)
            elif value is not None and name:
                posts[post_key][f"insight_{name}"] = value
            column = METRIC_COLUMNS.get(name)
            if column is None:
                self.rows.skip(f"metric_{name}", words(f"'{name}' insights (no post_metrics column for them)",
                                                       f"statistiques « {name} » (sans colonne post_metrics)"))
            if column and value is not None:
                when = self.when_measured(where, dated[-1]["end_time"] if dated else None)
                if when is None:
                    continue
                metrics.setdefault((post_key, when), {"post_id": post_key, "measured_at": when,
                                                      "platform": "facebook" if post_key.startswith("fb:") else "instagram"})[column] = int(value)
        for key, post in posts.items():
            counts = {METRIC_COLUMNS[c]: post[c] for c in ("like_count", "comments_count") if post.get(c) is not None}
            origin = self.media.get(key.split(":")[-1]) if key.startswith("ig:") else self.fb_posts.get(key.split(":")[-1])
            if counts:
                when = self.when_measured((origin or {}).get("_where", ""), None)
                if when is None:
                    continue
                row = metrics.setdefault((key, when), {"post_id": key, "measured_at": when, "platform": post["platform"]})
                for column, number in counts.items():
                    row.setdefault(column, number)
        if unlisted:
            self.rows.warn(words(
                f"insights of {len(unlisted)} media whose media response is not in the load: their figures are kept, "
                "but without the post (load the /media responses with them)",
                f"statistiques de {len(unlisted)} médias dont la réponse /media n'est pas chargée : les chiffres sont "
                "gardés, sans la publication (chargez les réponses /media avec)"))
        self.account_audience(account_days)
        rows.posts.extend(posts.values())
        rows.post_metrics.extend(metrics.values())
        return rows.dataset()

    def when_measured(self, where: str, end_time: Any) -> Any:
        """When a count was read: the value's end_time, --measured-at, or when the response was saved."""
        if end_time:
            return utc(end_time)
        if self.measured_at is not None:
            return self.measured_at
        saved = self.saved_at.get(where)
        if saved is not None:
            self.rows.warn(words(
                "post counts without a date are dated by when their response file was saved (its modification time); "
                "pass --measured-at to give the time they were read",
                "les chiffres sans date sont datés par l'enregistrement de leur fichier de réponse (sa date de "
                "modification) ; passez --measured-at pour donner l'heure de lecture"))
        return saved

    def account_audience(self, days: dict[Any, dict[str, Any]]) -> None:
        if not days:
            return
        account = self.ig_owner() if (self.ig_user or self.media or not self.fb_page) else (
            f"fb:{clean((self.fb_page or {}).get('id')) or 'me'}")
        total = to_int((self.ig_user or {}).get("followers_count") or (self.fb_page or {}).get("followers_count"))
        ordered = sorted(days)
        gains = [to_int(days[d].get("insight_follower_count")) or 0 for d in ordered]
        running = (total - sum(gains)) if total is not None else 0
        for day, gain in zip(ordered, gains):
            running += gain
            self.rows.audience.append({"account_id": account, "date": day, "followers": running,
                                       "followers_is_relative": total is None, **days[day]})


def _media_id(comment: dict[str, Any]) -> str | None:
    media = comment.get("media")
    if isinstance(media, dict):
        return clean(media.get("id"))
    return None


def _summary_total(edge: Any) -> int | None:
    if isinstance(edge, dict) and isinstance(edge.get("summary"), dict):
        return to_int(edge["summary"].get("total_count"))
    return None


def _insight_value(insight: dict[str, Any]) -> float | int | None:
    total = insight.get("total_value")
    if isinstance(total, dict):
        value = total.get("value")
    else:
        values = insight.get("values")
        if not isinstance(values, list) or not values:
            return None
        found = [v.get("value") for v in values if isinstance(v, dict)]
        numbers: list[float] = [n for n in found if isinstance(n, (int, float)) and not isinstance(n, bool)]
        if not numbers:
            return None
        value = numbers[-1] if str(insight.get("period")) == "lifetime" or len(numbers) == 1 else sum(numbers)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return to_float(value) if isinstance(value, str) else None
    return value


def read(path: Path, *, measured_at: Any = None, **_: Any) -> Dataset:
    """Read Meta Graph API responses (a JSON file, or a folder / zip of them).

    `measured_at`: when the counts and lifetime insights were read (default: when each file was saved).
    """
    with Source(path) as source:
        names = source.with_suffix(".json")
        if not names:
            raise ReaderError("no JSON file found", file=str(path), expected="Meta Graph API responses saved as .json files")
        reader = _Reader(source, measured_at)
        for name in names:
            where = source.display(name)
            reader.saved_at[where] = source.modified(name)
            reader.notes[where] = reader.rows.begin(where, words("Meta Graph API response", "réponse de l'API Graph de Meta"))
            before = reader.recognised
            reader.document(source.read_json(name), where, name)
            if reader.recognised == before:
                raise ReaderError(
                    "this JSON is not a Meta Graph API response Liens can read", file=where,
                    expected="media, comments, posts or insights as returned by graph.facebook.com (a 'data' list or one object)",
                )
        return reader.build()
