"""What the alert rules read, gathered from the results in the store in a few small queries.

Each query is bounded by the rules' windows (the last days of data), so evaluating the rules costs
the same on a store of a thousand interactions or of ten million. The rules themselves
(`rules.py`) are pure functions over these rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..store.store import Store

MAX_EVIDENCE = 8


@dataclass
class AlertInputs:
    """Rows the rules evaluate: all of them lie within the windows the rules look at."""

    reference: datetime | None                      # end of the data: "now" for the rules
    language: str = "en"                             # the brand's language (fr or en)
    brand_name: str = ""
    response_target_hours: float = 24.0
    unanswered: list[dict[str, Any]] = field(default_factory=list)   # recent texts waiting for an answer
    needs_answer: list[dict[str, Any]] = field(default_factory=list)  # recent texts that needed one
    windows: list[dict[str, Any]] = field(default_factory=list)      # authors per window, back from the end
    window_days: int = 3
    recent_critiques: list[dict[str, Any]] = field(default_factory=list)
    weak_signals: list[dict[str, Any]] = field(default_factory=list)
    brand_pods: list[dict[str, Any]] = field(default_factory=list)
    bursts: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def _rows(store: Store, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return list(store.con.execute(sql, params or []).to_arrow_table().to_pylist())


def _name_sql(alias: str) -> str:
    """An account's name for people: @handle, else its display name, else its id."""
    return (f"coalesce('@' || nullif({alias}.handle, ''), nullif({alias}.display_name, ''), {alias}.account_id)")


def reference_time(summary: dict[str, Any]) -> datetime | None:
    end = summary.get("period_end")
    return datetime.fromisoformat(str(end)) if end else None


def brand_language(store: Store, summary: dict[str, Any], setting: str = "") -> str:
    """`alerting.language`, else the language of most of the brand's own texts, else of its audience's, else en."""
    if setting in ("fr", "en"):
        return setting
    if store.has_table("result_interactions") and "language" in store.columns("result_interactions"):
        row = store.con.execute(
            "SELECT language FROM result_interactions WHERE is_brand_actor AND language IN ('fr', 'en') "
            "GROUP BY language ORDER BY count(*) DESC, language LIMIT 1").fetchone()
        if row:
            return str(row[0])
    languages = Counter({k: v for k, v in (summary.get("languages") or {}).items() if k in ("fr", "en")})
    return languages.most_common(1)[0][0] if languages else "en"


def gather(store: Store, *, recent_days: int, window_days: int, baseline_days: int, language: str = "",
           brand_name: str = "", response_target_hours: float = 24.0) -> AlertInputs:
    """The rows every rule needs, from the results of the last `analyze` (empty lists where a step did not run)."""
    summary = store.summary()
    ref = reference_time(summary)
    inputs = AlertInputs(ref, brand_language(store, summary, language), brand_name, response_target_hours,
                         window_days=window_days, summary=summary)
    if ref is None:
        return inputs
    tables = set(store.tables())
    since = ref - timedelta(days=recent_days)
    cols = store.columns("result_interactions") if "result_interactions" in tables else {}
    texts = "interactions" in tables and "text" in store.columns("interactions")
    if "needs_answer" in cols:
        text_sql = "i.text" if texts else "NULL"
        join_text = "LEFT JOIN interactions i USING (interaction_id)" if texts else ""
        inputs.needs_answer = _rows(store, """
            SELECT r.interaction_id, r.kind, r.intent, r.created_at, r.answered, r.response_minutes
            FROM result_interactions r WHERE r.needs_answer AND r.created_at >= ?""", [since])
        inputs.unanswered = _rows(store, f"""
            SELECT r.interaction_id, r.kind, r.intent, r.created_at, r.platform, r.actor_id,
                   {_name_sql('a')} AS author, {text_sql} AS text, p.caption AS caption
            FROM result_interactions r {join_text}
            LEFT JOIN result_accounts a ON a.account_id = r.actor_id
            LEFT JOIN posts p ON p.post_id = r.post_id
            WHERE r.needs_answer AND NOT coalesce(r.answered, false) AND r.created_at >= ?
            ORDER BY r.created_at, r.interaction_id""", [since])
    if "intent" in cols:
        _gather_spikes(store, inputs, ref, window_days, baseline_days, texts)
    if "result_weak_signals" in tables:
        inputs.weak_signals = _rows(store, "SELECT signal, kind, recent_authors, lift, q_value FROM result_weak_signals "
                                           "ORDER BY q_value, lift DESC LIMIT 5")
    if "result_pods" in tables:
        _gather_pods(store, inputs)
    if "result_growth_spikes" in tables:
        _gather_bursts(store, inputs, since, "follows" in tables)
    if "result_goals" in tables:
        inputs.goals = _rows(store, "SELECT goal, metric, comparison, target, period, as_of, actual, expected_by_now, "
                                    "progress, status FROM result_goals")
    return inputs


