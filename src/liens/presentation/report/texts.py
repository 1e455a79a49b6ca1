"""The report's and the dashboard's words, in English and French.

Column labels are `col:<column>`; headline figures of summary.json are `fig:<key>` (the test that
every figure is shown checks each key has one); table titles are `tbl:<table>`.
"""

from __future__ import annotations

from ..i18n import register, t

register({
    # page
    "r_title": {"en": "What is real in your social presence", "fr": "Ce qui est réel dans votre présence sociale"},
    "r_subtitle": {"en": "Liens report · {brand} · {start} → {end}", "fr": "Rapport Liens · {brand} · {start} → {end}"},
    "r_generated": {"en": "Generated {when} from {interactions} interactions. Charts work offline; use the ⋯ menu of a chart to save it as SVG or PNG.",
                    "fr": "Généré le {when} à partir de {interactions} interactions. Les graphiques fonctionnent hors ligne ; le menu ⋯ d'un graphique l'enregistre en SVG ou PNG."},
    "r_contents": {"en": "Contents", "fr": "Sommaire"},
    "r_not_run": {"en": "Not available: the {analysis} analysis has not run on this store.",
                  "fr": "Indisponible : l'analyse « {analysis} » n'a pas été lancée sur ce stockage."},
    "r_no_rows": {"en": "Nothing to show for this selection.", "fr": "Rien à afficher pour cette sélection."},
    "r_showing": {"en": "Showing {shown} of {total} rows.", "fr": "{shown} lignes affichées sur {total}."},
    "r_see_all": {"en": "See all, sort and page", "fr": "Tout voir, trier et paginer"},
    "r_whole_period": {"en": "Figures for the whole period and all platforms (the filters apply to tables and charts that have dates or platforms).",
                       "fr": "Chiffres sur toute la période et toutes les plateformes (les filtres s'appliquent aux tableaux et graphiques datés ou par plateforme)."},
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "days": {"en": "days", "fr": "jours"},
    "no_analysis": {"en": "No analysis has run on this store yet: run `liens analyze` first.",
                    "fr": "Aucune analyse n'a encore tourné sur ce stockage : lancez d'abord `liens analyze`."},
    # sections
    "sec_vanity": {"en": "Vanity vs real", "fr": "Vitrine ou réalité"},
    "sec_vanity_intro": {"en": "What a usual dashboard shows, next to what is left once pods, fake and inactive followers are removed.",
                         "fr": "Ce qu'affiche un tableau de bord habituel, à côté de ce qui reste une fois retirés les pods et les abonnés faux ou inactifs."},
    "sec_authenticity": {"en": "Authenticity", "fr": "Authenticité"},
    "sec_authenticity_intro": {"en": "Engagement pods with their evidence, the quality of the audience, and bursts on the follower curve.",
                               "fr": "Les pods d'engagement et leurs preuves, la qualité de l'audience, et les pics sur la courbe d'abonnés."},
    "sec_community": {"en": "Community", "fr": "Communauté"},
    "sec_community_intro": {"en": "Members rather than followers: levels, retention and ambassadors.",
                            "fr": "Des membres plutôt que des abonnés : niveaux, fidélité et ambassadeurs."},
    "sec_conversation": {"en": "Conversation", "fr": "Conversation"},
    "sec_conversation_intro": {"en": "What people say: intents, sentiment, topics and rising themes.",
                               "fr": "Ce que disent les gens : intentions, tonalité, thèmes et signaux faibles."},
    "sec_responsiveness": {"en": "Responsiveness", "fr": "Réactivité"},
    "sec_responsiveness_intro": {"en": "Does the brand answer, and how fast? The queue of what still waits for an answer.",
                                 "fr": "La marque répond-elle, et en combien de temps ? La file de ce qui attend encore une réponse."},
    "sec_business": {"en": "Business", "fr": "Résultats"},
    "sec_business_intro": {"en": "What engagement leads to: conversions, the funnel, attribution, cost and goals.",
                           "fr": "Ce à quoi mène l'engagement : conversions, entonnoir, attribution, coût et objectifs."},
    "sec_actions": {"en": "Recommended actions", "fr": "Actions recommandées"},
    "sec_actions_intro": {"en": "Derived from the figures above, most useful first.", "fr": "Déduites des chiffres ci-dessus, les plus utiles d'abord."},
    "sec_figures": {"en": "All figures", "fr": "Tous les chiffres"},
    "sec_figures_intro": {"en": "Every headline figure of summary.json, and the other result tables.",
                          "fr": "Chaque chiffre clé de summary.json, et les autres tables de résultats."},
    "no_actions": {"en": "Nothing urgent stands out in these figures.", "fr": "Rien d'urgent ne ressort de ces chiffres."},
    # analyses (for "has not run")
    "an_pods": {"en": "engagement pods", "fr": "pods d'engagement"},
    "an_audience": {"en": "audience quality", "fr": "qualité de l'audience"},
    "an_community": {"en": "community", "fr": "communauté"},
    "an_conversation": {"en": "conversation", "fr": "conversation"},
    "an_business": {"en": "business outcomes", "fr": "résultats business"},
    # tiles and charts
    "followers_vanity": {"en": "Followers (vanity)", "fr": "Abonnés (vitrine)"},
    "real_reachable": {"en": "Real reachable audience", "fr": "Audience réelle atteignable"},
    "members": {"en": "Members", "fr": "Membres"},
    "active_members": {"en": "Active members", "fr": "Membres actifs"},
    "rate_raw": {"en": "Engagement rate, raw", "fr": "Taux d'engagement brut"},
    "rate_clean": {"en": "Engagement rate, clean", "fr": "Taux d'engagement réel"},
    "raw": {"en": "raw", "fr": "brut"},
    "clean": {"en": "clean", "fr": "réel"},
    "people": {"en": "People (count)", "fr": "Personnes (nombre)"},
    "audience_chart": {"en": "Followers vs real audience vs members", "fr": "Abonnés, audience réelle et membres"},
    "rate_chart": {"en": "Engagement rate: raw vs clean", "fr": "Taux d'engagement : brut ou réel"},
    "rate_axis": {"en": "Engagement rate (% of followers per post)", "fr": "Taux d'engagement (% des abonnés par publication)"},
    "figure_axis": {"en": "Figure", "fr": "Indicateur"},
    "gap_note": {"en": "Of {followers} followers, {real} are real and reachable and {members} take part.",
                 "fr": "Sur {followers} abonnés, {real} sont réels et atteignables et {members} participent."},
    "pod_share_note": {"en": "{share} of the engagement on the brand's posts came from engagement pods.",
                       "fr": "{share} de l'engagement sur les publications de la marque vient de pods d'engagement."},
    "kinds_chart": {"en": "Interactions by kind", "fr": "Interactions par type"},
    "kind_axis": {"en": "Kind of interaction", "fr": "Type d'interaction"},
    "count_axis": {"en": "Interactions (count)", "fr": "Interactions (nombre)"},
    "accounts_axis": {"en": "Accounts (count)", "fr": "Comptes (nombre)"},
    "texts_axis": {"en": "Messages (count)", "fr": "Messages (nombre)"},
    "period": {"en": "Period", "fr": "Période"},
    "pods_found": {"en": "Pods found", "fr": "Pods détectés"},
    "pod_accounts": {"en": "Accounts in pods", "fr": "Comptes dans des pods"},
    "pods_table": {"en": "Engagement pods and their evidence", "fr": "Pods d'engagement et leurs preuves"},
    "brand_in_pod": {"en": "The brand's own account {account} is a member of pod {pod}: its engagement is removed from the clean figures.",
                     "fr": "Le compte de la marque {account} fait partie du pod {pod} : cet engagement est retiré des chiffres réels."},
    "audience_labels_chart": {"en": "Followers by audience label", "fr": "Abonnés par catégorie d'audience"},
    "label_axis": {"en": "Label", "fr": "Catégorie"},
    "followers_axis": {"en": "Followers (count)", "fr": "Abonnés (nombre)"},
    "likely_fake": {"en": "Followers most likely fake, with the reasons", "fr": "Abonnés les plus probablement faux, avec les raisons"},
    "follower_curve": {"en": "Follower curve and detected bursts", "fr": "Courbe d'abonnés et pics détectés"},
    "date_axis": {"en": "Date", "fr": "Date"},
    "burst": {"en": "Burst", "fr": "Pic"},
    "levels_chart": {"en": "Members by level", "fr": "Membres par niveau"},
    "level_axis": {"en": "Level", "fr": "Niveau"},
    "members_axis": {"en": "Members (count)", "fr": "Membres (nombre)"},
    "cohorts_chart": {"en": "Retention by monthly cohort", "fr": "Fidélité par cohorte mensuelle"},
    "cohort_axis": {"en": "Cohort (month first active)", "fr": "Cohorte (mois de première activité)"},
    "months_since_axis": {"en": "Months since first activity", "fr": "Mois depuis la première activité"},
    "retained": {"en": "Still active (%)", "fr": "Encore actifs (%)"},
    "intents_chart": {"en": "Messages by intent", "fr": "Messages par intention"},
    "intent_axis": {"en": "Intent", "fr": "Intention"},
    "sentiment_chart": {"en": "Sentiment per week", "fr": "Tonalité par semaine"},
    "week_axis": {"en": "Week", "fr": "Semaine"},
    "share_axis": {"en": "Share of messages (%)", "fr": "Part des messages (%)"},
    "response_chart": {"en": "Median time to first response, by intent", "fr": "Délai médian de première réponse, par intention"},
    "hours_axis": {"en": "Median response time (hours)", "fr": "Délai médian de réponse (heures)"},
    "response_rate": {"en": "Response rate", "fr": "Taux de réponse"},
    "median_response": {"en": "Median time to respond", "fr": "Délai médian de réponse"},
    "p90_response": {"en": "90th percentile time to respond", "fr": "Délai de réponse (90e centile)"},
    "waiting": {"en": "Waiting for an answer", "fr": "En attente de réponse"},
    "funnel_chart": {"en": "Funnel", "fr": "Entonnoir"},
    "stage_axis": {"en": "Stage", "fr": "Étape"},
    "people_axis": {"en": "People (count)", "fr": "Personnes (nombre)"},
    "attribution_chart": {"en": "Conversions credited, by touch model", "fr": "Conversions attribuées, par modèle"},
    "credit_axis": {"en": "Conversions credited (count)", "fr": "Conversions attribuées (nombre)"},
    "figures_table": {"en": "Headline figures (summary.json)", "fr": "Chiffres clés (summary.json)"},
    "other_tables": {"en": "Other result tables", "fr": "Autres tables de résultats"},
    "figure": {"en": "Figure", "fr": "Indicateur"},
    "value": {"en": "Value", "fr": "Valeur"},
    "key": {"en": "Key", "fr": "Clé"},
    # actions
    "act_answer": {"en": "Answer the {n} messages still waiting for a reply ({detail}), oldest purchase questions and critiques first.",
                   "fr": "Répondez aux {n} messages qui attendent une réponse ({detail}), en commençant par les plus anciennes questions d'achat et critiques."},
    "act_leads": {"en": "Follow up the {n} leads nobody answered (people who asked to buy, to apply or to take part).",
                  "fr": "Relancez les {n} prospects restés sans réponse (personnes qui voulaient acheter, postuler ou participer)."},
    "act_leave_pod": {"en": "Leave engagement pod {pod}: the brand's account {account} takes part in it, which inflates your figures and risks a penalty.",
                      "fr": "Quittez le pod d'engagement {pod} : le compte de la marque {account} y participe, ce qui gonfle vos chiffres et expose à une pénalité."},
    "act_pods": {"en": "Stop counting the {share} of engagement that comes from {n} engagement pods: judge posts on the clean figures.",
                 "fr": "Ne comptez plus les {share} d'engagement venant de {n} pods : jugez vos publications sur les chiffres réels."},
    "act_fake": {"en": "{share} of your followers are fake, inactive or mass-followers: report the real reachable audience ({real}), not {followers}.",
                 "fr": "{share} de vos abonnés sont faux, inactifs ou suivent en masse : annoncez l'audience réelle atteignable ({real}), pas {followers}."},
    "act_bursts": {"en": "Check the {n} bursts of followers on the curve ({dates}): bought followers hurt reach; do not buy more.",
                   "fr": "Vérifiez les {n} pics d'abonnés sur la courbe ({dates}) : les abonnés achetés nuisent à la portée ; n'en achetez plus."},
    "act_influencer": {"en": "Stop paying {who}: {share} of their audience is fake.",
                       "fr": "Cessez de payer {who} : {share} de son audience est fausse."},
    "act_ambassadors": {"en": "Thank and involve your {n} ambassadors, starting with {names}.",
                        "fr": "Remerciez et impliquez vos {n} ambassadeurs, à commencer par {names}."},
    "act_weak": {"en": "Look into the rising theme “{term}”: it is mentioned far more than usual.",
                 "fr": "Regardez de près le thème en hausse « {term} » : il est cité bien plus que d'habitude."},
    "act_goal": {"en": "Goal “{goal}” is off track ({progress}).", "fr": "L'objectif « {goal} » n'est pas en bonne voie ({progress})."},
    "act_slow": {"en": "Answer faster: the median time to respond is {median}; people who ask to buy expect an answer within hours.",
                 "fr": "Répondez plus vite : le délai médian est de {median} ; qui veut acheter attend une réponse dans l'heure."},
    "act_lapsed": {"en": "Win back the {n} formerly regular members who went silent.",
                   "fr": "Reprenez contact avec les {n} membres autrefois réguliers devenus silencieux."},
    # dashboard
    "d_overview": {"en": "Overview", "fr": "Vue d'ensemble"},
    "d_from": {"en": "From", "fr": "Du"},
    "d_to": {"en": "To", "fr": "Au"},
    "d_platform": {"en": "Platform", "fr": "Plateforme"},
    "d_all": {"en": "all", "fr": "toutes"},
    "d_apply": {"en": "Apply", "fr": "Appliquer"},
    "d_reset": {"en": "Reset", "fr": "Réinitialiser"},
    "d_tables": {"en": "Tables", "fr": "Tables"},
    "d_prev": {"en": "Previous", "fr": "Précédent"},
    "d_next": {"en": "Next", "fr": "Suivant"},
    "d_page": {"en": "Rows {first}–{last} of {total}", "fr": "Lignes {first} à {last} sur {total}"},
    "d_pod": {"en": "Pod {pod}", "fr": "Pod {pod}"},
    "d_account": {"en": "Account {account}", "fr": "Compte {account}"},
    "d_members": {"en": "Members", "fr": "Membres"},
    "d_interactions": {"en": "Interactions", "fr": "Interactions"},
    "d_not_found": {"en": "Not found.", "fr": "Introuvable."},
    "d_unauthorized": {"en": "A valid token is required.", "fr": "Un jeton valide est requis."},
    "d_report": {"en": "Download the report", "fr": "Télécharger le rapport"},
    "d_api": {"en": "JSON API", "fr": "API JSON"},
})

