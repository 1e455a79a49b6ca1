"""`liens community`: members versus followers, levels, retention, ambassadors with their evidence,
and the content that earns real engagement against the vanity ranking by likes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ... import api
from ..i18n import format_number, format_percent, register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, safe, use_language

register({
    "cm_missing": {"en": "No community results in this store: run `liens analyze` first.",
                   "fr": "Aucun résultat communauté dans ce stockage : lancez d'abord `liens analyze`."},
    "cm_title": {"en": "Members versus followers", "fr": "Membres et abonnés"},
    "cm_followers": {"en": "Followers (vanity count)", "fr": "Abonnés (chiffre vitrine)"},
    "cm_follower_persons": {"en": "Followers we can see, as persons", "fr": "Abonnés visibles, en personnes"},
    "cm_members": {"en": "Members (took part, clean)", "fr": "Membres (ont participé, hors faux)"},
    "cm_active": {"en": "Active members (last {days} days)", "fr": "Membres actifs ({days} derniers jours)"},
    "cm_lethargic": {"en": "Lethargic share of the audience", "fr": "Part léthargique de l'audience"},
    "cm_new": {"en": "Newly active", "fr": "Nouveaux actifs"},
    "cm_inactive": {"en": "Recently inactive (formerly regular)", "fr": "Récemment inactifs (anciens réguliers)"},
    "cm_churn": {"en": "Churn (active before, silent in the last {days} days)",
                 "fr": "Attrition (actifs avant, silencieux ces {days} derniers jours)"},
    "cm_rate_clean": {"en": "Weighted engagement rate, clean", "fr": "Taux d'engagement pondéré, net"},
    "cm_rate_vanity": {"en": "Engagement rate as dashboards show it", "fr": "Taux d'engagement des tableaux de bord"},
    "cm_threads": {"en": "Conversation threads (answered by the brand)", "fr": "Fils de conversation (dont répondus par la marque)"},
    "cm_weights": {
        "en": "Each interaction weighs what it costs its author: like {like}, comment {comment}, save {save}, share {share}, story reply {story_reply}, private message {dm} (+{bonus} for a text of {chars}+ characters).",
        "fr": "Chaque interaction pèse ce qu'elle coûte à son auteur : j'aime {like}, commentaire {comment}, enregistrement {save}, partage {share}, réponse à une story {story_reply}, message privé {dm} (+{bonus} pour un texte de {chars} caractères ou plus).",
    },
    "cm_levels_title": {"en": "Member levels", "fr": "Niveaux des membres"},
    "cm_rule": {"en": "Needs", "fr": "Condition"},
    "cm_level_rule": {"en": "love ≥ {love} and {weeks}+ active weeks", "fr": "affection ≥ {love} et {weeks}+ semaines actives"},
    "cm_level_any": {"en": "any clean activity", "fr": "toute activité nette"},
    "cm_levels_note": {
        "en": "Love is the monthly clean score, keeping {decay} of itself each month; promotion is immediate, demotion one level every {months} month(s).",
        "fr": "L'affection est le score net mensuel, qui garde {decay} de sa valeur chaque mois ; la promotion est immédiate, la rétrogradation d'un niveau tous les {months} mois.",
    },
    "lvl_advocate": {"en": "advocate", "fr": "promoteur"},
    "lvl_contributor": {"en": "contributor", "fr": "contributeur"},
    "lvl_participant": {"en": "participant", "fr": "participant"},
    "lvl_explorer": {"en": "explorer", "fr": "explorateur"},
    "cm_cohorts_title": {"en": "Monthly retention cohorts (share still active)", "fr": "Cohortes mensuelles de rétention (part encore active)"},
    "cm_cohort": {"en": "First active", "fr": "Premier mois actif"},
    "cm_size": {"en": "Size", "fr": "Taille"},
    "cm_month_n": {"en": "M+{n}", "fr": "M+{n}"},
    "cm_amb_title": {"en": "Ambassadors: {kind}", "fr": "Ambassadeurs : {kind}"},
    "amb_regular": {"en": "regular commenters", "fr": "commentateurs réguliers"},
    "amb_defender": {"en": "defenders (support the brand under a critique)", "fr": "défenseurs (soutiennent la marque sous une critique)"},
    "amb_sharer": {"en": "spontaneous sharers (share or mention the brand unprompted)", "fr": "partageurs spontanés (partagent ou mentionnent la marque sans y être invités)"},
    "amb_none": {"en": "none found", "fr": "aucun"},
    "cm_evidence": {"en": "Evidence", "fr": "Preuves"},
    "cm_weeks": {"en": "Weeks", "fr": "Semaines"},
    "cm_examples": {"en": "Example interactions", "fr": "Exemples d'interactions"},
    "cm_posts_title": {"en": "Content: real engagement versus the vanity ranking by likes",
                       "fr": "Contenus : engagement réel contre classement vitrine par j'aime"},
    "cm_likes": {"en": "Likes", "fr": "J'aime"},
    "cm_likes_rank": {"en": "Rank by likes", "fr": "Rang par j'aime"},
    "cm_real": {"en": "Engagement, clean (raw)", "fr": "Engagement, net (brut)"},
    "cm_real_rank": {"en": "Real rank", "fr": "Rang réel"},
    "cm_by_format": {"en": "Real engagement per post by {dimension}", "fr": "Engagement réel par publication, par {dimension}"},
    "cm_posts": {"en": "Posts", "fr": "Publications"},
})


def _n(value: Any, decimals: int = 0) -> str:
    return format_number(None if value is None else float(value), decimals=decimals)


def _headline(summary: dict[str, Any], settings: api.CommunitySettings) -> None:
    table = Table(t("figure"), t("value"), title=t("cm_title"))
    days = settings.active_days
    threads = f"{_n(summary.get('conversation_threads'))} ({_n(summary.get('threads_answered_by_brand'))})"
    rows = [
        (t("cm_followers"), _n(summary.get("followers"))),
        (t("cm_follower_persons"), _n(summary.get("follower_persons"))),
        (t("cm_members"), _n(summary.get("members"))),
        (t("cm_active", days=days), _n(summary.get("active_members"))),
        (t("cm_lethargic"), format_percent(summary.get("lethargic_share"))),
        (t("cm_new"), _n(summary.get("newly_active_members"))),
        (t("cm_inactive"), _n(summary.get("recently_inactive_members"))),
        (t("cm_churn", days=days), format_percent(summary.get("churn_rate"))),
        (t("cm_rate_vanity"), format_percent(summary.get("vanity_engagement_rate"), decimals=2)),
        (t("rate_raw"), format_percent(summary.get("raw_engagement_rate"), decimals=2)),
        (t("cm_rate_clean"), format_percent(summary.get("clean_engagement_rate"), decimals=2)),
        (t("cm_threads"), threads),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    console.print(t("cm_weights", like=_n(settings.weight_like, 1), comment=_n(settings.weight_comment, 1),
                    save=_n(settings.weight_save, 1), share=_n(settings.weight_share, 1),
                    story_reply=_n(settings.weight_story_reply, 1), dm=_n(settings.weight_dm, 1),
                    bonus=_n(settings.long_text_bonus, 1), chars=settings.long_text_chars))


def _levels(summary: dict[str, Any], settings: api.CommunitySettings) -> None:
    counts = summary.get("member_levels") or {}
    table = Table(t("level"), t("members"), t("cm_rule"), title=t("cm_levels_title"))
    rules = {
        "advocate": (settings.advocate_love, settings.advocate_weeks),
        "contributor": (settings.contributor_love, settings.contributor_weeks),
        "participant": (settings.participant_love, settings.participant_weeks),
    }
    for level in api.MEMBER_LEVELS:
        rule = t("cm_level_rule", love=_n(rules[level][0]), weeks=rules[level][1]) if level in rules else t("cm_level_any")
        table.add_row(t(f"lvl_{level}"), _n(counts.get(level, 0)), rule)
    console.print(table)
    console.print(t("cm_levels_note", decay=format_percent(settings.love_monthly_decay, decimals=0),
                    months=settings.months_per_demotion))


def _cohorts(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    width = max(r["months_since"] for r in rows) + 1
    table = Table(t("cm_cohort"), t("cm_size"), *[t("cm_month_n", n=i) for i in range(width)],
                  title=t("cm_cohorts_title"))
    by_cohort: dict[Any, dict[int, float]] = {}
    sizes: dict[Any, int] = {}
    for r in rows:
        by_cohort.setdefault(r["cohort"], {})[r["months_since"]] = r["retention"]
        sizes[r["cohort"]] = r["cohort_size"]
    for cohort in sorted(by_cohort):
        cells = [format_percent(by_cohort[cohort][i], decimals=0) if i in by_cohort[cohort] else "" for i in range(width)]
        table.add_row(str(cohort)[:7], _n(sizes[cohort]), *cells)
    console.print(table)


def _ambassadors(rows: list[dict[str, Any]], handles: dict[str, str], limit: int) -> None:
    for kind in api.AMBASSADOR_KINDS:
        mine = sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["rank"])
        if not mine:
            console.print(t("cm_amb_title", kind=t(f"amb_{kind}")) + f": {t('amb_none')}")
            continue
        table = Table(t("account"), t("cm_evidence"), t("cm_weeks"), t("cm_examples"),
                      title=t("cm_amb_title", kind=t(f"amb_{kind}")))
        for r in mine[:limit]:
            table.add_row(safe(handles.get(r["account_id"]) or r["account_id"]), _n(r["evidence_count"]),
                          _n(r["evidence_weeks"]), safe(r["example_interaction_ids"] or ""))
        console.print(table)


def _content(posts: list[dict[str, Any]], content: list[dict[str, Any]], limit: int) -> None:
    table = Table(t("post"), t("format"), t("campaign"), t("cm_likes"), t("cm_likes_rank"),
                  t("cm_real"), t("cm_real_rank"), title=t("cm_posts_title"))
    for r in sorted(posts, key=lambda r: (r["real_rank"], r["post_id"]))[:limit]:
        table.add_row(safe(r["post_id"]), safe(r["format"] or ""), safe(r["campaign"] or ""), _n(r["likes"]),
                      _n(r["likes_rank"]), f"{_n(r['clean_engagement'])} ({_n(r['raw_engagement'])})", _n(r["real_rank"]))
    console.print(table)
    for dimension in ("format", "campaign"):
        mine = sorted((r for r in content if r["dimension"] == dimension), key=lambda r: r["real_rank"])
        if not mine:
            continue
        table = Table(t("value"), t("cm_posts"), t("cm_likes"), t("cm_likes_rank"), t("cm_real"), t("cm_real_rank"),
                      title=t("cm_by_format", dimension=t(f"cm_{dimension}").lower()))
        for r in mine[:limit]:
            table.add_row(safe(r["value"]), _n(r["posts"]), _n(r["likes_per_post"], 1), _n(r["likes_rank"]),
                          f"{_n(r['clean_engagement_per_post'], 1)} ({_n(r['raw_engagement_per_post'], 1)})",
                          _n(r["real_rank"]))
        console.print(table)


@app.command()
def community(
    store: StoreOption = DEFAULT_STORE_PATH,
    config: Annotated[Path | None, typer.Option("--config", help="Configuration file (default: ./liens.toml).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows shown per table.")] = 10,
    lang: LangOption = None,
) -> None:
    """Members versus followers, levels, retention cohorts, ambassadors with evidence, real versus vanity content."""
    use_language(lang)
    settings = api.load_config(config).community
    with api.open_store(store, read_only=True) as opened:
        if "members" not in opened.result_names():
            console.print(t("cm_missing"))
            raise typer.Exit(1)
        summary = opened.summary()
        ambassadors = opened.result("ambassadors").to_pylist()
        ids = sorted({r["account_id"] for r in ambassadors})
        handles: dict[str, str] = {}
        if ids:
            found = opened.con.execute(
                "SELECT account_id, handle FROM accounts WHERE account_id IN (SELECT unnest(?))", [ids]).fetchall()
            handles = {a: h for a, h in found if h}
        cohorts, posts, content = (opened.result(n).to_pylist() for n in ("cohorts", "posts", "content"))
    _headline(summary, settings)
    _levels(summary, settings)
    _cohorts(cohorts)
    _ambassadors(ambassadors, handles, limit)
    _content(posts, content, limit)
