"""Configuration: one typed object, read from `liens.toml` in the working folder (or `--config`).

Every threshold an analysis uses lives here with its documented default; `liens config` prints
them. Unknown sections or keys are errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

CONFIG_FILE = "liens.toml"


@dataclass
class BrandSettings:
    """Which accounts are the brand's. Empty: accounts with `is_brand`, else the most prolific author."""

    account_ids: list[str] = field(default_factory=list)
    name: str = ""


@dataclass
class PodSettings:
    """Engagement pods: accounts that engage each other's posts, promptly and nearly exhaustively.

    A pair is kept when, in both directions, each engaged at least `min_mutual_posts` of the
    other's posts; the weaker direction covers at least `min_coverage` of the other's posts
    published while it took part (first to last one it engaged) and is at least `min_reciprocity`
    of the stronger one; at least `min_prompt_share` of their engagements came within
    `prompt_minutes` of publication; their engagement of each other is at least `min_lift` times
    what their activity and the posts' popularity would give by chance; and they co-engaged at
    least `min_co_engagements` posts within `window_minutes` of each other. Kept pairs form a graph
    clustered with Leiden; members need `min_member_ties` kept pairs in their group, groups
    `min_group_size` members and a score of at least `score_threshold`. Accounts that exchanged
    prompt engagement both ways with at least `min_member_ties` members of a pod join it, round
    after round, the members joined counting in the next round.

    From the brand's own data (its posts' comments and its own outgoing likes and comments, where
    nobody else's interactions among themselves are known), an account is a pod mate of the brand
    when it engaged at least `brand_min_posts` of the brand's posts, covering at least
    `min_coverage` of those published while it took part, at least `min_prompt_share` of them
    within `prompt_minutes`; the brand engaged at least `brand_min_returns` of its posts in return;
    and at least `brand_min_co_arrival` of its prompt arrivals came within `window_minutes` of
    another such account's. `staff_accounts` are never flagged.
    """

    enabled: bool = field(default=True, metadata={"help": "Detect engagement pods at all."})
    window_minutes: float = field(default=30.0, metadata={"help": "Co-engagement time window: two accounts engaging the same post within this many minutes of each other co-engaged it."})
    min_co_engagements: int = field(default=2, metadata={"help": "Minimum posts a pair must have co-engaged (both engaged within the window of each other) to be kept: they act together, more than once."})
    min_mutual_posts: int = field(default=2, metadata={"help": "Minimum posts of the other each account of a pair must have engaged (both ways)."})
    min_coverage: float = field(default=0.3, metadata={"help": "Minimum share of the other's posts engaged, in the weaker direction of a pair (exhaustiveness)."})
    min_reciprocity: float = field(default=0.3, metadata={"help": "Minimum reciprocity of a pair: the weaker direction's coverage over the stronger's (0 = one-sided, 1 = balanced)."})
    prompt_minutes: float = field(default=60.0, metadata={"help": "An engagement is prompt when it comes within this many minutes of the post's publication."})
    min_prompt_share: float = field(default=0.5, metadata={"help": "Minimum share of a pair's mutual engagements that are prompt."})
    min_lift: float = field(default=2.0, metadata={"help": "Minimum ratio of a pair's engagement of each other to what chance would give from their activity and the posts' popularity (geometric mean of both directions)."})
    min_group_size: int = field(default=3, metadata={"help": "Minimum members of a pod."})
    min_member_ties: int = field(default=2, metadata={"help": "A member must form a kept pair with at least this many other members of its group (pods rotate, so not with all of them)."})
    score_threshold: float = field(default=0.5, metadata={"help": "Minimum pod score (0-1: geometric mean of density, reciprocity, coverage and promptness) to flag a group."})
    generic_max_words: int = field(default=3, metadata={"help": "A comment of at most this many words and no question is generic (also: emoji-only, or the same text written by several accounts)."})
    generic_min_accounts: int = field(default=5, metadata={"help": "A comment text written by at least this many accounts is generic."})
    seed: int = field(default=0, metadata={"help": "Seed of the Leiden clustering (same seed, same groups)."})
    staff_accounts: list[str] = field(default_factory=list, metadata={"help": "The brand's staff (account ids or handles): they comment the brand's posts at once and the brand likes theirs, like a pod; never flagged."})
    brand_min_posts: int = field(default=5, metadata={"help": "From the brand's own data: minimum brand posts an account engaged to be a pod mate of the brand."})
    brand_min_returns: int = field(default=3, metadata={"help": "From the brand's own data: minimum posts of the account the brand itself liked or commented (its own outgoing activity; replying under the account's comment on the brand's post does not count)."})
    brand_min_co_arrival: float = field(default=0.5, metadata={"help": "From the brand's own data: minimum share of an account's prompt arrivals on the brand's posts that came within `window_minutes` of another pod mate's (pods arrive together; loyal fans each on their own)."})


