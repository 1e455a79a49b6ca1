"""Platform exports and API payloads: decide which one a path holds, and read it into dataset v1.

Each format has a module of its own (bytes in, canonical rows out); what they share sits beside
them (`archive`: the files of an export; `values`: times, ids, numbers; `tables`: rows into
dataset v1 tables). This module is the registry the loader calls, and the one place that decides
which reader, if any, a path needs:

    Dataset = dict[str, pyarrow.Table]      # canonical table name -> table of dataset v1 columns
    FORMATS: dict[str, Format]             # name -> module, what it is, the files it reads, its options
    READERS: dict[str, Callable[..., Dataset]]
    resolve_format(path, fmt="auto", mapping=None) -> str | None   # None: a dataset v1 folder or DuckDB file
    detect_format(path) -> str | None
    read_platform(path, fmt="auto", mapping=None, **options) -> Dataset
    read_platform_logged(path, fmt, mapping, options) -> (Dataset, ReadLog)   # with a note per file

Each format declares its options (`Option`: name, kind, default, help in English and French);
every format also takes the `COMMON_OPTIONS` (the caps of `archive.Limits`). An option a format
does not declare is an error naming the options it has. A read that yields nothing (no post,
interaction, follow, audience or metric row) is refused, saying what the file was taken for and
why nothing came out of it.

Conventions every reader follows:

* ids are strings prefixed by platform (``ig:lea.martin``, ``yt:UC…``, ``discord:1234``), and the
  same person gets the same id from every reader of a platform; ids of interactions that the
  platform does not number are a hash of their content, so that re-reading a newer export of the
  same account yields the same ids (the loader dedupes on them);
* times are naive ``timestamp[us]`` values in UTC (never local time, never a time zone the store
  would have to convert); dates are ``date32``;
* ``accounts``, ``posts`` and ``interactions`` are always present (possibly empty, with their
  required columns); every account an interaction, post, follow or audience row names is listed in
  ``accounts``;
* aggregate numbers that name nobody (saved, shares, reach…) stay aggregates, in extra ``posts``
  columns; no interaction is invented from a count;
* anything that cannot be read raises :class:`~liens.errors.ReaderError` naming the file (and the
  record, row or key) and what was expected.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ReaderError
from ..schema import DATASET_SUFFIXES, MANDATORY_TABLES, STORE_SUFFIXES, TABLES
from .archive import Limits, Source, is_zip, sniff_encoding, use_limits
from .tables import CONTENT_TABLES, Dataset, ReadLog, Words, close_log, open_log, words

#: --format values the dataset loader reads itself (a dataset v1 folder or DuckDB file)
DATASET_FORMATS = ("dataset", "csv", "jsonl", "parquet")

TEXT, INTEGER, NUMBER, ZONE, CHOICE = "text", "integer", "number", "zone", "choice"


@dataclass(frozen=True)
class Option:
    """One reader option: its name (a Python keyword, `--name-with-dashes` on the command line)."""

    name: str
    kind: str
    help: Words
    default: Any = None
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def convert(self, value: Any, where: str) -> Any:
        """The value as the reader wants it; a clear error when it is not one."""
        if value is None:
            return None
        if self.kind == INTEGER:
            try:
                return int(str(value).replace("_", "").replace(" ", ""))
            except ValueError:
                raise ReaderError(f"{self.flag} must be a whole number, not {str(value)[:40]!r}", file=where) from None
        if self.kind == NUMBER:
            try:
                number = float(str(value))
            except ValueError:
                raise ReaderError(f"{self.flag} must be a number, not {str(value)[:40]!r}", file=where) from None
            if number <= 0:
                raise ReaderError(f"{self.flag} must be above 0", file=where)
            return number
        text = str(value).strip()
        if self.kind == ZONE:
            try:
                ZoneInfo(text)
            except (ZoneInfoNotFoundError, ValueError):
                raise ReaderError(f"unknown time zone '{text[:60]}'", file=where,
                                  expected="an IANA time zone such as Europe/Paris or America/New_York") from None
        if self.kind == CHOICE and text.upper() not in self.choices:
            raise ReaderError(f"{self.flag} must be one of {', '.join(self.choices)}, not {text[:40]!r}", file=where)
        return text.upper() if self.kind == CHOICE else text


@dataclass(frozen=True)
class Format:
    """A platform format: the module that reads it, what it is, the files it reads, its options."""

    module: str
    what: Words
    files: Words
    options: tuple[Option, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return self.what["en"]


def _owner(en: str, fr: str) -> Option:
    return Option("owner", TEXT, words(en, fr))


_ME = Option("me", TEXT, words(
    "your name (or the brand admin's) as the chat shows it: the brand's side of the conversation",
    "votre nom (ou celui de l'admin de la marque) tel que la discussion l'affiche : le côté de la marque"))
_TIMEZONE = Option("timezone", ZONE, words(
    "time zone of the phone or computer that exported (the file has local times), e.g. Europe/Paris",
    "fuseau horaire de l'appareil qui a exporté (le fichier a des heures locales), p. ex. Europe/Paris"), "UTC")

_MEASURED_AT = Option("measured_at", TEXT, words(
    "when the counts were read (ISO 8601), for responses that do not say; default: when each file was saved",
    "quand les chiffres ont été relevés (ISO 8601), pour les réponses qui ne le disent pas ; défaut : "
    "l'enregistrement de chaque fichier"))

COMMON_OPTIONS: tuple[Option, ...] = (
    Option("max_file_mb", NUMBER, words("largest file or archive member read, in MB",
                                        "plus gros fichier ou membre d'archive lu, en Mo"), Limits.max_file_mb),
    Option("max_cell_chars", INTEGER, words("longest cell of a sheet or CSV, in characters",
                                            "plus longue cellule d'une feuille ou d'un CSV, en caractères"),
           Limits.max_cell_chars),
    Option("max_rows", INTEGER, words("most rows read from one sheet", "nombre maximal de lignes lues d'une feuille"),
           Limits.max_rows),
)

FORMATS: dict[str, Format] = {
    "instagram-export": Format(
        "instagram_export",
        words("an Instagram 'Download your information' export (JSON, folder or zip)",
              "un export Instagram « Télécharger vos informations » (JSON, dossier ou zip)"),
        words("personal_information.json, followers_N.json, following.json, liked_posts.json, post_comments_N.json, "
              "messages/inbox/<thread>/message_N.json; the folder, the zip, or any one of these files",
              "personal_information.json, followers_N.json, following.json, liked_posts.json, post_comments_N.json, "
              "messages/inbox/<fil>/message_N.json ; le dossier, le zip ou n'importe lequel de ces fichiers"),
        (_owner("the export's account (username) when personal_information.json is not in it",
                "le compte de l'export (nom d'utilisateur) quand personal_information.json n'y est pas"),),
    ),
    "meta-graph": Format(
        "meta_graph",
        words("Meta Graph API JSON responses (Instagram or Facebook media, comments, insights)",
              "des réponses JSON de l'API Graph de Meta (médias, commentaires, statistiques Instagram ou Facebook)"),
        words("saved responses (.json): /media, /comments, /replies, /insights (media and account), /posts, "
              "?ids=a,b multi-id responses, batch responses",
              "réponses enregistrées (.json) : /media, /comments, /replies, /insights (médias et compte), /posts, "
              "réponses multi-id ?ids=a,b, réponses batch"),
        (_MEASURED_AT,),
    ),
    "youtube": Format(
        "youtube",
        words("YouTube Data API v3 JSON responses or a Google Takeout comments.csv",
              "des réponses JSON de l'API YouTube Data v3 ou le comments.csv de Google Takeout"),
        words("commentThreads, comments, videos, playlistItems, channels and search list responses (.json); "
              "Takeout comments/comments.csv and channels/channel.csv",
              "réponses commentThreads, comments, videos, playlistItems, channels et search (.json) ; "
              "comments/comments.csv et channels/channel.csv de Takeout"),
        (_owner("the brand's channel id (UC…) when the responses do not name it",
                "l'identifiant de la chaîne de la marque (UC…) quand les réponses ne le donnent pas"), _MEASURED_AT),
    ),
    "discord": Format(
        "discord",
        words("a DiscordChatExporter JSON export", "un export JSON de DiscordChatExporter"),
        words("one .json per channel (DiscordChatExporter, format JSON); a folder or zip of them",
              "un .json par salon (DiscordChatExporter, format JSON) ; un dossier ou un zip de ces fichiers"),
        (_owner("the brand's people on the server: user ids or names, comma-separated (default: the server itself)",
                "les personnes de la marque sur le serveur : ids ou noms, séparés par des virgules (défaut : le serveur)"),),
    ),
    "whatsapp": Format(
        "whatsapp",
        words("a WhatsApp chat export (.txt, or the zip with media)",
              "un export de discussion WhatsApp (.txt, ou le zip avec les médias)"),
        words("'WhatsApp Chat with <name>.txt' or _chat.txt (Android or iOS, English or French), alone or zipped",
              "« Discussion WhatsApp avec <nom>.txt » ou _chat.txt (Android ou iOS, anglais ou français), seul ou zippé"),
        (_TIMEZONE,
         Option("date_order", CHOICE, words("DMY or MDY when the file cannot tell (all days 12 or under)",
                                            "DMY ou MDY quand le fichier ne permet pas de trancher (jours ≤ 12)"),
                choices=("DMY", "MDY", "YMD")),
         _ME,
         Option("group", TEXT, words("the chat's name when the file name does not carry it",
                                     "le nom de la discussion quand le nom du fichier ne le donne pas"))),
    ),
    "telegram": Format(
        "telegram",
        words("a Telegram Desktop JSON export (result.json)", "un export JSON de Telegram Desktop (result.json)"),
        words("result.json of one chat (messages[]) or of the whole account (chats.list[])",
              "result.json d'une discussion (messages[]) ou du compte entier (chats.list[])"),
        (_ME, _TIMEZONE),
    ),
    "twitter-archive": Format(
        "twitter_archive",
        words("an X/Twitter archive (the zip or its data/*.js files)",
              "une archive X/Twitter (le zip ou ses fichiers data/*.js)"),
        words("data/account.js, tweets.js (or tweet.js), like.js, follower.js, following.js, direct-messages.js",
              "data/account.js, tweets.js (ou tweet.js), like.js, follower.js, following.js, direct-messages.js"),
        (_owner("the archive's account (handle) when account.js is not in it",
                "le compte de l'archive (pseudo) quand account.js n'y est pas"),),
    ),
    "linkedin": Format(
        "linkedin",
        words("LinkedIn page analytics exports (XLS, XLSX or CSV)",
              "des exports de statistiques de page LinkedIn (XLS, XLSX ou CSV)"),
        words("<page>_content_<n>.xls (All posts), <page>_followers_<n>.xls (New followers), visitors; or CSV",
              "<page>_content_<n>.xls (All posts), <page>_followers_<n>.xls (New followers), visiteurs ; ou CSV"),
        (Option("page", TEXT, words("the page's name when the file names do not carry it",
                                    "le nom de la page quand les noms de fichiers ne le donnent pas")),
         Option("followers_total", INTEGER, words("today's follower count, to turn daily new followers into totals",
                                                  "le nombre d'abonnés aujourd'hui, pour passer des nouveaux abonnés par jour aux totaux"))),
    ),
    "reddit": Format(
        "reddit",
        words("a Reddit data request export (posts.csv, comments.csv)",
              "un export de données Reddit (posts.csv, comments.csv)"),
        words("posts.csv, comments.csv, messages.csv, statistics.csv; the folder, the zip or one CSV",
              "posts.csv, comments.csv, messages.csv, statistics.csv ; le dossier, le zip ou un CSV"),
        (_owner("the account's username when statistics.csv does not give it",
                "le nom d'utilisateur du compte quand statistics.csv ne le donne pas"),),
    ),
    "csv-map": Format(
        "csv_map",
        words("any CSV files described by a mapping TOML (--map)",
              "n'importe quels CSV décrits par un fichier de correspondance TOML (--map)"),
        words("the CSV files the mapping names", "les CSV que nomme la correspondance"),
    ),
}


def _lazy(module: str, text: str) -> Callable[..., Dataset]:
    def read(path: Path, **options: Any) -> Dataset:
        return importlib.import_module(f"liens.readers.{module}").read(Path(path), **options)

    read.__name__ = f"read_{module}"
    read.__doc__ = f"Read {text} into dataset v1 tables."
    return read


FORMATS_BY_MODULE = {spec.module: spec.text for spec in FORMATS.values()}
#: format name -> reader. Imported lazily: a reader module pulls in its own dependencies.
READERS: dict[str, Callable[..., Dataset]] = {name: _lazy(spec.module, spec.text) for name, spec in FORMATS.items()}


def options_of(fmt: str) -> tuple[Option, ...]:
    """Every option `fmt` takes: its own, then the common caps."""
    return FORMATS[fmt].options + COMMON_OPTIONS


def all_options() -> dict[str, tuple[Option, list[str]]]:
    """Every option name -> (its declaration, the formats that take it), common caps last."""
    found: dict[str, tuple[Option, list[str]]] = {}
    for name, spec in FORMATS.items():
        for option in spec.options:
            found.setdefault(option.name, (option, []))[1].append(name)
    for option in COMMON_OPTIONS:
        found[option.name] = (option, list(FORMATS))
    return found


def check_options(fmt: str, options: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The options given (None values dropped) converted, or an error naming the ones `fmt` takes."""
    declared = {o.name: o for o in options_of(fmt)}
    checked: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        key = name.replace("-", "_").lstrip("_")
        option = declared.get(key)
        if option is None:
            own = ", ".join(o.flag for o in FORMATS[fmt].options) or "none of its own"
            raise ReaderError(
                f"the option --{key.replace('_', '-')} does not apply to the {fmt} format", file=where,
                expected=f"the options of {fmt}: {own} (and {', '.join(o.flag for o in COMMON_OPTIONS)})",
            )
        checked[key] = option.convert(value, where)
    return checked


