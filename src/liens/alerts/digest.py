"""The "what changed" digest: a period against the previous one of the same length.

Members gained and lost, level moves and new ambassadors (against the member snapshot kept by the
run nearest before the period), response time and rate, rising signals, pods and bought bursts,
conversions and cost. Figures only: the presentation layer words them (text, Markdown, HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..store.models import ALERTS_TABLE, SNAPSHOTS_TABLE
from ..store.store import Store
from .inputs import _name_sql, brand_language, reference_time

ENGAGING = ("like", "reaction", "comment", "reply", "share", "save", "story_reply", "dm", "mention")
MAX_NAMES = 8


@dataclass
class Digest:
    start: datetime
    end: datetime
    previous_start: datetime
    language: str
    brand_name: str = ""
    figures: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # now, before
    names: dict[str, list[str]] = field(default_factory=dict)
    level_moves: dict[str, int] | None = None  # up, down; None without an earlier snapshot
    snapshot_day: Any = None
    signals: list[dict[str, Any]] = field(default_factory=list)
    bursts: list[dict[str, Any]] = field(default_factory=list)
    pods: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)  # kept alerts raised in the period


def _one(store: Store, sql: str, params: list[Any]) -> Any:
    row = store.con.execute(sql, params).fetchone()
    return None if row is None else row[0]


def _rows(store: Store, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return list(store.con.execute(sql, params or []).to_arrow_table().to_pylist())


def build_digest(store: Store, *, since: datetime | None = None, days: int = 7, language: str = "",
                 brand_name: str = "", hourly_rate: float = 0.0) -> Digest:
    """The digest from `since` (default: `days` before the end of the data) to the end of the data."""
    summary = store.summary()
    end = reference_time(summary)
    if end is None:
        from ..errors import StoreError

        raise StoreError(f"store {store.path} has no results yet: run `liens analyze` first")
    start = since if since is not None else end - timedelta(days=days)
    if start >= end:
        from ..errors import ConfigError

        raise ConfigError(f"--since {start:%Y-%m-%d} is not before the end of the data ({end:%Y-%m-%d %H:%M})")
    length = end - start
    previous = start - length
    digest = Digest(start, end, previous, brand_language(store, summary, language), brand_name)
    tables = set(store.tables())
    if "result_interactions" in tables and "result_accounts" in tables:
        _members(store, digest, summary.get("brand_accounts") or [])
        _responses(store, digest)
    if "result_members" in tables:
        _levels(store, digest, SNAPSHOTS_TABLE in tables)
    if "result_weak_signals" in tables:
        digest.signals = _rows(store, "SELECT signal, kind, recent_authors, lift FROM result_weak_signals "
                                      "WHERE window_end > ? ORDER BY q_value, lift DESC LIMIT 8", [start])
    if "result_growth_spikes" in tables:
        digest.bursts = _rows(store, f"""SELECT {_name_sql('a')} AS owner, s.date, s.excess, s.kind
            FROM result_growth_spikes s LEFT JOIN result_accounts a ON a.account_id = s.owner_id
            WHERE s.is_bought AND s.date >= CAST(? AS DATE) ORDER BY s.date""", [start])
        digest.figures["bought_bursts"] = (float(len(digest.bursts)), float(_one(store,
            "SELECT count(*) FROM result_growth_spikes WHERE is_bought AND date >= CAST(? AS DATE) AND date < CAST(? AS DATE)",
            [previous, start]) or 0))
    if ALERTS_TABLE in tables:
        digest.alerts = _rows(store, f"SELECT alert_id, rule, kind, key, status, raised_at, resolved_at, payload "
                                     f"FROM {ALERTS_TABLE} WHERE raised_at > ? AND raised_at <= ? ORDER BY raised_at", [start, end])
        digest.pods = [a for a in digest.alerts if a["kind"] == "pod"]
        digest.figures["alerts"] = (float(len(digest.alerts)), float(_one(store,
            f"SELECT count(*) FROM {ALERTS_TABLE} WHERE raised_at > ? AND raised_at <= ?", [previous, start]) or 0))
    if "result_conversions" in tables:
        for key, expression in (("conversions", "count(*)"), ("conversion_value", "sum(value)")):
            digest.figures[key] = tuple(_one(store, f"SELECT {expression} FROM result_conversions "
                                             "WHERE occurred_at > ? AND occurred_at <= ?", [a, b]) for a, b in ((start, end), (previous, start)))
    if "costs" in tables:
        digest.figures["cost"] = (_cost(store, start, end, hourly_rate), _cost(store, previous, start, hourly_rate))
    return digest


def _members(store: Store, digest: Digest, brand: list[str]) -> None:
    cols = store.columns("result_interactions")
    clean = " AND coalesce(r.is_authentic, true)" if "is_authentic" in cols else ""
    clean += " AND coalesce(r.intent, '') <> 'spam'" if "intent" in cols else ""
    marks = ", ".join("?" * len(brand)) or "NULL"
    member = "coalesce(a.member_id, a.account_id)" if "member_id" in store.columns("result_accounts") else "a.account_id"
    store.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _liens_digest_engaged AS
        SELECT {member} AS member_id, min({_name_sql('a')}) AS name, min(r.created_at) AS first_at,
               bool_or(r.created_at > ? AND r.created_at <= ?) AS now_active,
               bool_or(r.created_at > ? AND r.created_at <= ?) AS before_active,
               bool_or(r.created_at > ? AND r.created_at <= ?) AS earlier_active
        FROM result_interactions r JOIN result_accounts a ON a.account_id = r.actor_id
        WHERE NOT coalesce(r.is_brand_actor, false) AND r.kind IN ({', '.join(repr(k) for k in ENGAGING)}) {clean}
              AND (r.post_author_id IN ({marks}) OR r.target_id IN ({marks})) AND r.created_at <= ?
        GROUP BY 1""",
        [digest.start, digest.end, digest.previous_start, digest.start,
         digest.previous_start - (digest.start - digest.previous_start), digest.previous_start, *brand, *brand, digest.end])
    t = "_liens_digest_engaged"
    s, e, p = digest.start, digest.end, digest.previous_start
    digest.figures["active_members"] = (
        _one(store, f"SELECT count(*) FILTER (WHERE now_active) FROM {t}", []),
        _one(store, f"SELECT count(*) FILTER (WHERE before_active) FROM {t}", []))
    digest.figures["members_gained"] = (
        _one(store, f"SELECT count(*) FROM {t} WHERE first_at > ? AND first_at <= ?", [s, e]),
        _one(store, f"SELECT count(*) FROM {t} WHERE first_at > ? AND first_at <= ?", [p, s]))
    digest.figures["members_lost"] = (
        _one(store, f"SELECT count(*) FROM {t} WHERE before_active AND NOT now_active", []),
        _one(store, f"SELECT count(*) FROM {t} WHERE earlier_active AND NOT before_active", []))
    digest.names["members_gained"] = [r[0] for r in store.con.execute(
        f"SELECT name FROM {t} WHERE first_at > ? AND first_at <= ? ORDER BY first_at DESC LIMIT {MAX_NAMES}", [s, e]).fetchall()]
    digest.names["members_lost"] = [r[0] for r in store.con.execute(
        f"SELECT name FROM {t} WHERE before_active AND NOT now_active ORDER BY name LIMIT {MAX_NAMES}").fetchall()]
    store.con.execute(f"DROP TABLE IF EXISTS {t}")