@dataclass
class CommunitySettings:
    """Community: weighted micro-engagement, members and levels, retention, ambassadors, identities.

    Each interaction weighs what it costs its author (`weight_<kind>`; a text of at least
    `long_text_chars` characters earns `long_text_bonus` more). A member is a person (accounts
    linked by `identities`, same handle or same e-mail) with at least `member_min_interactions`
    clean interactions with the brand; active when one falls in the last `active_days` days.
    Levels follow the Orbit model: love = monthly clean score, decayed by `love_monthly_decay`
    each month; a level needs both its love and its presence milestone (distinct active weeks);
    promotion is immediate, demotion one level per `months_per_demotion` months.
    """

    weight_like: float = field(default=1.0, metadata={"help": "Weight of a like (one tap)."})
    weight_reaction: float = field(default=1.0, metadata={"help": "Weight of a reaction (one tap)."})
    weight_view: float = field(default=0.0, metadata={"help": "Weight of a view (costs nothing)."})
    weight_click: float = field(default=0.5, metadata={"help": "Weight of a click."})
    weight_comment: float = field(default=3.0, metadata={"help": "Weight of a comment."})
    weight_reply: float = field(default=3.0, metadata={"help": "Weight of a reply in a thread."})
    weight_mention: float = field(default=6.0, metadata={"help": "Weight of a mention of the brand."})
    weight_save: float = field(default=6.0, metadata={"help": "Weight of a save (intends to come back)."})
    weight_share: float = field(default=8.0, metadata={"help": "Weight of a share (puts the author's name on it)."})
    weight_story_reply: float = field(default=8.0, metadata={"help": "Weight of a story reply (private, written)."})
    weight_dm: float = field(default=10.0, metadata={"help": "Weight of a private message."})
    long_text_chars: int = field(default=100, metadata={"help": "A text of at least this many characters is long."})
    long_text_bonus: float = field(default=3.0, metadata={"help": "Weight added to an interaction with a long text."})
    member_min_interactions: int = field(default=1, metadata={"help": "Clean engaging interactions (not views or clicks) with the brand that make a person a member."})
    active_days: int = field(default=30, metadata={"help": "Window, in days before the end of the data, for active members, newly active and recently inactive."})
    love_monthly_decay: float = field(default=0.7, metadata={"help": "Share of love kept from one month to the next (Orbit-style decay)."})
    advocate_love: float = field(default=100.0, metadata={"help": "Love needed for level 'advocate'."})
    contributor_love: float = field(default=30.0, metadata={"help": "Love needed for level 'contributor'."})
    participant_love: float = field(default=8.0, metadata={"help": "Love needed for level 'participant' (any love makes an 'explorer')."})
    advocate_weeks: int = field(default=8, metadata={"help": "Presence milestone: distinct active weeks needed for 'advocate'."})
    contributor_weeks: int = field(default=4, metadata={"help": "Presence milestone: distinct active weeks needed for 'contributor'."})
    participant_weeks: int = field(default=2, metadata={"help": "Presence milestone: distinct active weeks needed for 'participant'."})
    months_per_demotion: int = field(default=1, metadata={"help": "Demote slowly: at most one level lost per this many months."})
    regular_min_weeks: int = field(default=8, metadata={"help": "Regular commenter: commented (authentic; spam is judged per person) in at least this many distinct weeks (two months of weekly comments)."})
    regular_min_week_share: float = field(default=0.5, metadata={"help": "Regular commenter: commented in at least this share of the weeks in which they could have (the brand published on a platform where they have an account, between their first and last comment)."})
    defender_min_replies: int = field(default=3, metadata={"help": "Defender: at least this many replies taking the brand's side under someone else's critique (two can be chance)."})
    sharer_min_mentions: int = field(default=3, metadata={"help": "Spontaneous sharer: mentioned the brand unprompted, and not negatively, at least this many times (their shares of the brand's posts are kept as evidence; a share answers the brand's own post, a mention is the member's own initiative)."})
    prompted_campaign_words: list[str] = field(default_factory=lambda: ["contest", "giveaway", "concours", "jeu"], metadata={"help": "A share on a post whose campaign contains one of these words was prompted (a contest), not spontaneous."})
    link_same_handle: bool = field(default=False, metadata={"help": "Count accounts with the same handle on different platforms as one person. Off by default: common handles collide across platforms (on generated worlds two of three such links joined different people); turn on when your members' handles are distinctive."})
    link_same_email: bool = field(default=True, metadata={"help": "Count accounts with the same e-mail (column `email` of accounts, if any) as one person."})


