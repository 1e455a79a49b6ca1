"""Alert rules: which conditions deserve a message, as pure functions over the gathered results.

A rule is a `[[alerts]]` table of `liens.toml`; the defaults (`DEFAULT_RULES`) apply with no
configuration, one per kind. A table whose `name` (default: its `rule`) is a default's overrides
that default (`enabled = false` turns it off); another name adds a rule. Keys:

    rule            unanswered, critique_spike, pod, bought_burst, goal_off_track, response_rate
    name            the rule's own name (default: the kind)
    threshold       the kind's number (see KINDS: hours waited, p-value, pod score, …)
    cooldown_hours  an event that ended and comes back within this many hours is not sent again
    channels        terminal, webhook, email (default: `alerting.channels`)
    mode            immediate (sent by the run that raises it) or digest (sent with the next digest)
    enabled         true or false

and the kind's own options (`intents`, `window_days`, `min_count`, …). An unknown key, kind or
channel, or a value of the wrong type, is a ConfigError naming the file and the line.

Each rule yields events with a stable `key` (the same condition keeps its key from run to run: the
text, the pod's brand accounts, the burst's first day, the goal), the facts behind it and its
evidence by name (handles, texts, captions), never by id alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..config import Config
from ..errors import ConfigError
from .hours import BusinessHours, parse_business_hours
from .inputs import MAX_EVIDENCE, AlertInputs

CHANNELS = ("terminal", "webhook", "email")
MODES = ("immediate", "digest")
COMMON_KEYS = ("rule", "name", "threshold", "cooldown_hours", "channels", "mode", "enabled")


@dataclass(frozen=True)
class Kind:
    """A kind of rule: what its threshold means, its defaults and its own options."""

    threshold_meaning: str
    threshold: Callable[[Config], float]
    cooldown_hours: float
    options: dict[str, tuple[type, Callable[[Config], Any]]] = field(default_factory=dict)


KINDS: dict[str, Kind] = {
    "unanswered": Kind("hours a text waited without answer (business hours), at least",
                       lambda c: c.conversation.response_target_hours, 24.0,
                       {"intents": (list, lambda c: ["purchase", "critique", "job"])}),
    "critique_spike": Kind("p-value of the one-sided binomial test (recent share of authors writing critiques or "
                           "negative texts against the baseline), at most", lambda c: 0.01, 72.0,
                           {"window_days": (int, lambda c: 3),
                            "baseline_days": (int, lambda c: c.conversation.signal_baseline_days),
                            "min_count": (int, lambda c: 5), "min_lift": (float, lambda c: 2.0),
                            "signal": (str, lambda c: "either")}),
    "pod": Kind("score of a pod the brand's accounts belong to, at least", lambda c: c.pods.score_threshold, 720.0),
    "bought_burst": Kind("followers above the usual intake in a bought-follower burst, at least",
                         lambda c: float(c.audience.burst_min_excess), 168.0),
    "goal_off_track": Kind("shortfall against the goal's pace (share of what was expected by now), at least",
                           lambda c: 0.1, 168.0),
    "response_rate": Kind("share of the recent texts that needed an answer and got one, under this floor",
                          lambda c: 0.5, 72.0, {"min_texts": (int, lambda c: 5)}),
}
DEFAULT_RULES = tuple(KINDS)
SPIKE_SIGNALS = ("critique", "negative", "either")


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    threshold: float
    cooldown_hours: float
    channels: tuple[str, ...]
    mode: str = "immediate"
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class AlertEvent:
    """One condition worth a message: `key` is stable while the condition lasts."""

    rule: str
    kind: str
    key: str
    facts: dict[str, Any]
    evidence: list[dict[str, Any]]
    occurred_at: datetime | None = None


@dataclass
class RuleCheck:
    """A rule, its current value, whether it fires, and its events (for `liens alerts --explain`)."""

    rule: Rule
    value: float | None
    fires: bool
    events: list[AlertEvent]
    note: str = ""


# -- parsing ---------------------------------------------------------------------------------------
def _where(config: Config, index: int, key: str = "") -> str:
    lines = config.alert_lines[index] if index < len(config.alert_lines) else {}
    line = lines.get(key) or lines.get("")
    source = config.source or "liens.toml"
    return f"{source}, line {line}: [[alerts]]" if line else f"{source}: [[alerts]] #{index + 1}"


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{where} {key}: expected a number, got {value!r}")
    return float(value)


def default_rule(kind: str, config: Config) -> Rule:
    spec = KINDS[kind]
    return Rule(kind, kind, float(spec.threshold(config)), spec.cooldown_hours, tuple(config.alerting.channels),
                options={k: default(config) for k, (_, default) in spec.options.items()})


def parse_rules(config: Config) -> list[Rule]:
    """The rules in force: the defaults, overridden or extended by `config.alerts`."""
    for channel in list(config.alerting.channels) + list(config.alerting.digest_channels):
        if channel not in CHANNELS:
            raise ConfigError(f"alerting.channels: unknown channel '{channel}' (known: {', '.join(CHANNELS)})")
    rules = {kind: default_rule(kind, config) for kind in DEFAULT_RULES}
    for index, raw in enumerate(config.alerts):
        rule = _parse_one(config, index, raw, rules)
        rules[rule.name] = rule
    return list(rules.values())


def _parse_one(config: Config, index: int, raw: dict[str, Any], rules: dict[str, Rule]) -> Rule:
    kind = raw.get("rule")
    name = raw.get("name", kind)
    if kind is None and name in rules:
        kind = rules[name].kind
    if kind not in KINDS:
        where = _where(config, index, "rule" if "rule" in raw else "")
        shown = "missing" if kind is None else f"'{kind}'"
        raise ConfigError(f"{where} rule {shown}: expected one of {', '.join(KINDS)}")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{_where(config, index, 'name')} name: expected text")
    base = rules[name] if name in rules and rules[name].kind == kind else default_rule(kind, config)
    spec = KINDS[kind]
    values: dict[str, Any] = {"threshold": base.threshold, "cooldown_hours": base.cooldown_hours,
                              "channels": base.channels, "mode": base.mode, "enabled": base.enabled}
    options = dict(base.options)
    for key, value in raw.items():
        where = _where(config, index, key)
        if key in ("rule", "name"):
            continue
        if key in ("threshold", "cooldown_hours"):
            number = _number(value, where, key)
            if number < 0:
                raise ConfigError(f"{where} {key}: expected a number of at least 0, got {value!r}")
            values[key] = number
        elif key == "channels":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} channels: expected a list such as [\"terminal\", \"webhook\"]")
            unknown = [v for v in value if v not in CHANNELS]
            if unknown:
                raise ConfigError(f"{where} channels: unknown channel '{unknown[0]}' (known: {', '.join(CHANNELS)})")
            values["channels"] = tuple(value)
        elif key == "mode":
            if value not in MODES:
                raise ConfigError(f"{where} mode: expected immediate or digest, got {value!r}")
            values["mode"] = value
        elif key == "enabled":
            if not isinstance(value, bool):
                raise ConfigError(f"{where} enabled: expected true or false, got {value!r}")
            values["enabled"] = value
        elif key in spec.options:
            options[key] = _option(kind, key, value, spec.options[key][0], where)
        else:
            known = ", ".join(list(COMMON_KEYS) + list(spec.options))
            raise ConfigError(f"{where} unknown key '{key}' for rule {kind} (known: {known})")
    if kind == "critique_spike" and options["window_days"] < 1:
        raise ConfigError(f"{_where(config, index, 'window_days')} window_days: expected at least 1")
    if kind == "response_rate" and values["threshold"] > 1:
        raise ConfigError(f"{_where(config, index, 'threshold')} threshold: a response rate floor is between 0 and 1")
    return Rule(name, kind, options=options, **values)


def _option(kind: str, key: str, value: Any, expected: type, where: str) -> Any:
    if expected is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} {key}: expected a list of words")
        return list(value)
    if expected is str:
        if not isinstance(value, str) or (key == "signal" and value not in SPIKE_SIGNALS):
            raise ConfigError(f"{where} {key}: expected one of {', '.join(SPIKE_SIGNALS)}, got {value!r}")
        return value
    number = _number(value, where, key)
    if expected is int:
        if number != int(number) or number < 0:
            raise ConfigError(f"{where} {key}: expected a whole number of at least 0, got {value!r}")
        return int(number)
    return number


# -- evaluation ------------------------------------------------------------------------------------
def evaluate(inputs: AlertInputs, rules: list[Rule], hours: BusinessHours) -> list[RuleCheck]:
    """Every enabled rule checked against the inputs (disabled ones listed, not evaluated)."""
    checks = []
    for rule in rules:
        if not rule.enabled:
            checks.append(RuleCheck(rule, None, False, [], "disabled"))
        elif inputs.reference is None:
            checks.append(RuleCheck(rule, None, False, [], "no_results"))
        else:
            checks.append(_EVALUATORS[rule.kind](inputs, rule, hours))
    return checks


def _short(text: Any, width: int = 160) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= width else value[: width - 1] + "…"


def _unanswered(inputs: AlertInputs, rule: Rule, hours: BusinessHours) -> RuleCheck:
    assert inputs.reference is not None
    intents = set(rule.options["intents"])
    events, longest = [], None
    for row in inputs.unanswered:
        if row["intent"] not in intents:
            continue
        waited = hours.hours_between(row["created_at"], inputs.reference)
        longest = waited if longest is None else max(longest, waited)
        if waited >= rule.threshold:
            events.append(AlertEvent(rule.name, rule.kind, f"{rule.name}:{row['interaction_id']}", {
                "intent": row["intent"], "waited_hours": round(waited, 1), "target_hours": rule.threshold,
                "where": row["kind"], "platform": row.get("platform"), "author": row["author"],
                "created_at": row["created_at"]}, [{
                    "type": "message", "name": row["author"], "text": _short(row.get("text")),
                    "at": row["created_at"], "post": _short(row.get("caption"), 80) or None}], row["created_at"]))
    return RuleCheck(rule, longest, bool(events), events)


def spike_test(recent: int, recent_exposure: int, baseline: int, baseline_exposure: int) -> tuple[float, float]:
    """(p-value, lift) of `recent` authors out of `recent_exposure` against `baseline` out of `baseline_exposure`.

    Conditional on the total, the recent count is binomial with the recent share of the exposure
    when the rate did not change: the exact test comparing two Poisson rates, valid for a handful
    of messages. The lift smooths the baseline by half a count, so that a first critique is no
    infinite rise.
    """
    if recent_exposure <= 0 or baseline_exposure <= 0:
        return 1.0, 0.0
    share = recent_exposure / (recent_exposure + baseline_exposure)
    from scipy.stats import binom  # scipy.stats takes half a second to import: only when a spike is tested

    p_value = float(binom.sf(recent - 1, recent + baseline, share)) if recent > 0 else 1.0
    lift = (recent / recent_exposure) / ((baseline + 0.5) / baseline_exposure)
    return p_value, lift


def _critique_spike(inputs: AlertInputs, rule: Rule, hours: BusinessHours) -> RuleCheck:
    assert inputs.reference is not None
    signals = ["critique", "negative"] if rule.options["signal"] == "either" else [rule.options["signal"]]
    window_days = rule.options["window_days"]
    windows = inputs.windows if window_days == inputs.window_days else []
    n_base = max(1, rule.options["baseline_days"] // window_days)
    recent = next((w for w in windows if w["w"] == 0), None)
    base = [w for w in windows if 1 <= w["w"] <= n_base]
    best: tuple[float, float, str, int, int, int, int] | None = None
    for signal in signals:
        k_r = int(recent[f"{signal}_authors"]) if recent else 0
        n_r = int(recent["authors"]) if recent else 0
        k_b = sum(int(w[f"{signal}_authors"]) for w in base)
        n_b = sum(int(w["authors"]) for w in base)
        p_value, lift = spike_test(k_r, n_r, k_b, n_b)
        p_value = min(1.0, p_value * len(signals))  # two signals tested: Bonferroni
        if best is None or p_value < best[0]:
            best = (p_value, lift, signal, k_r, n_r, k_b, n_b)
    assert best is not None
    p_value, lift, signal, k_r, n_r, k_b, n_b = best
    fires = p_value <= rule.threshold and k_r >= rule.options["min_count"] and lift >= rule.options["min_lift"]
    events = []
    if fires:
        since = inputs.reference - timedelta(days=window_days)
        rows = [r for r in inputs.recent_critiques if r["created_at"] > since
                and (r["intent"] == "critique" if signal == "critique" else r["sentiment"] == "negative"
                     if signal == "negative" else True)]
        evidence = [{"type": "message", "name": r["author"], "text": _short(r.get("text")), "at": r["created_at"],
                     "post": _short(r.get("caption"), 80) or None} for r in rows[:MAX_EVIDENCE]]
        evidence += [{"type": "signal", "name": s["signal"], "text": None, "at": None} for s in inputs.weak_signals[:3]]
        events.append(AlertEvent(rule.name, rule.kind, rule.name, {
            "signal": signal, "recent_authors": k_r, "recent_exposure": n_r, "baseline_authors": k_b,
            "baseline_exposure": n_b, "recent_share": k_r / n_r if n_r else None,
            "baseline_share": k_b / n_b if n_b else None, "lift": round(lift, 2), "p_value": p_value,
            "window_days": window_days, "authors": len({r["author"] for r in rows})}, evidence, inputs.reference))
    return RuleCheck(rule, p_value, fires, events)


def _pod(inputs: AlertInputs, rule: Rule, hours: BusinessHours) -> RuleCheck:
    events, best = [], None
    for pod in inputs.brand_pods:
        score = float(pod["pod_score"] or 0.0)
        best = score if best is None else max(best, score)
        if score < rule.threshold:
            continue
        brand_ids = sorted(pod.get("brand_ids") or [])
        names = list(pod.get("names") or [])
        examples = [c for c in str(pod.get("example_comments") or "").split(" | ") if c][:3]
        raw, pods_engagement = pod.get("brand_posts_engagement_raw"), pod.get("brand_posts_engagement_pods")
        events.append(AlertEvent(rule.name, rule.kind, f"{rule.name}:{'+'.join(brand_ids)}", {
            "members": int(pod["members"] or len(names)), "score": round(score, 2),
            "median_delay_minutes": pod.get("median_delay_minutes"), "prompt_share": pod.get("prompt_share"),
            "brand_share": (pods_engagement / raw) if raw and pods_engagement is not None else None},
            [{"type": "account", "name": n, "text": None, "at": None} for n in names[:MAX_EVIDENCE]]
            + [{"type": "comment", "name": None, "text": _short(c, 80), "at": None} for c in examples],
            inputs.reference))
    return RuleCheck(rule, best, bool(events), events)


def _bought_burst(inputs: AlertInputs, rule: Rule, hours: BusinessHours) -> RuleCheck:
    events, best = [], None
    for burst in inputs.bursts:
        excess = float(burst["excess"] or 0.0)
        best = excess if best is None else max(best, excess)
        if excess < rule.threshold:
            continue
        events.append(AlertEvent(rule.name, rule.kind, f"{rule.name}:{burst['owner_id']}:{burst['start_date']}", {
            "owner": burst["owner"], "date": burst["date"], "start_date": burst["start_date"],
            "end_date": burst["end_date"], "gain": burst["gain"], "expected_gain": burst["expected_gain"],
            "excess": excess, "fake_share": burst.get("excess_fake_share")},
            [{"type": "account", "name": n, "text": None, "at": None} for n in burst.get("examples", [])],
            datetime.combine(burst["end_date"], datetime.min.time())))
    return RuleCheck(rule, best, bool(events), events)


def shortfall(goal: dict[str, Any]) -> float | None:
    """How far a goal is behind its pace, as a share of what was expected (None when not measured)."""
    actual, expected, target = goal.get("actual"), goal.get("expected_by_now"), goal.get("target")
    if actual is None:
        return None
    reference = expected if expected not in (None, 0) else target
    if not reference:
        return None
    gap = (actual - reference) / abs(reference) if goal.get("comparison") == "<=" else (reference - actual) / abs(reference)
    return float(gap)


def _goal_off_track(inputs: AlertInputs, rule: Rule, hours: BusinessHours) -> RuleCheck:
    events, worst = [], None
    for goal in inputs.goals:
        if goal["status"] not in ("behind", "missed"):
            continue
        gap = shortfall(goal)
        if gap is None:
            continue
        worst = gap if worst is None else max(worst, gap)
        if gap < rule.threshold:
            continue
        events.append(AlertEvent(rule.name, rule.kind, f"{rule.name}:{goal['goal']}:{goal.get('period') or ''}", {
            "goal": goal["goal"], "metric": goal["metric"], "status": goal["status"], "actual": goal["actual"],
            "target": goal["target"], "expected_by_now": goal.get("expected_by_now"), "shortfall": round(gap, 3),
            "period": goal.get("period"), "comparison": goal.get("comparison")}, [], inputs.reference))
    return RuleCheck(rule, worst, bool(events), events)


def _response_rate(inputs: AlertInputs, rule: Rule, hours: BusinessHours) -> RuleCheck:
    assert inputs.reference is not None
    # Texts younger than the response target are not late yet: they count once answered or late.
    due = [r for r in inputs.needs_answer if r["answered"]
           or hours.hours_between(r["created_at"], inputs.reference) >= inputs.response_target_hours]
    answered = sum(1 for r in due if r["answered"])
    rate = answered / len(due) if due else None
    fires = rate is not None and len(due) >= rule.options["min_texts"] and rate < rule.threshold
    events = []
    if fires:
        late = [r for r in inputs.unanswered if r["interaction_id"] in {d["interaction_id"] for d in due if not d["answered"]}]
        events.append(AlertEvent(rule.name, rule.kind, rule.name, {
            "rate": rate, "floor": rule.threshold, "answered": answered, "texts": len(due)},
            [{"type": "message", "name": r["author"], "text": _short(r.get("text")), "at": r["created_at"],
              "post": None} for r in late[:MAX_EVIDENCE]], inputs.reference))
    return RuleCheck(rule, rate, fires, events)


_EVALUATORS: dict[str, Callable[[AlertInputs, Rule, BusinessHours], RuleCheck]] = {
    "unanswered": _unanswered, "critique_spike": _critique_spike, "pod": _pod, "bought_burst": _bought_burst,
    "goal_off_track": _goal_off_track, "response_rate": _response_rate,
}


def business_hours(config: Config) -> BusinessHours:
    return parse_business_hours(config.conversation.business_hours)


def window_days(rules: list[Rule]) -> int:
    """The spike window the inputs are gathered for (the first enabled spike rule's)."""
    return next((r.options["window_days"] for r in rules if r.kind == "critique_spike" and r.enabled), 3)


def baseline_days(rules: list[Rule], config: Config) -> int:
    return next((r.options["baseline_days"] for r in rules if r.kind == "critique_spike" and r.enabled),
                config.conversation.signal_baseline_days)


def gather_for(store: Any, config: Config, rules: list[Rule]) -> AlertInputs:
    """The inputs the rules need, gathered from the store's results."""
    from .inputs import gather

    return gather(store, recent_days=config.alerting.recent_days, window_days=window_days(rules),
                  baseline_days=baseline_days(rules, config), language=config.alerting.language,
                  brand_name=config.brand.name, response_target_hours=config.conversation.response_target_hours)


def check(store: Any, config: Config) -> list[RuleCheck]:
    """Parse the rules, gather their inputs and evaluate them: `liens alerts --explain`."""
    rules = parse_rules(config)
    return evaluate(gather_for(store, config, rules), rules, business_hours(config))
