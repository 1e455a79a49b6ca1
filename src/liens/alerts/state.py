"""Alert state kept in the store: raised → delivered → resolved, never sent twice for one event.

An event is a rule's condition under a stable key (`rules.AlertEvent.key`). While it lasts, the
alert stays open and is not sent again; when a run no longer finds it, the alert is resolved. An
event that comes back within its rule's `cooldown_hours` of being resolved reopens the same alert
silently (a flapping condition does not page twice); later, it is a new alert. Delivery is tracked
per channel: a channel that failed is tried again at the next run, the others are not repeated.
Times of the condition are the data's (the end of the data is "now"), so runs are reproducible.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..store.models import read_alerts, save_alerts
from ..store.store import Store
from .rules import AlertEvent, Rule, RuleCheck

RAISED, DELIVERED, RESOLVED = "raised", "delivered", "resolved"


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def payload(event: AlertEvent, language: str) -> str:
    return json.dumps({"facts": event.facts, "evidence": event.evidence, "language": language},
                      default=_json_default, ensure_ascii=False)


@dataclass
class Reconciled:
    """What a run changes: the rows to save, and which alerts are new, resolved or due for delivery."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    raised: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    reopened: list[dict[str, Any]] = field(default_factory=list)


def reconcile(existing: list[dict[str, Any]], checks: list[RuleCheck], reference: datetime, run_at: datetime,
              language: str, account_ids: dict[str, list[str]] | None = None) -> Reconciled:
    """Merge this run's events into the kept alerts (pure: rows in, rows out)."""
    out = Reconciled()
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in sorted(existing, key=lambda r: (r["raised_at"] or datetime.min, r["alert_id"])):
        latest[(row["rule"], row["key"])] = row
    evaluated = {c.rule.name: c.rule for c in checks if not c.note}
    rules = {c.rule.name: c.rule for c in checks}
    seen: set[tuple[str, str]] = set()
    for check in checks:
        if check.note:
            continue
        for event in check.events:
            ident = (event.rule, event.key)
            if ident in seen:
                continue
            seen.add(ident)
            found = latest.get(ident)
            body = payload(event, language)
            if found is not None and found["status"] != RESOLVED:
                out.rows.append(dict(found, last_seen_at=reference, payload=body))
                continue
            if (found is not None and found["resolved_at"] is not None
                    and reference - found["resolved_at"] < timedelta(hours=check.rule.cooldown_hours)):
                row = dict(found, status=DELIVERED if found["delivered_at"] else RAISED, resolved_at=None,
                           last_seen_at=reference, payload=body)
                out.rows.append(row)
                out.reopened.append(row)
                continue
            row = _new_row(event, check.rule, reference, run_at, body, (account_ids or {}).get(event.key, []))
            out.rows.append(row)
            out.raised.append(row)
    for ident, row in latest.items():
        if row["status"] == RESOLVED or ident in seen:
            continue
        rule = row["rule"]
        if rule in evaluated or rule not in rules:  # gone, or its rule was removed: the condition ended
            row = dict(row, status=RESOLVED, resolved_at=reference)
            out.rows.append(row)
            out.resolved.append(row)
    return out


def _new_row(event: AlertEvent, rule: Rule, reference: datetime, run_at: datetime, body: str,
             accounts: list[str]) -> dict[str, Any]:
    return {
        "alert_id": f"{event.key}@{reference:%Y-%m-%dT%H:%M:%S}", "rule": event.rule, "kind": event.kind,
        "key": event.key, "status": RAISED, "mode": rule.mode, "channels": ",".join(rule.channels),
        "delivered_channels": "", "raised_at": reference, "last_seen_at": reference, "resolved_at": None,
        "raised_run_at": run_at, "delivered_at": None, "attempts": 0, "last_error": None,
        "account_ids": ",".join(accounts), "payload": body,
    }


def pending(rows: list[dict[str, Any]], mode: str = "immediate") -> list[dict[str, Any]]:
    """Open alerts of `mode` some channel of which has not received them yet."""
    return [r for r in rows if r["status"] == RAISED and r["mode"] == mode and missing_channels(r)]


def missing_channels(row: dict[str, Any]) -> list[str]:
    done = set(filter(None, (row.get("delivered_channels") or "").split(",")))
    return [c for c in filter(None, (row.get("channels") or "").split(",")) if c not in done]


def mark_delivery(row: dict[str, Any], channel: str, ok: bool, attempts: int, error: str | None,
                  run_at: datetime) -> dict[str, Any]:
    """The row after one channel's delivery attempt(s)."""
    row = dict(row, attempts=int(row.get("attempts") or 0) + attempts)
    if ok:
        done = [c for c in filter(None, (row.get("delivered_channels") or "").split(",")) if c != channel] + [channel]
        row["delivered_channels"] = ",".join(done)
        if not missing_channels(row):
            row.update(status=DELIVERED if row["status"] == RAISED else row["status"], delivered_at=run_at,
                       last_error=None)
    else:
        row["last_error"] = f"{channel}: {error}"
    return row


def load(store: Store) -> list[dict[str, Any]]:
    return read_alerts(store)


def save(store: Store, rows: list[dict[str, Any]]) -> None:
    save_alerts(store, rows)


def event_of(row: dict[str, Any]) -> dict[str, Any]:
    """A kept alert as the renderer sees it: rule, kind, key, facts, evidence, times, status."""
    body = json.loads(row["payload"] or "{}")
    return {"alert_id": row["alert_id"], "rule": row["rule"], "kind": row["kind"], "key": row["key"],
            "status": row["status"], "raised_at": row["raised_at"], "resolved_at": row["resolved_at"],
            "facts": body.get("facts", {}), "evidence": body.get("evidence", [])}
