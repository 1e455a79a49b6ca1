"""Conversation intelligence: what members say and whether the brand answers.

Only text-bearing interactions are classified: the engine filters them, hands them over as Arrow,
and each distinct text is classified once (short comments repeat a lot) in vectorised batches:
language (lingua), intent and sentiment (the linear heads of `models.py`, shipped in `data/`,
trained on real labelled text and the team's corpus; a brand's adapted model when the store keeps
one). Responsiveness is then computed in the engine; topics and weak signals on the texts.
"""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...config import ConversationSettings
from ...store.models import CONVERSATION_MODEL
from ..base import Context, Output, Step, TableOutput
from ._text import is_question, normalise
from .intent import INTENTS
from .language import detect_languages
from .models import ConversationModel, default_model, sentiment_labels
from .responsiveness import responses
from .textmodel import Batch
from .topics import document_topics, dominant, fit_topics, topics_table, words
from .weak_signals import signals_of_documents

CLASSIFIED_SCHEMA = pa.schema([
    ("language", pa.string()), ("intent", pa.string()), ("intent_confidence", pa.float64()),
    ("sentiment", pa.string()), ("sentiment_score", pa.float64()), ("is_question", pa.bool_()),
])


BATCH = 50_000  # distinct texts classified together: bounds the memory of the n-gram matrices


def _classify_batch(texts: pa.Array, settings: ConversationSettings, model: ConversationModel) -> pa.Table:
    batch = Batch.of(texts)
    languages = detect_languages(texts.to_pylist(), settings.language_min_confidence)
    found = model.classify(batch)
    intents, scores = found["intent"], found["sentiment_score"]
    # One reading of a text: a critique is never positive, praise never negative.
    scores = np.where(intents == "critique", np.minimum(scores, 0.0), scores)
    scores = np.where(intents == "praise", np.maximum(scores, 0.0), scores)
    labels = sentiment_labels(scores, settings.negative_threshold, settings.positive_threshold)
    return pa.table({
        "language": pa.array(languages, pa.string()), "intent": pa.array(intents, pa.string()),
        "intent_confidence": pa.array(found["intent_confidence"], pa.float64()), "sentiment": pa.array(labels, pa.string()),
        "sentiment_score": pa.array(scores, pa.float64()), "is_question": is_question(batch.normalised),
    }, schema=CLASSIFIED_SCHEMA)


def classify_texts(texts: pa.Array | pa.ChunkedArray, settings: ConversationSettings | None = None,
                   model: ConversationModel | None = None) -> pa.Table:
    """Language, intent (with confidence), sentiment (with score) and is_question for each text.

    `model`: the shipped conversation model unless given (a brand's adapted one). Each distinct text
    is classified once, and on its own: the result does not depend on the other texts or on how they
    are split into batches."""
    settings = settings or ConversationSettings()
    model = model or default_model(settings.purchase_margin)
    texts = pc.fill_null(texts, "")
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    distinct = pc.unique(texts)
    where = pc.index_in(texts, value_set=distinct)
    batches = [_classify_batch(distinct.slice(start, BATCH), settings, model) for start in range(0, len(distinct), BATCH)]
    per_distinct = pa.concat_tables(batches) if batches else CLASSIFIED_SCHEMA.empty_table()
    return per_distinct.take(where)


def brand_model(stored: Any, settings: ConversationSettings) -> tuple[ConversationModel, str]:
    """The model a run uses, and its name for the summary: the brand's adapted one when the store
    keeps one made for this shipped model (`liens conversation train`), else the shipped one."""
    shipped = default_model(settings.purchase_margin)
    if stored is None:
        return shipped, "shipped"
    row = stored.to_pyarrow().to_pylist()[0] if not isinstance(stored, pa.Table) else stored.to_pylist()[0]
    try:
        return shipped.with_adaptation(row["model"]), f"trained {str(row['trained_at'])[:10]} ({row['n_labels']} labels)"
    except ValueError:
        return shipped, "shipped (the brand's model was trained on another shipped model: train it again)"


