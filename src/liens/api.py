"""The Python API, for notebooks and scripts, and the one façade the CLI and the dashboard use.

Every function takes a store as a path or as an open `Store`; given a path, it opens the store for
the call and closes it after. Nothing here prints or renders: the presentation layer does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, Unpack

import pandas as pd
import pyarrow as pa

from . import inbox as _inbox
from .alerts.delivery import Channel, DeliveryError, Message
from .alerts.digest import Digest
from .alerts.rules import RuleCheck
from .alerts.run import Renderer, RunReport
from .config import CommunitySettings, Config, PodSettings, describe, load_config
from .engine import EngineOptions, connect
from .errors import AnalysisError, ConfigError, ContractError, LiensError, StoreError
from .figures import HEADLINE, headline
from .generate.world import WorldOptions
from .store import DEFAULT_STORE, LoadReport, Store, is_store_file, load_path
from .store.check import CheckReport, Finding, check_store
from .store.privacy import ForgetReport
from .store.privacy import forget as _forget
from .store.privacy import pseudonymise as _pseudonymise
from .store.results_folder import write_results
from .store.store import RESULT_PREFIX, quote_identifier, read_summary
from .sync import PLATFORMS as SYNC_PLATFORMS
from .sync import TOKEN_ENV as SYNC_TOKEN_ENV
from .sync import SyncError, SyncReport, SyncSettings, resolve_token
from .sync import sync as _sync

if TYPE_CHECKING:
    from .analyses.audience.api import evaluate_model, stored_model, train_model, vet_account
    from .analyses.audience.model import TrainedModel
    from .analyses.audience.scoring import reasons_text
    from .analyses.business.attribution import MODELS as ATTRIBUTION_MODELS
    from .analyses.community import KINDS as AMBASSADOR_KINDS
    from .analyses.community import LEVELS as MEMBER_LEVELS

# Re-exported from the analyses, which load on first use: the analyses import scipy, scikit-learn,
# igraph and Ibis (about a second), and most commands (`liens run` with nothing new, `--help`)
# need none of them.
_FROM_ANALYSES = {
    "evaluate_model": ("analyses.audience.api", "evaluate_model"),
    "stored_model": ("analyses.audience.api", "stored_model"),
    "train_model": ("analyses.audience.api", "train_model"),
    "vet_account": ("analyses.audience.api", "vet_account"),
    "TrainedModel": ("analyses.audience.model", "TrainedModel"),
    "reasons_text": ("analyses.audience.scoring", "reasons_text"),
    "ATTRIBUTION_MODELS": ("analyses.business.attribution", "MODELS"),
    "AMBASSADOR_KINDS": ("analyses.community", "KINDS"),
    "MEMBER_LEVELS": ("analyses.community", "LEVELS"),
}


def __getattr__(name: str) -> Any:
    if name in _FROM_ANALYSES:
        import importlib

        module, attribute = _FROM_ANALYSES[name]
        value = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


StoreLike = Union[str, Path, Store]


def open_store(path: str | Path = DEFAULT_STORE, *, read_only: bool = False, compact: bool = False) -> Store:
    """Open (or create) a store file."""
    return Store(path, read_only=read_only, compact=compact)


@contextmanager
def _opened(store: StoreLike, *, read_only: bool = False) -> Iterator[Store]:
    """The store itself when one is given, else the file opened for the call and closed after it."""
    if isinstance(store, Store):
        yield store
        return
    with Store(store, read_only=read_only) as opened:
        yield opened


def load(dataset: str | Path, store: StoreLike = DEFAULT_STORE, *, fmt: str = "auto",
         mapping: str | Path | None = None, progress: Callable[[str], None] | None = None,
         **options: str | int | float | bool | None) -> LoadReport:
    """Load a dataset folder, DuckDB file or platform export into the store, all or nothing.

    `options` go to the export's reader: ``timezone="Europe/Paris"``, ``owner="maison.lumiere"``,
    ``me="Marie"``, ``max_file_mb=1024``… (`formats()` lists each format's); an option the format
    does not take is an error. The report says per file what it was read as and what was skipped.
    """
    with _opened(store) as opened:
        return load_path(opened, dataset, fmt=fmt, mapping=mapping, progress=progress, options=options)


def formats() -> list[dict[str, Any]]:
    """Every platform format: name, what it is and the files it reads ({"en", "fr"}), its options
    (name, flag, kind, default, choices, help {"en", "fr"}); the common caps are in each list, last."""
    from .readers.registry import FORMATS, options_of

    return [
        {"name": name, "what": spec.what, "files": spec.files,
         "options": [{"name": o.name, "flag": o.flag, "kind": o.kind, "default": o.default,
                      "choices": list(o.choices), "help": o.help} for o in options_of(name)]}
        for name, spec in FORMATS.items()
    ]


@dataclass
class Results:
    """The results of `analyze`, read from the store."""

    store: Store
    summary: dict[str, Any]

    def names(self) -> list[str]:
        return self.store.result_names()

    def table(self, name: str) -> pa.Table:
        return self.store.result(name)

    def df(self, name: str) -> pd.DataFrame:
        return self.table(name).to_pandas()


def analyze(source: StoreLike | None = None, *, store: StoreLike | None = None,
            out: str | Path | None = None, config: Config | None = None, engine: str = "duckdb",
            progress: Callable[[str], None] | None = None, **engine_options: Unpack[EngineOptions]) -> Results:
    """Analyse a store (or load a dataset into `store` first) and optionally write the results folder.

    `source` may be a Store, a store file, or a dataset; with a dataset, it is loaded into `store`
    (default: a fresh store file beside the results, or a temporary one).

    `engine="spark"` runs on Spark: a dataset of Parquet files is read by Spark itself (not loaded);
    options `session=` (e.g. a notebook's `spark`), `master=`, `conf=`, `work_dir=` (see
    `engine.open_workspace`). The results land in the store as with DuckDB.
    """
    config = config or load_config()
    dataset = None if source is None or isinstance(source, Store) or is_store_file(source) else Path(source)
    opened = _resolve_store(source, store, out, dataset is not None)
    if dataset is not None and engine == "spark":
        engine_options["dataset"] = dataset  # Spark reads the Parquet files itself
    elif dataset is not None:
        load_path(opened, dataset, progress=progress)
    from .analyses.runner import run_analyses

    summary = run_analyses(opened, config, engine=engine, progress=progress, **engine_options)
    if out is not None:
        write_results(opened, out)
    return Results(opened, summary)


def _resolve_store(source: StoreLike | None, store: StoreLike | None, out: str | Path | None,
                   is_dataset: bool) -> Store:
    if isinstance(source, Store):
        return source
    if isinstance(store, Store):
        return store
    if source is not None and not is_dataset:
        return Store(source)
    if store is not None:
        return Store(store)
    if source is None:
        return Store(DEFAULT_STORE)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="liens-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEFAULT_STORE
    if path.exists():
        path.unlink()
    return Store(path)


def results(store: StoreLike = DEFAULT_STORE) -> Results:
    """The results already in a store."""
    opened = store if isinstance(store, Store) else Store(store, read_only=True)
    return Results(opened, opened.summary())


def likely_fakes(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """The followers the audience step scored most surely fake, with the codes of its reasons."""
    if "fake_score" not in store.columns("result_accounts"):
        return []
    return list(store.con.execute(
        "SELECT account_id, handle, fake_score, audience_label, audience_reason_codes FROM result_accounts "
        "WHERE audience_label = 'fake' ORDER BY fake_score DESC, account_id LIMIT ?", [limit]).to_arrow_table().to_pylist())


def generate(out: str | Path, *, accounts: int = 5000, seed: int = 0, **options: Unpack[WorldOptions]) -> dict[str, Any]:
    """Write a planted-truth world (dataset v1 plus `truth/`) to `out`."""
    from .generate import generate_world

    try:
        return generate_world(Path(out), accounts=accounts, seed=seed, **options)
    except ValueError as error:  # a world too small to hold every planted structure
        raise ConfigError(str(error)) from None


def goals(store: StoreLike, config: Config | None = None, *, as_of: str | date | None = None) -> list[dict[str, Any]]:
    """Progress toward `config.goals`, measured again on the results of the last `analyze`."""
    config = config or load_config()
    if as_of is not None:
        config.business.goals_as_of = str(as_of)
    with _opened(store, read_only=True) as opened:
        from .analyses.business import remeasure_goals

        return list(remeasure_goals(connect(opened), config, opened.summary()).to_pylist())


def account_id(store: StoreLike, who: str) -> str:
    """The account id of `who`: an account id, a handle (`@` optional, any case), or a display name
    only one account has. Several accounts with that handle (one per platform): `platform:handle`."""
    wanted = who.strip()
    with _opened(store, read_only=True) as opened:
        table = "result_accounts" if opened.has_table("result_accounts") else "accounts"
        if not opened.has_table(table):
            raise StoreError(f"no accounts in the store: cannot find '{who}'")
        cols = opened.columns(table)
        if opened.con.execute(f"SELECT 1 FROM {table} WHERE account_id = ? LIMIT 1", [wanted]).fetchone():
            return wanted
        platform, _, name = wanted.partition(":") if ":" in wanted and "platform" in cols else ("", "", wanted)
        name = name.lstrip("@").lower()
        for column in (c for c in ("handle", "display_name") if c in cols):
            sql = f"SELECT account_id, platform FROM {table} WHERE lower({column}) = ?" + (" AND platform = ?" if platform else "")
            found = opened.con.execute(sql + " ORDER BY 1", [name, platform] if platform else [name]).fetchall()
            if len(found) == 1:
                return str(found[0][0])
            if found:
                choices = ", ".join(f"{p}:{name} ({a})" for a, p in found[:6])
                raise ConfigError(f"'{who}' names {len(found)} accounts: say which one ({choices})")
    raise ConfigError(f"no account with the id, handle or name '{who}'")


def vet_pods(store: StoreLike, account: str, config: Config | None = None) -> dict[str, Any]:
    """Whether the engagement on another account's posts (an influencer's) comes from a pod.

    `account`: an id or handle (`account_id`); its posts and the engagement they drew must be in the
    store (a dataset whose posts it authored). The brand-centred detector runs with that account as
    the centre; without its own outgoing activity in the data, reciprocity is not known and mostly
    specific commenters are left out instead (`liens.analyses.pods.vetting`). Members by handle with
    their evidence; `pods.staff_accounts` are never flagged.
    """
    from .analyses.pods.brand import staff_ids
    from .analyses.pods.vetting import MIN_GENERIC_SHARE
    from .analyses.pods.vetting import vet_account as _vet_pods

    settings = (config or load_config()).pods
    who = account_id(store, account)
    with _opened(store, read_only=True) as opened:
        for table in ("accounts", "posts", "interactions"):
            if not opened.has_table(table):
                raise StoreError(f"no {table} in the store: load the account's posts and their comments first")
        con = connect(opened)
        accounts = con.table("accounts")
        brand_ids = ([str(a) for a in accounts.filter(accounts.is_brand.fill_null(False)).account_id.to_pyarrow().to_pylist()]
                     if "is_brand" in accounts.columns else [])
        found = _vet_pods(con.table("interactions"), con.table("posts"), who, settings,
                          excluded=staff_ids(accounts, settings), brand_ids=brand_ids)
        ids = [who] + [m["account_id"] for m in found.members]
        handles = dict(opened.con.execute(
            "SELECT account_id, handle FROM accounts WHERE account_id IN (SELECT unnest(?)) AND handle IS NOT NULL",
            [ids]).fetchall())
    ev = found.pod.evidence if found.pod else None
    return {
        "account_id": who, "handle": handles.get(who), "posts": found.posts, "engagers": found.engagers,
        "reciprocity_known": found.reciprocity_known, "in_pod": found.pod is not None,
        "pod_score": round(ev.score, 4) if ev else None, "members": len(found.members),
        "median_delay_minutes": ev.median_delay_minutes if ev else None,
        "prompt_share": ev.prompt_share if ev else None,
        "posts_co_engaged": ev.posts_co_engaged if ev else None,
        "generic_comment_share": found.generic_comment_share, "example_comments": found.example_comments,
        "left_out_specific": found.left_out_specific, "min_generic_share": MIN_GENERIC_SHARE,
        "pod_members": [dict(m, handle=handles.get(m["account_id"])) for m in found.members],
    }


INBOX_DONE_TABLE = _inbox.INBOX_DONE_TABLE  # the texts marked handled (interaction_id, done_at, done_by)


def inbox(store: StoreLike, config: Config | None = None, *, intents: list[str] | None = None,
          platform: str | None = None, older_than_hours: float | None = None, include_done: bool = False) -> list[dict[str, Any]]:
    """The unanswered queue, most urgent first, without what was marked handled (see `liens.inbox`)."""
    with _opened(store, read_only=True) as opened:
        return _inbox.queue(opened, config, intents=intents, platform=platform, older_than_hours=older_than_hours,
                            include_done=include_done)


def inbox_done(store: StoreLike, interaction_ids: list[str], *, by: str = "") -> int:
    """Mark texts of the queue handled, in the store (the queue shrinks); how many were newly marked."""
    with _opened(store) as opened:
        return _inbox.done(opened, interaction_ids, by=by)


def forget(store: StoreLike, account_id: str) -> ForgetReport:
    """Delete one person (the account and its linked identities) from the store, everywhere."""
    with _opened(store) as opened:
        return _forget(opened, account_id)


def check(store: StoreLike) -> CheckReport:
    """Whether a store is whole: keys unique, every row from a recorded load, results as recent as the data."""
    with _opened(store, read_only=True) as opened:
        return check_store(opened)


def train_conversation(store: StoreLike, labels: str | Path, config: Config | None = None) -> dict[str, Any]:
    """Adapt the intent and sentiment model to the brand's labelled texts (a CSV of text or interaction_id,
    intent and/or sentiment) and keep it in the store; `analyze` uses it from then on."""
    from .analyses.conversation.brand import train

    settings = (config or load_config()).conversation
    with _opened(store) as opened:
        model, rows = train(opened, labels, purchase_margin=settings.purchase_margin, seed=settings.seed)
    return {"labels": len(rows), "intent_labels": sum(bool(r["intent"]) for r in rows),
            "sentiment_labels": sum(bool(r["sentiment"]) for r in rows), "tasks": sorted(model.adapted)}


def evaluate_conversation(store: StoreLike, config: Config | None = None, *, folds: int = 5) -> dict[str, Any]:
    """Cross-validated intent and sentiment figures of the brand's model on its labels, beside the shipped model's."""
    from .analyses.conversation.brand import evaluate

    settings = (config or load_config()).conversation
    with _opened(store, read_only=True) as opened:
        return evaluate(opened, folds=folds, purchase_margin=settings.purchase_margin, seed=settings.seed)


def pseudonymise(store: StoreLike, secret: str, *, drop_text: bool = False) -> dict[str, int]:
    """Replace account ids by keyed hashes and remove names and bios (and texts with `drop_text`)."""
    with _opened(store) as opened:
        return dict(_pseudonymise(opened, secret, drop_text=drop_text))


def sync(platform: str, store: StoreLike = DEFAULT_STORE, *, token: str | None = None, token_env: str | None = None,
         token_file: str | Path | None = None, account: str | None = None, since: str | None = None,
         full: bool = False, restart: bool = False, settings: SyncSettings | None = None,
         progress: Callable[[int, str], None] | None = None) -> SyncReport:
    """Pull the brand's account from a platform's API (instagram, facebook, youtube) into the store.

    The one call of Liens that contacts a platform. The token is `token`, else the file `token_file`,
    else the environment variable `token_env` (default LIENS_<PLATFORM>_TOKEN); it is never stored.
    Incremental unless `full`; `since` (a date) bounds what is revisited; an interrupted sync is
    resumed by the next call unless `restart`. All or nothing: on failure the store is unchanged.
    """
    secret = token or resolve_token(platform, token_env=token_env, token_file=token_file)
    with _opened(store) as opened:
        return _sync(opened, platform, secret, account=account, since=since, full=full, restart=restart,
                     settings=settings, progress=progress)


def check_alerts(store: StoreLike, config: Config | None = None) -> list[RuleCheck]:
    """Every alert rule (defaults and `[[alerts]]`), its current value on the store's results, whether
    it fires and its events: nothing is kept or sent (`liens alerts`, `liens alerts --explain`)."""
    from .alerts.rules import check

    config = config or load_config()
    with _opened(store, read_only=True) as opened:
        return check(opened, config)


def alert_language(store: StoreLike, config: Config | None = None) -> str:
    """The language alerts and digests are written in: `alerting.language`, else the brand's own (fr or en)."""
    from .alerts.inputs import brand_language

    config = config or load_config()
    with _opened(store, read_only=True) as opened:
        return brand_language(opened, opened.summary(), config.alerting.language)


