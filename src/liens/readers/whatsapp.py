"""WhatsApp chat export: the ``.txt`` the phone app writes ("Export chat"), alone or zipped with media.

Both phone layouts, in English and French, 24 h or 12 h clocks::

    Android  12/03/2024, 14:05 - Marie Dubois: Bonjour !          (French: "12/03/2024 à 14:05 - …")
             3/12/24, 2:05 PM - Marie Dubois: Hello!
    iOS      [12/03/2024 14:05:33] Marie Dubois: Bonjour !
             [3/12/24, 2:05:33 PM] Marie Dubois: Hello!

* a group chat is a space of the brand: one ``posts`` row per chat (``whatsapp:chat:<name>``,
  authored by the group's account ``whatsapp:group:<name>``, marked ``is_brand``, dated by its first
  message, ``is_space`` true), each message a ``comment`` on it (``chat`` names it), so that every
  participant counts as a member of the brand's community; in a two-person chat a message is a
  ``dm`` (``target_id`` the other person); lines without a date continue the message before them;
* ``me``: the exporter's name as the chat shows it (the brand's side): marked ``is_brand``, so its
  messages are the brand's answers and the messages of a two-person chat are addressed to it;
* media placeholders (``<Media omitted>``, ``<Médias omis>``, ``image omitted``, ``<attached: …>``…)
  leave ``text`` empty and set ``has_media``; deleted messages set ``is_deleted``;
* system lines (end-to-end encryption notice, subject or icon changes…) are not interactions;
  joins ("X added Y", "Y joined using this group's invite link", "X a ajouté Y"…) and departures
  ("Y left", "X removed Y", "Y est parti") become ``follows`` of ``whatsapp:group:<name>``;
* which of day and month comes first is decided from the whole file (a first number above 12 means
  day first, a second one above 12 means month first; otherwise 12 h clocks mean month first);
* the file has local times with no zone: pass ``timezone="Europe/Paris"`` (default UTC).

Participants are known by the name the exporting phone had for them, or their number:
``whatsapp:tel:+33612345678`` or ``whatsapp:name:Marie Dubois``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ReaderError
from .archive import Source
from .tables import Dataset, Rows, words
from .values import stable_id

PLATFORM = "whatsapp"
_DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
_TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
_IOS = re.compile(r"^[\u200e\u200f]?\[" + _DATE + r",?\s+" + _TIME + r"\]\s(?P<rest>.*)$")
_ANDROID = re.compile(r"^[\u200e\u200f]?" + _DATE + r",?\s+(?:à\s+)?" + _TIME + r"\s[-–]\s(?P<rest>.*)$")
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PHONE = re.compile(r"^\+?[\d\s\-().\u00a0\u202f]{6,}$")

_ENCRYPTION = re.compile(
    r"(end-to-end encrypted|chiffrés de bout en bout|are now secured with end-to-end|sont désormais protégés)", re.IGNORECASE)
_MEDIA = re.compile(
    r"^(<media omitted>|<médias? omis>|<fichier omis>|(image|video|vidéo|audio|sticker|gif|document|contact card) omitted"
    r"|(image|vidéo|audio|autocollant|gif|document|carte de contact) (absente?|omise?)"
    r"|<attached: [^>]+>|<pièce jointe ?: [^>]+>|.+\.(jpg|jpeg|png|webp|mp4|opus|pdf|vcf) \((file attached|fichier joint)\))$",
    re.IGNORECASE,
)
_DELETED = re.compile(
    r"^(this message was deleted|you deleted this message|ce message a été supprimé|vous avez supprimé ce message)\.?$",
    re.IGNORECASE,
)
_EDITED = re.compile(r"\s*<(this message was edited|ce message a été modifié)>\s*$", re.IGNORECASE)
_CREATED = re.compile(r'^(?P<who>.+?) (created group|created this group|a créé le groupe|a créé ce groupe)(?: [«"“]?(?P<group>[^"»”]+)[»"”]?)?\s*$', re.IGNORECASE)
_ADDED = re.compile(r"^(?P<who>.+?) (added|a ajouté|avez ajouté) (?P<whom>.+?)\.?$", re.IGNORECASE)
_JOINED = re.compile(
    r"^(?P<whom>.+?) (joined using this group's invite link|joined using a group link|joined from the community"
    r"|a rejoint (?:ce|le) groupe via le lien d[’']invitation|a rejoint (?:ce|le) groupe|joined)\.?$", re.IGNORECASE)
_LEFT = re.compile(r"^(?P<whom>.+?) (left|est partie?|a quitté (?:le|ce) groupe|a quitté)\.?$", re.IGNORECASE)
_REMOVED = re.compile(r"^(?P<who>.+?) (removed|a retiré|avez retiré) (?P<whom>.+?)\.?$", re.IGNORECASE)
_OTHER_SYSTEM = re.compile(
    r"( changed (the subject|this group's|the group|their phone number|the settings|to )| a modifié | a changé "
    r"|security code (changed|with)|code de sécurité|(is|are) now an? admin|êtes maintenant admin|est maintenant admin"
    r"|pinned a message|a épinglé|disappearing messages|messages éphémères|deleted this group's icon"
    r"|started a call|a lancé un appel|missed (voice|video) call|appel (vocal|vidéo) manqué|this message was deleted by admin"
    r"|waiting for this message|en attente de ce message)",
    re.IGNORECASE,
)
_YOU = {"you", "vous"}
_SPLIT_NAMES = re.compile(r",\s*|\s+(?:and|et)\s+")
_CHAT_NAME = re.compile(r"^(?:WhatsApp Chat (?:with|-)|Discussion WhatsApp (?:avec|-)|Chat de WhatsApp con)\s*(?P<name>.+?)(?:\.txt|\.zip)?$", re.IGNORECASE)


@dataclass
class _Entry:
    line: int
    date: str
    time: str
    ampm: str | None
    rest: str


def _strip(name: str) -> str:
    name = _BIDI.sub("", name).replace("\u00a0", " ").replace("\u202f", " ").strip()
    return name.lstrip("~").strip()


def person_id(name: str) -> str:
    name = _strip(name)
    if _PHONE.match(name):
        digits = re.sub(r"\D", "", name)
        return f"whatsapp:tel:{'+' if name.startswith('+') else ''}{digits}"
    return f"whatsapp:name:{name}"


def _order(entries: list[_Entry], forced: str | None) -> str:
    if forced:
        forced = forced.upper()
        if forced not in ("DMY", "MDY", "YMD"):
            raise ValueError(forced)
        return forced
    firsts, seconds, twelve = [], [], False
    for e in entries:
        parts = re.split(r"[./-]", e.date)
        if len(parts[0]) == 4:
            return "YMD"
        firsts.append(int(parts[0]))
        seconds.append(int(parts[1]))
        twelve = twelve or bool(e.ampm)
    if any(v > 12 for v in firsts):
        return "DMY"
    if any(v > 12 for v in seconds):
        return "MDY"
    return "MDY" if twelve else "DMY"


def _when(entry: _Entry, order: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The entry's time in UTC, and as written (local)."""
    a, b, c = (int(p) for p in re.split(r"[./-]", entry.date))
    if order == "YMD":
        year, month, day = a, b, c
    elif order == "DMY":
        day, month, year = a, b, c
    else:
        month, day, year = a, b, c
    if year < 100:
        year += 2000
    pieces = [int(p) for p in re.split(r"[:.]", entry.time)]
    hour, minute = pieces[0], pieces[1]
    second = pieces[2] if len(pieces) > 2 else 0
    if entry.ampm:
        pm = entry.ampm.replace(".", "").replace(" ", "").lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    local = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None), local.replace(tzinfo=None)


