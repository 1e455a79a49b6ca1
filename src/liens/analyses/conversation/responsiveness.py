"""Responsiveness: which texts need the brand's answer, whether and how fast it came.

Engine-side (Ibis) so that it runs where the interactions are. A text is answered by the first brand
interaction whose `parent_id` is the text; failing that, by the first later brand DM to its author
that is not linked to another message (DM exports rarely link messages): with no time limit for
private messages, within `dm_answer_hours` for public texts.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

PRIVATE_KINDS = ("dm", "story_reply")
ADDRESSABLE_KINDS = ("comment", "dm", "story_reply", "mention")


def responses(interactions: ir.Table, classified: ir.Table, brand_ids: list[str], answer_intents: list[str],
              dm_answer_hours: float) -> ir.Table:
    """interaction_id, needs_answer, answered, response_minutes, first_response_at (one row per text)."""
    brand = ibis.literal(False) if not brand_ids else None
    items = interactions.select("interaction_id", "kind", "actor_id", "created_at", "post_author_id", "target_id",
                                "is_brand_actor").join(classified, "interaction_id")
    if brand_ids:
        # Addressed to the brand: on its post, or sent to its account (DM, story reply, mention).
        to_brand = (items.kind.isin(ADDRESSABLE_KINDS)
                    & (items.post_author_id.isin(brand_ids).fill_null(False) | items.target_id.isin(brand_ids).fill_null(False)))
    else:
        to_brand = brand
    needs = (
        to_brand & ~items.is_brand_actor.fill_null(False) & (items.intent != "spam")
        & (items.intent.isin(answer_intents) | items.is_question | (items.kind == "dm"))
    )
    items = items.mutate(needs_answer=needs.fill_null(False))
    if not brand_ids:
        return items.select("interaction_id", "needs_answer", answered=ibis.literal(False),
                            response_minutes=ibis.null("float64"), first_response_at=ibis.null("timestamp"))

    by_brand = interactions.filter(interactions.is_brand_actor)
    linked = (by_brand.filter(by_brand.parent_id.notnull())
              .group_by(_id=by_brand.parent_id).agg(_linked_at=by_brand.created_at.min()))
    loose_dms = by_brand.filter((by_brand.kind == "dm") & by_brand.parent_id.isnull() & by_brand.target_id.notnull())
    loose_dms = loose_dms.select(_member=loose_dms.target_id, _dm_at=loose_dms.created_at)
    window = ibis.interval(seconds=int(round(dm_answer_hours * 3600)))
    candidates = items.select("interaction_id", "actor_id", "created_at", "kind")
    dm_back = (
        candidates.join(loose_dms, candidates.actor_id == loose_dms._member)
        .filter(lambda t: (t._dm_at > t.created_at)
                & (t.kind.isin(PRIVATE_KINDS) | (t._dm_at <= t.created_at + window)))
        .group_by(_id=ibis._.interaction_id).agg(_dm_back_at=ibis._._dm_at.min())
    )
    joined = (items.left_join(linked, items.interaction_id == linked._id)
              .left_join(dm_back, items.interaction_id == dm_back._id))
    first = joined._linked_at.fill_null(joined._dm_back_at)  # an explicit link wins over an inferred DM
    minutes = (first.epoch_seconds() - joined.created_at.epoch_seconds()) / 60.0
    return joined.select(
        "interaction_id", "needs_answer",
        answered=first.notnull() & ~joined.is_brand_actor.fill_null(False),
        response_minutes=ibis.ifelse(joined.is_brand_actor.fill_null(False), ibis.null("float64"), minutes.cast("float64")),
        first_response_at=first,
    )