@dataclass
class BusinessSettings:
    """Business outcomes: conversions tied to people and content, funnel, attribution, cost, goals.

    A conversion belongs to a person through its account (or, via `identities`, the person's other
    accounts); touches are a person's clean engaging interactions with the brand's posts during the
    `lookback_days` before converting. Hours in `costs` are turned into money at `hourly_rate`.
    """

    lookback_days: int = field(default=30, metadata={"help": "Attribution window: touches (clean engagements with the brand's posts) counted this many days before a conversion."})
    attribution_model: str = field(default="linear", metadata={"help": "Model shown first and used to credit campaigns: first_touch, last_touch or linear."})
    intent_kinds: list[str] = field(default_factory=lambda: ["purchase", "job", "cocreation"], metadata={"help": "Intents (from the conversation analysis) that move an engaged person to the funnel's 'showed intent' stage."})
    hourly_rate: float = field(default=0.0, metadata={"help": "Money per hour of work in `costs.hours`, added to `amount` (0: hours are reported but not priced)."})
    goals_as_of: str = field(default="", metadata={"help": "Date (YYYY-MM-DD) at which goal progress and pace are measured; empty: the last day of the data."})
    social_sources: list[str] = field(default_factory=lambda: ["social", "social media", "réseaux sociaux"], metadata={"help": "Conversion sources that mean social media (besides the platforms of the data, e.g. instagram): a conversion with such a source, or a campaign, but no known person is linked by campaign; other sources (website, newsletter) link it to nothing."})