def _gather_spikes(store: Store, inputs: AlertInputs, ref: datetime, window_days: int, baseline_days: int,
                   texts: bool) -> None:
    windows = 1 + max(1, baseline_days // window_days)
    start = ref - timedelta(days=window_days * windows)
    seconds = window_days * 86400
    inputs.windows = _rows(store, f"""
        SELECT w, count(DISTINCT actor_id) AS authors,
               count(DISTINCT actor_id) FILTER (WHERE intent = 'critique') AS critique_authors,
               count(DISTINCT actor_id) FILTER (WHERE sentiment = 'negative') AS negative_authors
        FROM (SELECT actor_id, intent, sentiment,
                     CAST(floor((epoch(TIMESTAMP '{ref.isoformat(sep=" ")}') - epoch(created_at)) / {seconds}) AS BIGINT) AS w
              FROM result_interactions
              WHERE created_at > ? AND text_length > 0 AND NOT coalesce(is_brand_actor, false)
                    AND coalesce(intent, '') <> 'spam')
        WHERE w >= 0 AND w < {windows} GROUP BY w ORDER BY w""", [start])
    text_sql = "i.text" if texts else "NULL"
    join_text = "LEFT JOIN interactions i USING (interaction_id)" if texts else ""
    inputs.recent_critiques = _rows(store, f"""
        SELECT r.interaction_id, r.created_at, r.intent, r.sentiment, {_name_sql('a')} AS author,
               {text_sql} AS text, p.caption AS caption
        FROM result_interactions r {join_text}
        LEFT JOIN result_accounts a ON a.account_id = r.actor_id
        LEFT JOIN posts p ON p.post_id = r.post_id
        WHERE r.created_at > ? AND r.text_length > 0 AND NOT coalesce(r.is_brand_actor, false)
              AND (r.intent = 'critique' OR r.sentiment = 'negative')
        ORDER BY r.created_at DESC, r.interaction_id LIMIT 200""", [ref - timedelta(days=window_days)])


def _gather_pods(store: Store, inputs: AlertInputs) -> None:
    pods = _rows(store, f"""
        SELECT p.pod_id, any_value(p.pod_score) AS pod_score, any_value(p.members) AS members,
               any_value(p.median_delay_minutes) AS median_delay_minutes, any_value(p.prompt_share) AS prompt_share,
               any_value(p.example_comments) AS example_comments,
               list(p.account_id ORDER BY p.account_id) FILTER (WHERE p.is_brand) AS brand_ids,
               list({_name_sql('a')} ORDER BY p.is_brand DESC, p.member_coverage DESC, p.account_id) AS names
        FROM result_pods p LEFT JOIN result_accounts a USING (account_id)
        GROUP BY p.pod_id HAVING bool_or(p.is_brand) ORDER BY pod_score DESC""")
    summary = inputs.summary
    for pod in pods:
        pod["brand_posts_engagement_pods"] = summary.get("brand_posts_engagement_pods")
        pod["brand_posts_engagement_raw"] = summary.get("brand_posts_engagement_raw")
    inputs.brand_pods = pods


def _gather_bursts(store: Store, inputs: AlertInputs, since: datetime, follows: bool) -> None:
    bursts = _rows(store, f"""
        SELECT s.owner_id, {_name_sql('a')} AS owner, s.date, s.start_date, s.end_date, s.gain, s.expected_gain,
               s.excess, s.cohort_size, s.cohort_fake_share, s.excess_fake_share, s.kind, s.is_bought
        FROM result_growth_spikes s LEFT JOIN result_accounts a ON a.account_id = s.owner_id
        WHERE s.is_bought AND s.end_date >= CAST(? AS DATE) ORDER BY s.date""", [since])
    for burst in bursts:
        burst["examples"] = [] if not follows else [r["name"] for r in _rows(store, f"""
            SELECT {_name_sql('a')} AS name FROM follows f JOIN result_accounts a ON a.account_id = f.follower_id
            WHERE f.followee_id = ? AND CAST(f.followed_at AS DATE) BETWEEN ? AND ? AND a.audience_label = 'fake'
            ORDER BY a.fake_score DESC, a.account_id LIMIT {MAX_EVIDENCE}""",
            [burst["owner_id"], burst["start_date"], burst["end_date"]])]
    inputs.bursts = bursts
