"""DiscordChatExporter JSON: a brand's community server, one file per channel (or a folder / zip).

Each file is ``{"guild": {id, name}, "channel": {id, type, name, …}, "messages": [...],
"messageCount": N}`` with messages ``{id, type, timestamp, content, author{id, name, nickname,
isBot}, reactions[{emoji{id, name}, count, users?}], mentions[…], reference{messageId}}``.

* a channel is a space of the brand: one ``posts`` row per channel (``discord:channel:<id>``,
  authored by the server's account ``discord:guild:<id>``, marked ``is_brand``, dated by its first
  message, ``is_space`` true), so that everyone who writes there is a member of the brand's
  community;
* a message (``Default``/``Reply``…) → ``comment`` on its channel's post, or ``reply`` with
  ``parent_id`` when it references another message; ``channel_id`` and ``channel`` say where;
* ``owner``: the brand's people on the server (user ids or names, comma-separated): marked
  ``is_brand``, their messages are the brand's answers;
* a reaction whose ``users`` are listed → one ``reaction`` per user (``parent_id`` the message,
  ``target_id`` its author). Discord does not date reactions: they take the message's time and
  ``time_estimated = true``. The total count stays on the message (``reaction_count``);
* a mention → ``mention`` (``target_id`` the person mentioned), except the implicit mention of the
  author replied to;
* ``GuildMemberJoin`` → ``follows`` (member → ``discord:guild:<id>``, the server, which stands for
  the brand); other system messages are not interactions;
* ``author.isBot`` → ``accounts.is_bot``.

Times carry the exporter's UTC offset and are converted to UTC. A file whose ``messageCount`` is
larger than its ``messages`` list was cut short and is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ReaderError
from .archive import Source
from .tables import Dataset, Rows, words
from .values import as_dict, clean, time_or_error, to_int

PLATFORM = "discord"
CHAT_TYPES = {"Default", "Reply", "ThreadStarterMessage", "ChatInputCommand", "ContextMenuCommand", "0", "19", "20", "21"}
JOIN_TYPES = {"GuildMemberJoin", "7"}


class _Reader:
    def __init__(self, source: Source, owner: str | None = None) -> None:
        self.source = source
        self.rows = Rows()
        self.owners = {o.strip().lower() for o in (owner or "").split(",") if o.strip()}

    def person(self, author: Any, where: str, index: int) -> str:
        if not isinstance(author, dict) or not clean(author.get("id")):
            raise ReaderError("a message has no author id", file=where, row=index, column="author.id",
                              expected="a DiscordChatExporter message with author{id, name}")
        name = clean(author.get("name"))
        nickname = clean(author.get("nickname"))
        brand = bool(self.owners & {str(author["id"]).lower(), (name or "").lower(), (nickname or "").lower()})
        return self.rows.accounts.add(
            f"discord:{author['id']}", PLATFORM, handle=name.lower() if name else None,
            display_name=clean(author.get("nickname")) or name,
            is_bot=bool(author["isBot"]) if isinstance(author.get("isBot"), bool) else None,
            is_brand=True if brand else None,
        )

    def channel_file(self, name: str) -> None:
        where = self.source.display(name)
        data = self.source.read_json(name)
        if not (isinstance(data, dict) and isinstance(data.get("guild"), dict) and isinstance(data.get("channel"), dict)
                and isinstance(data.get("messages"), list)):
            raise ReaderError(
                "this JSON is not a DiscordChatExporter export", file=where,
                expected="an object with 'guild', 'channel' and 'messages' (DiscordChatExporter, format JSON)",
            )
        messages = data["messages"]
        self.rows.begin(where, words("Discord channel", "salon Discord"))
        count = to_int(data.get("messageCount"))
        if count is not None and count > len(messages):
            raise ReaderError(
                f"the file announces {count} messages but holds {len(messages)}: it was cut short", file=where,
                column="messageCount", expected="a complete export",
            )
        guild = data["guild"]
        channel = data["channel"]
        guild_id = f"discord:guild:{clean(guild.get('id')) or '0'}"
        self.rows.accounts.add(guild_id, PLATFORM, display_name=clean(guild.get("name")), is_brand=True)
        channel_id = f"discord:channel:{clean(channel.get('id')) or name}"
        channel_name = clean(channel.get("name"))
        authors = {str(m.get("id")): (m.get("author") or {}).get("id") for m in messages if isinstance(m, dict)}
        post_id = f"discord:channel:{clean(channel.get('id')) or name}"
        first = None
        for index, message in enumerate(messages, start=1):
            if not isinstance(message, dict) or not clean(message.get("id")):
                raise ReaderError("a message has no id", file=where, row=index, column="id", expected="a message id")
            mid = str(message["id"])
            mtype = str(message.get("type") or "Default")
            when = time_or_error(message.get("timestamp"), file=where, row=index, column="timestamp")
            if when is None:
                raise ReaderError("a message has no time", file=where, row=index, column="timestamp",
                                  expected="an ISO 8601 time")
            actor = self.person(message.get("author"), where, index)
            if mtype in JOIN_TYPES:
                self.rows.follows.append({"follower_id": actor, "followee_id": guild_id, "followed_at": when})
                continue
            if mtype not in CHAT_TYPES:
                self.rows.skip("system", words("system messages (pins, boosts, channel changes…)",
                                               "messages système (épingles, boosts, changements de salon…)"))
                continue
            first = when if first is None or when < first else first
            reference = as_dict(message.get("reference"))
            parent = clean(reference.get("messageId"))
            interaction_id = f"discord:msg:{mid}"
            reactions = [r for r in message.get("reactions") or [] if isinstance(r, dict)]
            attachments = message.get("attachments") or []
            self.rows.interactions.append({
                "interaction_id": interaction_id, "kind": "reply" if parent else "comment", "actor_id": actor,
                "created_at": when, "parent_id": f"discord:msg:{parent}" if parent else None,
                "post_id": post_id, "text": clean(message.get("content")), "platform": PLATFORM,
                "channel_id": channel_id, "channel": channel_name,
                "has_media": True if attachments else None,
                "reaction_count": sum(to_int(r.get("count")) or 0 for r in reactions) or None,
                "is_pinned": True if message.get("isPinned") is True else None,
            })
            for reaction in reactions:
                emoji = as_dict(reaction.get("emoji"))
                emoji_name = clean(emoji.get("name")) or clean(emoji.get("code"))
                emoji_key = clean(emoji.get("id")) or emoji_name
                for user in reaction.get("users") or []:
                    if not isinstance(user, dict) or not clean(user.get("id")):
                        continue
                    reactor = self.person(user, where, index)
                    self.rows.interactions.append({
                        "interaction_id": f"discord:reaction:{mid}:{user['id']}:{emoji_key}",
                        "kind": "reaction", "actor_id": reactor, "created_at": when, "target_id": actor,
                        "parent_id": interaction_id, "post_id": post_id, "platform": PLATFORM, "channel_id": channel_id,
                        "channel": channel_name, "reaction": emoji_name, "time_estimated": True,
                    })
            replied_author = authors.get(parent) if parent else None
            for mention in message.get("mentions") or []:
                if not isinstance(mention, dict) or not clean(mention.get("id")):
                    continue
                if mention["id"] == (message.get("author") or {}).get("id") or mention["id"] == replied_author:
                    continue
                target = self.person(mention, where, index)
                self.rows.interactions.append({
                    "interaction_id": f"discord:mention:{mid}:{mention['id']}", "kind": "mention", "actor_id": actor,
                    "created_at": when, "target_id": target, "parent_id": interaction_id, "platform": PLATFORM,
                    "channel_id": channel_id, "channel": channel_name, "post_id": post_id,
                })
        if first is not None:
            self.rows.posts.append({
                "post_id": post_id, "author_id": guild_id, "created_at": first, "platform": PLATFORM, "format": "other",
                "caption": channel_name, "is_space": True,
            })

    def read(self) -> Dataset:
        # Media downloaded with --media sits in "<export>.json_Files/" folders: assets, not channels.
        names = [n for n in self.source.with_suffix(".json") if "_files/" not in n.lower()]
        if not names:
            raise ReaderError("no JSON file found", file=str(self.source.path),
                              expected="DiscordChatExporter exports in JSON format (one .json file per channel)")
        for name in names:
            self.channel_file(name)
        return self.rows.dataset(PLATFORM)


def read(path: Path, *, owner: str | None = None, **_: Any) -> Dataset:
    """Read DiscordChatExporter JSON exports (one file, or a folder / zip of channel files).

    `owner`: the brand's people on the server, user ids or names, comma-separated.
    """
    with Source(path) as source:
        reader = _Reader(source, owner)
        dataset = reader.read()
        if not reader.owners:
            reader.rows.warn(words(
                "the export does not say who speaks for the brand: the server stands for it, and its moderators' "
                "messages are counted as members'; pass --owner NAME[,NAME…]",
                "l'export ne dit pas qui parle pour la marque : le serveur la représente, et les messages de ses "
                "modérateurs comptent comme ceux des membres ; passez --owner NOM[,NOM…]"))
        return dataset