@dataclass
class ConversationSettings:
    """Conversation: language, intent, sentiment, topics, weak signals and responsiveness.

    Intents: purchase, job, cocreation, support, critique, praise, generic, spam. A text needs an
    answer when it is addressed to the brand (on its post, to its account, in reply to it) and is a
    question or has an intent of `answer_intents`, or is a private message (`dm`, `story_reply`)
    other than spam. It is answered by a brand interaction whose `parent_id` is the text, or (for
    private messages, and public texts within `dm_answer_hours`) by a later brand DM to its author.
    """

    language_min_confidence: float = field(default=0.6, metadata={"help": "Below this lingua confidence, a text's language is 'other' (too short or neither French nor English)."})
    purchase_margin: float = field(default=0.6, metadata={"help": "A text is called a purchase intent only when the model's purchase score beats the runner-up by this margin (keeps leads precise)."})
    answer_intents: list[str] = field(default_factory=lambda: ["purchase", "job", "cocreation", "support", "critique"], metadata={"help": "Intents that need an answer from the brand."})
    urgency_order: list[str] = field(default_factory=lambda: ["purchase", "critique", "support", "job", "cocreation", "praise", "generic", "spam"], metadata={"help": "Order of the unanswered queue: earlier intents first, then older before newer."})
    dm_answer_hours: float = field(default=72.0, metadata={"help": "A brand DM to the author of a public comment within this many hours answers it (private messages: no limit)."})
    lead_intents: list[str] = field(default_factory=lambda: ["purchase", "job", "cocreation"], metadata={"help": "Intents that make an account a lead."})
    positive_threshold: float = field(default=0.1, metadata={"help": "Sentiment score above which a text is positive."})
    negative_threshold: float = field(default=-0.1, metadata={"help": "Sentiment score below which a text is negative."})
    topics: int = field(default=8, metadata={"help": "Number of topics (NMF components) over captions and comments."})
    topic_terms: int = field(default=6, metadata={"help": "Top terms that name a topic."})
    topic_max_documents: int = field(default=50000, metadata={"help": "Documents sampled to fit the topic model (all are then assigned)."})
    signal_recent_days: int = field(default=7, metadata={"help": "Weak signals: the recent window, in days before the end of the data."})
    signal_baseline_days: int = field(default=84, metadata={"help": "Weak signals: the baseline just before the recent window, in days (cut into windows as long as the recent one)."})
    signal_min_count: int = field(default=3, metadata={"help": "Weak signals: distinct authors using a term in the recent window, at least; terms used by fewer authors in all windows together are not tested."})
    signal_min_lift: float = field(default=3.0, metadata={"help": "Weak signals: recent rate over baseline rate, at least (baseline smoothed by half a mention)."})
    signal_max_q_value: float = field(default=0.05, metadata={"help": "Weak signals: q-value (false discovery rate over the terms tested, discrete Benjamini-Hochberg) of the one-sided binomial test, at most."})
    seed: int = field(default=0, metadata={"help": "Seed of the intent model and the topic model (same seed, same results)."})
    business_hours: str = field(default="", metadata={"help": "Opening hours the response target counts in, e.g. 'mon-fri 09:00-18:00 Europe/Paris' (days, hours, optional time zone; groups separated by ';'; French day names too). Empty: round the clock, UTC."})
    response_target_hours: float = field(default=24.0, metadata={"help": "Response target: hours (business hours when `business_hours` is set) within which a text that needs an answer should get one."})


@dataclass
class AlertingSettings:
    """Alerts, their delivery, the "what changed" digest and the unattended `liens run` (issue 21).

    Rules are `[[alerts]]` tables (see docs/alerts.md); these are the settings they share. SMTP
    credentials come from the environment (`LIENS_SMTP_USER`, `LIENS_SMTP_PASSWORD`), never from here.
    """

    language: str = field(default="", metadata={"help": "Language of alerts and digests: fr or en; empty: the brand's own (most of its texts), else English."})
    recent_days: int = field(default=7, metadata={"help": "Alerts look at the last this many days of data: older events never raise one."})
    channels: list[str] = field(default_factory=lambda: ["terminal"], metadata={"help": "Channels of the rules that name none: terminal, webhook, email."})
    webhook_url: str = field(default="", metadata={"help": "URL the webhook channel POSTs each batch of alerts to (JSON)."})
    webhook_format: str = field(default="json", metadata={"help": "Body of the webhook: json (Liens' own) or slack (a Slack-compatible {\"text\", \"blocks\"} body)."})
    smtp_host: str = field(default="", metadata={"help": "SMTP server of the email channel."})
    smtp_port: int = field(default=587, metadata={"help": "Port of the SMTP server."})
    smtp_starttls: bool = field(default=True, metadata={"help": "Upgrade the SMTP connection with STARTTLS before logging in (credentials: LIENS_SMTP_USER and LIENS_SMTP_PASSWORD in the environment)."})
    smtp_ca_file: str = field(default="", metadata={"help": "Certificate authority file to trust for STARTTLS (empty: the system's)."})
    smtp_from: str = field(default="", metadata={"help": "Sender address of alert and digest e-mails."})
    smtp_to: list[str] = field(default_factory=list, metadata={"help": "Recipients of alert and digest e-mails."})
    timeout_seconds: float = field(default=10.0, metadata={"help": "Network timeout of one delivery attempt."})
    retries: int = field(default=3, metadata={"help": "Attempts after the first when a delivery fails (then it waits for the next run; the alert is kept)."})
    backoff_seconds: float = field(default=2.0, metadata={"help": "Wait before the first retry, doubled at each further one."})
    digest_every_days: int = field(default=7, metadata={"help": "`liens run` sends the digest when this many days of data have passed since the last one (0: never)."})
    digest_channels: list[str] = field(default_factory=list, metadata={"help": "Channels of the digest (empty: the `channels`)."})
    inbox: str = field(default="", metadata={"help": "Folder `liens run` picks new export files up from (also `--inbox`)."})


