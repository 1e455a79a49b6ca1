"""Recommended actions: concrete next steps, each tied to a figure of the results."""

from __future__ import annotations

from .... import api
from ....api import quote_identifier as q
from ...headline import format_headline
from ...i18n import format_number, word
from ..model import Action, Section, fmt_value, format_duration
from .build import Build, brand_engagement_share, brand_pod_members, pick


def actions_section(b: Build) -> Section:
    sec = b.section("actions")
    actions = recommended_actions(b)
    sec.blocks.append(actions or [Action(b.t("no_actions"))])
    return sec


def recommended_actions(b: Build) -> list[Action]:
    """Concrete next steps, each tied to a figure of the results."""
    src, s = b.src, b.src.summary
    out: list[Action] = []
    if src.has("unanswered"):
        n = src.count("unanswered", b.queue_condition())
        if n:
            detail = ""
            if src.has_col("unanswered", "intent"):
                counts = src.value_counts("unanswered", "intent", b.queue_condition())
                detail = ", ".join(f"{format_number(c, b.lang)} {word(k, b.lang)}" for k, c in counts[:4])
            out.append(Action(b.t("act_answer", n=b.num(n), detail=detail or b.num(n)), 100, ("unanswered",)))
    if src.has("leads") and src.has_col("leads", "answered"):
        n = src.count("leads", "NOT coalesce(answered, FALSE)")
        if n:
            out.append(Action(b.t("act_leads", n=b.num(n)), 90, ("leads",)))
    if src.has("pods") and src.has_col("pods", "pod_id", "account_id"):
        for r in brand_pod_members(b):
            out.append(Action(b.t("act_leave_pod", pod=r["pod_id"], account=b.person(r["account_id"])), 95, ("pods",)))
        share = api.headline(s)["pod_share_brand_posts"]  # the same figure as the vanity section's
        if share is None:
            share, _n = brand_engagement_share(b)
        n_pods = src.scalar(f"SELECT count(DISTINCT pod_id) FROM {src.ref('pods')}")
        if share and share >= 0.02 and n_pods:
            out.append(Action(b.t("act_pods", share=format_headline("pod_share_brand_posts", share, b.lang), n=b.num(n_pods)),
                              70, ("pods",)))
    hl = api.headline(s)
    low, real = hl["low_quality_share"], hl["real_reachable_audience"]
    if low is not None and low >= 0.15 and s.get("followers"):
        out.append(Action(b.t("act_fake", share=format_headline("low_quality_share", low, b.lang), real=b.num(real),
                              followers=b.num(s.get("followers"))), 60))
    if src.has("bursts"):
        when = src.time_column("bursts")
        n = src.count("bursts")
        if n and when:
            dates = [str(r["d"]) for r in src.rows(f"SELECT CAST({q(when)} AS DATE) AS d FROM {src.ref('bursts')} ORDER BY 1 LIMIT 3")]
            out.append(Action(b.t("act_bursts", n=b.num(n), dates=", ".join(dates)), 50, ("bursts",)))
    for name in ("vetting", "influencers"):
        if src.has(name) and src.has_col(name, "fake_share"):
            who_col = next((c for c in ("handle", "account_id", "influencer") if src.has_col(name, c)), None)
            if who_col:
                for r in src.rows(f"SELECT {q(who_col)} AS who, fake_share FROM {src.ref(name)} WHERE fake_share >= 0.3 "
                                  f"ORDER BY fake_share DESC LIMIT 3"):
                    out.append(Action(b.t("act_influencer", who=r["who"], share=b.pct(r["fake_share"], 0)), 80, (name,)))
    cost = s.get("cost_per_conversion")
    if cost and s.get("return_on_engagement") is not None and s["return_on_engagement"] < 0:
        out.append(Action(b.t("act_cost", cost=b.num(cost, 2), roe=b.pct(s["return_on_engagement"], 0)), 45, ("cost_of_engagement",)))
    _k, median = pick(s, "median_response_minutes")
    if median is not None and median > 240:
        out.append(Action(b.t("act_slow", median=format_duration(median, b.lang)), 65))
    if src.has("weak_signals"):
        term_col = next((c for c in ("signal", "term", "terms", "theme", "label") if src.has_col("weak_signals", c)), None)
        if term_col:
            order = "lift DESC NULLS LAST" if src.has_col("weak_signals", "lift") else "1"
            for r in src.rows(f"SELECT {q(term_col)} AS term FROM {src.ref('weak_signals')} ORDER BY {order} LIMIT 2"):
                out.append(Action(b.t("act_weak", term=fmt_value(r["term"], b.lang)), 55, ("weak_signals",)))
    if src.has("goals") and src.has_col("goals", "goal", "status"):
        for r in src.rows(f"SELECT goal, status, actual, target FROM {src.ref('goals')} WHERE status IN ('behind', 'missed')"):
            progress = f"{fmt_value(r['actual'], b.lang)} / {fmt_value(r['target'], b.lang)} · {r['status']}"
            out.append(Action(b.t("act_goal", goal=r["goal"], progress=progress), 75, ("goals",)))
    if src.has("ambassadors") and src.has_col("ambassadors", "account_id"):
        n = src.scalar(f"SELECT count(DISTINCT account_id) FROM {src.ref('ambassadors')}") or 0
        if n:
            order = "min(a.rank)" if src.has_col("ambassadors", "rank") else "a.account_id"
            handle = "any_value(coalesce(c.handle, a.account_id))" if src.has_col("accounts", "handle") else "a.account_id"
            names = [str(r["w"]) for r in src.rows(
                f"SELECT {handle} AS w FROM {src.ref('ambassadors')} a LEFT JOIN {src.ref('accounts')} c "
                f"ON c.account_id = a.account_id GROUP BY a.account_id ORDER BY {order}, a.account_id LIMIT 3")]
            out.append(Action(b.t("act_ambassadors", n=b.num(n), names=", ".join(names)), 40, ("ambassadors",)))
    _k, lapsed = pick(s, "recently_inactive", "recently_inactive_members")
    if lapsed:
        out.append(Action(b.t("act_lapsed", n=b.num(lapsed)), 35))
    out.sort(key=lambda a: -a.priority)
    return out
