"""From the pages of a sync to dataset v1 tables.

The payload readers (`liens.readers`: meta-graph, youtube) read the pages marked for them, as they
read the same responses saved by hand: accounts, posts, comments and replies with their authors.
This module adds what the readers leave to others: `post_metrics` (one row per post measured by this
sync: the counts of the media lists and the insights, at the sync's time) and `audience` (the
follower count of the brand's account on the day of the sync, and the Page's daily follower counts
where Facebook gives them). Counts the readers put in extra `posts` columns (like_count,
insight_reach…) are left out of `posts`: their home is `post_metrics`, dated.

A count the API left out or returned empty is missing (NULL), never 0: Instagram omits `like_count`
when the owner hides likes, YouTube `likeCount` when ratings are hidden, Facebook `shares` on a
post nobody shared, and an insight with no value says nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from ..readers.registry import read_platform
from ..readers.tables import Dataset, make_table
from ..schema import TABLES
from .platforms import _count, _when
from .spool import Spool

_COUNT_EXTRAS = re.compile(r"^(like_count|comments?_count|view_count|share_count|reaction_count|insight_.*)$")

IG_INSIGHTS = {"reach": "reach", "saved": "saves", "shares": "shares", "views": "views", "plays": "views",
               "video_views": "views", "impressions": "impressions"}
FB_INSIGHTS = {"post_impressions": "impressions", "post_impressions_unique": "reach", "post_video_views": "views"}
METRICS = ("likes", "comments", "shares", "saves", "reach", "impressions", "views")


def insight_value(entry: dict[str, Any]) -> int | None:
    """The value of one insight: `total_value.value`, else the last of `values`; None when there is none."""
    total = entry.get("total_value")
    if isinstance(total, dict):
        return _count(total.get("value"))
    values = entry.get("values")
    if isinstance(values, list) and values and isinstance(values[-1], dict):
        return _count(values[-1].get("value"))
    return None


class _Metrics:
    def __init__(self, platform: str, measured_at: datetime) -> None:
        self.platform = platform
        self.measured_at = measured_at
        self.rows: dict[str, dict[str, Any]] = {}

    def row(self, post_id: str) -> dict[str, Any]:
        return self.rows.setdefault(post_id, {"post_id": post_id, "measured_at": self.measured_at,
                                              "platform": self.platform, **dict.fromkeys(METRICS)})

    def set(self, post_id: str, metric: str, value: int | None) -> None:
        row = self.row(post_id)
        if value is not None:
            row[metric] = value


def _brand_id(platform: str, profile: dict[str, Any]) -> str | None:
    """The brand's account id as the payload readers name it."""
    if platform == "instagram":
        username = str(profile.get("username") or "").strip().lower()
        return f"ig:{username}" if username else (f"ig:id:{profile['id']}" if profile.get("id") else None)
    if platform == "facebook":
        return f"fb:{profile['id']}" if profile.get("id") else None
    return f"yt:{profile['id']}" if profile.get("id") else None