TABLE_TITLES = {
    "accounts": ("Accounts", "Comptes"),
    "interactions": ("Interactions", "Interactions"),
    "pods": ("Engagement pods", "Pods d'engagement"),
    "bursts": ("Follower bursts", "Pics d'abonnés"),
    "posts": ("Posts: real vs vanity engagement", "Publications : engagement réel et vitrine"),
    "cohorts": ("Retention cohorts", "Cohortes de fidélité"),
    "ambassadors": ("Ambassadors", "Ambassadeurs"),
    "unanswered": ("Unanswered queue, most urgent first", "File des messages sans réponse, les plus urgents d'abord"),
    "leads": ("Leads", "Prospects"),
    "topics": ("Topics", "Thèmes"),
    "weak_signals": ("Weak signals: rising themes", "Signaux faibles : thèmes en hausse"),
    "conversions": ("Conversions", "Conversions"),
    "funnel": ("Funnel", "Entonnoir"),
    "attribution": ("Attribution", "Attribution"),
    "goals": ("Goals", "Objectifs"),
}
register({f"tbl:{k}": {"en": en, "fr": fr} for k, (en, fr) in TABLE_TITLES.items()})

COLUMN_LABELS = {
    "account_id": ("Account", "Compte"), "handle": ("Handle", "Identifiant"), "display_name": ("Name", "Nom"),
    "platform": ("Platform", "Plateforme"), "pod_id": ("Pod", "Pod"), "members": ("Members", "Membres"),
    "score": ("Score", "Score"), "pod_score": ("Pod score", "Score pod"), "kind": ("Kind", "Type"),
    "created_at": ("Date", "Date"), "occurred_at": ("Date", "Date"), "date": ("Date", "Date"), "text": ("Text", "Texte"),
    "intent": ("Intent", "Intention"), "sentiment": ("Sentiment", "Tonalité"), "language": ("Language", "Langue"),
    "post_id": ("Post", "Publication"), "interaction_id": ("Interaction", "Interaction"),
    "fake_score": ("Fake probability", "Probabilité de faux"), "audience_label": ("Audience label", "Catégorie d'audience"),
    "audience_reasons": ("Reasons", "Raisons"), "member_level": ("Level", "Niveau"), "active_weeks": ("Active weeks", "Semaines actives"),
    "engagement_score": ("Engagement score", "Score d'engagement"), "ambassador_kind": ("Ambassador kind", "Type d'ambassadeur"),
    "answered": ("Answered", "Répondu"), "response_minutes": ("Time to respond", "Délai de réponse"),
    "needs_answer": ("Needs an answer", "Attend une réponse"), "converted": ("Converted", "Converti"),
    "value": ("Value", "Valeur"), "gain": ("Gain", "Gain"), "expected_gain": ("Expected gain", "Gain attendu"),
    "followers_gained": ("Followers gained", "Abonnés gagnés"), "cohort_fake_share": ("Fake share of the cohort", "Part de faux dans la cohorte"),
    "median_delay_minutes": ("Median delay after post", "Délai médian après publication"),
    "reciprocity": ("Reciprocity", "Réciprocité"), "coverage": ("Coverage", "Couverture"),
    "co_engaged_posts": ("Posts co-engaged", "Publications co-engagées"), "example_comments": ("Example comments", "Exemples de commentaires"),
    "terms": ("Terms", "Termes"), "topic_id": ("Topic", "Thème"), "term": ("Term", "Terme"),
    "waiting_minutes": ("Waiting for", "En attente depuis"), "urgency": ("Urgency", "Urgence"),
    "goal": ("Goal", "Objectif"), "target": ("Target", "Cible"), "progress": ("Progress", "Avancement"),
    "on_track": ("On track", "En bonne voie"), "metric": ("Metric", "Indicateur"), "stage": ("Stage", "Étape"),
    "count": ("Count", "Nombre"), "evidence": ("Evidence", "Preuves"), "format": ("Format", "Format"),
    "campaign": ("Campaign", "Campagne"), "raw_engagement": ("Raw engagement", "Engagement brut"),
    "clean_engagement": ("Clean engagement", "Engagement réel"), "likes": ("Likes", "J'aime"),
    "is_authentic": ("Authentic", "Authentique"), "minutes_after_post": ("Minutes after post", "Minutes après publication"),
    "is_ambassador": ("Ambassador", "Ambassadeur"), "actor_id": ("Account", "Compte"),
}
register({f"col:{k}": {"en": en, "fr": fr} for k, (en, fr) in COLUMN_LABELS.items()})