def _post_engagement(ctx: Context) -> pa.Table:
    """Raw and clean weighted engagement per post, weighed as the community step weighs it."""
    from ..community.weights import weight_expr

    inter = ctx.interactions.filter(ctx.interactions.post_id.notnull())
    weight = weight_expr(inter.kind, inter.text_length, ctx.config.community)
    clean = inter.is_authentic.fill_null(True) if "is_authentic" in inter.columns else ibis.literal(True)
    return inter.group_by("post_id").agg(
        raw=weight.sum(), clean=ibis.ifelse(clean, weight, 0.0).sum(),
    ).to_pyarrow()


def topics_and_signals(captions: pa.Table, texts: pa.Table, engagement: pa.Table, brand_ids: list[str],
                       settings: ConversationSettings) -> tuple[pa.Table, pa.Table]:
    """The `topics` and `weak_signals` tables from captions (post_id, caption), texts (text, post_id,
    actor_id, created_at) and each post's raw and clean engagement (post_id, raw, clean).

    Each distinct normalised document is tokenised and assigned a topic once (comments repeat a
    lot), then mapped back to its rows; nothing here depends on the order of the rows."""
    raw_docs = pa.concat_arrays([captions["caption"].combine_chunks().cast(pa.string()),
                                 pc.fill_null(texts["text"].combine_chunks().cast(pa.string()), "")])
    distinct = pc.unique(raw_docs)
    normalised = normalise(distinct)
    documents = pc.unique(normalised)
    documents = documents.take(pc.array_sort_indices(documents))  # in text order: the same model whatever the rows' order
    row_doc = pc.index_in(normalised, value_set=documents).to_numpy(zero_copy_only=False)[
        pc.index_in(raw_docs, value_set=distinct).to_numpy(zero_copy_only=False)]
    occurrences = np.bincount(row_doc, minlength=len(documents))
    tokens = words(documents)
    weights, terms = fit_topics(documents, occurrences, settings.topics, settings.topic_terms,
                                settings.topic_max_documents, settings.seed, tokens)
    doc_topic = document_topics(weights)[row_doc]
    post_ids = pa.concat_arrays([captions["post_id"].combine_chunks(), texts["post_id"].combine_chunks()])
    all_posts = pc.unique(pa.concat_arrays([post_ids.drop_null(), engagement["post_id"].combine_chunks()]))
    group_idx = pc.fill_null(pc.index_in(post_ids, value_set=all_posts), -1).to_numpy(zero_copy_only=False)
    has_post = group_idx >= 0  # DMs and mentions have no post
    post_topic = (dominant(weights, group_idx[has_post], len(all_posts), rows=row_doc[has_post]) if len(terms)
                  else np.full(len(all_posts), -1))
    at = pc.index_in(engagement["post_id"], value_set=all_posts).to_numpy(zero_copy_only=False)
    raw, clean = np.zeros(len(all_posts)), np.zeros(len(all_posts))
    raw[at] = engagement["raw"].to_numpy(zero_copy_only=False)
    clean[at] = engagement["clean"].to_numpy(zero_copy_only=False)
    n_captions = captions.num_rows
    text_topic = doc_topic[n_captions:]
    topics = topics_table(terms, post_topic, raw, clean, text_topic)
    labels = [" · ".join(t[:3]) for t in terms]
    actors = texts["actor_id"].combine_chunks()
    # The brand's own replies are not a signal from its audience.
    audience = np.flatnonzero(~pc.is_in(actors, value_set=pa.array(brand_ids, pa.string())).to_numpy(zero_copy_only=False))
    signals = signals_of_documents(
        texts["created_at"].to_numpy()[audience], actors.take(pa.array(audience)), row_doc[n_captions:][audience],
        tokens, len(documents), text_topic[audience], labels,
        settings.signal_recent_days, settings.signal_baseline_days,
        settings.signal_min_count, settings.signal_min_lift, settings.signal_max_q_value)
    return topics, signals


def _topics_and_signals(ctx: Context, texts: pa.Table, settings: ConversationSettings) -> tuple[pa.Table, pa.Table]:
    posts = ctx.inputs["posts"]
    captions = posts.filter(posts.caption.notnull() & (posts.caption.length() > 0)).select("post_id", "caption").to_pyarrow()
    return topics_and_signals(captions, texts, _post_engagement(ctx), list(ctx.brand_ids), settings)


