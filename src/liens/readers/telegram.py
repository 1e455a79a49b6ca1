"""Telegram Desktop JSON export (Settings > Advanced > Export Telegram data, format JSON).

Two shapes of ``result.json``:

* one chat: ``{"name", "type", "id", "messages": [...]}``;
* the whole account: ``{"personal_information": {"user_id", "first_name", "last_name", "username"},
  "chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}}``.

A message is ``{"id", "type": "message" | "service", "date", "date_unixtime", "from", "from_id":
"user123", "text": str | [str | {"type", "text"}], "reply_to_message_id", "reactions": [{"emoji",
"count", "recent": [{"from", "from_id", "date"}]}], "photo" | "file" | "media_type", "edited"}``.

* a group (``private_group``, ``private_supergroup``, ``public_supergroup``) is a space of the
  brand: one ``posts`` row per chat (``telegram:chat:<id>``, authored by the group's account
  ``telegram:group:<id>``, marked ``is_brand``, dated by its first message, ``format`` other,
  ``is_space`` true), every message a ``comment`` on it, or a ``reply`` with ``parent_id`` when it
  answers another message; so every participant is a member of the brand's community;
* a channel (``public_channel``, ``private_channel``): its messages are the brand's ``posts``;
* a personal chat: ``dm`` between the two people (``target_id`` the other one);
* reactions listed with their authors (``recent``) → ``reaction`` (``parent_id`` the message);
* service messages: joins (``invite_members``, ``join_group_by_link``, ``create_group``) →
  ``follows`` of the group, removals → ``unfollowed_at``; other service messages are counted as
  left out.

Times: ``date_unixtime`` (UTC) when present; older exports only have ``date``, the exporting
computer's local time: pass ``timezone=``. People: ``telegram:user<N>`` from ``from_id``, else
``telegram:name:<name>``. The brand's side: ``personal_information`` of a full export, or
``me=`` (the name the chat shows); those accounts are marked ``is_brand``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import ReaderError
from .archive import Source
from .tables import Dataset, Rows, words
from .values import clean, stable_id, time_or_error, to_int

PLATFORM = "telegram"
GROUP_TYPES = {"private_group", "private_supergroup", "public_supergroup"}
CHANNEL_TYPES = {"public_channel", "private_channel"}
PERSONAL_TYPES = {"personal_chat", "bot_chat", "saved_messages"}
JOIN_ACTIONS = {"invite_members", "join_group_by_link", "create_group", "join_group_by_request", "create_channel"}
LEAVE_ACTIONS = {"remove_members"}


def flat_text(value: Any) -> str | None:
    """The plain text of a message: Telegram writes rich text as a list of strings and {type, text}."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        parts = [p if isinstance(p, str) else str(p.get("text", "")) if isinstance(p, dict) else "" for p in value]
        return clean("".join(parts))
    return None