def _one_of_the_formats() -> str:
    return "one of: " + "; ".join(spec.text for spec in FORMATS.values())


def resolve_format(path: str | os.PathLike[str], fmt: str = "auto",
                   mapping: str | os.PathLike[str] | None = None) -> str | None:
    """The reader `path` needs: a key of READERS, or None for a dataset v1 folder or DuckDB file.

    `fmt` is "auto" (with a `mapping`, csv-map; without, sniff the path with `detect_format`), one
    of DATASET_FORMATS (the dataset loader; a mapping is then ignored), or a key of READERS. An
    unknown format, csv-map without a mapping or a mapping with another format raise ReaderError.
    """
    if fmt in DATASET_FORMATS:
        return None
    if fmt == "auto":
        return "csv-map" if mapping is not None else detect_format(Path(path))
    if fmt not in READERS:
        raise ReaderError(f"unknown format '{fmt}'", file=str(path), expected="auto or one of " + ", ".join(READERS))
    if fmt == "csv-map" and mapping is None:
        raise ReaderError("the csv-map format needs a mapping file (--map mapping.toml)", file=str(path),
                          expected="a TOML file naming which CSV column is which")
    if fmt != "csv-map" and mapping is not None:
        raise ReaderError(f"a mapping file is only used with --format csv-map, not {fmt}", file=str(mapping))
    return fmt