def _responses(store: Store, digest: Digest) -> None:
    if "needs_answer" not in store.columns("result_interactions"):
        return
    for key, expression in (("response_rate", "avg(CASE WHEN answered THEN 1.0 ELSE 0.0 END)"),
                            ("median_response_minutes", "median(response_minutes) FILTER (WHERE answered)"),
                            ("needs_answer", "count(*)")):
        digest.figures[key] = tuple(_one(store, f"SELECT {expression} FROM result_interactions "
                                         "WHERE needs_answer AND created_at > ? AND created_at <= ?", [a, b])
                                    for a, b in ((digest.start, digest.end), (digest.previous_start, digest.start)))


def _levels(store: Store, digest: Digest, snapshots: bool) -> None:
    from ..analyses.community.members import LEVELS  # the analyses load only when a digest is built

    rank = {level: len(LEVELS) - i for i, level in enumerate(LEVELS)}
    day = _one(store, f"SELECT max(day) FROM {SNAPSHOTS_TABLE} WHERE day <= CAST(? AS DATE)", [digest.start]) if snapshots else None
    if day is None:
        return
    digest.snapshot_day = day
    rows = _rows(store, f"""SELECT m.member_id, m.member_level AS now_level, s.member_level AS then_level,
            coalesce(m.ambassador_kinds, '') AS now_kinds, coalesce(s.ambassador_kinds, '') AS then_kinds,
            (SELECT min({_name_sql('a')}) FROM result_accounts a WHERE coalesce(a.member_id, a.account_id) = m.member_id) AS name
        FROM result_members m LEFT JOIN {SNAPSHOTS_TABLE} s ON s.member_id = m.member_id AND s.day = ?""", [day])
    up = [r for r in rows if rank.get(r["now_level"], 0) > rank.get(r["then_level"], 0)]
    down = [r for r in rows if rank.get(r["now_level"], 0) < rank.get(r["then_level"], 0)]
    digest.level_moves = {"up": len(up), "down": len(down)}
    digest.names["level_up"] = [f"{r['name']} ({r['then_level'] or '–'} → {r['now_level']})" for r in up[:MAX_NAMES]]
    new = [r for r in rows if r["now_kinds"] and not r["then_kinds"]]
    digest.figures["new_ambassadors"] = (float(len(new)), None)
    digest.names["new_ambassadors"] = [f"{r['name']} ({r['now_kinds']})" for r in new[:MAX_NAMES]]


def _cost(store: Store, start: datetime, end: datetime, hourly_rate: float) -> float | None:
    """Cost lines prorated by the days of [start, end] they cover."""
    cols = store.columns("costs")
    hours = f" + coalesce(hours, 0) * {float(hourly_rate)}" if "hours" in cols else ""
    return _one(store, f"""SELECT sum((coalesce(amount, 0){hours}) *
            greatest(0, date_diff('day', greatest(CAST(period_start AS DATE), CAST(? AS DATE)),
                                        least(CAST(period_end AS DATE), CAST(? AS DATE))) + 1)
            / (date_diff('day', CAST(period_start AS DATE), CAST(period_end AS DATE)) + 1))
        FROM costs WHERE CAST(period_end AS DATE) >= CAST(? AS DATE) AND CAST(period_start AS DATE) <= CAST(? AS DATE)""",
                [start + timedelta(seconds=1), end, start + timedelta(seconds=1), end])