class _Reader:
    def __init__(self, source: Source, me: str | None, timezone: str) -> None:
        self.source = source
        self.rows = Rows()
        self.me = me.strip() if me else None
        self.zone = ZoneInfo(timezone)
        self.owner_id: str | None = None
        self.owner_name: str | None = None
        self.joins: dict[tuple[str, str], dict[str, Any]] = {}

    def person(self, from_id: Any, name: Any) -> str:
        ident = clean(from_id)
        display = clean(name)
        if ident:
            account = f"telegram:{ident}"
        elif display:
            account = f"telegram:name:{display}"
        else:
            account = "telegram:unknown"
        brand = bool((self.owner_id and account == self.owner_id)
                     or (display and self.me and display.lower() == self.me.lower())
                     or (display and self.owner_name and display.lower() == self.owner_name.lower()))
        return self.rows.accounts.add(account, PLATFORM, display_name=display, is_brand=brand or None)

    def when(self, message: dict[str, Any], where: str, index: int) -> datetime:
        if clean(message.get("date_unixtime")):
            found = time_or_error(message["date_unixtime"], file=where, row=index, column="date_unixtime")
        else:
            local = time_or_error(message.get("date"), file=where, row=index, column="date")
            found = None if local is None else local.replace(tzinfo=self.zone).astimezone(UTC).replace(tzinfo=None)
        if found is None:
            raise ReaderError("a message has no time", file=where, row=index, column="date_unixtime",
                              expected="date_unixtime or date, as Telegram Desktop writes them")
        return found

    def chat(self, chat: dict[str, Any], where: str, position: int | None) -> None:
        messages = chat.get("messages")
        if not isinstance(messages, list):
            raise ReaderError("a chat has no 'messages' list", file=where, row=position, column="messages",
                              expected="a Telegram Desktop chat with 'messages'")
        kind = str(chat.get("type") or "")
        name = clean(chat.get("name")) or "chat"
        chat_key = clean(chat.get("id")) or stable_id(name)
        senders = {(clean(m.get("from_id")), clean(m.get("from"))) for m in messages
                   if isinstance(m, dict) and m.get("type", "message") == "message"}
        if not kind:  # chat-miner style samples and some older exports carry no type: tell by the people
            kind = "personal_chat" if len(senders) <= 2 else "private_group"
        space = kind in GROUP_TYPES or kind not in CHANNEL_TYPES | PERSONAL_TYPES
        label = words("Telegram group", "groupe Telegram") if space and kind not in CHANNEL_TYPES else (
            words("Telegram channel", "canal Telegram") if kind in CHANNEL_TYPES
            else words("Telegram private chat", "discussion privée Telegram"))
        self.rows.begin(f"{where} ({name})" if position is not None else where, label)
        group_id = f"telegram:group:{chat_key}"
        post_id = f"telegram:chat:{chat_key}"
        if kind in CHANNEL_TYPES or space:
            self.rows.accounts.add(group_id, PLATFORM, display_name=name, is_brand=True)
        people = [self.person(i, n) for i, n in sorted(senders, key=lambda s: (s[0] or "", s[1] or ""))]
        first: datetime | None = None
        for index, message in enumerate(messages, start=1):
            if not isinstance(message, dict):
                self.rows.skip("not_object", words("entries that are not messages", "entrées qui ne sont pas des messages"))
                continue
            when = self.when(message, where, index)
            first = when if first is None or when < first else first
            mid = clean(message.get("id")) or stable_id(message.get("from"), when.isoformat(), flat_text(message.get("text")))
            interaction_id = f"telegram:msg:{chat_key}:{mid}"
            if message.get("type") == "service":
                self.service(message, group_id, when, space)
                continue
            actor = self.person(message.get("from_id"), message.get("from"))
            text = flat_text(message.get("text"))
            has_media = bool(message.get("photo") or message.get("file") or message.get("media_type"))
            if kind in CHANNEL_TYPES:
                self.rows.posts.append({
                    "post_id": f"telegram:post:{chat_key}:{mid}", "author_id": group_id, "created_at": when,
                    "platform": PLATFORM, "format": "photo" if message.get("photo") else "text", "caption": text,
                })
                self.reactions(message, f"telegram:post:{chat_key}:{mid}", None, group_id, when, chat_key, mid)
                continue
            parent = clean(message.get("reply_to_message_id"))
            others = [p for p in people if p != actor]
            row = {
                "interaction_id": interaction_id, "actor_id": actor, "created_at": when, "text": text,
                "platform": PLATFORM, "chat": name, "has_media": has_media or None,
                "is_edited": True if message.get("edited") else None,
                "parent_id": f"telegram:msg:{chat_key}:{parent}" if parent else None,
            }
            if space:
                row.update(kind="reply" if parent else "comment", post_id=post_id)
            else:
                row.update(kind="dm", target_id=others[0] if len(others) == 1 else None)
            self.rows.interactions.append(row)
            self.reactions(message, post_id if space else None, interaction_id, actor, when, chat_key, mid)
        if space and kind not in CHANNEL_TYPES and first is not None:
            self.rows.posts.append({
                "post_id": post_id, "author_id": group_id, "created_at": first, "platform": PLATFORM,
                "format": "other", "caption": name, "is_space": True,
            })

    def service(self, message: dict[str, Any], group_id: str, when: datetime, space: bool) -> None:
        action = str(message.get("action") or "")
        if not space or action not in JOIN_ACTIONS | LEAVE_ACTIONS:
            self.rows.skip("service", words("service messages (pins, title or photo changes, calls…)",
                                            "messages de service (épingles, changements de titre ou de photo, appels…)"))
            return
        names = message.get("members") if isinstance(message.get("members"), list) else None
        people = [self.person(None, n) for n in names if clean(n)] if names else [
            self.person(message.get("actor_id"), message.get("actor"))]
        for member in people:
            joined = self.joins.get((member, group_id))
            if action not in LEAVE_ACTIONS:
                if joined is None:
                    self.joins[(member, group_id)] = row = {"follower_id": member, "followee_id": group_id,
                                                            "followed_at": when}
                    self.rows.follows.append(row)
            elif joined is not None:
                joined["unfollowed_at"] = when
            else:
                self.rows.skip("departure", words("departures of people whose arrival the export does not show",
                                                  "départs de personnes dont l'export ne montre pas l'arrivée"))

    def reactions(self, message: dict[str, Any], post_id: str | None, parent: str | None, target: str,
                  when: datetime, chat_key: str, mid: str) -> None:
        for reaction in message.get("reactions") or []:
            if not isinstance(reaction, dict):
                continue
            emoji = clean(reaction.get("emoji")) or clean(reaction.get("document_id")) or "reaction"
            recent = [r for r in reaction.get("recent") or [] if isinstance(r, dict)]
            unnamed = (to_int(reaction.get("count")) or 0) - len(recent)
            self.rows.skip("anonymous_reactions", words("reactions counted without their authors",
                                                        "réactions comptées sans leur auteur"), unnamed)
            for item in recent:
                actor = self.person(item.get("from_id"), item.get("from"))
                at = time_or_error(item.get("date"), file="", column="reactions.recent.date") if item.get("date") else None
                self.rows.interactions.append({
                    "interaction_id": f"telegram:reaction:{chat_key}:{mid}:{actor}:{emoji}", "kind": "reaction",
                    "actor_id": actor, "created_at": at or when, "post_id": post_id, "parent_id": parent,
                    "target_id": target, "platform": PLATFORM, "reaction": emoji, "time_estimated": at is None,
                })

    def read(self) -> Dataset:
        names = [n for n in self.source.with_suffix(".json")]
        if not names:
            raise ReaderError("no JSON file found", file=str(self.source.path),
                              expected="result.json of a Telegram Desktop export (format: machine-readable JSON)")
        for name in names:
            where = self.source.display(name)
            data = self.source.read_json(name)
            if not isinstance(data, dict):
                raise ReaderError("this JSON is not a Telegram Desktop export", file=where,
                                  expected="an object with 'messages' (one chat) or 'chats' (the whole account)")
            info = data.get("personal_information")
            if isinstance(info, dict):
                ident = clean(info.get("user_id"))
                full = " ".join(p for p in (clean(info.get("first_name")), clean(info.get("last_name"))) if p)
                if ident:
                    self.owner_id = f"telegram:user{ident}"
                self.owner_name = full or None
                if self.owner_id:
                    self.rows.accounts.add(self.owner_id, PLATFORM, display_name=full or None, is_brand=True,
                                           handle=(clean(info.get("username")) or "").lstrip("@").lower() or None)
            if isinstance(data.get("messages"), list):
                self.chat(data, where, None)
                continue
            chats = data.get("chats")
            lists = [chats.get("list")] if isinstance(chats, dict) else []
            left = data.get("left_chats")
            if isinstance(left, dict):
                lists.append(left.get("list"))
            found = [c for group in lists if isinstance(group, list) for c in group if isinstance(c, dict)]
            if not found and not isinstance(chats, dict):
                raise ReaderError("this JSON is not a Telegram Desktop export", file=where,
                                  expected="an object with 'messages' (one chat) or 'chats.list' (the whole account)")
            for position, chat in enumerate(found, start=1):
                self.chat(chat, where, position)
        if not self.owner_id and not self.me:
            self.rows.warn(words(
                "the export does not say who the brand is in these chats: its groups count as the brand's spaces, "
                "but its own messages are counted as members'; pass --me NAME (the name the chat shows)",
                "l'export ne dit pas qui est la marque dans ces discussions : ses groupes comptent comme espaces de "
                "la marque, mais ses propres messages comptent comme ceux des membres ; passez --me NOM"))
        return self.rows.dataset(PLATFORM)


def read(path: Path, *, me: str | None = None, timezone: str = "UTC", **_: Any) -> Dataset:
    """Read a Telegram Desktop JSON export (result.json of one chat or of the whole account)."""
    with Source(path) as source:
        return _Reader(source, me, timezone).read()