def read_platform(path: str | os.PathLike[str], fmt: str = "auto", mapping: str | os.PathLike[str] | None = None,
                  **options: Any) -> Dataset:
    """Read a platform export at `path` into dataset v1 tables.

    `fmt` is a key of READERS or "auto" (as `resolve_format` decides; a path that is no platform
    export is an error here). `options` go to the reader (e.g. ``timezone="Europe/Paris"`` for
    WhatsApp, ``page=`` for LinkedIn, ``owner=`` for exports that do not say whose they are); an
    option the format does not declare is an error.
    """
    return read_platform_logged(path, fmt, mapping, options)[0]


def read_platform_logged(path: str | os.PathLike[str], fmt: str = "auto",
                         mapping: str | os.PathLike[str] | None = None,
                         options: Mapping[str, Any] | None = None) -> tuple[Dataset, ReadLog]:
    """`read_platform`, with the notes of the read: per file, what it was taken for, rows, skips."""
    path = Path(path)
    if not path.exists():
        raise ReaderError("no such file or folder", file=str(path), expected="a platform export")
    if fmt in DATASET_FORMATS:
        raise ReaderError(f"unknown format '{fmt}'", file=str(path), expected="auto or one of " + ", ".join(READERS))
    resolved = resolve_format(path, fmt, mapping)
    if resolved is None:
        raise ReaderError("this is not a platform export Liens recognises", file=str(path),
                          expected=_one_of_the_formats())
    given = check_options(resolved, options or {}, str(path))
    caps = {name: given.pop(name) for name in [o.name for o in COMMON_OPTIONS] if name in given}
    if resolved == "csv-map":
        assert mapping is not None
        given["mapping"] = Path(mapping)
    log, token = open_log()
    try:
        with use_limits(Limits(**caps)):
            dataset = READERS[resolved](path, **given)
    finally:
        close_log(token)
    if not log.files:
        log.files.append(_whole_note(str(path), FORMATS[resolved].what, dataset))
    refuse_if_empty(path, resolved, dataset, log)
    return dataset, log