def measured(spool: Spool, platform: str, measured_at: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """post_metrics rows, audience rows and the brand's account rows, from the pages of the spool."""
    metrics = _Metrics(platform, measured_at)
    audience: dict[tuple[str, Any], dict[str, Any]] = {}
    brands: list[dict[str, Any]] = []
    today = measured_at.date()
    page_brand: dict[str, str] = {}
    history: list[tuple[str, dict[str, Any]]] = []
    for record in spool.pages:
        kind = record.kind
        if kind not in ("profile", "media", "insights", "page", "page_insights", "posts", "post_insights",
                        "channel", "videos"):
            continue
        body = spool.read(record)
        if kind in ("profile", "page"):
            brand = _brand_id(platform, body)
            if brand is None:
                continue
            page_brand[str(body.get("id"))] = brand
            followers = _count(body.get("followers_count"))
            if followers is None and platform == "facebook":
                followers = _count(body.get("fan_count"))
            brands.append({"account_id": brand, "platform": platform, "is_brand": True})
            if followers is not None:
                audience[(brand, today)] = {"account_id": brand, "date": today, "followers": followers}
        elif kind == "channel":
            for channel in body.get("items") or []:
                stats = channel.get("statistics") or {}
                brand = f"yt:{channel.get('id')}"
                brands.append({"account_id": brand, "platform": platform, "is_brand": True})
                subscribers = None if stats.get("hiddenSubscriberCount") else _count(stats.get("subscriberCount"))
                if subscribers is not None:
                    audience[(brand, today)] = {"account_id": brand, "date": today, "followers": subscribers}
        elif kind == "media":
            for media in body.get("data") or []:
                if isinstance(media, dict) and media.get("id"):
                    pid = f"ig:media:{media['id']}"
                    metrics.set(pid, "likes", _count(media.get("like_count")))
                    metrics.set(pid, "comments", _count(media.get("comments_count")))
        elif kind == "posts":
            for post in body.get("data") or []:
                if isinstance(post, dict) and post.get("id"):
                    pid = f"fb:post:{post['id']}"
                    for metric, edge in (("likes", "reactions"), ("comments", "comments")):
                        summary = (post.get(edge) or {}).get("summary") if isinstance(post.get(edge), dict) else None
                        metrics.set(pid, metric, _count((summary or {}).get("total_count")))
                    shares = post.get("shares")
                    metrics.set(pid, "shares", _count(shares.get("count")) if isinstance(shares, dict) else None)
        elif kind == "videos":
            for video in body.get("items") or []:
                stats = video.get("statistics") or {}
                pid = f"yt:video:{video.get('id')}"
                metrics.set(pid, "likes", _count(stats.get("likeCount")))
                metrics.set(pid, "comments", _count(stats.get("commentCount")))
                metrics.set(pid, "views", _count(stats.get("viewCount")))
        elif kind in ("insights", "post_insights"):
            names = IG_INSIGHTS if kind == "insights" else FB_INSIGHTS
            pid = f"ig:media:{record.object_id}" if kind == "insights" else f"fb:post:{record.object_id}"
            metrics.row(pid)
            for entry in body.get("data") or []:
                if isinstance(entry, dict) and entry.get("name") in names:
                    metrics.set(pid, names[entry["name"]], insight_value(entry))
        elif kind == "page_insights":
            history.append((record.object_id, body))
    for page_id, body in history:  # the Page's daily follower counts; today's snapshot wins
        brand = page_brand.get(page_id, f"fb:{page_id}")
        for entry in body.get("data") or []:
            if not isinstance(entry, dict) or entry.get("name") not in ("page_follows", "page_fans"):
                continue
            for point in entry.get("values") or []:
                when = _when(point.get("end_time")) if isinstance(point, dict) else None
                value = _count(point.get("value")) if isinstance(point, dict) else None
                if when is None or value is None:
                    continue
                day = (when - timedelta(hours=12)).date()  # end_time closes the day (midnight, Pacific time)
                audience.setdefault((brand, day), {"account_id": brand, "date": day, "followers": value})
    return list(metrics.rows.values()), list(audience.values()), brands


def build(spool: Spool, platform: str, reader: str, measured_at: datetime) -> Dataset:
    """The dataset of a completed sync: the readers' tables, plus post_metrics and audience."""
    dataset = dict(read_platform(spool.reader_dir, reader))
    metric_rows, audience_rows, brands = measured(spool, platform, measured_at)
    posts = dataset["posts"]
    extras = [c for c in posts.column_names if TABLES["posts"].column(c) is None and _COUNT_EXTRAS.match(c)]
    if extras:
        dataset["posts"] = posts.drop_columns(extras)
    known = set(dataset["accounts"].column("account_id").to_pylist())
    missing = [b for b in brands if b["account_id"] not in known]
    if missing:
        rows = dataset["accounts"].to_pylist() + list({b["account_id"]: b for b in missing}.values())
        dataset["accounts"] = make_table("accounts", rows)
    if metric_rows:
        dataset["post_metrics"] = make_table("post_metrics", metric_rows)
    if audience_rows:
        dataset["audience"] = make_table("audience", audience_rows)
    return dataset


def count_rows(dataset: Dataset) -> dict[str, int]:
    return {name: table.num_rows for name, table in dataset.items() if isinstance(table, pa.Table)}