class _Chat:
    def __init__(self, rows: Rows, departures: list[tuple[str, str, datetime]], where: str, text: str,
                 chat_name: str | None, zone: ZoneInfo, date_order: str | None, me: str | None) -> None:
        self.rows, self.departures, self.where, self.zone, self.me = rows, departures, where, zone, me
        self.chat_name = chat_name
        self.entries = self.parse(text)
        try:
            self.order = _order(self.entries, date_order)
        except ValueError:
            raise ReaderError(f"unknown date order '{date_order}'", file=where, expected="DMY, MDY or YMD") from None
        self.memberships: list[tuple[str, str, datetime]] = []

    def parse(self, text: str) -> list[_Entry]:
        entries: list[_Entry] = []
        for number, raw in enumerate(text.split("\n"), start=1):
            line = raw.rstrip("\r")
            match = _IOS.match(line) or _ANDROID.match(line)
            if match:
                entries.append(_Entry(number, match["date"], match["time"], match["ampm"], match["rest"]))
            elif entries:
                entries[-1].rest += "\n" + line
            elif line.strip():
                raise ReaderError(
                    "this text is not a WhatsApp chat export: the line does not start with a date and time",
                    file=self.where, row=number,
                    expected="lines such as '12/03/2024, 14:05 - Name: text' or '[12/03/2024 14:05:33] Name: text'",
                )
        if not entries:
            raise ReaderError("the chat export holds no message", file=self.where,
                              expected="lines such as '12/03/2024, 14:05 - Name: text'")
        return entries

    def system(self, text: str, when: datetime) -> None:
        """Membership changes announced by a system line; every other system line is dropped."""
        text = _BIDI.sub("", text).strip()
        joined: list[str] = []
        left: list[str] = []
        if (match := _CREATED.match(text)):
            joined.append(match["who"])
            if match["group"] and not self.chat_name:
                self.chat_name = match["group"].strip()
        elif (match := _ADDED.match(text)):
            joined.extend(_SPLIT_NAMES.split(match["whom"]))
        elif (match := _JOINED.match(text)):
            joined.append(match["whom"])
        elif (match := _REMOVED.match(text)):
            left.extend(_SPLIT_NAMES.split(match["whom"]))
        elif (match := _LEFT.match(text)):
            left.append(match["whom"])
        for names, column in ((joined, "followed_at"), (left, "unfollowed_at")):
            for name in names:
                name = _strip(name)
                if name.lower() in _YOU or name.lower().startswith(("vous ", "you ")):
                    if not self.me:
                        continue  # the exporter, whose name the file does not give
                    name = self.me
                if name:
                    self.memberships.append((person_id(name), column, when))
                    self.rows.accounts.add(person_id(name), PLATFORM, display_name=name)

    def read(self, default_name: str) -> None:
        messages: list[tuple[datetime, datetime, str, str]] = []
        system_lines: list[tuple[str, datetime]] = []
        for entry in self.entries:
            try:
                when, local = _when(entry, self.order, self.zone)
            except ValueError:
                raise ReaderError(f"the date {entry.date} {entry.time} does not exist", file=self.where, row=entry.line,
                                  expected=f"dates in {self.order} order (pass date_order= to choose)") from None
            sender, sep, body = entry.rest.partition(": ")
            plain_body = _BIDI.sub("", body).strip()
            if _ENCRYPTION.search(entry.rest):
                if sep and not self.chat_name and _strip(sender):
                    self.chat_name = _strip(sender)  # iOS writes the notice under the group's name
                continue
            if not sep or _OTHER_SYSTEM.search(sender):
                system_lines.append((entry.rest, when))  # Android: "Marie added Paul"
                continue
            if body.startswith(("\u200e", "\u200f")) and not _MEDIA.match(plain_body) and not _DELETED.match(plain_body):
                system_lines.append((body, when))  # iOS: "Club: \u200eMarie added Paul"
                continue
            messages.append((when, local, _strip(sender), body))
        group_events = any(rx.match(_BIDI.sub("", t).strip()) for t, _ in system_lines for rx in (_ADDED, _JOINED, _CREATED))
        for text, when in system_lines:
            self.system(text, when)
        self.rows.skip("system", words("system lines (encryption notice, subject or icon changes, calls…)",
                                       "lignes système (chiffrement, changements de sujet ou d'icône, appels…)"),
                       len(system_lines) - len(self.memberships))
        name = self.chat_name or default_name
        senders = list(dict.fromkeys(s for _, _, s, _ in messages))
        is_dm = len(senders) <= 2 and not group_events
        if self.rows.note is not None:
            self.rows.note.taken_for = (words("WhatsApp private chat", "discussion privée WhatsApp") if is_dm
                                        else words("WhatsApp group chat", "discussion de groupe WhatsApp"))
        group_id = f"whatsapp:group:{name}"
        post_id = f"whatsapp:chat:{name}"
        if not is_dm:
            self.rows.accounts.add(group_id, PLATFORM, display_name=name, is_brand=True)
            if messages:
                self.rows.posts.append({"post_id": post_id, "author_id": group_id, "created_at": min(m[0] for m in messages),
                                        "platform": PLATFORM, "format": "other", "caption": name, "is_space": True})
        me = _strip(self.me).lower() if self.me else None
        people = {s: self.rows.accounts.add(person_id(s), PLATFORM, display_name=s,
                                            is_brand=True if me and s.lower() == me else None) for s in senders}
        seen: dict[str, int] = {}
        for when, local, sender, body in messages:
            text = _BIDI.sub("", body).strip()
            edited = bool(_EDITED.search(text))
            if edited:
                text = _EDITED.sub("", text)
            deleted = bool(_DELETED.match(text))
            first_line, _, more = text.partition("\n")
            has_media = bool(_MEDIA.match(first_line.strip()))
            if has_media:
                text = more.strip()  # a caption may follow the placeholder
            if deleted:
                text = ""
            key = stable_id(sender, local.isoformat(), body)  # as written: independent of `timezone`
            seen[key] = seen.get(key, 0) + 1
            other = [p for s, p in people.items() if s != sender]
            self.rows.interactions.append({
                "interaction_id": "whatsapp:msg:" + stable_id(key, seen[key]),
                "kind": "dm" if is_dm else "comment", "actor_id": people[sender], "created_at": when,
                "post_id": None if is_dm else post_id,
                "target_id": other[0] if is_dm and len(other) == 1 else None, "text": text or None,
                "platform": PLATFORM, "chat": name, "has_media": has_media or None,
                "is_deleted": deleted or None, "is_edited": edited or None,
            })
        if not is_dm:
            for member, column, when in self.memberships:
                if column == "followed_at":
                    self.rows.follows.append({"follower_id": member, "followee_id": group_id, "followed_at": when})
                else:
                    self.departures.append((member, group_id, when))