def kept_alerts(store: StoreLike, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    """The alerts `liens run` raised and keeps in the store: rule, key, status, times, facts and evidence."""
    from .alerts.state import RESOLVED, event_of, load

    with _opened(store, read_only=True) as opened:
        rows = load(opened)
    return [dict(event_of(r), delivered_at=r["delivered_at"], channels=r["channels"], last_error=r["last_error"])
            for r in rows if include_resolved or r["status"] != RESOLVED]


def digest(store: StoreLike, config: Config | None = None, *, since: str | date | None = None,
           days: int | None = None) -> Digest:
    """What changed: from `since` (default: `days`, else `alerting.digest_every_days`, before the end of
    the data) to the end of the data, against the previous period of the same length."""
    from datetime import datetime

    from .alerts.digest import build_digest

    config = config or load_config()
    start = None
    if since is not None:
        try:
            start = datetime.fromisoformat(str(since))
        except ValueError:
            raise ConfigError(f"--since {since!r}: expected a date such as 2025-06-01") from None
    with _opened(store, read_only=True) as opened:
        return build_digest(opened, since=start, days=days or config.alerting.digest_every_days or 7,
                            language=config.alerting.language, brand_name=config.brand.name,
                            hourly_rate=config.business.hourly_rate)


def run(store: str | Path, renderer: Renderer, config: Config | None = None, *, inbox: str | Path | None = None,
        write: Callable[[str], None] = print, sleep: Callable[[float], None] | None = None,
        settle_seconds: float = 10.0, channels: dict[str, Channel] | None = None,
        log: str | Path | None = None) -> RunReport:
    """The unattended run (`liens run`): new inbox files loaded, analysed, alerts evaluated, kept and
    sent, the digest when due, a line in the run log. `renderer` words the messages (the CLI's)."""
    import time

    from .alerts.run import run as _run

    return _run(store, config or load_config(), renderer, inbox=inbox, write=write, sleep=sleep or time.sleep,
                settle_seconds=settle_seconds, channels=channels, log=log)


__all__ = [
    "AMBASSADOR_KINDS",
    "ATTRIBUTION_MODELS",
    "DEFAULT_STORE",
    "HEADLINE",
    "INBOX_DONE_TABLE",
    "MEMBER_LEVELS",
    "RESULT_PREFIX",
    "SYNC_PLATFORMS",
    "SYNC_TOKEN_ENV",
    "AnalysisError",
    "Channel",
    "CheckReport",
    "CommunitySettings",
    "Config",
    "ConfigError",
    "ContractError",
    "DeliveryError",
    "Digest",
    "Finding",
    "ForgetReport",
    "LiensError",
    "LoadReport",
    "Message",
    "PodSettings",
    "Renderer",
    "Results",
    "RuleCheck",
    "RunReport",
    "Store",
    "StoreError",
    "StoreLike",
    "SyncError",
    "SyncReport",
    "SyncSettings",
    "TrainedModel",
    "account_id",
    "alert_language",
    "analyze",
    "check",
    "check_alerts",
    "describe",
    "digest",
    "evaluate_conversation",
    "evaluate_model",
    "forget",
    "generate",
    "goals",
    "headline",
    "inbox",
    "inbox_done",
    "is_store_file",
    "kept_alerts",
    "likely_fakes",
    "load",
    "load_config",
    "open_store",
    "pseudonymise",
    "quote_identifier",
    "read_summary",
    "reasons_text",
    "results",
    "run",
    "stored_model",
    "sync",
    "train_conversation",
    "train_model",
    "vet_account",
    "vet_pods",
    "write_results",
]
