"""Small helpers shared by analyses."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..config import Config
from ..schema import WRITTEN_KINDS as TEXT_KINDS  # noqa: F401 (the analyses' name for written kinds)

ENGAGEMENT_KINDS = ("like", "reaction", "comment", "reply", "share", "save", "story_reply", "dm", "mention")


def brand_account_ids(accounts: ir.Table, posts: ir.Table, config: Config) -> list[str]:
    """The brand's accounts: configured, else flagged `is_brand`, else the most prolific author."""
    if config.brand.account_ids:
        return list(config.brand.account_ids)
    flagged = accounts.filter(accounts.is_brand.fill_null(False)).account_id.to_pyarrow().to_pylist()
    if flagged:
        return sorted(flagged)
    top = posts.group_by("author_id").agg(n=posts.count()).order_by([ibis.desc("n"), "author_id"]).limit(1)
    found = top.author_id.to_pyarrow().to_pylist()
    return found


def safe_ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else numerator / denominator
