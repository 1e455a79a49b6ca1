"""The words of alerts and digests, in French and English: what happened, the evidence by name, what to do.

`Renderer` turns kept alerts (and a digest's figures) into a `Message` in every form a channel
wants (plain text, Markdown, HTML with every user text escaped, data for JSON webhooks). The
unattended run (`liens.api.run`) receives it from the CLI, so that all words stay in this layer.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from typing import Any

from ... import api
from ..i18n import format_number, format_percent, has_text, register, t, word

register({
    "al_subject": {"en": "Liens: {n} alert(s) for {brand}", "fr": "Liens : {n} alerte(s) pour {brand}"},
    "al_your_brand": {"en": "your brand", "fr": "votre marque"},
    "al_evidence": {"en": "Evidence:", "fr": "Éléments :"},
    "al_more": {"en": "… and {n} more alert(s): `liens alerts` lists them all.", "fr": "… et {n} alerte(s) de plus : `liens alerts` les liste toutes."},
    "al_todo": {"en": "What to do:", "fr": "Que faire :"},
    "al_on_post": {"en": "on “{post}”", "fr": "sous « {post} »"},
    "al_unanswered_title": {"en": "Message ({intent}) waiting for an answer for {hours} h (target {target} h) — {author}",
                            "fr": "Message ({intent}) sans réponse depuis {hours} h (objectif {target} h) — {author}"},
    "al_unanswered_todo": {"en": "Answer {author} now ({where} on {platform}); then check `liens inbox` for the rest of the queue.",
                           "fr": "Répondez à {author} maintenant ({where} sur {platform}) ; puis voyez `liens inbox` pour le reste de la file."},
    "al_critique_spike_title": {"en": "Spike of {signal}: {k} of {n} authors in the last {days} days ({share}, usually {usual}; ×{lift})",
                                "fr": "Pic de {signal} : {k} auteurs sur {n} ces {days} derniers jours ({share}, d'habitude {usual} ; ×{lift})"},
    "al_signal_critique": {"en": "critiques", "fr": "critiques"},
    "al_signal_negative": {"en": "negative messages", "fr": "messages négatifs"},
    "al_critique_spike_detail": {"en": "One-sided binomial test against the previous weeks: p = {p}.",
                                 "fr": "Test binomial unilatéral contre les semaines précédentes : p = {p}."},
    "al_critique_spike_todo": {"en": "Read these messages, answer them publicly, and look for a shared cause (rising words: {words}).",
                               "fr": "Lisez ces messages, répondez-y publiquement et cherchez une cause commune (mots en hausse : {words})."},
    "al_pod_title": {"en": "Engagement pod on your posts: {members} accounts (score {score}) engage each other's posts, median {delay} min after publication",
                     "fr": "Pod d'engagement sur vos publications : {members} comptes (score {score}) s'engagent mutuellement, médiane {delay} min après publication"},
    "al_pod_detail": {"en": "{share} of the engagement on your posts comes from your pod mates.",
                      "fr": "{share} de l'engagement sur vos publications vient de vos partenaires de pod."},
    "al_pod_todo": {"en": "Leave the pod: its likes and comments are not your community, inflate your figures and platforms penalise it.",
                    "fr": "Quittez le pod : ses likes et commentaires ne sont pas votre communauté, gonflent vos chiffres et les plateformes le pénalisent."},
    "al_bought_burst_title": {"en": "Bought-follower burst on {owner}: +{gain} followers on {date}, {excess} above the usual intake ({fake} of them look fake)",
                              "fr": "Pic d'abonnés achetés sur {owner} : +{gain} abonnés le {date}, {excess} de plus que d'habitude ({fake} semblent faux)"},
    "al_bought_burst_todo": {"en": "Do not count these followers; find out who bought them, and remove them (they lower your reach).",
                             "fr": "Ne comptez pas ces abonnés ; cherchez qui les a achetés et supprimez-les (ils réduisent votre portée)."},
    "al_goal_off_track_title": {"en": "Goal “{goal}” is {status}: {actual} against {expected} expected by now (target {target}, {gap} short)",
                                "fr": "Objectif « {goal} » {status} : {actual} pour {expected} attendus à ce jour (cible {target}, {gap} d'écart)"},
    "al_goal_off_track_todo": {"en": "Look at what feeds this goal (`liens goals`, `liens funnel`) and decide whether to act or to change the target.",
                               "fr": "Regardez ce qui alimente cet objectif (`liens goals`, `liens funnel`) et décidez d'agir ou de changer la cible."},
    "al_response_rate_title": {"en": "Response rate {rate} over the recent texts (floor {floor}): {answered} of {texts} answered",
                               "fr": "Taux de réponse {rate} sur les messages récents (plancher {floor}) : {answered} sur {texts} traités"},
    "al_response_rate_todo": {"en": "Work through `liens inbox`, most urgent first; the ones below wait the longest.",
                              "fr": "Traitez `liens inbox`, les plus urgents d'abord ; ceux-ci attendent depuis le plus longtemps."},
    "al_where_comment": {"en": "a comment", "fr": "un commentaire"},
    "al_where_reply": {"en": "a reply", "fr": "une réponse"},
    "al_where_dm": {"en": "a private message", "fr": "un message privé"},
    "al_where_story_reply": {"en": "a story reply", "fr": "une réponse à une story"},
    "al_where_mention": {"en": "a mention", "fr": "une mention"},
    "al_status_behind": {"en": "behind", "fr": "en retard"},
    "al_status_missed": {"en": "missed", "fr": "manqué"},
    "dg_subject": {"en": "Liens: what changed for {brand}, {start} – {end}", "fr": "Liens : ce qui a changé pour {brand}, {start} – {end}"},
    "dg_intro": {"en": "{start} – {end}, against {pstart} – {start}.", "fr": "{start} – {end}, comparé à {pstart} – {start}."},
    "dg_figure": {"en": "Figure", "fr": "Indicateur"},
    "dg_now": {"en": "This period", "fr": "Cette période"},
    "dg_before": {"en": "Previous", "fr": "Précédente"},
    "dg_active_members": {"en": "Active members", "fr": "Membres actifs"},
    "dg_members_gained": {"en": "Members gained", "fr": "Membres gagnés"},
    "dg_members_lost": {"en": "Members lost (active before, not now)", "fr": "Membres perdus (actifs avant, plus maintenant)"},
    "dg_new_ambassadors": {"en": "New ambassadors", "fr": "Nouveaux ambassadeurs"},
    "dg_needs_answer": {"en": "Messages needing an answer", "fr": "Messages à traiter"},
    "dg_response_rate": {"en": "Response rate", "fr": "Taux de réponse"},
    "dg_median_response_minutes": {"en": "Median time to answer (min)", "fr": "Délai médian de réponse (min)"},
    "dg_bought_bursts": {"en": "Bought-follower bursts", "fr": "Pics d'abonnés achetés"},
    "dg_alerts": {"en": "Alerts raised", "fr": "Alertes levées"},
    "dg_conversions": {"en": "Conversions", "fr": "Conversions"},
    "dg_conversion_value": {"en": "Conversion value", "fr": "Valeur des conversions"},
    "dg_cost": {"en": "Cost", "fr": "Coût"},
    "dg_levels": {"en": "Level moves since {day}: {up} up, {down} down.", "fr": "Changements de niveau depuis le {day} : {up} en hausse, {down} en baisse."},
    "dg_levels_unknown": {"en": "Level moves: no member snapshot before this period yet (kept from the first `liens run`).",
                          "fr": "Changements de niveau : pas encore d'instantané des membres avant cette période (conservé dès le premier `liens run`)."},
    "dg_names_members_gained": {"en": "Welcome", "fr": "Bienvenue à"},
    "dg_names_members_lost": {"en": "Gone quiet", "fr": "Devenus silencieux"},
    "dg_names_level_up": {"en": "Moved up", "fr": "En progression"},
    "dg_names_new_ambassadors": {"en": "New ambassadors", "fr": "Nouveaux ambassadeurs"},
    "dg_signals": {"en": "Rising words and topics", "fr": "Mots et thèmes en hausse"},
    "dg_bursts": {"en": "Bought bursts", "fr": "Pics achetés"},
    "dg_alert_list": {"en": "Alerts of the period", "fr": "Alertes de la période"},
    "dg_none": {"en": "nothing", "fr": "rien"},
})

MAX_DETAILED = 20  # alerts shown with their evidence in one message; the others by title
FIGURES = ("active_members", "members_gained", "members_lost", "new_ambassadors", "needs_answer", "response_rate",
           "median_response_minutes", "bought_bursts", "alerts", "conversions", "conversion_value", "cost")


def _day(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value:%Y-%m-%d}" if isinstance(value, (date, datetime)) else str(value or "–")


def _num(value: Any, lang: str, decimals: int = 0) -> str:
    return format_number(value, lang, decimals=decimals)


def _where(kind: str, lang: str) -> str:
    return t(f"al_where_{kind}", lang) if has_text(f"al_where_{kind}") else kind


def compose(alert: dict[str, Any], lang: str) -> tuple[str, list[str], list[str], str]:
    """(title, detail lines, evidence lines, what to do) of one alert, user texts unescaped."""
    kind, f = alert["kind"], alert["facts"]
    evidence: list[str] = []
    for item in alert["evidence"]:
        if item["type"] in ("message", "comment"):
            line = f"{item['name']}: “{item['text']}”" if item.get("name") else f"“{item['text']}”"
            if item.get("post"):
                line += " " + t("al_on_post", lang, post=item["post"])
            if item.get("at"):
                line += f" ({str(item['at'])[:16].replace('T', ' ')})"
            evidence.append(line)
        elif item["type"] == "account":
            evidence.append(str(item["name"]))
    detail: list[str] = []
    if kind == "unanswered":
        title = t("al_unanswered_title", lang, intent=word(f["intent"], lang),
                  hours=_num(f["waited_hours"], lang), target=_num(f["target_hours"], lang), author=f["author"])
        todo = t("al_unanswered_todo", lang, author=f["author"], where=_where(f["where"], lang), platform=f.get("platform") or "–")
    elif kind == "critique_spike":
        title = t("al_critique_spike_title", lang, signal=t(f"al_signal_{f['signal']}", lang), k=f["recent_authors"],
                  n=f["recent_exposure"], days=f["window_days"], share=format_percent(f["recent_share"], lang),
                  usual=format_percent(f["baseline_share"], lang), lift=_num(f["lift"], lang, 1))
        detail.append(t("al_critique_spike_detail", lang, p=f"{f['p_value']:.2g}"))
        words = [i["name"] for i in alert["evidence"] if i["type"] == "signal"]
        todo = t("al_critique_spike_todo", lang, words=", ".join(words) or "–")
    elif kind == "pod":
        title = t("al_pod_title", lang, members=f["members"], score=_num(f["score"], lang, 2),
                  delay=_num(f.get("median_delay_minutes"), lang))
        if f.get("brand_share") is not None:
            detail.append(t("al_pod_detail", lang, share=format_percent(f["brand_share"], lang)))
        todo = t("al_pod_todo", lang)
    elif kind == "bought_burst":
        title = t("al_bought_burst_title", lang, owner=f["owner"], gain=_num(f["gain"], lang), date=_day(f["date"]),
                  excess=_num(f["excess"], lang), fake=format_percent(f.get("fake_share"), lang, decimals=0))
        todo = t("al_bought_burst_todo", lang)
    elif kind == "goal_off_track":
        title = t("al_goal_off_track_title", lang, goal=f["goal"], status=t(f"al_status_{f['status']}", lang),
                  actual=_num(f["actual"], lang, 1), expected=_num(f.get("expected_by_now") or f["target"], lang, 1),
                  target=_num(f["target"], lang, 1), gap=format_percent(f["shortfall"], lang, decimals=0))
        todo = t("al_goal_off_track_todo", lang)
    else:
        title = t("al_response_rate_title", lang, rate=format_percent(f["rate"], lang), floor=format_percent(f["floor"], lang),
                  answered=f["answered"], texts=f["texts"])
        todo = t("al_response_rate_todo", lang)
    return title, detail, evidence, todo


class Renderer:
    """Alerts and digests as `api.Message`s, in the brand's language."""

    def alerts(self, alerts: list[dict[str, Any]], lang: str, brand: str = "") -> api.Message:
        brand = brand or t("al_your_brand", lang)
        parts = [compose(a, lang) for a in alerts]
        subject = t("al_subject", lang, n=len(alerts), brand=brand)
        text_blocks, md_blocks, html_blocks = [], [], []
        for title, detail, evidence, todo in parts[:MAX_DETAILED]:
            text = [f"■ {title}", *[f"  {d}" for d in detail]]
            md = [f"**{title}**", *detail]
            if evidence:
                text += [f"  {t('al_evidence', lang)}", *[f"    - {e}" for e in evidence]]
                md += [f"{t('al_evidence', lang)}", *[f"- {e}" for e in evidence]]
            text.append(f"  → {t('al_todo', lang)} {todo}")
            md.append(f"➜ {t('al_todo', lang)} {todo}")
            text_blocks.append("\n".join(text))
            md_blocks.append("\n".join(md))
            html_blocks.append(
                f"<h3>{html.escape(title)}</h3>" + "".join(f"<p>{html.escape(d)}</p>" for d in detail)
                + (f"<p>{html.escape(t('al_evidence', lang))}</p><ul>" + "".join(f"<li>{html.escape(e)}</li>" for e in evidence)
                   + "</ul>" if evidence else "")
                + f"<p><strong>{html.escape(t('al_todo', lang))}</strong> {html.escape(todo)}</p>")
        if len(parts) > MAX_DETAILED:  # a first run on a backlog: the rest by title only
            more = t("al_more", lang, n=len(parts) - MAX_DETAILED)
            titles = [p[0] for p in parts[MAX_DETAILED:]]
            text_blocks.append("\n".join([*(f"■ {x}" for x in titles[:50]), more]))
            md_blocks.append("\n".join([*(f"- {x}" for x in titles[:50]), more]))
            html_blocks.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in titles[:50]) + f"</ul><p>{html.escape(more)}</p>")
        data = {"alerts": [{"id": a["alert_id"], "rule": a["rule"], "kind": a["kind"], "key": a["key"],
                            "title": p[0], "todo": p[3], "facts": a["facts"], "evidence": a["evidence"]}
                           for a, p in zip(alerts, parts)], "language": lang}
        return api.Message(subject, f"{subject}\n\n" + "\n\n".join(text_blocks), "\n\n".join(md_blocks),
                           _page(subject, "".join(html_blocks), lang), data, md_blocks)

    def digest(self, digest: api.Digest, alerts: list[dict[str, Any]], lang: str) -> api.Message:
        brand = digest.brand_name or t("al_your_brand", lang)
        start, end, pstart = _day(digest.start), _day(digest.end), _day(digest.previous_start)
        subject = t("dg_subject", lang, brand=brand, start=start, end=end)
        intro = t("dg_intro", lang, start=start, end=end, pstart=pstart)
        rows = []
        for key in FIGURES:
            if key not in digest.figures:
                continue
            now, before = digest.figures[key]
            show = (lambda v: format_percent(v, lang)) if key == "response_rate" else (lambda v: _num(v, lang))
            rows.append((t(f"dg_{key}", lang), show(now), show(before)))
        notes = [t("dg_levels", lang, day=_day(digest.snapshot_day), **digest.level_moves) if digest.level_moves
                 else t("dg_levels_unknown", lang)]
        lists = [(t(f"dg_names_{k}", lang), v) for k, v in digest.names.items() if v]
        if digest.signals:
            lists.append((t("dg_signals", lang), [f"{s['signal']} (×{_num(s['lift'], lang, 1)})" for s in digest.signals]))
        if digest.bursts:
            lists.append((t("dg_bursts", lang), [f"{b['owner']} {_day(b['date'])} (+{_num(b['excess'], lang)})" for b in digest.bursts]))
        if alerts:
            lists.append((t("dg_alert_list", lang), [compose(a, lang)[0] for a in alerts]))
        head = (t("dg_figure", lang), t("dg_now", lang), t("dg_before", lang))
        width = max([len(r[0]) for r in rows] + [len(head[0])])
        text = [subject, intro, ""] + [f"{r[0]:<{width}}  {r[1]:>12}  {r[2]:>12}" for r in [head, *rows]] + [""] + notes
        md = [f"## {subject}", "", intro, "", f"| {' | '.join(head)} |", "|---|---:|---:|"]
        md += [f"| {r[0]} | {r[1]} | {r[2]} |" for r in rows] + ["", *notes]
        body = (f"<h2>{html.escape(subject)}</h2><p>{html.escape(intro)}</p><table><tr>"
                + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
                + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
                + "</table>" + "".join(f"<p>{html.escape(n)}</p>" for n in notes))
        for name, values in lists:
            text += ["", f"{name}:", *[f"  - {v}" for v in values]]
            md += ["", f"**{name}**", *[f"- {v}" for v in values]]
            body += f"<h3>{html.escape(name)}</h3><ul>" + "".join(f"<li>{html.escape(str(v))}</li>" for v in values) + "</ul>"
        data = {"digest": {"start": digest.start.isoformat(), "end": digest.end.isoformat(),
                           "previous_start": digest.previous_start.isoformat(),
                           "figures": {k: list(v) for k, v in digest.figures.items()}, "names": digest.names,
                           "level_moves": digest.level_moves}, "language": lang}
        return api.Message(subject, "\n".join(text), "\n".join(md), _page(subject, body, lang), data, ["\n".join(md)])


