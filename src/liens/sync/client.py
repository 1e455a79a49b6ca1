"""One narrow door to the platforms: GET a page, honour their limits, classify their errors.

Every request of a sync goes through `Client.get`. It sends the token in the Authorization header
(never in a URL), counts requests, waits when Meta's usage headers say a quota is nearly used,
retries throttled (HTTP 429, Graph codes 4/17/32/613/80001-80014, YouTube rate limits), failed (5xx,
network) and malformed (not JSON) responses with exponential backoff, and turns the platforms'
error bodies into the `SyncError`s of `errors.py`. Response text is redacted of the token before it
is parsed, so no page written to disk or message raised can hold it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from .errors import ApiDeprecated, ApiFailure, PermissionMissing, RateLimited, TokenInvalid, redact
from .settings import GRAPH_API_VERSION, PERMISSIONS, YOUTUBE_API_VERSION, SyncSettings

# Graph API error codes (developers.facebook.com/docs/graph-api/guides/error-handling)
_GRAPH_TOKEN = {190, 102, 463, 467}
_GRAPH_THROTTLE = {4, 17, 32, 613, *range(80001, 80015)}
_GRAPH_TRANSIENT = {1, 2}
_GRAPH_DEPRECATED = {12, 2635}
_PERMISSION_NAME = re.compile(r"\b(instagram_[a-z_]+|pages_[a-z_]+|read_insights|business_management|public_profile)\b")
_YOUTUBE_THROTTLE = {"rateLimitExceeded", "userRateLimitExceeded", "backendError"}
_YOUTUBE_QUOTA = {"quotaExceeded", "dailyLimitExceeded", "dailyLimitExceededUnreg"}
_YOUTUBE_PERMISSION = {"insufficientPermissions", "forbidden", "accessNotConfigured", "channelClosed"}
#: errors that concern one object only (a media without insights, a video with comments off): skipped
_YOUTUBE_SKIP = {"commentsDisabled", "videoNotFound", "playlistNotFound", "commentNotFound", "processingFailure"}


class Skip(Exception):
    """The platform refused this one request for a reason that concerns this object only."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class Counters:
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    waited_seconds: float = 0.0
    waits: list[tuple[str, float]] = field(default_factory=list)