@dataclass
class AudienceSettings:
    """Audience quality: follower scoring, labels, the Audience Quality Score and follower bursts (issue 4)."""

    fake_threshold: float = field(default=0.5, metadata={"help": "A follower is labelled 'fake' when it is among the estimated number of fakes (highest fake_score first) and its fake_score (probability of being fake) is at least this."})
    min_profile_share: float = field(default=0.5, metadata={"help": "The fake share is estimated only when at least this share of the followers has two or more of posts_count, followers_count, following_count, has_profile_picture; otherwise it is reported as not measurable."})
    wide_interval: float = field(default=0.15, metadata={"help": "A fake-share interval wider than this (high - low) is flagged: the sample is too small or the profiles too ambiguous for a useful figure."})
    allow_staff: list[str] = field(default_factory=list, metadata={"help": "Staff accounts (ids or handles): never flagged, counted apart."})
    allow_partners: list[str] = field(default_factory=list, metadata={"help": "Partner accounts (ids or handles): never flagged, counted apart."})
    allow_fans: list[str] = field(default_factory=list, metadata={"help": "Known fans (ids or handles): never flagged, counted apart."})
    mass_following: int = field(default=1500, metadata={"help": "A follower that follows at least this many accounts is a 'mass_follower' (HypeAuditor's definition): real or not, it sees little of what it follows."})
    inactive_max_posts: int = field(default=10, metadata={"help": "A follower with fewer posts than this that never interacted with anything in the data is 'inactive'."})
    inactive_min_days: int = field(default=30, metadata={"help": "Followers of fewer days than this are not called inactive (they had no time to interact)."})
    burst_window_days: int = field(default=28, metadata={"help": "Width of the centred rolling window of the gain baseline (median and MAD), in days."})
    burst_min_z: float = field(default=5.0, metadata={"help": "A day's gain is anomalous when it is at least this many robust deviations above the baseline..."})
    burst_min_excess: int = field(default=10, metadata={"help": "...and at least this many followers above it."})
    burst_min_cohort: int = field(default=10, metadata={"help": "Followers who joined during a spike needed to judge it by their fake share."})
    burst_min_fake_share: float = field(default=0.5, metadata={"help": "A spike is a purchase when at least this share of the followers above the usual intake look fake."})
    viral_engagement_ratio: float = field(default=5.0, metadata={"help": "A post of the account that day or the day before with this many times its usual engagement explains a spike (viral)."})
    weight_real_share: float = field(default=0.35, metadata={"help": "Audience Quality Score weight of the share of followers that are not fake."})
    weight_reachable_share: float = field(default=0.25, metadata={"help": "Audience Quality Score weight of the share of non-fake followers that are reachable (neither inactive nor mass-followers)."})
    weight_engagement_authenticity: float = field(default=0.25, metadata={"help": "Audience Quality Score weight of the share of engagement that is authentic (not pods, not fake accounts)."})
    weight_growth_integrity: float = field(default=0.15, metadata={"help": "Audience Quality Score weight of the share of follower growth that was not bought."})
    ci_level: float = field(default=0.95, metadata={"help": "Confidence level of the fake share's interval (and of the Wilson intervals of the other shares)."})
    vet_accounts: list[str] = field(default_factory=list, metadata={"help": "Other accounts (influencers) whose audience `liens analyze` vets from a sample of their followers (table `vetting`)."})
    vet_sample: int = field(default=1000, metadata={"help": "Followers sampled per vetted account."})
    model_trees: int = field(default=100, metadata={"help": "Trees of the random forest `liens audience train` fits."})
    cv_folds: int = field(default=5, metadata={"help": "Folds of `liens audience evaluate`'s repeated stratified cross-validation."})
    cv_repeats: int = field(default=10, metadata={"help": "Repeats of `liens audience evaluate`'s cross-validation."})
    seed: int = field(default=0, metadata={"help": "Seed of the model and of the cross-validation splits."})