def _leads(ctx: Context, items: ibis.Table, settings: ConversationSettings) -> ibis.Table:
    leads = items.filter(items.intent.isin(settings.lead_intents) & ~items.is_brand_actor.fill_null(False))
    leads = leads.select(
        account_id=leads.actor_id, interaction_id=leads.interaction_id, intent=leads.intent, kind=leads.kind,
        created_at=leads.created_at, text=leads.text, language=leads.language, answered=leads.answered,
        response_minutes=leads.response_minutes,
    )
    conversions = ctx.table("conversions")
    if conversions is None:
        return leads.mutate(converted=ibis.literal(False), conversion_kind=ibis.null("string"),
                            converted_at=ibis.null("timestamp"))
    conv = conversions.filter(conversions.account_id.notnull())
    identities = ctx.table("identities")
    # The same person on several platforms: a lead on one account may convert on another.
    if identities is not None:
        person = identities.select(_acc=identities.account_id, _person=identities.member_id)
        def person_of(table: ibis.Table, col: str) -> ibis.Table:
            j = table.left_join(person, table[col] == person._acc)
            return j.mutate(_who=j._person.fill_null(j[col])).drop("_acc", "_person")
        leads_p, conv_p = person_of(leads, "account_id"), person_of(conv, "account_id")
    else:
        leads_p, conv_p = leads.mutate(_who=leads.account_id), conv.mutate(_who=conv.account_id)
    conv_p = conv_p.select(_cwho=conv_p._who, _at=conv_p.occurred_at, _kind=conv_p.kind, _cid=conv_p.conversion_id)
    later = (leads_p.join(conv_p, (leads_p._who == conv_p._cwho) & (conv_p._at >= leads_p.created_at))
             .select("interaction_id", "_at", "_kind", "_cid"))
    first = later.group_by("interaction_id").agg(converted_at=later._at.min(), conversion_kind=later._kind.argmin(later._at))
    out = leads.left_join(first, "interaction_id")
    return out.select(*leads.columns, converted=out.converted_at.notnull(), conversion_kind=out.conversion_kind,
                      converted_at=out.converted_at)


def _unanswered(items: ibis.Table, settings: ConversationSettings, end: Any) -> ibis.Table:
    open_items = items.filter(items.needs_answer & ~items.answered)
    order = settings.urgency_order
    urgency = ibis.cases(*[(open_items.intent == name, i + 1) for i, name in enumerate(order)], else_=len(order) + 1)
    waiting = (ibis.literal(end).cast("timestamp").epoch_seconds() - open_items.created_at.epoch_seconds()) / 3600.0
    open_items = open_items.mutate(urgency=urgency, waiting_hours=waiting.cast("float64"))
    ranked = open_items.mutate(
        rank=ibis.row_number().over(order_by=[open_items.urgency, open_items.created_at, open_items.interaction_id]) + 1)
    return ranked.select("rank", "urgency", "interaction_id", "kind", "actor_id", "created_at", "post_id", "platform",
                         "language", "intent", "intent_confidence", "sentiment", "text", "waiting_hours").order_by("rank")


def _quantiles(values: np.ndarray) -> tuple[float | None, float | None]:
    if len(values) == 0:
        return None, None
    return float(np.percentile(values, 50)), float(np.percentile(values, 90))


def _summary(resolved: pa.Table, classified: pa.Table) -> dict[str, Any]:
    """Response figures over the texts that need an answer; intent, language and sentiment over members' texts."""
    needs = resolved.filter(pc.field("needs_answer"))
    answered = needs.filter(pc.field("answered"))
    minutes = answered["response_minutes"].to_numpy(zero_copy_only=False)
    median, p90 = _quantiles(minutes)
    by_intent = {}
    for intent in INTENTS:
        mine = needs.filter(pc.equal(needs["intent"], intent))
        if mine.num_rows == 0:
            continue
        done = mine.filter(pc.field("answered"))
        m50, m90 = _quantiles(done["response_minutes"].to_numpy(zero_copy_only=False))
        by_intent[intent] = {"needs_answer": mine.num_rows, "answered": done.num_rows,
                             "response_rate": done.num_rows / mine.num_rows,
                             "median_response_minutes": m50, "p90_response_minutes": m90}
    n = classified.num_rows
    def counts(col: str) -> dict[str, int]:
        return {r[col]: r["count"] for r in classified.group_by(col).aggregate([(col, "count")])
                .rename_columns([col, "count"]).to_pylist()}

    sentiments = counts("sentiment")
    return {
        "texts_classified": n,
        "needs_answer": needs.num_rows,
        "answered": answered.num_rows,
        "unanswered": needs.num_rows - answered.num_rows,
        "response_rate": answered.num_rows / needs.num_rows if needs.num_rows else None,
        "median_response_minutes": median,
        "p90_response_minutes": p90,
        "response_by_intent": by_intent,
        "intents": {k: counts("intent").get(k, 0) for k in INTENTS},
        "languages": counts("language"),
        "sentiment_shares": {k: (sentiments.get(k, 0) / n if n else None) for k in ("negative", "neutral", "positive")},
    }