class Client:
    """GET requests to one platform's API root, with the platform's limits honoured."""

    def __init__(self, platform: str, token: str, settings: SyncSettings, *,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.platform = platform
        self.settings = settings
        self.root = settings.root(platform)
        self._token = token
        self.counters = Counters()
        self.pages_kept = 0  # set by the caller, for the resumable errors' messages
        self._pause = 0.0
        self._pause_reason = ""
        self.http = httpx.Client(
            timeout=settings.timeout_seconds, transport=transport, follow_redirects=False,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": "liens-sync"},
        )

    def close(self) -> None:
        self.http.close()

    # -- waiting -------------------------------------------------------------------------------
    def _wait(self, seconds: float, reason: str) -> None:
        if seconds > self.settings.max_wait_seconds:
            raise RateLimited("rate_limited", platform=self.platform, seconds=seconds, reason=reason,
                              pages=self.pages_kept)
        if seconds > 0:
            self.counters.waited_seconds += seconds
            self.counters.waits.append((reason, seconds))
            self.settings.sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        return float(min(self.settings.backoff_seconds * 2 ** attempt, self.settings.max_backoff_seconds))

    def _read_usage(self, response: httpx.Response) -> None:
        """Meta's X-App-Usage / X-Business-Use-Case-Usage: percents of quotas used, time to regain access."""
        worst, regain, which = 0.0, 0.0, ""
        for header in ("x-app-usage", "x-business-use-case-usage", "x-ad-account-usage"):
            raw = response.headers.get(header)
            if not raw:
                continue
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                continue
            entries: list[dict[str, Any]] = []
            if isinstance(value, dict) and any(isinstance(v, list) for v in value.values()):
                for items in value.values():
                    if isinstance(items, list):
                        entries.extend(i for i in items if isinstance(i, dict))
            elif isinstance(value, dict):
                entries.append(value)
            for entry in entries:
                for key in ("call_count", "total_time", "total_cputime", "acc_id_util_pct"):
                    number = entry.get(key)
                    if isinstance(number, (int, float)) and number > worst:
                        worst, which = float(number), f"{header} {key} {number}%"
                minutes = entry.get("estimated_time_to_regain_access")
                if isinstance(minutes, (int, float)) and minutes * 60 > regain:
                    regain = float(minutes) * 60
        if worst >= self.settings.usage_pause_percent or regain > 0:
            self._pause = max(self.settings.usage_pause_seconds if worst >= self.settings.usage_pause_percent else 0.0,
                              regain)
            self._pause_reason = which or "estimated_time_to_regain_access"

    # -- the request -----------------------------------------------------------------------------
    def get(self, kind: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        """The JSON object the platform answers at `path` (relative to the API root).

        Raises Skip for an error that concerns this object only, a SyncError otherwise.
        """
        url = self.root + path
        attempt = 0
        detail = ""
        while True:
            if self._pause:
                pause, self._pause = self._pause, 0.0
                self._wait(pause, self._pause_reason)
            self.counters.requests += 1
            try:
                response = self.http.get(url, params=params)
            except httpx.HTTPError as error:
                detail = redact(f"network error: {type(error).__name__}", self._token)
                attempt = self._retry(kind, attempt, detail, self._backoff(attempt))
                continue
            self._read_usage(response)
            text = redact(response.text, self._token)
            try:
                body = json.loads(text)
            except json.JSONDecodeError:
                body = None
            if response.status_code == 200 and isinstance(body, dict) and "error" not in body:
                return body
            if response.status_code == 200:  # a page that is not a JSON object: truncated, an HTML proxy page
                detail = f"HTTP 200 but the page is not a JSON object ({len(response.content)} bytes)"
                attempt = self._retry(kind, attempt, detail, self._backoff(attempt))
                continue
            found = body.get("error") if isinstance(body, dict) else None
            wait = self._classify(kind, response, found if isinstance(found, dict) else {}, attempt)
            detail = self._detail(response, found)
            attempt = self._retry(kind, attempt, detail, wait)

    def _retry(self, kind: str, attempt: int, detail: str, wait: float) -> int:
        if attempt >= self.settings.max_retries:
            raise ApiFailure("api_failure", platform=self.platform, endpoint=kind, attempts=attempt + 1,
                             detail=detail, pages=self.pages_kept)
        self.counters.retries += 1
        self._wait(wait, detail)
        return attempt + 1

    def _detail(self, response: httpx.Response, error: Any) -> str:
        message = error.get("message") if isinstance(error, dict) else None
        text = f"HTTP {response.status_code}" + (f": {str(message)[:200]}" if message else "")
        return redact(text, self._token)

    def _retry_after(self, response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            return None

    def _classify(self, kind: str, response: httpx.Response, error: dict[str, Any], attempt: int) -> float:
        """Raise for errors no retry can mend; return how long to wait before retrying the others."""
        status = response.status_code
        message = redact(str(error.get("message") or ""), self._token)
        if self.platform in ("instagram", "facebook"):
            return self._classify_graph(kind, response, error, message, attempt)
        reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
        if status == 401:
            raise TokenInvalid("token_invalid", platform=self.platform,
                               reason="expired or revoked" if "authError" in reasons or not reasons else ", ".join(sorted(reasons)))
        if reasons & _YOUTUBE_QUOTA:
            self.counters.throttled += 1
            return self._until_quota_reset()
        if status == 429 or reasons & _YOUTUBE_THROTTLE:
            self.counters.throttled += 1
            return self._retry_after(response) or self._backoff(attempt)
        if reasons & _YOUTUBE_SKIP or (status == 404 and kind in ("threads", "replies", "videos")):
            raise Skip(", ".join(sorted(reasons)) or f"HTTP {status}")
        if status == 410 or "deprecated" in reasons:
            raise ApiDeprecated("deprecated", platform=self.platform, endpoint=kind, version=YOUTUBE_API_VERSION,
                                detail=message or f"HTTP {status}")
        if status == 403 and (reasons & _YOUTUBE_PERMISSION or error.get("status") == "PERMISSION_DENIED" or not reasons):
            raise PermissionMissing("permission_missing", platform=self.platform,
                                    permission=PERMISSIONS[self.platform].get(kind, "youtube.readonly"), endpoint=kind)
        if status >= 500:
            return self._retry_after(response) or self._backoff(attempt)
        raise ApiFailure("api_failure", platform=self.platform, endpoint=kind, attempts=attempt + 1,
                         detail=f"HTTP {status}: {message or ', '.join(sorted(reasons))}"[:300], pages=self.pages_kept)

    def _classify_graph(self, kind: str, response: httpx.Response, error: dict[str, Any], message: str,
                        attempt: int) -> float:
        status = response.status_code
        code = error.get("code")
        subcode = error.get("error_subcode")
        code = int(code) if isinstance(code, (int, str)) and str(code).isdigit() else None
        if code in _GRAPH_TOKEN or subcode in (458, 459, 460, 463, 464, 467):
            reason = "expired" if subcode == 463 or "expired" in message.lower() else (
                "revoked" if subcode in (458, 460) else "invalid")
            raise TokenInvalid("token_invalid", platform=self.platform, reason=f"Graph error {code}, {reason}")
        if status == 429 or code in _GRAPH_THROTTLE or (code is None and status == 429):
            self.counters.throttled += 1
            regain = self._pause
            self._pause = 0.0
            return self._retry_after(response) or regain or self._backoff(attempt)
        low = message.lower()
        if code in _GRAPH_DEPRECATED or subcode in _GRAPH_DEPRECATED or "deprecated" in low or "no longer supported" in low:
            raise ApiDeprecated("deprecated", platform=self.platform, endpoint=kind, version=GRAPH_API_VERSION,
                                detail=message[:200] or f"Graph error {code}")
        named = _PERMISSION_NAME.findall(message)
        if code == 10 or (isinstance(code, int) and 200 <= code <= 299) or (code == 100 and "permission" in low):
            permission = ", ".join(dict.fromkeys(named)) or PERMISSIONS[self.platform].get(kind, "pages_read_engagement")
            raise PermissionMissing("permission_missing", platform=self.platform, permission=permission, endpoint=kind)
        if code in _GRAPH_TRANSIENT or error.get("is_transient") or status >= 500:
            return self._retry_after(response) or self._backoff(attempt)
        if kind in ("insights", "post_insights", "page_insights", "comments", "replies") and code == 100:
            raise Skip(f"Graph error {code}: {message[:160]}")
        raise ApiFailure("api_failure", platform=self.platform, endpoint=kind, attempts=attempt + 1,
                         detail=f"HTTP {status}, Graph error {code}: {message[:200]}", pages=self.pages_kept)

    @staticmethod
    def _until_quota_reset() -> float:
        """YouTube's daily quota resets at midnight, Pacific time (UTC-8; an hour early in summer is fine)."""
        now = datetime.now(UTC)
        reset = (now - timedelta(hours=8)).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1, hours=8)
        return max(1.0, (reset - now).total_seconds())


def next_page(platform: str, path: str, params: dict[str, Any], body: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The request of the next page, or None on the last one.

    Meta gives a `paging.next` URL: its path (after the version) and query are re-issued against our
    own API root (so a base URL setting holds, and the token, stripped, stays in the header).
    YouTube gives a `nextPageToken`.
    """
    if platform == "youtube":
        token = body.get("nextPageToken")
        return (path, {**params, "pageToken": token}) if isinstance(token, str) and token else None
    paging = body.get("paging")
    nxt = paging.get("next") if isinstance(paging, dict) else None
    if not isinstance(nxt, str) or not nxt:
        return None
    parts = urlsplit(nxt)
    next_path = re.sub(r"^/v\d+(\.\d+)?", "", parts.path) or path
    query = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"}
    return next_path, query
