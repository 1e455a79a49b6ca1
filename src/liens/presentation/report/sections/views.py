"""Where each result table is shown: its section, its columns first, its order (one `TableView` each).

Adding a result table later usually needs one entry in `VIEWS`; tables with no view still appear,
generically, under "All figures".
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableView:
    """How a result table is shown: in which section, which columns first, in which order."""

    section: str
    columns: tuple[str, ...] = ()  # preferred columns, in order (absent ones are skipped)
    sort: tuple[tuple[str, bool], ...] = ()  # (column, descending)
    limit: int = 15
    links: dict[str, str] = field(default_factory=dict)  # column -> drill-down kind ("pod", "account")
    condition: str = "TRUE"  # SQL filter on the table's own columns


# Where each analysis's tables go. `accounts` and `interactions` are shown through charts.
VIEWS: dict[str, TableView] = {
    "bursts": TableView("authenticity", ("date", "owner_id", "gain", "expected_gain", "cohort_fake_share", "explanation"),
                        sort=(("date", False),), links={"owner_id": "account"}),
    "growth_spikes": TableView("authenticity", ("date", "owner_id", "kind", "gain", "expected_gain", "explanation"),
                               sort=(("date", False),), links={"owner_id": "account"}),
    "vetting": TableView("authenticity", ("account_id", "followers", "fake_share", "inactive_share", "mass_follower_share", "real_reachable_audience",
                                          "audience_quality_score"),
                         sort=(("fake_share", True),), links={"account_id": "account"}),
    "members": TableView("community", ("member_id", "member_level", "member_status", "engagement_score", "active_weeks",
                                       "clean_interactions", "ambassador_kind", "last_active_at"),
                         sort=(("engagement_score", True), ("member_id", False)), links={"member_id": "member"}),
    "ambassadors": TableView("community", ("rank", "account_id", "kind", "evidence_count", "evidence_weeks",
                                           "example_interaction_ids"),
                             sort=(("rank", False), ("kind", False)), links={"account_id": "account", "member_id": "member"}),
    "posts": TableView("community", ("post_id", "likes", "clean_engagement", "engaged_members", "clean_share", "likes_rank",
                                     "real_rank", "rank_change"),
                       sort=(("real_rank", False), ("clean_engagement", True))),
    "content": TableView("community", ("dimension", "value", "posts", "likes_per_post", "raw_engagement_per_post",
                                       "clean_engagement_per_post", "likes_rank", "real_rank"),
                         sort=(("dimension", False), ("real_rank", False)), limit=30),
    "periods": TableView("community", ("month", "raw_interactions", "clean_interactions", "raw_engagement", "clean_engagement",
                                       "active_members", "new_members", "returning_members", "churned_members"),
                         sort=(("month", False),), limit=24),
    "topics": TableView("conversation", ("label", "terms", "posts", "texts", "clean_engagement", "share_of_clean_engagement"),
                        sort=(("clean_engagement", True), ("topic_id", False))),
    "weak_signals": TableView("conversation", ("signal", "kind", "recent_authors", "baseline_authors", "lift", "q_value"),
                              sort=(("q_value", False), ("lift", True))),
    "unanswered": TableView("responsiveness", ("rank", "waiting_hours", "intent", "actor_id", "post_id", "text"),
                            sort=(("rank", False), ("urgency", True), ("created_at", False)), limit=20,
                            links={"actor_id": "account"}),
    "leads": TableView("business", ("created_at", "account_id", "intent", "text", "answered", "converted", "conversion_kind"),
                       sort=(("created_at", True),), links={"account_id": "account"}),
    "conversions": TableView("business", ("occurred_at", "kind", "account_id", "linked_by", "value", "campaign",
                                          "days_to_convert"),
                             sort=(("occurred_at", False),), links={"account_id": "account", "member_id": "member"}),
    "funnel": TableView("business", ("period", "platform", "followers", "engaged_members", "members_with_intent", "converted_members",
                                     "conversion_rate"),
                        sort=(("period", False), ("platform", False)), limit=24, condition="segment_by = 'all'"),
    "attribution": TableView("business", ("dimension", "value", "conversions", "linear_share", "likes_share", "rank_by_conversions", "rank_by_likes"),
                             sort=(("dimension", False), ("rank_by_conversions", False)), limit=20),
    "attribution_touches": TableView("business", ("occurred_at", "member_id", "conversion_kind", "kind", "post_id", "days_before", "linear"),
                                     sort=(("occurred_at", True), ("touched_at", True)), limit=10, links={"member_id": "member"}),
    "cost_of_engagement": TableView("business", ("scope", "scope_value", "cost", "engaged_members", "leads", "conversions",
                                                 "cost_per_engaged_member", "cost_per_lead", "cost_per_conversion",
                                                 "return_on_engagement")),
    "campaign_impact": TableView("business", ("campaign", "window", "start", "engaged_members", "new_members",
                                              "conversions", "new_followers", "engaged_lift", "conversions_lift"), sort=(("campaign", False), ("start", False))),
    "goals": TableView("business", ("goal", "metric", "target", "actual", "expected_by_now", "progress", "status", "note")),
}
# The accounts that take part most (with every flag the analyses put on them).
TOP_ACCOUNTS = TableView("community", ("account_id", "platform", "interactions_made", "engagement_score", "member_level",
                                       "active_weeks", "ambassador_kind", "pod_id", "audience_label"),
                         sort=(("engagement_score", True), ("interactions_made", True), ("account_id", False)), limit=10,
                         links={"account_id": "account", "pod_id": "pod"}, condition="NOT coalesce(is_brand, FALSE)")
# The segments of the funnel (by member level, …) go in a table of their own.
FUNNEL_SEGMENTS = TableView("business", ("segment_by", "segment", "engaged_members", "members_with_intent", "converted_members",
                                         "intent_rate", "conversion_rate", "median_days_to_convert"),
                            sort=(("segment_by", False), ("conversion_rate", True)), limit=30,
                            condition="segment_by <> 'all' AND period = 'all' AND platform = 'all'")
# Tables a section presents with a builder of its own (charts, aggregates).
CUSTOM = {"accounts", "interactions", "pods", "cohorts"}
# Pod-level evidence (repeated on each member's row), in the order shown.
POD_EVIDENCE = ("members", "pod_score", "posts_co_engaged", "median_delay_minutes", "reciprocity", "coverage",
                "example_comments")  # the rest (prompt share, lift, generic comments…) on the pod's own page


def presented(name: str) -> bool:
    """Whether the table has a dedicated presentation (the report test checks every table has one)."""
    return name in VIEWS or name in CUSTOM