def _page(title: str, body: str, lang: str) -> str:
    return (f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:44em}td,th{padding:2px 8px;text-align:right}"
            "td:first-child,th:first-child{text-align:left}</style></head>"
            f"<body>{body}</body></html>")


#: what each kind's threshold means, for `liens alerts --explain`
KIND_MEANINGS: dict[str, dict[str, str]] = {
    "unanswered": {"en": "hours a purchase, critique or job text waited without answer (business hours), at least",
                   "fr": "heures d'attente sans réponse d'un message d'achat, de critique ou d'emploi (heures ouvrées), au moins"},
    "critique_spike": {"en": "p-value of the binomial test of the recent share of authors writing critiques or negative texts against the previous weeks, at most",
                       "fr": "p-valeur du test binomial de la part récente d'auteurs de critiques ou de messages négatifs contre les semaines précédentes, au plus"},
    "pod": {"en": "score of a pod the brand's accounts belong to, at least", "fr": "score d'un pod auquel appartiennent les comptes de la marque, au moins"},
    "bought_burst": {"en": "followers above the usual intake in a bought-follower burst, at least",
                     "fr": "abonnés au-dessus de l'afflux habituel dans un pic d'abonnés achetés, au moins"},
    "goal_off_track": {"en": "shortfall against the goal's pace (share of what was expected by now), at least",
                       "fr": "retard sur le rythme de l'objectif (part de ce qui était attendu à ce jour), au moins"},
    "response_rate": {"en": "response rate of the recent texts that needed an answer, under this floor",
                      "fr": "taux de réponse des messages récents à traiter, sous ce plancher"},
}
