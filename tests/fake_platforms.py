"""A replay server for `liens sync` tests and benchmarks: Instagram Graph, Facebook Pages, YouTube Data.

It listens on 127.0.0.1 (a thread of the test process) and answers in the platforms' real shapes:
each object is a copy of a response recorded in the public SDK test data
(`../shared/data/fixtures/meta_graph_api`, `youtube_data_api`: Apache-2.0 and MIT), with its ids,
times and counts changed to those of a generated account. Lists are paged as the platforms page
them (Graph `paging.cursors` and `paging.next` URLs holding the access token, YouTube
`nextPageToken`). Faults are planted per path: HTTP 429 with Retry-After, Graph throttling (code 4
with X-App-Usage at 100 %), usage headers near the limit, expired tokens (190/463), missing
permissions (10, 200), deprecations (12), YouTube quotaExceeded / rateLimitExceeded /
insufficientPermissions / commentsDisabled, 5xx, and malformed pages (truncated JSON, HTML).
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fixtures"
if not FIXTURES.exists():
    FIXTURES = Path("/work/shared/data/fixtures")
META = FIXTURES / "meta_graph_api" / "sns-sdks_python-facebook" / "testdata"
YOUTUBE = FIXTURES / "youtube_data_api" / "sns-sdks_python-youtube" / "testdata" / "apidata"
GRAPH_VERSION = "v21.0"


def fixtures_present() -> bool:
    return META.exists() and YOUTUBE.exists()


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class Templates:
    """One recorded object of each kind, copied for every generated one."""

    def __init__(self) -> None:
        ig = META / "instagram" / "apidata"
        fb = META / "facebook" / "apidata"
        self.ig_user = _load(ig / "users" / "user_fields.json")
        self.ig_media = _load(ig / "users" / "medias_p1.json")["data"][1]
        self.ig_comment = next(iter(_load(ig / "comments" / "comments_fields.json").values()))
        self.ig_insights = _load(ig / "medias" / "insights.json")["data"]
        self.fb_page = _load(fb / "pages" / "single_fields_page.json")
        self.fb_post = _load(fb / "posts" / "feed_fields_p1.json")["data"][0]
        self.fb_comment = _load(fb / "comments" / "comments_p1.json")["data"][0]
        self.graph_error = _load(META / "base" / "error_data.json")
        self.yt_channel = _load(YOUTUBE / "channel_info_single.json")["items"][0]
        self.yt_item = _load(YOUTUBE / "playlist_items" / "playlist_items_paged_1.json")["items"][0]
        self.yt_video = _load(YOUTUBE / "videos" / "videos_info_multi.json")["items"][0]
        self.yt_thread = _load(YOUTUBE / "comment_threads" / "comment_threads_by_video_paged_1.json")["items"][0]
        self.yt_reply = _load(YOUTUBE / "comments" / "comments_by_parent_paged_1.json")["items"][0]
        self.yt_error = _load(YOUTUBE / "error_permission_resp.json")


def _graph_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _yt_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Comment:
    id: str
    author: str
    when: datetime
    text: str
    replies: list[Comment] = field(default_factory=list)


@dataclass
class Media:
    id: str
    when: datetime
    comments: list[Comment] = field(default_factory=list)
    likes: int | None = 0
    hidden_likes: bool = False
    insights_error: bool = False
    empty_views: bool = False
    comments_disabled: bool = False

    @property
    def comment_count(self) -> int:
        return sum(1 + len(c.replies) for c in self.comments)


@dataclass
class World:
    """One brand account per platform, its media (newest first) and their comments."""

    ig_id: str = "17841400000000001"
    username: str = "maison_liens"
    page_id: str = "104000000000001"
    channel_id: str = "UCliens000000000000000001"
    followers: int = 5120
    media: list[Media] = field(default_factory=list)
    newest: datetime = datetime(2024, 6, 1, 12, 0, 0)
    page_follows: list[tuple[datetime, int]] = field(default_factory=list)

    @classmethod
    def generate(cls, n_media: int, comments_per_media: int, *, reply_every: int = 10, hours_apart: int = 6,
                 authors: int = 5000) -> World:
        world = cls()
        for i in range(n_media):
            world.media.append(world._media(i, world.newest - timedelta(hours=hours_apart * i), comments_per_media,
                                            reply_every, authors))
        world.page_follows = [(world.newest.replace(hour=7) - timedelta(days=d), world.followers - 3 * d)
                              for d in range(3, 0, -1)]
        return world

    def _media(self, i: int, when: datetime, n_comments: int, reply_every: int, authors: int) -> Media:
        media = Media(id=f"1790{i:07d}", when=when, likes=(i * 37) % 500)
        made = 0
        j = 0
        while made < n_comments:
            cid = f"1800{i:07d}{j:05d}"
            comment = Comment(cid, f"fan_{(i * 31 + j * 7) % authors}", when + timedelta(minutes=5 + j), f"Super post {j}!")
            made += 1
            if reply_every and j % reply_every == 0 and made < n_comments:
                comment.replies.append(Comment(f"1810{i:07d}{j:05d}", self.username, when + timedelta(minutes=60 + j),
                                               f"Merci @{comment.author} !"))
                made += 1
            media.comments.append(comment)
            j += 1
        return media

    def add_media(self, count: int, comments: int) -> None:
        """`count` new media, published after every other one, with `comments` comments each."""
        base = len(self.media)
        for k in range(count):
            self.newest += timedelta(hours=1)
            self.media.insert(0, self._media(base + k, self.newest, comments, 10, 5000))

    def add_comments(self, index: int, count: int) -> None:
        media = self.media[index]
        start = len(media.comments)
        for j in range(start, start + count):
            media.comments.append(Comment(f"1800{int(media.id[4:]):07d}{j:05d}", f"newfan_{j}",
                                          media.when + timedelta(days=1, minutes=j), f"Late comment {j}"))


@dataclass
class Fault:
    """Answer requests whose path matches `path` (a regex) with `kind`, `times` times (None: always)."""

    path: str
    kind: str
    times: int | None = 1
    after: int = 0  # let this many matching requests through first
    seen: int = 0

    def hit(self, path: str) -> bool:
        if not re.search(self.path, path):
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        if self.times is None:
            return True
        if self.times > 0:
            self.times -= 1
            return True
        return False


class FakePlatforms:
    """The replay server; `url` is the base URL setting to give `liens sync`."""

    def __init__(self, world: World, token: str = "EAAtest-token-0123456789secret", *, reply_page: int = 25) -> None:
        self.world = world
        self.token = token
        self.reply_page = reply_page
        self.templates = Templates()
        self.faults: list[Fault] = []
        self.usage: dict[str, str] = {}
        self.requests: list[str] = []
        #: recorded responses served as they are: (path after the version, value of `after` or None) -> file
        self.files: dict[tuple[str, str | None], Path] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body, headers = server.answer(self.path, self.headers.get("Authorization", ""))
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in {**server.usage, **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakePlatforms:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def count(self, pattern: str = "") -> int:
        return sum(1 for r in self.requests if re.search(pattern, r))

    # -- dispatch ------------------------------------------------------------------------------
    def answer(self, raw: str, auth: str) -> tuple[int, Any, dict[str, str]]:
        parts = urlsplit(raw)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.requests.append(raw)
            fault = next((f for f in self.faults if f.hit(parts.path)), None)
        youtube = parts.path.startswith("/youtube/v3")
        if fault is not None:
            return self.fault(fault.kind, youtube)
        if auth != f"Bearer {self.token}":
            return self.fault("yt_401" if youtube else "graph_expired", youtube)
        if youtube:
            return self.youtube(parts.path[len("/youtube/v3"):], query)
        recorded = self.files.get((parts.path[len(GRAPH_VERSION) + 1:], query.get("after")))
        if recorded is not None:
            return 200, recorded.read_bytes(), {}
        if not parts.path.startswith(f"/{GRAPH_VERSION}/"):
            return 400, {"error": {"message": "Unknown path components", "type": "OAuthException", "code": 2500}}, {}
        return self.graph(parts.path[len(GRAPH_VERSION) + 1:], query)

    def fault(self, kind: str, youtube: bool) -> tuple[int, Any, dict[str, str]]:
        t = self.templates

        def graph(code: int, message: str, subcode: int | None = None, status: int = 400) -> tuple[int, Any, dict[str, str]]:
            body = copy.deepcopy(t.graph_error)
            body["error"].update({"code": code, "message": message})
            if subcode is not None:
                body["error"]["error_subcode"] = subcode
            return status, body, {}

        def yt(status: int, reason: str, message: str) -> tuple[int, Any, dict[str, str]]:
            body = copy.deepcopy(t.yt_error)
            body["error"].update({"code": status, "message": message})
            body["error"]["errors"][0].update({"reason": reason, "domain": "youtube.quota" if "uota" in reason else "global"})
            return status, body, {}

        if kind == "graph_expired":
            return graph(190, f"Error validating access token: Session has expired on Saturday, 01-Jun-24. "
                              f"The current time is Sunday, 02-Jun-24. token={self.token}", 463)
        if kind == "graph_permission":
            return graph(10, "(#10) Application does not have permission for this action", status=403)
        if kind == "graph_200":
            return graph(200, "(#200) Requires instagram_manage_insights permission to manage the object", status=403)
        if kind == "graph_missing_permission":
            return 400, t.graph_error, {}
        if kind == "graph_throttle":
            status, body, _ = graph(4, "(#4) Application request limit reached", status=403)
            return status, body, {"X-App-Usage": json.dumps({"call_count": 100, "total_cputime": 12, "total_time": 30})}
        if kind == "graph_deprecated":
            return graph(12, f"(#12) This endpoint is deprecated since version {GRAPH_VERSION}")
        if kind == "http429":
            return 429, {"error": {"code": 429, "message": "Too Many Requests"}}, {"Retry-After": "7"}
        if kind == "server500":
            return 500, {"error": {"code": 1, "message": "An unknown error occurred", "type": "OAuthException",
                                   "is_transient": True}}, {}
        if kind == "html502":
            return 502, b"<html><body>Bad gateway</body></html>", {}
        if kind == "truncated":
            return 200, b'{"data":[{"id":"1790000000","caption":"cut', {}
        if kind == "yt_401":
            return yt(401, "authError", "Request had invalid authentication credentials.")
        if kind == "yt_quota":
            return yt(403, "quotaExceeded", "The request cannot be completed because you have exceeded your quota.")
        if kind == "yt_rate":
            return yt(403, "userRateLimitExceeded", "User rate limit exceeded.")
        if kind == "yt_scope":
            return yt(403, "insufficientPermissions", "Request had insufficient authentication scopes.")
        if kind == "yt_comments_disabled":
            return yt(403, "commentsDisabled", "The video identified by the videoId parameter has disabled comments.")
        raise ValueError(kind)

    # -- Graph ----------------------------------------------------------------------------------
    def _page(self, items: list[Any], query: dict[str, str], path: str, default: int) -> dict[str, Any]:
        limit = int(query.get("limit", default))
        offset = int(base64.b64decode(query["after"]).decode()) if query.get("after") else 0
        chunk = items[offset:offset + limit]
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            cursors = {"before": base64.b64encode(str(offset).encode()).decode(),
                       "after": base64.b64encode(str(offset + len(chunk)).encode()).decode()}
            body["paging"] = {"cursors": cursors}
            if offset + limit < len(items):
                params = {k: v for k, v in query.items() if k != "after"}
                params.update({"access_token": self.token, "after": cursors["after"]})
                body["paging"]["next"] = f"{self.url}/{GRAPH_VERSION}{path}?{urlencode(params)}"
        return body

    def _ig_comment(self, c: Comment, parent: str | None = None) -> dict[str, Any]:
        obj = copy.deepcopy(self.templates.ig_comment)
        obj.update({"id": c.id, "text": c.text, "timestamp": _graph_time(c.when), "username": c.author,
                    "like_count": 0, "from": {"id": f"9{zlib.crc32(c.author.encode())}", "username": c.author}})
        if parent:
            obj["parent_id"] = parent
        return obj

    def graph(self, path: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        w, t = self.world, self.templates
        by_id = {m.id: m for m in w.media}
        segments = path.strip("/").split("/")
        if segments == ["me", "accounts"]:
            return 200, {"data": [{"id": w.page_id, "name": "Maison Liens",
                                   "instagram_business_account": {"id": w.ig_id, "username": w.username}}]}, {}
        if segments == [w.ig_id]:
            user = copy.deepcopy(t.ig_user)
            user.update({"id": w.ig_id, "username": w.username, "name": "Maison Liens", "followers_count": w.followers,
                         "media_count": len(w.media)})
            return 200, user, {}
        if segments in (["me"], [w.page_id]):
            page = copy.deepcopy(t.fb_page)
            page.update({"id": w.page_id, "name": "Maison Liens", "username": w.username, "fan_count": w.followers - 20,
                         "followers_count": w.followers})
            return 200, page, {}
        if segments == [w.ig_id, "media"]:
            items = []
            for m in w.media:
                obj = copy.deepcopy(t.ig_media)
                obj.update({"id": m.id, "timestamp": _graph_time(m.when), "comments_count": m.comment_count,
                            "like_count": m.likes, "caption": f"Post {m.id}",
                            "permalink": f"https://www.instagram.com/p/{m.id}/", "username": w.username})
                if m.hidden_likes:
                    obj.pop("like_count")
                items.append(obj)
            return 200, self._page(items, query, path, 25), {}
        if segments == [w.page_id, "posts"]:
            since = int(query.get("since", 0))
            items = []
            for m in w.media:
                if (m.when - datetime(1970, 1, 1)).total_seconds() < since:
                    continue
                obj = copy.deepcopy(t.fb_post)
                obj.update({"id": f"{w.page_id}_{m.id}", "created_time": _graph_time(m.when), "message": f"Post {m.id}",
                            "permalink_url": f"https://www.facebook.com/{w.page_id}/posts/{m.id}",
                            "reactions": {"data": [], "summary": {"total_count": m.likes}},
                            "comments": {"data": [], "summary": {"total_count": m.comment_count}}})
                if m.likes and m.likes % 3 == 0:
                    obj["shares"] = {"count": m.likes // 3}
                items.append(obj)
            return 200, self._page(items, query, path, 25), {}
        if segments == [w.page_id, "insights"]:
            values = [{"value": n, "end_time": _graph_time(day)} for day, n in w.page_follows]
            return 200, {"data": [{"name": "page_follows", "period": "day", "values": values,
                                   "title": "Page follows", "id": f"{w.page_id}/insights/page_follows/day"}]}, {}
        if len(segments) == 2 and segments[1] == "insights":
            media = by_id.get(segments[0].split("_")[-1])
            if media is None:
                return 400, t.graph_error, {}
            if media.insights_error:
                return 400, {"error": {"message": "(#100) Media Posted Before Business Account Conversion",
                                       "type": "OAuthException", "code": 100, "error_subcode": 2108006,
                                       "fbtrace_id": "A1"}}, {}
            if "_" in segments[0]:
                data = [{"name": "post_impressions", "period": "lifetime", "values": [{"value": 40 + media.likes}],
                         "id": f"{segments[0]}/insights/post_impressions/lifetime"},
                        {"name": "post_impressions_unique", "period": "lifetime", "values": [{"value": 30 + media.likes}],
                         "id": f"{segments[0]}/insights/post_impressions_unique/lifetime"}]
                return 200, {"data": data}, {}
            data = []
            for name, value in (("reach", 100 + (media.likes or 0)), ("saved", (media.likes or 0) // 10),
                                ("shares", (media.likes or 0) // 20), ("views", 300 + (media.likes or 0))):
                entry = copy.deepcopy(t.ig_insights[0])
                entry.update({"name": name, "values": [{"value": value}], "title": name.title(),
                              "id": f"{media.id}/insights/{name}/lifetime"})
                if name == "views" and media.empty_views:
                    entry["values"] = []
                data.append(entry)
            return 200, {"data": data}, {}
        if len(segments) == 2 and segments[1] == "comments":
            key = segments[0]
            if "_" in key:  # a Facebook post: the stream of comments and replies
                media = by_id[key.split("_")[-1]]
                items = []
                for c in media.comments:
                    items.append(self._fb_comment(key, c, None))
                    items.extend(self._fb_comment(key, r, c.id) for r in c.replies)
                return 200, self._page(items, query, path, 25), {}
            media = by_id.get(key)
            if media is None:
                return 400, t.graph_error, {}
            items = []
            for c in media.comments:
                obj = self._ig_comment(c)
                if c.replies:
                    replies = [self._ig_comment(r, c.id) for r in c.replies]
                    obj["replies"] = {"data": replies[: self.reply_page]}
                    if len(replies) > self.reply_page:
                        obj["replies"]["paging"] = {"cursors": {"after": "x"},
                                                    "next": f"{self.url}/{GRAPH_VERSION}/{c.id}/replies?after=x"}
                items.append(obj)
            return 200, self._page(items, query, path, 25), {}
        if len(segments) == 2 and segments[1] == "replies":
            for media in w.media:
                for c in media.comments:
                    if c.id == segments[0]:
                        return 200, self._page([self._ig_comment(r) for r in c.replies], query, path, 25), {}
            return 400, t.graph_error, {}
        return 400, t.graph_error, {}

    def _fb_comment(self, post: str, c: Comment, parent: str | None) -> dict[str, Any]:
        obj = copy.deepcopy(self.templates.fb_comment)
        obj.pop("comment_count", None)
        obj.update({"id": f"{post.split('_')[-1]}_{c.id}", "message": c.text, "created_time": _graph_time(c.when),
                    "from": {"id": f"5{zlib.crc32(c.author.encode())}", "name": c.author.replace("_", " ").title()},
                    "like_count": 0, "permalink_url": f"https://www.facebook.com/{post}?comment_id={c.id}"})
        if parent:
            obj["parent"] = {"id": f"{post.split('_')[-1]}_{parent}"}
        return obj

    # -- YouTube --------------------------------------------------------------------------------
    def _yt_page(self, kind: str, items: list[Any], query: dict[str, str], default: int) -> dict[str, Any]:
        size = int(query.get("maxResults", default))
        offset = int(query["pageToken"][1:]) if query.get("pageToken") else 0
        body: dict[str, Any] = {"kind": kind, "etag": "etag", "pageInfo": {"totalResults": len(items), "resultsPerPage": size},
                                "items": items[offset:offset + size]}
        if offset + size < len(items):
            body["nextPageToken"] = f"P{offset + size}"
        return body

    def _yt_comment(self, c: Comment, video: str, parent: str | None) -> dict[str, Any]:
        obj = copy.deepcopy(self.templates.yt_reply)
        obj["id"] = f"{parent}.{c.id}" if parent else c.id
        snippet = obj["snippet"]
        snippet.update({"authorDisplayName": f"@{c.author}", "authorChannelId": {"value": f"UC{c.author}"},
                        "authorChannelUrl": f"http://www.youtube.com/channel/UC{c.author}",
                        "textDisplay": c.text, "textOriginal": c.text, "publishedAt": _yt_time(c.when),
                        "updatedAt": _yt_time(c.when), "videoId": video})
        if parent:
            snippet["parentId"] = parent
        else:
            snippet.pop("parentId", None)
        return obj

    def youtube(self, path: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        w, t = self.world, self.templates
        by_id = {f"v{m.id}": m for m in w.media}
        if path == "/channels":
            channel = copy.deepcopy(t.yt_channel)
            channel["id"] = w.channel_id
            channel["snippet"].update({"title": "Maison Liens", "customUrl": f"@{w.username}"})
            channel["statistics"].update({"subscriberCount": str(w.followers), "videoCount": str(len(w.media))})
            channel["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": "UU" + w.channel_id[2:]}}
            return 200, {"kind": "youtube#channelListResponse", "etag": "e", "items": [channel]}, {}
        if path == "/playlistItems":
            items = []
            for m in w.media:
                item = copy.deepcopy(t.yt_item)
                item["snippet"].update({"publishedAt": _yt_time(m.when), "channelId": w.channel_id, "title": f"Video {m.id}",
                                        "resourceId": {"kind": "youtube#video", "videoId": f"v{m.id}"},
                                        "videoOwnerChannelId": w.channel_id})
                item["contentDetails"] = {"videoId": f"v{m.id}", "videoPublishedAt": _yt_time(m.when)}
                items.append(item)
            return 200, self._yt_page("youtube#playlistItemListResponse", items, query, 5), {}
        if path == "/videos":
            items = []
            for vid in query.get("id", "").split(","):
                m = by_id.get(vid)
                if m is None:
                    continue
                video = copy.deepcopy(t.yt_video)
                video.update({"id": vid})
                video["snippet"].update({"publishedAt": _yt_time(m.when), "channelId": w.channel_id, "title": f"Video {m.id}"})
                stats: dict[str, str] = {"viewCount": str(300 + (m.likes or 0)), "favoriteCount": "0"}
                if not m.hidden_likes:
                    stats["likeCount"] = str(m.likes)
                if not m.comments_disabled:
                    stats["commentCount"] = str(m.comment_count)
                video["statistics"] = stats
                items.append(video)
            return 200, {"kind": "youtube#videoListResponse", "etag": "e", "items": items}, {}
        if path == "/commentThreads":
            vid = query.get("videoId", "")
            m = by_id.get(vid)
            if m is None:
                return 404, {"error": {"code": 404, "message": "not found", "errors": [{"reason": "videoNotFound"}]}}, {}
            if m.comments_disabled:
                return self.fault("yt_comments_disabled", True)
            items = []
            for c in m.comments:
                thread = copy.deepcopy(t.yt_thread)
                thread["id"] = c.id
                thread["snippet"].update({"videoId": vid, "channelId": w.channel_id, "totalReplyCount": len(c.replies),
                                          "topLevelComment": self._yt_comment(c, vid, None)})
                shown = [self._yt_comment(r, vid, c.id) for r in c.replies[: min(5, self.reply_page)]]
                if shown:
                    thread["replies"] = {"comments": shown}
                else:
                    thread.pop("replies", None)
                items.append(thread)
            return 200, self._yt_page("youtube#commentThreadListResponse", items, query, 20), {}
        if path == "/comments":
            parent = query.get("parentId", "")
            for m in w.media:
                for c in m.comments:
                    if c.id == parent:
                        replies = [self._yt_comment(r, f"v{m.id}", c.id) for r in c.replies]
                        for r in replies:
                            r["snippet"].pop("videoId", None)  # comments.list does not say the video
                        return 200, self._yt_page("youtube#commentListResponse", replies, query, 20), {}
            return 404, {"error": {"code": 404, "message": "not found", "errors": [{"reason": "commentNotFound"}]}}, {}
        return 404, {"error": {"code": 404, "message": "Not Found", "errors": [{"reason": "notFound"}]}}, {}
