"""What a sync needs to know that is not data: API versions, addresses, permissions, limits.

The API versions are pinned here, and only here: a version Meta retires is changed in this one place
(and `liens sync` explains the deprecation error it gets until then).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

#: Meta Graph API version every Instagram and Facebook request uses (graph.facebook.com/<version>/…)
GRAPH_API_VERSION = "v21.0"
#: YouTube Data API version (www.googleapis.com/youtube/<version>/…)
YOUTUBE_API_VERSION = "v3"

PLATFORMS = ("instagram", "facebook", "youtube")

#: each platform's host, and the versioned path appended to it (to the base URL setting too)
DEFAULT_BASE_URLS = {
    "instagram": "https://graph.facebook.com",
    "facebook": "https://graph.facebook.com",
    "youtube": "https://www.googleapis.com",
}
API_PATHS = {
    "instagram": f"/{GRAPH_API_VERSION}",
    "facebook": f"/{GRAPH_API_VERSION}",
    "youtube": f"/youtube/{YOUTUBE_API_VERSION}",
}

#: environment variable holding each platform's token (the default of --token-env)
TOKEN_ENV = {"instagram": "LIENS_INSTAGRAM_TOKEN", "facebook": "LIENS_FACEBOOK_TOKEN", "youtube": "LIENS_YOUTUBE_TOKEN"}
#: environment variable overriding every platform's base URL (a replay server, a proxy)
BASE_URL_ENV = "LIENS_SYNC_BASE_URL"

#: endpoint kind -> the permission (Meta) or OAuth scope (Google) it needs, named in error messages
PERMISSIONS: dict[str, dict[str, str]] = {
    "instagram": {
        "accounts": "pages_show_list", "profile": "instagram_basic", "media": "instagram_basic",
        "insights": "instagram_manage_insights", "comments": "instagram_manage_comments",
        "replies": "instagram_manage_comments",
    },
    "facebook": {
        "page": "pages_read_engagement", "page_insights": "read_insights", "posts": "pages_read_engagement",
        "post_insights": "read_insights", "comments": "pages_read_user_content",
    },
    "youtube": {
        "channel": "https://www.googleapis.com/auth/youtube.readonly",
        "uploads": "https://www.googleapis.com/auth/youtube.readonly",
        "videos": "https://www.googleapis.com/auth/youtube.readonly",
        "threads": "https://www.googleapis.com/auth/youtube.force-ssl",
        "replies": "https://www.googleapis.com/auth/youtube.force-ssl",
    },
}


def _wait(seconds: float) -> None:  # tests inject their own
    import time

    time.sleep(seconds)


@dataclass
class SyncSettings:
    """How a sync talks to a platform. Every field has a safe default; tests change `base_url` and `sleep`.

    * `base_url`: the API host (default: the platform's; `LIENS_SYNC_BASE_URL` overrides it; the pinned
      version path is appended), so that tests and benchmarks talk to a replay server on 127.0.0.1;
    * `lookback_days`: an incremental sync re-reads the media published in the last `lookback_days`
      before the newest one already synced (their metrics and new comments), and everything newer;
    * `page_size`: items asked per page (the platforms cap it: 100 for media and comment threads,
      50 for Instagram comments and YouTube playlist items);
    * `max_retries`, `backoff_seconds`, `max_backoff_seconds`: retries of a throttled or failed
      request, waiting `backoff_seconds * 2**attempt` (capped) unless the platform says how long;
    * `usage_pause_percent`: when Meta's usage headers (X-App-Usage, X-Business-Use-Case-Usage)
      report this share of a quota used, the next request waits `usage_pause_seconds` (or the
      header's estimated time to regain access);
    * `max_wait_seconds`: a wait longer than this (a daily quota, a long block) stops the sync instead;
      what was fetched is kept and the same command resumes it;
    * `timeout_seconds`: per request; `sleep`: how waiting is done (injectable).
    """

    base_url: str | None = None
    lookback_days: int = 30
    page_size: int = 100
    comment_page_size: int = 50
    max_retries: int = 5
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 120.0
    usage_pause_percent: float = 90.0
    usage_pause_seconds: float = 60.0
    max_wait_seconds: float = 900.0
    timeout_seconds: float = 30.0
    sleep: Callable[[float], None] = field(default=_wait, repr=False)

    def root(self, platform: str) -> str:
        """The API root requests go to: the base URL (setting, environment, or the platform's) and the pinned version."""
        base = self.base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URLS[platform]
        return base.rstrip("/") + API_PATHS[platform]