def _whole_note(file: str, taken_for: Words, dataset: Dataset) -> Any:
    from .tables import FileNote

    return FileNote(file, taken_for, {name: table.num_rows for name, table in dataset.items()})


def refuse_if_empty(path: Path, fmt: str, dataset: Dataset, log: ReadLog) -> None:
    """A read that gave no post, interaction, follow, audience or metric row is an error saying why."""
    if any(dataset[t].num_rows for t in CONTENT_TABLES if t in dataset):
        return
    what = "; ".join(f"{n.file} was read as {n.taken_for['en']}" for n in log.files[:5]) or \
        f"{path} was read as {FORMATS[fmt].text}"
    reasons: dict[str, int] = {}
    for note in log.files:
        for reason, count in note.skipped.values():
            reasons[reason["en"]] = reasons.get(reason["en"], 0) + count
    if reasons:
        why = "every record was left out: " + ", ".join(f"{n} {r}" for r, n in reasons.items())
    elif "accounts" in dataset and dataset["accounts"].num_rows:
        why = "it describes accounts only (a profile), with no post, comment, message, follow or figure"
    else:
        why = "it holds no record"
    raise ReaderError(f"nothing to load: {what}, and {why}", file=str(path),
                      expected=f"{FORMATS[fmt].text}: {FORMATS[fmt].files['en']}")