def _chat_name(name: str) -> str | None:
    stem = PurePosixPath(name).name
    match = _CHAT_NAME.match(stem)
    return match["name"].strip() if match else None


def read(path: Path, *, timezone: str = "UTC", date_order: str | None = None, me: str | None = None,
         group: str | None = None, **_: Any) -> Dataset:
    """Read WhatsApp chat exports: a .txt, a zip (with or without media), or a folder of them.

    `timezone`: the IANA zone of the exporting phone (the file has local times). `date_order`:
    "DMY" or "MDY" when the file cannot tell. `me`: the exporter's name, for system lines written
    as "You"/"Vous". `group`: the chat's name when the file name does not carry it.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReaderError(f"unknown time zone '{timezone}'", file=str(path), expected="an IANA time zone such as Europe/Paris") from None
    rows = Rows()
    departures: list[tuple[str, str, datetime]] = []
    with Source(path) as source:
        names = source.with_suffix(".txt")
        if not names:
            raise ReaderError("no chat text file found", file=str(path),
                              expected="the .txt of a WhatsApp 'Export chat' (WhatsApp Chat with ….txt or _chat.txt)")
        for name in names:
            where = source.display(name)
            text = source.read_text(name, ("utf-8-sig", "utf-16"))
            chat_name = group or _chat_name(name) or _chat_name(source.path.name)
            rows.begin(where, words("WhatsApp chat", "discussion WhatsApp"))
            chat = _Chat(rows, departures, where, text, chat_name, zone, date_order, me)
            default = PurePosixPath(name).stem if PurePosixPath(name).stem != "_chat" else source.path.stem
            chat.read(_chat_name(default) or default)
    follows = rows.follows
    for member, group_id, when in departures:
        matching = [f for f in follows if f["follower_id"] == member and f["followee_id"] == group_id
                    and f["followed_at"] <= when and f.get("unfollowed_at") is None]
        if matching:
            matching[-1]["unfollowed_at"] = when
        else:
            rows.skip("departure", words("departures of people whose arrival the chat does not show",
                                         "départs de personnes dont la discussion ne montre pas l'arrivée"))
    if not me:
        rows.warn(words(
            "the chat does not say which participant is the brand: its messages are counted as members'; "
            "pass --me NAME (your name as the chat shows it)",
            "la discussion ne dit pas quel participant est la marque : ses messages comptent comme ceux des membres ; "
            "passez --me NOM (votre nom tel que la discussion l'affiche)"))
    return rows.dataset(PLATFORM)
