"""The X/Twitter archive ("Download an archive of your data"), and API v1.1 statuses.

The archive's ``data/*.js`` files are JSON behind a JavaScript assignment,
``window.YTD.<name>.part0 = [ ... ]``:

* ``account.js`` (``{"account": {accountId, username, accountDisplayName, createdAt}}``): the owner,
  the brand (``twitter:<accountId>``, ``is_brand``);
* ``tweets.js`` / ``tweet.js`` / ``tweets-partN.js`` (``{"tweet": {id_str, full_text, created_at,
  in_reply_to_status_id_str, in_reply_to_user_id_str, entities.user_mentions, favorite_count,
  retweet_count}}``): the owner's tweets → ``posts`` (``like_count``, ``share_count`` as written in
  the archive; ``post_metrics`` when ``manifest.js`` dates the archive), its replies → ``reply``
  (``parent_id`` the tweet answered, ``target_id`` its author), its retweets → ``share``, its
  mentions → ``mention``;
* ``like.js`` (``{"like": {tweetId, fullText}}``): the owner's likes. The archive does not date a
  like: it takes the liked tweet's own time (read from the tweet id), ``time_estimated = true``;
* ``direct-messages.js`` and ``direct-messages-group.js`` (``{"dmConversation": {conversationId,
  messages: [{"messageCreate": {id, senderId, recipientId, text, createdAt}}]}}``) → ``dm``;
* ``follower.js`` / ``following.js`` (``{"follower": {accountId}}``): the archive lists them without
  a date, and a follow needs one: the accounts are kept (``is_follower`` / ``is_followed``), the
  follows are counted as left out; ``manifest.js`` (``generationDate``) gives an ``audience``
  snapshot of the follower count.

API v1.1 statuses (a JSON list of ``{id_str, created_at, full_text | text, user{id_str,
screen_name}, …}``, e.g. ``statuses/user_timeline``) are read the same way: the statuses of the
owner (account.js, ``owner=``, or the one author of every status) are posts, others' statuses
that reply to or mention someone are interactions, others' plain statuses are their posts.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ReaderError
from .archive import Source, parse_json
from .tables import Dataset, Rows, words
from .values import as_dict, clean, time_or_error, to_int

PLATFORM = "twitter"
_ASSIGNMENT = re.compile(r"^\s*window\.YTD\.(?P<name>[A-Za-z0-9_]+)\.part\d+\s*=\s*", re.ASCII)
_TWITTER_EPOCH_MS = 1288834974657
_FILE_KINDS = {
    "account": words("X/Twitter account", "compte X/Twitter"),
    "tweets": words("X/Twitter tweets", "tweets X/Twitter"),
    "tweet": words("X/Twitter tweets", "tweets X/Twitter"),
    "like": words("X/Twitter likes", "j'aime X/Twitter"),
    "follower": words("X/Twitter followers", "abonnés X/Twitter"),
    "following": words("X/Twitter followings", "abonnements X/Twitter"),
    "direct_messages": words("X/Twitter direct messages", "messages privés X/Twitter"),
    "direct_messages_group": words("X/Twitter group messages", "messages de groupe X/Twitter"),
    "manifest": words("X/Twitter archive manifest", "manifeste de l'archive X/Twitter"),
}


def archive_json(text: str, where: str) -> tuple[str | None, Any]:
    """(the YTD name, the data) of an archive .js file, or (None, data) for plain JSON."""
    match = _ASSIGNMENT.match(text)
    if match:
        return match["name"], parse_json(text[match.end():], where)
    if text.lstrip().startswith("window.__THAR_CONFIG") or text.lstrip().startswith("window."):
        stripped = text.split("=", 1)[1] if "=" in text else ""
        return None, parse_json(stripped.strip().rstrip(";"), where)
    return None, parse_json(text, where)


def tweet_time(value: Any, where: str, row: int | None = None) -> datetime | None:
    """Twitter writes ``Wed Sep 04 13:51:55 +0000 2019`` in tweets, ISO 8601 elsewhere."""
    text = clean(value)
    if text and re.match(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d", text):
        try:
            parsed = datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
        except ValueError:
            raise ReaderError(f"cannot read the time {text[:40]!r}", file=where, row=row, column="created_at",
                              expected="a time such as 'Wed Sep 04 13:51:55 +0000 2019'") from None
        return time_or_error(parsed, file=where, row=row, column="created_at")
    return time_or_error(text, file=where, row=row, column="created_at")


def snowflake_time(tweet_id: str) -> datetime | None:
    """When a tweet was written, from its id (ids since November 2010 carry their time)."""
    try:
        number = int(tweet_id)
    except ValueError:
        return None
    if number < (1 << 32):
        return None
    return datetime(1970, 1, 1) + timedelta(milliseconds=(number >> 22) + _TWITTER_EPOCH_MS)


class _Reader:
    def __init__(self, source: Source, owner: str | None) -> None:
        self.source = source
        self.rows = Rows()
        self.owner_handle = owner.lstrip("@").lower() if owner else None
        self.owner_id: str | None = None
        self.generated: datetime | None = None
        self.followers = 0

    def account(self, user_id: Any, handle: Any = None, **fields: Any) -> str:
        ident = clean(user_id)
        name = clean(handle)
        if ident:
            account = f"twitter:{ident}"
        elif name:
            account = f"twitter:@{name.lstrip('@').lower()}"
        else:
            raise ReaderError("an entry names no account", file=str(self.source.path), expected="an account id")
        brand = self.owner_id == account or bool(name and self.owner_handle and name.lstrip("@").lower() == self.owner_handle)
        return self.rows.accounts.add(account, PLATFORM, handle=name.lstrip("@").lower() if name else None,
                                      is_brand=brand or None, **fields)

    # -- files -------------------------------------------------------------------------------

    def files(self) -> list[tuple[str, str | None, Any]]:
        found: list[tuple[str, str | None, Any]] = []
        for name in self.source.names:
            low = name.lower()
            if not low.endswith((".js", ".json")) or "/assets/" in low or low.endswith("tweet_media/"):
                continue
            head = self.source.head_text(name, 64)
            if low.endswith(".js") and not head.lstrip().startswith("window."):
                continue
            ytd, data = archive_json(self.source.read_text(name), self.source.display(name))
            found.append((name, ytd or PurePosixPath(name).stem.replace("-", "_").split("_part")[0], data))
        return found

    def read(self) -> Dataset:
        files = self.files()
        if not files:
            raise ReaderError("no archive data file found", file=str(self.source.path),
                              expected="data/account.js, tweets.js, like.js, follower.js… of an X/Twitter archive")
        order = {"manifest": 0, "account": 1}
        files.sort(key=lambda f: order.get(f[1] or "", 2))
        statuses: list[tuple[Any, list[dict[str, Any]]]] = []
        for name, kind, data in files:
            where = self.source.display(name)
            base = re.sub(r"\d+$", "", (kind or "").replace("tweets_part", "tweets"))
            if isinstance(data, list) and data and all(isinstance(d, dict) and "id_str" in d and "created_at" in d
                                                        for d in data[:5]):
                statuses.append((self.rows.begin(where, words("X/Twitter API v1.1 statuses",
                                                              "statuts de l'API X/Twitter v1.1")), data))
                continue
            note = self.rows.begin(where, _FILE_KINDS.get(base, words(f"X/Twitter archive file ({base})",
                                                                      f"fichier d'archive X/Twitter ({base})")))
            if base == "manifest":
                info = as_dict(as_dict(data).get("archiveInfo"))
                self.generated = time_or_error(info.get("generationDate"), file=where, column="generationDate")
            elif base == "account":
                for entry in data if isinstance(data, list) else []:
                    acct = as_dict(as_dict(entry).get("account"))
                    if clean(acct.get("accountId")):
                        self.owner_id = f"twitter:{acct['accountId']}"
                        self.owner_handle = self.owner_handle or (clean(acct.get("username")) or "").lower() or None
                        self.rows.accounts.add(
                            self.owner_id, PLATFORM, handle=self.owner_handle,
                            display_name=clean(acct.get("accountDisplayName")), is_brand=True,
                            created_at=time_or_error(acct.get("createdAt"), file=where, column="createdAt"))
            elif base in ("tweets", "tweet"):
                tweets = [as_dict(as_dict(e).get("tweet")) or as_dict(e) for e in (data if isinstance(data, list) else [])]
                statuses.append((note, [t for t in tweets if t]))
            elif base == "like":
                self.likes(data, where)
            elif base in ("follower", "following"):
                self.relations(data, where, followers=base == "follower")
            elif base in ("direct_messages", "direct_messages_group"):
                self.messages(data, where)
            else:
                self.rows.skip("not_read", words("entries of a file Liens does not read (apps, saved searches, settings…)",
                                                 "entrées d'un fichier que Liens ne lit pas (applis, recherches, réglages…)"),
                               len(data) if isinstance(data, list) else 1)
        if statuses:
            self.statuses(statuses)
        if self.owner_id is None and self.owner_handle is None:
            self.rows.warn(words("the archive does not say whose it is (no account.js): pass --owner HANDLE",
                                 "l'archive ne dit pas à qui elle est (pas d'account.js) : passez --owner PSEUDO"))
        if self.owner_id and self.generated and self.followers:
            self.rows.audience.append({"account_id": self.owner_id, "date": self.generated.date(),
                                       "followers": self.followers})
        return self.rows.dataset(PLATFORM)

    def likes(self, data: Any, where: str) -> None:
        owner = self.owner_id or "twitter:me"
        self.rows.accounts.add(owner, PLATFORM, is_brand=True, handle=self.owner_handle)
        for entry in data if isinstance(data, list) else []:
            like = as_dict(as_dict(entry).get("like"))
            tweet = clean(like.get("tweetId"))
            when = snowflake_time(tweet) if tweet else None
            if not tweet or when is None:
                self.rows.skip("like_undated", words("likes of tweets too old to carry their time",
                                                     "j'aime de tweets trop anciens pour porter leur date"))
                continue
            self.rows.interactions.append({
                "interaction_id": f"twitter:like:{owner}:{tweet}", "kind": "like", "actor_id": owner,
                "created_at": when, "post_id": f"twitter:tweet:{tweet}", "platform": PLATFORM,
                "time_estimated": True, "text": None,
            })

    def relations(self, data: Any, where: str, *, followers: bool) -> None:
        key = "follower" if followers else "following"
        entries = [as_dict(as_dict(e).get(key)) for e in (data if isinstance(data, list) else [])]
        for entry in entries:
            if clean(entry.get("accountId")):
                self.account(entry["accountId"], **({"is_follower": True} if followers else {"is_followed": True}))
        if followers:
            self.followers = len(entries)
        self.rows.skip("follow_undated", words("follows the archive lists without a date (kept as accounts)",
                                               "abonnements que l'archive liste sans date (gardés comme comptes)"),
                       len(entries))

    def messages(self, data: Any, where: str) -> None:
        for index, entry in enumerate(data if isinstance(data, list) else [], start=1):
            conversation = as_dict(as_dict(entry).get("dmConversation"))
            for message in conversation.get("messages") or []:
                create = as_dict(as_dict(message).get("messageCreate"))
                if not create:
                    self.rows.skip("dm_event", words("conversation events (joins, name changes)",
                                                     "événements de conversation (arrivées, changements de nom)"))
                    continue
                when = time_or_error(create.get("createdAt"), file=where, row=index, column="createdAt")
                if when is None or not clean(create.get("senderId")):
                    raise ReaderError("a direct message has no sender or time", file=where, row=index,
                                      column="messageCreate", expected="senderId and createdAt")
                recipient = clean(create.get("recipientId"))
                self.rows.interactions.append({
                    "interaction_id": f"twitter:dm:{clean(create.get('id')) or when.isoformat()}", "kind": "dm",
                    "actor_id": self.account(create["senderId"]), "created_at": when,
                    "target_id": self.account(recipient) if recipient else None, "text": clean(create.get("text")),
                    "platform": PLATFORM, "thread_id": f"twitter:conversation:{clean(conversation.get('conversationId'))}",
                })

    def statuses(self, files: list[tuple[Any, list[dict[str, Any]]]]) -> None:
        authors = {clean(as_dict(t.get("user")).get("id_str")) for _, ts in files for t in ts}
        authors.discard(None)
        if self.owner_id is None and self.owner_handle is None and len(authors) == 1:
            self.owner_id = f"twitter:{next(iter(authors))}"
            self.rows.warn(words(f"the account is taken to be {self.owner_id}, the author of every status; "
                                 "pass --owner HANDLE to choose another",
                                 f"le compte est pris pour {self.owner_id}, auteur de tous les statuts ; "
                                 "passez --owner PSEUDO pour en choisir un autre"))
        for note, tweets in files:
            self.rows.note = note  # rows counted on the file they come from
            for index, tweet in enumerate(tweets, start=1):
                self.status(tweet, note.file, index)

    def status(self, tweet: dict[str, Any], where: str, index: int) -> None:
        tid = clean(tweet.get("id_str")) or clean(tweet.get("id"))
        when = tweet_time(tweet.get("created_at"), where, index)
        if not tid or when is None:
            raise ReaderError("a tweet has no id or time", file=where, row=index, column="id_str",
                              expected="id_str and created_at")
        user = as_dict(tweet.get("user"))
        if user:
            author = self.account(user.get("id_str"), user.get("screen_name"), display_name=clean(user.get("name")),
                                  followers_count=to_int(user.get("followers_count")),
                                  following_count=to_int(user.get("friends_count")),
                                  posts_count=to_int(user.get("statuses_count")), bio=clean(user.get("description")),
                                  is_verified=user.get("verified") if isinstance(user.get("verified"), bool) else None)
        else:
            author = self.owner_id or "twitter:me"
            self.rows.accounts.add(author, PLATFORM, is_brand=True, handle=self.owner_handle)
        text = clean(tweet.get("full_text")) or clean(tweet.get("text"))
        parent = clean(tweet.get("in_reply_to_status_id_str"))
        replied_user = clean(tweet.get("in_reply_to_user_id_str"))
        retweeted = as_dict(tweet.get("retweeted_status"))
        mentions = [m for m in as_dict(tweet.get("entities")).get("user_mentions") or [] if isinstance(m, dict)]
        base = {"created_at": when, "platform": PLATFORM, "actor_id": author}
        if retweeted or (text or "").startswith("RT @"):
            original = clean(retweeted.get("id_str"))
            source_user = as_dict(retweeted.get("user"))
            target = (self.account(source_user.get("id_str"), source_user.get("screen_name")) if source_user
                      else self.account(mentions[0].get("id_str"), mentions[0].get("screen_name")) if mentions else None)
            self.rows.interactions.append({
                **base, "interaction_id": f"twitter:retweet:{tid}", "kind": "share", "target_id": target,
                "post_id": f"twitter:tweet:{original}" if original else None, "text": text,
            })
            return
        if parent:
            target = self.account(replied_user, tweet.get("in_reply_to_screen_name")) if (
                replied_user or clean(tweet.get("in_reply_to_screen_name"))) else None
            self.rows.interactions.append({
                **base, "interaction_id": f"twitter:tweet:{tid}", "kind": "reply",
                "post_id": f"twitter:tweet:{parent}", "parent_id": f"twitter:tweet:{parent}",
                "target_id": target, "text": text, "like_count": to_int(tweet.get("favorite_count")),
            })
        else:
            self.rows.posts.append({
                "post_id": f"twitter:tweet:{tid}", "author_id": author, "created_at": when, "platform": PLATFORM,
                "format": "photo" if as_dict(tweet.get("extended_entities")).get("media") else "text", "caption": text,
                "url": f"https://x.com/i/status/{tid}", "like_count": to_int(tweet.get("favorite_count")),
                "share_count": to_int(tweet.get("retweet_count")),
                "is_quote": True if tweet.get("is_quote_status") is True else None,
            })
            if self.generated and author == self.owner_id:
                self.rows.post_metrics.append({
                    "post_id": f"twitter:tweet:{tid}", "measured_at": self.generated, "platform": PLATFORM,
                    "likes": to_int(tweet.get("favorite_count")), "shares": to_int(tweet.get("retweet_count")),
                })
        for mention in mentions:
            mentioned = clean(mention.get("id_str"))
            if not mentioned or mentioned == replied_user:
                continue
            self.rows.interactions.append({
                **base, "interaction_id": f"twitter:mention:{tid}:{mentioned}", "kind": "mention",
                "target_id": self.account(mentioned, mention.get("screen_name"), display_name=clean(mention.get("name"))),
                "parent_id": f"twitter:tweet:{tid}" if parent else None,
                "post_id": None if parent else f"twitter:tweet:{tid}",
            })


def read(path: Path, *, owner: str | None = None, **_: Any) -> Dataset:
    """Read an X/Twitter archive (zip, its folder or its data/*.js files) or API v1.1 statuses."""
    with Source(path) as source:
        return _Reader(source, owner).read()

