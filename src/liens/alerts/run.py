"""The unattended run: `liens run`, for cron or a systemd timer.

One run: take the lock (a second run at the same time stops at once), pick up the new entries of
the inbox folder (each a dataset folder, a DuckDB file or a platform export), load each all or
nothing (a bad one is moved to `failed/` beside its message, the others go on; a good one to
`processed/`), analyse when something new was loaded since the last analysis, evaluate the alert
rules, keep their state, deliver what is due (and the digest when its period has passed), and add
one JSON line to the run log. With nothing new and nothing waiting to be delivered it opens the
store, sees that, and stops.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from ..config import Config
from ..errors import LiensError
from ..store import load_path
from ..store.models import save_member_snapshot
from ..store.store import Store
from . import state
from .delivery import Channel, Message, Outcome, build_channels, send_with_retries
from .digest import Digest, build_digest
from .inputs import brand_language, reference_time
from .rules import business_hours, evaluate, gather_for, parse_rules

SKIPPED_DIRS = ("processed", "failed")
PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".lock")
LAST_LOAD_KEY = "alerts_last_load_id"
DIGEST_UNTIL_KEY = "digest_until"
DIGEST_PENDING_KEY = "digest_pending"
DIGEST_SINCE_KEY = "digest_since"


class Renderer(Protocol):
    """Words alerts and digests (the presentation layer provides it)."""

    def alerts(self, alerts: list[dict[str, Any]], lang: str, brand: str = "") -> Message: ...

    def digest(self, digest: Digest, alerts: list[dict[str, Any]], lang: str) -> Message: ...


@dataclass
class RunReport:
    status: str = "done"                     # done, nothing_new, locked, no_data
    started_at: str = ""
    seconds: float = 0.0
    loaded: list[str] = field(default_factory=list)
    set_aside: list[dict[str, str]] = field(default_factory=list)
    analysed: bool = False
    raised: int = 0
    resolved: int = 0
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    digest_sent: bool = False
    log: str = ""


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


def log_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.stem + ".run.log")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire_lock(path: Path) -> bool:
    """Create the lock file; False when a live process holds it (a stale one is taken over)."""
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(path.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pid = -1
            if pid > 0 and _pid_alive(pid):
                return False
            path.unlink(missing_ok=True)  # left by a run that died
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{os.getpid()} {datetime.now(UTC).isoformat()}\n")
        return True
    return False


def new_entries(inbox: Path, settle_seconds: float) -> list[Path]:
    """Entries of the inbox not yet handled, oldest first; ones still being written (changed in the
    last `settle_seconds`) wait for the next run."""
    if not inbox.is_dir():
        return []
    now = time.time()
    found = []
    for entry in inbox.iterdir():
        if entry.name in SKIPPED_DIRS or entry.name.startswith((".", "_")) or entry.name.endswith(PARTIAL_SUFFIXES):
            continue
        mtimes = [entry.stat().st_mtime] + ([p.stat().st_mtime for p in entry.rglob("*")] if entry.is_dir() else [])
        if now - max(mtimes) < settle_seconds:
            continue
        found.append((min(mtimes), entry.name, entry))
    return [e for _, _, e in sorted(found)]


def _move(entry: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / entry.name
    if target.exists():
        target = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{entry.name}"
    shutil.move(str(entry), target)
    return target


def _last_load_id(store: Store) -> int:
    row = store.con.execute("SELECT max(load_id) FROM _liens_loads").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def run(store_path: str | Path, config: Config, renderer: Renderer, *, inbox: str | Path | None = None,
        write: Callable[[str], None] = print, sleep: Callable[[float], None] = time.sleep,
        settle_seconds: float = 10.0, channels: dict[str, Channel] | None = None,
        environ: dict[str, str] | None = None, log: str | Path | None = None) -> RunReport:
    """One unattended run (see the module's docstring). `channels` replaces the configured ones (tests)."""
    started = time.perf_counter()
    store_path = Path(store_path)
    report = RunReport(started_at=datetime.now(UTC).isoformat(timespec="seconds"))
    log_file = Path(log) if log else log_path(store_path)
    report.log = str(log_file)
    lock = lock_path(store_path)
    if not acquire_lock(lock):
        report.status = "locked"
        report.seconds = time.perf_counter() - started
        return report
    try:
        rules = parse_rules(config)  # a bad rule file or channel stops the run before anything changes
        business_hours(config)
        if channels is None:
            used = {c for r in rules if r.enabled for c in r.channels} | set(config.alerting.digest_channels
                                                                              or config.alerting.channels)
            build_channels(config.alerting, used, write, environ)
        folder = Path(inbox or config.alerting.inbox) if (inbox or config.alerting.inbox) else None
        entries = new_entries(folder, settle_seconds) if folder else []
        with Store(store_path) as store:
            for entry in entries:
                try:
                    load_path(store, entry)
                except LiensError as error:
                    assert folder is not None
                    moved = _move(entry, folder / "failed")
                    moved.with_name(moved.name + ".error.txt").write_text(f"{error}\n", encoding="utf-8")
                    report.set_aside.append({"entry": entry.name, "error": str(error)})
                else:
                    assert folder is not None
                    _move(entry, folder / "processed")
                    report.loaded.append(entry.name)
            if store.is_empty():
                report.status = "no_data"
                return report
            last_load = _last_load_id(store)
            analysed_load = int(store.meta(LAST_LOAD_KEY) or -1)
            fresh = last_load != analysed_load or not store.summary()
            kept = state.load(store)
            waiting = bool(state.pending(kept) or _digest_pending(store))
            if not fresh and not waiting and not report.set_aside:
                report.status = "nothing_new"
                return report
            if fresh:
                from ..analyses.runner import run_analyses  # only when there is something new

                run_analyses(store, config)
                store.set_meta(LAST_LOAD_KEY, str(last_load))
                report.analysed = True
                _evaluate(store, config, rules, report)
            _deliver(store, config, renderer, write, sleep, channels, environ, report, fresh)
        return report
    finally:
        report.seconds = round(time.perf_counter() - started, 3)
        lock.unlink(missing_ok=True)
        if report.status != "locked":
            _append_log(log_file, report)


def _evaluate(store: Store, config: Config, rules: list[Any], report: RunReport) -> None:
    inputs = gather_for(store, config, rules)
    if inputs.reference is None:
        return
    save_member_snapshot(store, inputs.reference.date())
    checks = evaluate(inputs, rules, business_hours(config))
    merged = state.reconcile(state.load(store), checks, inputs.reference, datetime.now(UTC).replace(tzinfo=None),
                             inputs.language)
    state.save(store, merged.rows)
    report.raised, report.resolved = len(merged.raised), len(merged.resolved)


def _deliver(store: Store, config: Config, renderer: Renderer, write: Callable[[str], None],
             sleep: Callable[[float], None], channels: dict[str, Channel] | None, environ: dict[str, str] | None,
             report: RunReport, fresh: bool) -> None:
    settings = config.alerting
    summary = store.summary()
    lang = brand_language(store, summary, settings.language)
    kept = state.load(store)
    due = state.pending(kept)
    reference = reference_time(summary)
    digest_channels = _digest_pending(store) or list(settings.digest_channels or settings.channels)
    digest_due = _digest_due(store, config, reference, fresh)
    alert_channels = {c for row in due for c in state.missing_channels(row)}
    names = alert_channels | (set(digest_channels) if digest_due else set())
    available = channels if channels is not None else build_channels(settings, names, write, environ)
    run_at = datetime.now(UTC).replace(tzinfo=None)
    updated: dict[str, dict[str, Any]] = {}
    for name in sorted(alert_channels):
        rows = [updated.get(r["alert_id"], r) for r in due if name in state.missing_channels(updated.get(r["alert_id"], r))]
        if not rows:
            continue
        message = renderer.alerts([state.event_of(r) for r in rows], lang, config.brand.name)
        outcome = _send(available, name, message, settings, sleep)
        report.deliveries.append({"channel": name, "alerts": len(rows), **asdict(outcome)})
        if not outcome.ok:
            report.failures.append(outcome.error or name)
        for row in rows:
            updated[row["alert_id"]] = state.mark_delivery(row, name, outcome.ok, outcome.attempts, outcome.error, run_at)
    if digest_due and reference is not None:
        held = state.pending(kept, mode="digest")
        # A digest owed to a channel that failed covers the same period as the one the others got.
        since_text = store.meta(DIGEST_SINCE_KEY) if _digest_pending(store) else store.meta(DIGEST_UNTIL_KEY)
        since = datetime.fromisoformat(since_text) if since_text else reference - timedelta(days=settings.digest_every_days)
        digest = build_digest(store, since=min(since, reference - timedelta(hours=1)), language=settings.language,
                              brand_name=config.brand.name, hourly_rate=config.business.hourly_rate)
        message = renderer.digest(digest, [state.event_of(r) for r in held], lang)
        failed = []
        for name in digest_channels:
            outcome = _send(available, name, message, settings, sleep)
            report.deliveries.append({"channel": name, "digest": True, **asdict(outcome)})
            if not outcome.ok:
                failed.append(name)
                report.failures.append(outcome.error or name)
        # Channels that got it are not sent it again; the others are tried at the next run.
        store.set_meta(DIGEST_PENDING_KEY, ",".join(failed))
        store.set_meta(DIGEST_SINCE_KEY, since.isoformat())
        store.set_meta(DIGEST_UNTIL_KEY, reference.isoformat())
        ok = not failed
        if ok:
            for row in held:
                updated[row["alert_id"]] = dict(row, status=state.DELIVERED, delivered_at=run_at,
                                                delivered_channels=row["channels"])
        report.digest_sent = ok
    state.save(store, list(updated.values()))


def _digest_due(store: Store, config: Config, reference: datetime | None, fresh: bool) -> bool:
    every = config.alerting.digest_every_days
    if every <= 0 or reference is None:
        return False
    if _digest_pending(store):
        return True
    last = store.meta(DIGEST_UNTIL_KEY)
    return fresh and (last is None or reference - datetime.fromisoformat(last) >= timedelta(days=every))


def _digest_pending(store: Store) -> list[str]:
    """Channels a digest is still owed to (it failed there)."""
    return [c for c in (store.meta(DIGEST_PENDING_KEY) or "").split(",") if c]


def _send(available: dict[str, Channel], name: str, message: Message, settings: Any,
          sleep: Callable[[float], None]) -> Outcome:
    channel = available.get(name)
    if channel is None:
        return Outcome(name, False, 0, f"{name}: channel not configured")
    return send_with_retries(channel, message, settings.retries, settings.backoff_seconds, sleep)


def _append_log(path: Path, report: RunReport) -> None:
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(report), ensure_ascii=False, default=str) + "\n")
    except OSError:
        pass  # a log that cannot be written must not undo the run