_IG_MARKERS = re.compile(
    r"(^|/)(followers_\d+|following|liked_posts|post_comments(_\d+)?|reels_comments|personal_information)\.(json|html)$"
    r"|(^|/)messages/inbox/[^/]+/message_\d+\.(json|html)$",
    re.IGNORECASE,
)
_WHATSAPP_LINE = re.compile(
    r"^\u200e?(\[\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+\d{1,2}[:.]\d{2}"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+(à\s+)?\d{1,2}[:.]\d{2}[^-\n]{0,12}\s[-–]\s)",
    re.MULTILINE,
)


def _sniff_json(text: str) -> str | None:
    if re.search(r'"kind"\s*:\s*"youtube#', text):
        return "youtube"
    if re.search(r'"guild"\s*:', text) and re.search(r'"channel"\s*:', text):
        return "discord"
    if re.search(r'"(relationships_following|relationships_followers|likes_media_likes|comments_media_comments|string_list_data|string_map_data|label_values)"', text):
        return "instagram-export"
    if re.search(r'"(sender_name|timestamp_ms)"\s*:', text) and re.search(r'"messages"\s*:', text):
        return "instagram-export"  # a Meta message_N.json (Instagram or Messenger layout)
    if re.search(r'"date_unixtime"\s*:', text) or (re.search(r'"chats"\s*:\s*\{', text) and re.search(r'"list"\s*:', text)) \
            or (re.search(r'"personal_information"\s*:\s*\{', text) and re.search(r'"(user_id|phone_number)"', text)):
        return "telegram"
    if re.search(r'"id_str"\s*:', text) and re.search(r'"(full_text|screen_name|in_reply_to_status_id_str)"', text):
        return "twitter-archive"
    if re.search(r'"(media_type|media_product_type|permalink|created_time|like_count|comments_count|paging|insights|total_value|followers_count|fan_count|ig_id|biography)"', text):
        return "meta-graph"
    if re.search(r'"data"\s*:\s*\[', text) and re.search(r'"(id|name)"\s*:', text):
        return "meta-graph"
    if re.fullmatch(r'\s*\{\s*"\d+"\s*:\s*\{.*', text, re.DOTALL) and re.search(r'"id"\s*:\s*"\d+"', text):
        return "meta-graph"  # a multi-id response (?ids=a,b): {"<id>": {...}, "<id>": {...}}
    return None


def _sniff_csv(text: str) -> str | None:
    first = text.splitlines()[0].strip().lower() if text.strip() else ""
    cols = [c.strip().strip('"') for c in first.split(",")]
    if "comment id" in cols and "video id" in cols:
        return "youtube"
    if {"id", "permalink", "date"} <= set(cols) and ({"subreddit", "body"} & set(cols) or "title" in cols):
        return "reddit"
    low = text[:4000].lower()
    if ("organic followers" in low and "sponsored followers" in low) or "post link" in low or "impressions (organic)" in low:
        return "linkedin"
    return None