@dataclass
class Config:
    brand: BrandSettings = field(default_factory=BrandSettings)
    pods: PodSettings = field(default_factory=PodSettings)
    audience: AudienceSettings = field(default_factory=AudienceSettings)
    conversation: ConversationSettings = field(default_factory=ConversationSettings)
    community: CommunitySettings = field(default_factory=CommunitySettings)
    business: BusinessSettings = field(default_factory=BusinessSettings)
    alerting: AlertingSettings = field(default_factory=AlertingSettings)
    # Goals are parsed and checked by the business analysis; kept raw here.
    goals: list[dict[str, Any]] = field(default_factory=list)
    # `[[alerts]]` rules, parsed and checked by liens.alerts.rules; kept raw here with their lines
    # in the file (alert_lines[i]: "" -> the table's header line, key -> the key's line).
    alerts: list[dict[str, Any]] = field(default_factory=list)
    alert_lines: list[dict[str, int]] = field(default_factory=list)
    source: str = ""  # the file this came from, for messages


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting '{key}' (known: {', '.join(sorted(known))})")
        default = getattr(cls(), key)
        if is_dataclass(default):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key}: expected a table of settings")
            kwargs[key] = _build(type(default), value, f"{where}.{key}")
            continue
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"{where}.{key}: expected true or false, got {value!r}")
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}.{key}: expected a number, got {value!r}")
            value = type(default)(value) if isinstance(default, float) else value
        if isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{where}.{key}: expected text, got {value!r}")
        if isinstance(default, (list, dict)) and not isinstance(value, type(default)):
            raise ConfigError(f"{where}.{key}: expected a {'list' if isinstance(default, list) else 'table'}")
        kwargs[key] = value
    return cls(**kwargs)


def load_config(path: str | Path | None = None) -> Config:
    """Read `path`, or `liens.toml` in the working folder when it exists, else the defaults."""
    if path is None:
        candidate = Path.cwd() / CONFIG_FILE
        if not candidate.exists():
            return Config()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    goals = data.pop("goals", [])
    if isinstance(goals, dict):
        goals = [dict(v, name=k) if isinstance(v, dict) else {"name": k, "target": v} for k, v in goals.items()]
    if not isinstance(goals, list):
        raise ConfigError(f"{path}: [goals] must be a table or an array of tables")
    alerts = data.pop("alerts", [])
    if not isinstance(alerts, list) or not all(isinstance(a, dict) for a in alerts):
        raise ConfigError(f"{path}: alerts must be [[alerts]] tables (an array of tables)")
    config = _build(Config, data, str(path))
    config.goals = goals
    config.alerts = alerts
    config.alert_lines = _array_table_lines(path.read_text(encoding="utf-8"), "alerts")
    config.source = str(path)
    return config


def _array_table_lines(text: str, name: str) -> list[dict[str, int]]:
    """Line numbers (1-based) of each `[[name]]` table of a TOML text and of its keys, for messages."""
    found: list[dict[str, int]] = []
    current: dict[str, int] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            current = {"": number} if line.replace(" ", "") == f"[[{name}]]" else None
            if current is not None:
                found.append(current)
            continue
        if current is not None and "=" in line and not line.startswith("#"):
            key = line.split("=", 1)[0].strip().strip('"').strip("'")
            current.setdefault(key, number)
    return found


def describe(config: Config) -> list[tuple[str, Any, str]]:
    """(setting, value, meaning) rows for `liens config`; meanings come from each settings class's docstring."""
    rows: list[tuple[str, Any, str]] = []

    def walk(obj: Any, prefix: str) -> None:
        doc = (type(obj).__doc__ or "").strip()
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name in ("goals", "source", "alerts", "alert_lines"):
                continue
            if is_dataclass(value):
                walk(value, f"{prefix}{f.name}.")
            else:
                rows.append((prefix + f.name, value, f.metadata.get("help", doc)))

    walk(config, "")
    return rows