def conversation(ctx: Context) -> Output:
    settings = ctx.config.conversation
    raw = ctx.inputs["interactions"]
    with_text = raw.filter(raw.text.notnull() & (raw.text.strip().length() > 0))
    # Engine boundary (docs/scale.md): text-bearing interactions go to the driver for the text models;
    # 1.2M texts (35 MB of text) at 10M interactions, ~12% of them: the first limit on a cluster.
    texts = with_text.select("interaction_id", "text", "post_id", "actor_id", "created_at").to_pyarrow()
    ctx.progress("conversation: classifying texts")
    model, model_name = brand_model(ctx.table(CONVERSATION_MODEL), settings)
    classified = classify_texts(texts["text"], settings, model)
    classified = classified.add_column(0, "interaction_id", texts["interaction_id"])
    ctx.progress("conversation: responsiveness")
    resolved_expr = responses(ctx.interactions, ibis.memtable(classified), ctx.brand_ids,
                              settings.answer_intents, settings.dm_answer_hours)
    resolved = resolved_expr.to_pyarrow()
    columns = classified.drop_columns(["is_question"]).join(resolved.drop_columns(["first_response_at"]), "interaction_id")
    items_table = columns.join(texts.select(["interaction_id", "text"]), "interaction_id")
    base = ctx.interactions.select("interaction_id", "kind", "actor_id", "created_at", "post_id", "platform", "is_brand_actor")
    items = base.join(ibis.memtable(items_table), "interaction_id")
    end = raw.created_at.max().to_pyarrow().as_py()
    ctx.progress("conversation: topics and weak signals")
    topics, signals = _topics_and_signals(ctx, texts, settings)
    members = pc.invert(pc.is_in(texts["actor_id"], value_set=pa.array(ctx.brand_ids, pa.string())))
    summary = _summary(columns, classified.filter(members))  # what members say, not the brand's own texts
    summary["weak_signals"] = signals.num_rows
    summary["conversation_model"] = model_name
    return Output(
        tables={
            "unanswered": _unanswered(items, settings, end),
            "leads": _leads(ctx, items, settings),
            "topics": topics,
            "weak_signals": signals,
        },
        interaction_columns=columns,
        summary=summary,
    )


STEP = Step(
    "conversation", conversation,
    reads=("posts", "interactions", "conversions", "identities", CONVERSATION_MODEL),
    tables=(
        TableOutput("unanswered", ("interaction_id",), ("rank", "urgency", "interaction_id", "kind", "actor_id", "created_at", "post_id", "platform", "language", "intent", "intent_confidence", "sentiment", "text", "waiting_hours")),
        TableOutput("leads", ("interaction_id",), ("account_id", "interaction_id", "intent", "kind", "created_at", "text", "language", "answered", "response_minutes", "converted", "conversion_kind", "converted_at")),
        TableOutput("topics", ("topic_id",), ("topic_id", "label", "terms", "posts", "texts", "raw_engagement", "clean_engagement", "clean_engagement_per_post", "share_of_clean_engagement")),
        TableOutput("weak_signals", ("signal", "kind"), ("signal", "kind", "recent_authors", "baseline_authors", "recent_rate", "baseline_rate", "lift", "p_value", "q_value", "window_start", "window_end")),
    ),
    interaction_columns=("language", "intent", "intent_confidence", "sentiment", "sentiment_score", "needs_answer", "answered", "response_minutes"),
)