# Headline figures: every summary.json key gets a label here (the report test checks it).
FIGURE_LABELS = {
    "analyses": ("Analyses run", "Analyses lancées"),
    "analyses_skipped": ("Analyses skipped", "Analyses non lancées"),
    "period_start": ("First interaction", "Première interaction"),
    "period_end": ("Last interaction", "Dernière interaction"),
    "accounts": ("Accounts", "Comptes"),
    "posts": ("Posts", "Publications"),
    "brand_posts": ("Brand posts", "Publications de la marque"),
    "interactions": ("Interactions", "Interactions"),
    "interactions_by_kind": ("Interactions by kind", "Interactions par type"),
    "text_interactions": ("Messages (comments, replies, DMs…)", "Messages (commentaires, réponses, MP…)"),
    "engagement_interactions": ("Engagement interactions", "Interactions d'engagement"),
    "brand_accounts": ("Brand accounts", "Comptes de la marque"),
    "followers": ("Followers (vanity)", "Abonnés (vitrine)"),
    "vanity_engagements_on_brand_posts": ("Engagements on brand posts (vanity)", "Engagements sur les publications de la marque (vitrine)"),
    "vanity_engagement_rate": ("Engagement rate (vanity)", "Taux d'engagement (vitrine)"),
}
register({f"fig:{k}": {"en": en, "fr": fr} for k, (en, fr) in FIGURE_LABELS.items()})


def has_text(key: str) -> bool:
    return t(key, "en") != key


def label(column: str, lang: str) -> str:
    """A column's name for people: registered label, else the name made readable."""
    key = f"col:{column}"
    if has_text(key):
        return t(key, lang)
    return column.replace("_", " ").capitalize()


def table_title(name: str, lang: str) -> str:
    key = f"tbl:{name}"
    return t(key, lang) if has_text(key) else name.replace("_", " ").capitalize()


def figure_label(key: str, lang: str) -> str:
    fkey = f"fig:{key}"
    return t(fkey, lang) if has_text(fkey) else key.replace("_", " ").capitalize()
