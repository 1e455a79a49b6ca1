"""Instagram "Download your information" export (JSON format), as a folder or the zip Meta sends.

What the export holds is the owner's view of their account, so the owner is the brand
(``is_brand``) and:

* ``followers_1.json`` (``followers_2.json``…) → ``follows`` (person → owner, with the time);
* ``following.json`` → ``follows`` (owner → person);
* ``post_comments_1.json`` / ``reels_comments.json`` → comments the owner wrote (``target_id`` is
  the owner of the commented media);
* ``liked_posts.json`` → likes the owner gave (``post_id`` from the post URL);
* ``messages/inbox/<thread>/message_N.json`` (and ``message_requests``) → ``dm`` interactions in
  both directions, and the reactions listed on messages → ``reaction`` interactions.

Both layouts are read: the older one (``followers_and_following/…``, usernames in
``string_list_data[].value``) and the newer one (``connections/followers_and_following/…``,
``your_instagram_activity/…``, usernames only in ``title`` or in the ``href`` profile URL, which may
read ``instagram.com/_u/<username>``). Meta writes UTF-8 bytes as ``\\u00XX`` escapes, so every
string is repaired (``Ã©`` → ``é``).

Message senders are display names, not usernames, so they get ``ig:name:<name>`` ids (never merged
with a follower's ``ig:<username>`` by guesswork), except the owner, recognised by name or username,
and the other person of a two-person thread whose folder (``inbox/lea_paris_1234567890``) names an
account the export lists (a follower, a following, the owner of a liked or commented post): the
export ties them, so they are one account.

The owner (the brand) is found in ``personal_information.json``, else in the export's name, else
given with ``owner=`` (a username or the display name the threads show), else inferred: the one
participant present in every thread (with a warning saying so). When none can be found the load
says so and what to pass. Any single file of the export loads on its own, a lone
``message_1.json`` included.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ReaderError
from .archive import Source
from .tables import Dataset, Rows, words
from .values import as_dict, clean, fix_mojibake, stable_id, time_or_error, to_float

PLATFORM = "instagram"

_FOLLOWERS = re.compile(r"(^|/)followers(_\d+)?\.json$", re.IGNORECASE)
_FOLLOWING = re.compile(r"(^|/)following(_\d+)?\.json$", re.IGNORECASE)
_COMMENTS = re.compile(r"(^|/)(post_comments(_\d+)?|reels_comments(_\d+)?)\.json$", re.IGNORECASE)
_LIKES = re.compile(r"(^|/)liked_posts(_\d+)?\.json$", re.IGNORECASE)
_MESSAGES = re.compile(r"(^|/)(inbox|message_requests)/([^/]+)/message_\d+\.json$", re.IGNORECASE)
_THREAD_FOLDER = re.compile(r"^(?P<handle>.+?)_\d{6,}$")
_PROFILE = re.compile(r"(^|/)personal_information\.json$", re.IGNORECASE)
_HTML_DATA = re.compile(r"(^|/)(followers(_\d+)?|following|post_comments(_\d+)?|liked_posts|message_\d+)\.html$", re.IGNORECASE)
_EXPORT_NAME = re.compile(r"instagram-([A-Za-z0-9._]+?)-\d{4}-\d{2}-\d{2}", re.IGNORECASE)
_PROFILE_URL = re.compile(r"instagram\.com/(?:_u/)?([A-Za-z0-9._]+)", re.IGNORECASE)
_POST_URL = re.compile(r"instagram\.com/(?:[A-Za-z0-9._]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)", re.IGNORECASE)
_USERNAME = re.compile(r"^[A-Za-z0-9._]{1,30}$")
_REACTION_NOTICE = re.compile(r"^(reacted .+ to your message|a réagi .+ à votre message|liked a message)\s*$", re.IGNORECASE)
_ATTACHMENT_NOTICE = re.compile(r"(sent an attachment\.?|a envoyé une pièce jointe\.?)$", re.IGNORECASE)

EXPECTED_FILES = (
    "followers_1.json, following.json, post_comments_1.json, liked_posts.json or messages/inbox/*/message_1.json"
)


def account_id(username: str) -> str:
    return f"ig:{username.strip().lstrip('@').lower()}"


def post_id_from_url(url: str | None) -> str | None:
    if not url:
        return None
    match = _POST_URL.search(url)
    return f"ig:post:{match.group(1)}" if match else None


def username_of(entry: dict[str, Any]) -> str | None:
    """The username of a relationship entry, in whichever field this export version put it."""
    for item in entry.get("string_list_data") or []:
        if isinstance(item, dict):
            value = clean(item.get("value"))
            if value and _USERNAME.match(value.lstrip("@")):
                return value.lstrip("@").lower()
    title = clean(entry.get("title"))
    if title and _USERNAME.match(title.lstrip("@")):
        return title.lstrip("@").lower()
    for item in entry.get("string_list_data") or []:
        if isinstance(item, dict) and item.get("href"):
            match = _PROFILE_URL.search(str(item["href"]))
            if match and match.group(1).lower() not in ("p", "reel", "_u", "stories"):
                return match.group(1).lower()
    return None


def _first(entry: dict[str, Any], key: str) -> Any:
    for item in entry.get("string_list_data") or []:
        if isinstance(item, dict) and item.get(key) not in (None, ""):
            return item[key]
    for item in entry.get("label_values") or []:
        if isinstance(item, dict) and item.get(key) not in (None, ""):
            return item[key]
    return entry.get(key)


def _flatten(groups: list[Any]) -> list[Any]:
    """Meta nests labelled values as [{"dict": [...]}, ...]: the inner items, in order."""
    items: list[Any] = []
    for group in groups:
        if isinstance(group, dict):
            inner = group.get("dict")
            items.extend(inner if isinstance(inner, list) else [group])
    return items


def labelled(items: Any, label: str, inside: str | None = None) -> str | None:
    """The value labelled `label` in Meta's newer ``label_values`` lists (``[{"label", "value"} |
    {"label", "dict": [{"dict": [...]}]}]``), looked for under the item labelled `inside` when given."""
    if not isinstance(items, list):
        return None
    for item in items:
        if not isinstance(item, dict):
            continue
        name = str(item.get("label") or "")
        nested = item.get("dict")
        if inside is not None:
            if name.lower() == inside.lower() and isinstance(nested, list):
                found = labelled(_flatten(nested), label)
                if found:
                    return found
            continue
        if name.lower() == label.lower() and clean(item.get("value") or item.get("href")):
            return clean(item.get("value") or item.get("href"))
        if isinstance(nested, list):
            found = labelled(_flatten(nested), label)
            if found:
                return found
    return None


def _entries(data: Any, keys: tuple[str, ...], where: str) -> list[dict[str, Any]]:
    """The list of entries of a file that is either a bare list or {one_of_keys: [...]}."""
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        for key in keys:
            if isinstance(data.get(key), list):
                items = data[key]
                break
        else:
            raise ReaderError(
                "this JSON is not the Instagram file its name says", file=where,
                expected="a list of entries or an object with " + " or ".join(f"'{k}'" for k in keys),
            )
    else:
        raise ReaderError("this JSON is not an Instagram export file", file=where, expected="a list or an object")
    return [e for e in items if isinstance(e, dict)]


class _Reader:
    def __init__(self, source: Source, owner: str | None) -> None:
        self.source = source
        self.rows = Rows()
        given = owner.strip().lstrip("@") if owner else None
        self.owner_username: str | None = given.lower() if given and _USERNAME.match(given) else None
        self.owner_name: str | None = given if given and not self.owner_username else None
        self.owner_given = given
        self.owner_inferred = False
        self.thread_handles: dict[str, str] = {}  # display name -> username, tied by a thread folder
        self._cache: dict[str, Any] = {}
        self.owner_bio: str | None = None

    def load(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = fix_mojibake(self.source.read_json(name))
        return self._cache[name]

    # -- owner ---------------------------------------------------------------------------

    def find_owner(self) -> None:
        for name in self.source.matching(_PROFILE.pattern):
            data = self.load(name)
            for record in (data.get("profile_user") or []) if isinstance(data, dict) else []:
                fields = record.get("string_map_data") or {}
                username = clean((fields.get("Username") or fields.get("Nom d’utilisateur") or
                                  fields.get("Nom d'utilisateur") or {}).get("value"))
                display = clean((fields.get("Name") or fields.get("Nom") or {}).get("value"))
                bio = clean((fields.get("Bio") or fields.get("Biographie") or {}).get("value"))
                if bio and not self.owner_bio:
                    self.owner_bio = bio
                if username and not self.owner_username:
                    self.owner_username = username.lstrip("@").lower()
                if display and not self.owner_name:
                    self.owner_name = display
        if not self.owner_username:
            match = _EXPORT_NAME.search(self.source.path.name) or _EXPORT_NAME.search(" ".join(self.source.names[:50]))
            if match:
                self.owner_username = match.group(1).lower()

    @property
    def owner_id(self) -> str:
        if self.owner_username:
            return account_id(self.owner_username)
        return f"ig:name:{self.owner_name}" if self.owner_name else "ig:me"

    def add_owner(self) -> None:
        self.rows.accounts.add(self.owner_id, PLATFORM, handle=self.owner_username, display_name=self.owner_name,
                               bio=self.owner_bio, is_brand=True)

    def person(self, username: str) -> str:
        return self.rows.accounts.add(account_id(username), PLATFORM, handle=username)

    def named_person(self, name: str) -> str:
        low = name.strip().lower()
        if (self.owner_name and low == self.owner_name.strip().lower()) or (self.owner_username and low == self.owner_username):
            return self.owner_id
        if name.strip() in self.thread_handles:
            return self.rows.accounts.add(account_id(self.thread_handles[name.strip()]), PLATFORM,
                                          handle=self.thread_handles[name.strip()], display_name=name.strip())
        return self.rows.accounts.add(f"ig:name:{name.strip()}", PLATFORM, display_name=name.strip())

    # -- threads: who is in them, who the owner is, who a folder names ---------------------------

    def participants(self, names: list[str]) -> list[str]:
        found: list[str] = []
        for name in names:
            data = self.load(name)
            if not isinstance(data, dict):
                continue
            listed = [p.get("name") for p in data.get("participants") or [] if isinstance(p, dict)]
            senders = [m.get("sender_name") for m in data.get("messages") or [] if isinstance(m, dict)]
            for person in listed or senders:
                if isinstance(person, str) and clean(person) and person not in found:
                    found.append(person)
        return found

    def infer_owner(self, threads: dict[str, list[str]]) -> None:
        """The owner is in every thread of their inbox: the one name common to all (two threads or more).
        An `owner` given as the display name the threads show is the owner too."""
        people = [set(self.participants(sorted(names))) for names in threads.values()]
        if self.owner_given and not self.owner_name:
            for person in set().union(*people) if people else set():
                if person.strip().lower() == self.owner_given.lower():
                    self.owner_name = person
        if self.owner_name:
            return
        groups = [p for p in people if len(p) >= 2]
        common = set.intersection(*groups) if len(groups) >= 2 else set()
        if len(common) == 1:
            self.owner_name = next(iter(common))
            self.owner_inferred = self.owner_username is None

    def tie_thread_folder(self, key: str, names: list[str]) -> None:
        """A two-person thread's folder names the other person's account: tie their display name to it."""
        match = _THREAD_FOLDER.match(key.split("/")[-1])
        people = self.participants(names)
        others = [p for p in people if not (self.owner_name and p.strip().lower() == self.owner_name.strip().lower())]
        if not match or len(people) != 2 or len(others) != 1:
            return
        folder = match["handle"].lower()
        known = {row["handle"]: row["handle"] for row in self.rows.accounts.rows() if row.get("handle")}
        squeezed = {re.sub(r"[._]", "", h): h for h in known}
        handle = known.get(folder) or squeezed.get(re.sub(r"[._]", "", folder))
        if handle and handle != self.owner_username:
            self.thread_handles.setdefault(others[0].strip(), handle)

    # -- files ---------------------------------------------------------------------------

    def relationships(self, name: str, *, followers: bool) -> None:
        where = self.source.display(name)
        self.rows.begin(where, words("Instagram followers", "abonnés Instagram") if followers
                        else words("Instagram followings", "abonnements Instagram"))
        keys = ("relationships_followers", "followers") if followers else ("relationships_following", "following")
        for index, entry in enumerate(_entries(self.load(name), keys, where), start=1):
            username = username_of(entry)
            if not username:
                raise ReaderError("the entry names no account (no value, title or profile URL)", file=where,
                                  row=index, expected="a username in string_list_data[].value, title or href")
            when = time_or_error(_first(entry, "timestamp"), file=where, row=index, column="timestamp")
            if when is None:
                raise ReaderError("the entry has no time", file=where, row=index, column="timestamp",
                                  expected="a Unix timestamp")
            person = self.person(username)
            follower, followee = (person, self.owner_id) if followers else (self.owner_id, person)
            self.rows.follows.append({"follower_id": follower, "followee_id": followee, "followed_at": when})

    def comments(self, name: str) -> None:
        where = self.source.display(name)
        self.rows.begin(where, words("Instagram comments the account wrote", "commentaires Instagram écrits par le compte"))
        data = self.load(name)
        for index, entry in enumerate(
            _entries(data, ("comments_media_comments", "comments_reels_comments", "post_comments", "comments"), where), start=1
        ):
            fields = entry.get("string_map_data")
            if isinstance(fields, dict) and fields:
                text = clean((fields.get("Comment") or fields.get("Commentaire") or {}).get("value"))
                media_owner = clean((fields.get("Media Owner") or fields.get("Propriétaire du contenu multimédia") or {}).get("value"))
                raw_time = (fields.get("Time") or fields.get("Heure") or {}).get("timestamp")
                url = None
                for media in entry.get("media_list_data") or []:
                    if isinstance(media, dict):
                        url = url or media.get("uri") or media.get("href")
            else:
                text = clean(_first(entry, "value"))
                media_owner = clean(entry.get("title"))
                raw_time = _first(entry, "timestamp")
                url = _first(entry, "href")
            when = time_or_error(raw_time, file=where, row=index, column="timestamp")
            if when is None:
                raise ReaderError("the comment has no time", file=where, row=index, column="timestamp",
                                  expected="a Unix timestamp")
            target = self.person(media_owner.lstrip("@").lower()) if media_owner and _USERNAME.match(media_owner.lstrip("@")) else None
            self.rows.interactions.append({
                "interaction_id": "ig:comment:" + stable_id(self.owner_id, raw_time, text, media_owner),
                "kind": "comment", "actor_id": self.owner_id, "created_at": when,
                "post_id": post_id_from_url(url if isinstance(url, str) else None), "target_id": target,
                "text": text, "platform": PLATFORM,
            })

    def likes(self, name: str) -> None:
        where = self.source.display(name)
        self.rows.begin(where, words("Instagram likes the account gave", "j'aime Instagram donnés par le compte"))
        for index, entry in enumerate(_entries(self.load(name), ("likes_media_likes",), where), start=1):
            url = _first(entry, "href")
            post = post_id_from_url(url if isinstance(url, str) else None)
            raw_time = _first(entry, "timestamp")
            when = time_or_error(raw_time, file=where, row=index, column="timestamp")
            if when is None:
                raise ReaderError("the like has no time", file=where, row=index, column="timestamp",
                                  expected="a Unix timestamp")
            title = clean(entry.get("title")) or labelled(entry.get("label_values"), "Username", inside="Owner")
            if url is None:
                url = labelled(entry.get("label_values"), "URL")
                post = post_id_from_url(url if isinstance(url, str) else None)
            target = self.person(title) if title and _USERNAME.match(title.lstrip("@")) else None
            if target is None:
                self.rows.skip("like_no_owner", words("likes that do not name the liked post's owner",
                                                      "j'aime qui ne nomment pas l'auteur du post"))
            key = post or url or stable_id(title, raw_time)
            self.rows.interactions.append({
                "interaction_id": "ig:like:" + stable_id(self.owner_id, key), "kind": "like", "actor_id": self.owner_id,
                "created_at": when, "post_id": post, "target_id": target, "platform": PLATFORM,
            })

    def thread(self, names: list[str], thread_key: str) -> None:
        participants: list[str] = []
        messages: list[tuple[str, int, dict[str, Any]]] = []
        self.rows.begin(self.source.display(names[0]) + (f" (+{len(names) - 1})" if len(names) > 1 else ""),
                        words("Instagram message thread", "fil de messages Instagram"))
        for name in names:
            where = self.source.display(name)
            data = self.load(name)
            if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
                raise ReaderError("this message file holds no 'messages' list", file=where,
                                  expected="an Instagram message_N.json with 'participants' and 'messages'")
            for p in data.get("participants") or []:
                if isinstance(p, dict) and clean(p.get("name")) and p["name"] not in participants:
                    participants.append(p["name"])
            messages.extend((where, i, m) for i, m in enumerate(data["messages"], start=1) if isinstance(m, dict))
        if not participants:  # a file saved without its 'participants': the senders are the people
            participants = self.participants(names)
        people = [self.named_person(p) for p in participants]
        seen: dict[str, int] = {}
        messages.sort(key=lambda wim: to_float(wim[2].get("timestamp_ms")) or 0.0)
        for where, index, message in messages:
            sender_name = clean(message.get("sender_name"))
            if not sender_name:
                raise ReaderError("a message has no sender", file=where, row=index, column="sender_name",
                                  expected="the sender's name")
            when = time_or_error(message.get("timestamp_ms"), file=where, row=index, column="timestamp_ms")
            if when is None:
                raise ReaderError("a message has no time", file=where, row=index, column="timestamp_ms",
                                  expected="milliseconds since 1970")
            content = clean(message.get("content"))
            if content and _REACTION_NOTICE.match(content):
                continue  # the reaction itself is listed on the message it reacts to
            sender = self.named_person(sender_name)
            others = [p for p in dict.fromkeys(people) if p != sender]
            has_media = any(message.get(k) for k in ("photos", "videos", "audio_files", "gifs", "files", "sticker"))
            if content and _ATTACHMENT_NOTICE.search(content):
                content, has_media = None, True
            share = as_dict(message.get("share"))
            raw_key = stable_id(thread_key, sender_name, message.get("timestamp_ms"), content)
            seen[raw_key] = seen.get(raw_key, 0) + 1
            interaction_id = "ig:dm:" + stable_id(raw_key, seen[raw_key])
            self.rows.interactions.append({
                "interaction_id": interaction_id, "kind": "dm", "actor_id": sender, "created_at": when,
                "target_id": others[0] if len(others) == 1 else None, "text": content, "platform": PLATFORM,
                "thread_id": f"ig:thread:{thread_key}", "has_media": has_media or None,
                "shared_url": clean(share.get("link")),
            })
            for reaction in message.get("reactions") or []:
                if not isinstance(reaction, dict) or not clean(reaction.get("actor")):
                    continue
                actor = self.named_person(reaction["actor"])
                reacted_at = time_or_error(reaction.get("timestamp"), file=where, row=index, column="reactions.timestamp")
                self.rows.interactions.append({
                    "interaction_id": "ig:reaction:" + stable_id(interaction_id, actor, reaction.get("reaction")),
                    "kind": "reaction", "actor_id": actor, "created_at": reacted_at or when,
                    "target_id": sender, "parent_id": interaction_id, "platform": PLATFORM,
                    "thread_id": f"ig:thread:{thread_key}", "reaction": clean(reaction.get("reaction")),
                    "time_estimated": reacted_at is None,
                })

    # -- the whole export ------------------------------------------------------------------

    def read(self) -> Dataset:
        source = self.source
        followers = source.matching(_FOLLOWERS.pattern)
        following = source.matching(_FOLLOWING.pattern)
        comments = source.matching(_COMMENTS.pattern)
        likes = source.matching(_LIKES.pattern)
        threads: dict[str, list[str]] = {}
        for name in source.matching(_MESSAGES.pattern):
            parts = PurePosixPath(name).parts
            threads.setdefault("/".join(parts[-3:-1]), []).append(name)
        if not threads:  # a lone message_1.json, or message files saved outside their folders
            for name in source.with_suffix(".json"):
                if _PROFILE.search(name) or followers.count(name) or following.count(name) or name in comments or name in likes:
                    continue
                data = self.load(name)
                if isinstance(data, dict) and isinstance(data.get("messages"), list) and \
                        any(isinstance(m, dict) and "sender_name" in m for m in data["messages"][:20]):
                    folder = PurePosixPath(name).parent.name or PurePosixPath(name).stem
                    threads.setdefault(f"inbox/{folder}", []).append(name)
        if not (followers or following or comments or likes or threads):
            if source.matching(_HTML_DATA.pattern):
                raise ReaderError(
                    "this Instagram export is in HTML format, which cannot be read reliably",
                    file=str(source.path), expected="an export requested in JSON format (Accounts Center > Download your information > Format: JSON)",
                )
            raise ReaderError(
                "no Instagram data files found: the export is incomplete (a partial or interrupted download?) "
                "or is not an Instagram export", file=str(source.path), expected=EXPECTED_FILES,
            )
        self.find_owner()
        self.infer_owner(threads)
        self.add_owner()
        for name in followers:
            self.relationships(name, followers=True)
        for name in following:
            self.relationships(name, followers=False)
        for name in comments:
            self.comments(name)
        for name in likes:
            self.likes(name)
        for key in sorted(threads):
            self.tie_thread_folder(key, sorted(threads[key]))
        for key in sorted(threads):
            self.thread(sorted(threads[key]), key.split("/", 1)[1])
        if self.owner_inferred:
            self.rows.warn(words(
                f"the export does not say whose it is: the owner is taken to be '{self.owner_name}', present in every "
                "message thread; pass --owner USERNAME to choose another",
                f"l'export ne dit pas à qui il est : le propriétaire est pris pour « {self.owner_name} », présent dans "
                "tous les fils de messages ; passez --owner NOM_UTILISATEUR pour en choisir un autre"))
        elif self.owner_id == "ig:me":
            self.rows.warn(words(
                "the export does not say whose it is (no personal_information.json, and no one is in every thread): "
                "its messages have no brand side; pass --owner USERNAME (or the name the threads show)",
                "l'export ne dit pas à qui il est (pas de personal_information.json, et personne n'est dans tous les "
                "fils) : ses messages n'ont pas de côté marque ; passez --owner NOM_UTILISATEUR (ou le nom affiché)"))
        return self.rows.dataset(PLATFORM)


def read(path: Path, *, owner: str | None = None, **_: Any) -> Dataset:
    """Read an Instagram 'Download your information' export (folder, zip or one of its JSON files).

    `owner` names the account (username) when the export does not: it is otherwise taken from
    personal_information.json or from the export's name (``instagram-<username>-<date>-…``).
    """
    with Source(path) as source:
        return _Reader(source, owner).read()