def _detect_in(source: Source) -> str | None:
    names = source.names
    lowered = [n.lower() for n in names]
    if any(_IG_MARKERS.search(n) for n in names):
        return "instagram-export"
    if any("youtube" in n and n.endswith(".csv") for n in lowered) or any(n.startswith("takeout/") for n in lowered):
        return "youtube"
    scores: dict[str, int] = {}
    for name in names:
        low = name.lower()
        fmt: str | None = None
        if low.endswith(".json"):
            fmt = _sniff_json(source.head_text(name, 16384))
        elif low.endswith(".js"):
            fmt = "twitter-archive" if source.head_text(name, 64).lstrip().startswith("window.YTD.") else None
        elif low.endswith(".txt"):
            head = source.head_text(name, 8192)
            fmt = "whatsapp" if len(_WHATSAPP_LINE.findall(head)) >= 1 else None
        elif low.endswith(".csv"):
            fmt = _sniff_csv(source.head_text(name, 8192))
        elif low.endswith((".xls", ".xlsx")):
            fmt = "linkedin"
        if fmt:
            scores[fmt] = scores.get(fmt, 0) + 1
    if not scores:
        return None
    return max(scores, key=lambda f: scores[f])


def _looks_like_dataset(source: Source, names: list[str]) -> bool:
    """A dataset v1 table file among `names`: named after a mandatory table, with a dataset suffix,
    and (for text files) a header naming that table's required columns. A Reddit export's posts.csv
    (id, permalink, date…) is not one."""
    for name in names:
        base = PurePosixPath(name).name.lower()
        suffix = next((s for s in DATASET_SUFFIXES if base.endswith(s)), None)
        if suffix is None or base[: -len(suffix)] not in MANDATORY_TABLES:
            continue
        if suffix in (".parquet", ".jsonl.gz", ".csv.gz"):
            return True
        head = source.head(name, 4096).decode("utf-8-sig", errors="ignore")
        required = TABLES[base[: -len(suffix)]].required
        if any(col in head for col in required):
            return True
    return False


# Single files that are datasets, never exports: DuckDB files and the one-table dataset formats.
_NOT_EXPORTS = STORE_SUFFIXES + (".parquet", ".jsonl", ".ndjson")


def detect_format(path: str | os.PathLike[str]) -> str | None:
    """Which platform export `path` holds (a key of READERS), or None when it is not one.

    None means the path may be a dataset v1 folder (or DuckDB file) for the dataset loader. A zip
    archive, a JSON file or a text file that is not a recognisable export raises ReaderError: no
    dataset reader could make sense of it either, and the user deserves to be told what was expected.
    """
    path = Path(path)
    if not path.exists():
        raise ReaderError("no such file or folder", file=str(path), expected="a platform export or a dataset folder")
    suffix = path.suffix.lower()
    if path.is_file() and suffix in _NOT_EXPORTS:
        return None
    if path.is_dir():
        with Source(path) as source:
            if _looks_like_dataset(source, [n for n in source.names if "/" not in n]):
                return None
            return _detect_in(source)
    if is_zip(path):
        with Source(path) as source:
            found = _detect_in(source)
            if found:
                return found
            if _looks_like_dataset(source, source.names):
                raise ReaderError(
                    "this zip holds a dataset folder; unzip it and load the folder", file=str(path),
                    expected="a platform export archive, or a dataset folder",
                )
            raise ReaderError(
                "this zip archive is not a platform export Liens recognises", file=str(path),
                expected=_one_of_the_formats(),
            )
    with Source(path) as source:
        found = _detect_in(source)
    if found:
        return found
    if suffix in (".json", ".txt", ".xls", ".xlsx", ".js"):
        raise ReaderError(
            f"this file is not a platform export Liens recognises ({_what_it_is(path)})", file=str(path),
            expected=_one_of_the_formats(),
        )
    return None


def _what_it_is(path: Path) -> str:
    """A word on what an unrecognised file holds, for the message that refuses it."""
    with Source(path) as source:
        head = source.head(path.name, 4096)
        text = source.head_text(path.name, 4096).strip()
    encoding = sniff_encoding(head)
    if not text:
        return "it is empty"
    if text[:1] in "[{":
        keys = re.findall(r'"([A-Za-z_][\w]*)"\s*:', text)
        named = ", ".join(dict.fromkeys(keys[:8]))
        return f"JSON{' in ' + encoding.upper() if encoding else ''} with the keys {named}" if named else "JSON with no named keys"
    return f"text{' in ' + encoding.upper() if encoding else ''} starting {text[:40]!r}"
