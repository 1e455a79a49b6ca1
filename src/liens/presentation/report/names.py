"""People and posts by name: what the report and the dashboard show instead of internal ids.

An account reads as its handle (and display name), linked to its profile where the platform has
profile URLs; a member as the handle of its first account; a post as its date, format and a
caption snippet, linked to its permalink; a list of interaction ids as snippets of their texts.
Names are looked up in bulk, once per table shown (`Names.prime`), through bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .source import Source

# Columns holding an account id, a member id, a post id, a list of interaction ids.
ACCOUNT_COLUMNS = frozenset({"account_id", "actor_id", "owner_id", "author_id", "post_author_id", "target_id"})
MEMBER_COLUMNS = frozenset({"member_id"})
POST_COLUMNS = frozenset({"post_id"})
INTERACTION_LIST_COLUMNS = frozenset({"example_interaction_ids"})
PROFILE_URLS = {
    "instagram": "https://www.instagram.com/{}/", "tiktok": "https://www.tiktok.com/@{}",
    "x": "https://x.com/{}", "twitter": "https://x.com/{}", "youtube": "https://www.youtube.com/@{}",
    "facebook": "https://www.facebook.com/{}", "threads": "https://www.threads.net/@{}",
    "reddit": "https://www.reddit.com/user/{}",
}
SNIPPET = 48


def snippet(text: Any, width: int = SNIPPET) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= width else value[: width - 1] + "…"


def profile_url(platform: Any, handle: Any) -> str | None:
    """The public profile of a handle on a platform that has profile URLs (not LinkedIn, not chats)."""
    pattern = PROFILE_URLS.get(str(platform or "").lower())
    name = str(handle or "").lstrip("@")
    return pattern.format(quote(name, safe="._-")) if pattern and name else None


def account_text(info: dict[str, Any] | None, fallback: str) -> str:
    """`@handle (Display Name)`, `@handle`, the name alone, or the id when nothing is known."""
    if not info:
        return fallback
    handle, name = info.get("handle"), info.get("display_name")
    if handle and name and str(name).lower().replace(" ", "") != str(handle).lower():
        return f"@{handle} ({name})"
    if handle:
        return f"@{handle}"
    return str(name) if name else fallback


@dataclass
class Names:
    """Bulk look-ups of the names behind ids, cached for one build."""

    src: Source
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _accounts_table(self) -> tuple[str, dict[str, str]] | None:
        for name, result in (("accounts", True), ("accounts", False)):
            cols = self.src.columns(name, result=result)
            if "account_id" in cols:
                return self.src.ref(name, result=result), cols
        return None

    def prime(self, rows: Iterable[dict[str, Any]], columns: Iterable[str]) -> None:
        """Look up, in one query per kind, every id these rows show that is not known yet."""
        rows = list(rows)
        cols = set(columns)
        want: dict[str, set[str]] = {"account": set(), "member": set(), "post": set(), "text": set()}
        for row in rows:
            for c in cols:
                v = row.get(c)
                if v is None:
                    continue
                if c in ACCOUNT_COLUMNS:
                    want["account"].add(str(v))
                elif c in MEMBER_COLUMNS:
                    want["member"].add(str(v))
                elif c in POST_COLUMNS:
                    want["post"].add(str(v))
                elif c in INTERACTION_LIST_COLUMNS:
                    want["text"].update(p.strip() for p in str(v).split(",") if p.strip())
        self.prime_ids(accounts=want["account"], members=want["member"], posts=want["post"], texts=want["text"])

    def prime_ids(self, *, accounts: Iterable[str] = (), members: Iterable[str] = (), posts: Iterable[str] = (),
                  texts: Iterable[str] = ()) -> None:
        accounts = [a for a in set(accounts) if a not in self.accounts]
        members = [m for m in set(members) if m not in self.members]
        posts = [p for p in set(posts) if p not in self.posts]
        texts = [i for i in set(texts) if i not in self.texts]
        table = self._accounts_table()
        if table is not None:
            ref, cols = table
            pick = ", ".join(c if c in cols else f"NULL AS {c}" for c in ("handle", "display_name", "platform"))
            if accounts:
                for r in self.src.rows(f"SELECT account_id, {pick} FROM {ref} WHERE account_id IN (SELECT unnest(?))",
                                       [accounts]):
                    self.accounts[str(r["account_id"])] = r
            if members and "member_id" in cols:
                for r in self.src.rows(
                        f"SELECT member_id, arg_min(account_id, account_id) AS account_id, count(*) AS n, "
                        f"arg_min(handle, account_id) AS handle, arg_min(display_name, account_id) AS display_name, "
                        f"arg_min(platform, account_id) AS platform FROM (SELECT member_id, account_id, {pick} FROM {ref}) "
                        f"WHERE member_id IN (SELECT unnest(?)) GROUP BY member_id", [members]):
                    self.members[str(r["member_id"])] = r
        for m in members:
            self.members.setdefault(m, {})
        for a in accounts:
            self.accounts.setdefault(a, {})
        if posts and self.src.has_input("posts"):
            cols = self.src.columns("posts", result=False)
            pick = ", ".join(c if c in cols else f"NULL AS {c}" for c in ("created_at", "format", "caption", "url", "platform"))
            for r in self.src.rows(f"SELECT post_id, {pick} FROM posts WHERE post_id IN (SELECT unnest(?))", [posts]):
                self.posts[str(r["post_id"])] = r
        if texts and self.src.has_input("interactions") and "text" in self.src.columns("interactions", result=False):
            for r in self.src.rows("SELECT interaction_id, text, post_id FROM interactions WHERE interaction_id IN "
                                   "(SELECT unnest(?))", [texts]):
                self.texts[str(r["interaction_id"])] = r
            urls = {str(r["post_id"]) for r in self.texts.values() if r.get("post_id") is not None}
            self.prime_ids(posts=urls)

    # -- how each reads ----------------------------------------------------------------------
    def account(self, account_id: str) -> tuple[str, str | None]:
        """(text, profile URL or None)."""
        info = self.accounts.get(account_id)
        return account_text(info, account_id), profile_url((info or {}).get("platform"), (info or {}).get("handle"))

    def member(self, member_id: str) -> tuple[str, str | None]:
        info = self.members.get(member_id) or {}
        text = account_text(info, member_id)
        if (info.get("n") or 0) > 1:
            text += f" +{int(info['n']) - 1}"
        return text, profile_url(info.get("platform"), info.get("handle"))

    def post(self, post_id: str) -> tuple[str, str | None]:
        info = self.posts.get(post_id)
        if not info:
            return post_id, None
        when = info.get("created_at")
        parts = [str(when.strftime("%Y-%m-%d")) if when is not None and hasattr(when, "strftime") else str(when or "")[:10]]
        if info.get("format"):
            parts.append(str(info["format"]))
        if info.get("caption"):
            parts.append(f"“{snippet(info['caption'], 40)}”")
        return " · ".join(p for p in parts if p) or post_id, info.get("url") or None

    def interactions(self, ids: str) -> str:
        parts = []
        for i in (p.strip() for p in ids.split(",") if p.strip()):
            info = self.texts.get(i)
            parts.append(f"“{snippet(info['text'], 60)}”" if info and info.get("text") else i)
        return " · ".join(parts)

    def permalink(self, post_id: Any) -> str | None:
        info = self.posts.get(str(post_id)) if post_id is not None else None
        return (info or {}).get("url") or None


def brand_name(src: Source, configured: str = "") -> str:
    """The brand's name: from liens.toml (`[brand] name`), else its accounts' handles (distinct), else –."""
    if configured:
        return configured
    brands = [str(b) for b in (src.summary.get("brand_accounts") or [])]
    if not brands:
        return "–"
    names = Names(src)
    names.prime_ids(accounts=brands)
    shown: list[str] = []
    for b in brands:
        info = names.accounts.get(b) or {}
        text = info.get("display_name") or (f"@{info['handle']}" if info.get("handle") else b)
        if text not in shown:
            shown.append(str(text))
    return ", ".join(shown[:3])


__all__ = ["ACCOUNT_COLUMNS", "MEMBER_COLUMNS", "POST_COLUMNS", "Names", "brand_name", "profile_url", "snippet"]
