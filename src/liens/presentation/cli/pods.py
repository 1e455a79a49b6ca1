"""`liens pods`: the engagement pods found, with the evidence for each, and what they inflate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ... import api
from ..i18n import format_number, format_percent, register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, safe, use_language

register({
    "pods_none": {"en": "No engagement pod found.", "fr": "Aucun pod d'engagement détecté."},
    "pods_off": {"en": "Pod detection is turned off in the configuration ({reason}).",
                 "fr": "La détection des pods est désactivée dans la configuration ({reason})."},
    "pods_headline": {
        "en": "{pods} engagement pod(s), {members} account(s): {share} of all engagement came from pods.",
        "fr": "{pods} pod(s) d'engagement, {members} compte(s) : {share} de tout l'engagement vient de pods.",
    },
    "pods_brand": {
        "en": "Your brand is itself in a pod ({pods}). That engagement is removed from your posts' clean figures.",
        "fr": "Votre marque fait elle-même partie d'un pod ({pods}). Cet engagement est retiré des chiffres nets de vos publications.",
    },
    "pods_brand_figures": {
        "en": "Engagement on your posts: {raw} raw, {pod} from pods, {clean} without pods.",
        "fr": "Engagement sur vos publications : {raw} brut, {pod} venant de pods, {clean} sans les pods.",
    },
    "pods_rule": {
        "en": ("A pod is a group of at least {size} accounts that engage each other's posts: both ways "
               "(each covers at least {coverage} of the other's posts), promptly (at least {prompt_share} "
               "within {prompt} min of publication), at least {lift}× more than their activity would give "
               "by chance, with a score of at least {score}. Thresholds: `liens config`, section pods."),
        "fr": ("Un pod est un groupe d'au moins {size} comptes qui s'engagent sur les publications les uns des "
               "autres : dans les deux sens (chacun couvre au moins {coverage} des publications de l'autre), "
               "vite (au moins {prompt_share} dans les {prompt} min après publication), au moins {lift} fois "
               "plus que ne le donnerait le hasard vu leur activité, avec un score d'au moins {score}. "
               "Seuils : `liens config`, section pods."),
    },
    "pod_title": {"en": "{pod} — score {score}, {members} members", "fr": "{pod} — score {score}, {members} membres"},
    "pod_evidence": {
        "en": ("{posts} posts co-engaged · median delay {delay} min · {prompt} prompt · reciprocity {recip} · "
               "coverage {coverage} · {lift}× chance · generic comments {generic} · {engagements} engagements"),
        "fr": ("{posts} publications co-engagées · délai médian {delay} min · {prompt} rapides · réciprocité {recip} · "
               "couverture {coverage} · {lift} fois le hasard · commentaires génériques {generic} · {engagements} engagements"),
    },
    "pod_examples": {"en": "Typical comments: {examples}", "fr": "Commentaires typiques : {examples}"},
    "col_brand": {"en": "Brand", "fr": "Marque"},
    "col_member_coverage": {"en": "Posts covered by the others", "fr": "Publications couvertes par les autres"},
    "col_member_pairs": {"en": "Strong ties in the pod", "fr": "Liens forts dans le pod"},
    "pods_more": {"en": "… and {n} more member(s)", "fr": "… et {n} autre(s) membre(s)"},
    "col_pod_evidence": {"en": "Found by", "fr": "Trouvé par"},
    "pod_evidence_co_engagement": {"en": "co-engagement", "fr": "co-engagement"},
    "pod_evidence_brand_exchange": {"en": "the brand's own data", "fr": "les données de la marque"},
    "pod_evidence_both": {"en": "both", "fr": "les deux"},
    "pods_view_full": {
        "en": "Data view: full (engagement between other accounts is in the data): both evidences ran.",
        "fr": "Vue des données : complète (l'engagement entre autres comptes est dans les données) : les deux preuves ont tourné.",
    },
    "pods_view_brand": {
        "en": "Data view: the brand's own data only (its posts' comments, its own likes and comments): the brand-centred evidence ran.",
        "fr": "Vue des données : celles de la marque seulement (commentaires de ses publications, ses propres likes et commentaires) : la preuve centrée sur la marque a tourné.",
    },
    "vet_title": {"en": "Pod vetting of {who}: {posts} posts, {engagers} accounts engaged them.",
                  "fr": "Vérification des pods de {who} : {posts} publications, {engagers} comptes s'y sont engagés."},
    "vet_reciprocity_known": {
        "en": "The data holds the account's own activity: members must engage its posts and be engaged back.",
        "fr": "Les données contiennent l'activité du compte : les membres doivent s'engager sur ses publications et recevoir un engagement en retour.",
    },
    "vet_reciprocity_unknown": {
        "en": ("Only its posts and their comments: reciprocity cannot be seen, so {left} frequent commenter(s) "
               "writing mostly in their own words (under {generic} generic comments) were left out as fans."),
        "fr": ("Seulement ses publications et leurs commentaires : la réciprocité ne se voit pas, donc {left} commentateur(s) "
               "fréquent(s) écrivant surtout avec leurs propres mots (moins de {generic} de commentaires génériques) ont été écartés comme fans."),
    },
    "vet_none": {"en": "No pod: its engagement does not come from a group acting together.",
                 "fr": "Aucun pod : son engagement ne vient pas d'un groupe agissant ensemble."},
    "vet_pod": {
        "en": ("Pod found (score {score}): {members} account(s) engage its posts promptly and together: median delay {delay} min, "
               "{prompt} prompt, {posts} posts co-engaged, generic comments {generic}."),
        "fr": ("Pod détecté (score {score}) : {members} compte(s) s'engagent sur ses publications vite et ensemble : délai médian {delay} min, "
               "{prompt} rapides, {posts} publications co-engagées, commentaires génériques {generic}."),
    },
    "col_vet_share": {"en": "Share of its posts", "fr": "Part de ses publications"},
    "col_vet_delay": {"en": "Median delay (min)", "fr": "Délai médian (min)"},
    "col_vet_co_arrival": {"en": "Arrives with the others", "fr": "Arrive avec les autres"},
    "col_vet_generic": {"en": "Generic comments", "fr": "Commentaires génériques"},
})



def print_pods(rows: list[dict[str, Any]], summary: dict[str, Any], settings: api.PodSettings, limit: int) -> None:
    """Print the pods (rows of the `pods` result) and the headline figures."""
    if summary.get("pods_skipped"):
        console.print(t("pods_off", reason=safe(summary["pods_skipped"])))
        return
    console.print(t("pods_rule", size=settings.min_group_size, coverage=format_percent(settings.min_coverage, decimals=0),
                    prompt_share=format_percent(settings.min_prompt_share, decimals=0),
                    prompt=format_number(settings.prompt_minutes), lift=format_number(settings.min_lift, decimals=1),
                    score=format_number(settings.score_threshold, decimals=2)))
    if not rows:
        console.print(t("pods_none"))
        return
    console.print(t("pods_headline", pods=summary.get("pod_count", 0), members=summary.get("pod_members", 0),
                    share=format_percent(summary.get("pod_engagement_share"))), style="bold")
    if summary.get("brand_in_pod"):
        console.print(t("pods_brand", pods=", ".join(summary.get("brand_pod_ids") or [])), style="bold red")
    if summary.get("pods_data_view") in ("full", "brand"):
        console.print(t(f"pods_view_{summary['pods_data_view']}"))
    if summary.get("brand_posts_engagement_raw") is not None:
        console.print(t("pods_brand_figures", raw=format_number(summary.get("brand_posts_engagement_raw")),
                        pod=format_number(summary.get("brand_posts_engagement_pods")),
                        clean=format_number(summary.get("brand_posts_engagement_clean"))))
    by_pod: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_pod.setdefault(row["pod_id"], []).append(row)
    for pod, members in by_pod.items():
        first = members[0]
        console.print()
        console.print(t("pod_title", pod=safe(pod), score=format_number(first["pod_score"], decimals=2), members=first["members"]),
                      style="bold")
        console.print(t(
            "pod_evidence", posts=format_number(first["posts_co_engaged"]), delay=format_number(first["median_delay_minutes"]),
            prompt=format_percent(first["prompt_share"], decimals=0), recip=format_percent(first["reciprocity"], decimals=0),
            coverage=format_percent(first["coverage"], decimals=0), lift=format_number(first["lift"], decimals=1),
            generic=format_percent(first["generic_comment_share"], decimals=0),
            engagements=format_number(first["pod_engagements"]),
        ))
        if first.get("example_comments"):
            console.print(t("pod_examples", examples=safe(first["example_comments"])))
        table = Table(t("account"), t("col_brand"), t("col_member_coverage"), t("col_member_pairs"), t("col_pod_evidence"))
        ranked = sorted(members, key=lambda r: (not r["is_brand"], -(r["member_pairs"] or 0), r["account_id"]))
        for row in ranked[:limit]:
            table.add_row(safe(row.get("handle") or row["account_id"]), t("yes") if row["is_brand"] else "",
                          format_percent(row["member_coverage"], decimals=0), format_number(row["member_pairs"]),
                          _evidence(row.get("evidence")))
        console.print(table)
        if len(members) > limit:
            console.print(t("pods_more", n=len(members) - limit))


def _evidence(value: str | None) -> str:
    return t(f"pod_evidence_{value}") if value in ("co_engagement", "brand_exchange", "both") else safe(value or "")


def print_vetting(found: dict[str, Any], limit: int) -> None:
    """Print what `api.vet_pods` found for one account."""
    who = f"@{found['handle']}" if found.get("handle") else found["account_id"]
    console.print(t("vet_title", who=safe(who), posts=format_number(found["posts"]),
                    engagers=format_number(found["engagers"])), style="bold")
    if found["reciprocity_known"]:
        console.print(t("vet_reciprocity_known"))
    else:
        console.print(t("vet_reciprocity_unknown", left=format_number(found["left_out_specific"]),
                        generic=format_percent(found["min_generic_share"], decimals=0)))
    if not found["in_pod"]:
        console.print(t("vet_none"))
        return
    console.print(t("vet_pod", score=format_number(found["pod_score"], decimals=2), members=found["members"],
                    delay=format_number(found["median_delay_minutes"]), prompt=format_percent(found["prompt_share"], decimals=0),
                    posts=format_number(found["posts_co_engaged"]),
                    generic=format_percent(found["generic_comment_share"], decimals=0)), style="bold red")
    if found.get("example_comments"):
        console.print(t("pod_examples", examples=safe(found["example_comments"])))
    table = Table(t("account"), t("col_vet_share"), t("col_vet_delay"), t("col_vet_co_arrival"), t("col_vet_generic"))
    members = sorted(found["pod_members"], key=lambda m: (-m["posts_engaged"], m["account_id"]))
    for m in members[:limit]:
        name = f"@{m['handle']}" if m.get("handle") else m["account_id"]
        table.add_row(safe(name), format_percent(m["share_of_posts"], decimals=0), format_number(m["median_delay_minutes"]),
                      format_percent(m["co_arrival"], decimals=0), format_percent(m["generic_comment_share"], decimals=0))
    console.print(table)
    if len(members) > limit:
        console.print(t("pods_more", n=len(members) - limit))


@app.command()
def pods(
    store: StoreOption = DEFAULT_STORE_PATH,
    config: Annotated[Path | None, typer.Option("--config", help="Configuration file (default: ./liens.toml).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Members shown per pod.")] = 20,
    account: Annotated[str | None, typer.Option(
        "--account", metavar="TEXT",
        help="Vet another account (an influencer) by handle or id: do the comments on its posts come from a pod?")] = None,
    lang: LangOption = None,
) -> None:
    """Engagement pods: who, the evidence (co-engaged posts, delay, reciprocity, coverage), and what they inflate."""
    use_language(lang)
    if account is not None:
        print_vetting(api.vet_pods(store, account, api.load_config(config)), limit)
        return
    settings = api.load_config(config).pods
    with api.open_store(store, read_only=True) as opened:
        table = opened.result("pods")
        handles = {}
        if opened.has_table("accounts") and table.num_rows:
            ids = table.column("account_id").to_pylist()
            found = opened.con.execute(
                "SELECT account_id, handle FROM accounts WHERE account_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
            handles = {a: h for a, h in found if h}
        summary = opened.summary()
    rows = [dict(row, handle=handles.get(row["account_id"])) for row in table.to_pylist()]
    print_pods(rows, summary, settings, limit)
