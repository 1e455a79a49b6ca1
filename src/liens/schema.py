"""Dataset format v1: the canonical tables, their columns, types and allowed values.

This module is the one place that says what a valid dataset looks like, and the vocabulary every
layer shares: interaction and conversion kinds and their subsets, logical types and how each engine
names them, the words read as true or false, the suffixes of dataset files. Readers produce it, the
loader validates against it (with `liens.conversion`), the store creates its tables from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Logical column types, mapped to DuckDB types by the loader.
STRING = "string"
TIMESTAMP = "timestamp"
DATE = "date"
INTEGER = "integer"
FLOAT = "float"
BOOLEAN = "boolean"

DUCKDB_TYPES = {
    STRING: "VARCHAR",
    TIMESTAMP: "TIMESTAMP",
    DATE: "DATE",
    INTEGER: "BIGINT",
    FLOAT: "DOUBLE",
    BOOLEAN: "BOOLEAN",
}

# The same logical types as Ibis names them (the analyses' empty tables, the Spark engine's inputs).
IBIS_TYPES = {
    STRING: "string",
    TIMESTAMP: "timestamp",
    DATE: "date",
    INTEGER: "int64",
    FLOAT: "float64",
    BOOLEAN: "boolean",
}

# Text read as a boolean: compared lower-cased; anything else is not a boolean.
TRUE_WORDS = ("true", "t", "1", "yes", "y", "oui", "vrai")
FALSE_WORDS = ("false", "f", "0", "no", "n", "non", "faux")

# What a user is told when a value does not parse.
EXPECTED = {
    STRING: "a text value",
    TIMESTAMP: "an ISO 8601 timestamp such as 2024-03-01T14:05:00Z",
    DATE: "an ISO 8601 date such as 2024-03-01",
    INTEGER: "a whole number",
    FLOAT: "a number",
    BOOLEAN: "true or false",
}

INTERACTION_KINDS = (
    "like", "reaction", "comment", "reply", "share", "save",
    "story_reply", "dm", "mention", "view", "click",
)
CONVERSION_KINDS = ("sale", "lead", "application", "cocreation", "signup", "other")
# Interactions whose text the actor wrote (a comment, a reply, a message, a mention).
WRITTEN_KINDS = ("comment", "reply", "story_reply", "dm", "mention")
# The one-tap approvals a vanity "likes" count adds up.
LIKE_KINDS = ("like", "reaction")
POST_FORMATS = ("photo", "carousel", "reel", "video", "story", "text", "live", "article", "other")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    mandatory: bool = False
    # Columns whose content is personal text (escaped on render, dropped when pseudonymising).
    personal: tuple[str, ...] = field(default_factory=tuple)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


def _c(name: str, type_: str = STRING, required: bool = False, allowed: tuple[str, ...] | None = None) -> Column:
    return Column(name, type_, required, allowed)


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "accounts",
            (
                _c("account_id", required=True),
                _c("platform", required=True),
                _c("handle"),
                _c("display_name"),
                _c("created_at", TIMESTAMP),
                _c("followers_count", INTEGER),
                _c("following_count", INTEGER),
                _c("posts_count", INTEGER),
                _c("has_profile_picture", BOOLEAN),
                _c("bio"),
                _c("is_brand", BOOLEAN),
                _c("is_verified", BOOLEAN),
            ),
            key=("account_id",),
            mandatory=True,
            personal=("handle", "display_name", "bio"),
        ),
        TableSpec(
            "posts",
            (
                _c("post_id", required=True),
                _c("author_id", required=True),
                _c("created_at", TIMESTAMP, required=True),
                _c("platform"),
                _c("format", allowed=POST_FORMATS),
                _c("caption"),
                _c("url"),
                _c("campaign"),
            ),
            key=("post_id",),
            mandatory=True,
            personal=("caption",),
        ),
        TableSpec(
            "interactions",
            (
                _c("interaction_id", required=True),
                _c("kind", required=True, allowed=INTERACTION_KINDS),
                _c("actor_id", required=True),
                _c("created_at", TIMESTAMP, required=True),
                _c("post_id"),
                _c("target_id"),
                _c("parent_id"),
                _c("text"),
                _c("dwell_seconds", FLOAT),
                _c("platform"),
            ),
            key=("interaction_id",),
            mandatory=True,
            personal=("text",),
        ),
        TableSpec(
            "follows",
            (
                _c("follower_id", required=True),
                _c("followee_id", required=True),
                _c("followed_at", TIMESTAMP, required=True),
                _c("unfollowed_at", TIMESTAMP),
            ),
            key=("follower_id", "followee_id"),
        ),
        TableSpec(
            "audience",
            (
                _c("account_id", required=True),
                _c("date", DATE, required=True),
                _c("followers", INTEGER, required=True),
            ),
            key=("account_id", "date"),
        ),
        TableSpec(
            # Post-level counts as the platforms' APIs and insights give them (who liked is not
            # known): one row per post and measurement time. Empty means not measured, not zero.
            "post_metrics",
            (
                _c("post_id", required=True),
                _c("measured_at", TIMESTAMP, required=True),
                _c("likes", INTEGER),
                _c("comments", INTEGER),
                _c("shares", INTEGER),
                _c("saves", INTEGER),
                _c("reach", INTEGER),
                _c("impressions", INTEGER),
                _c("views", INTEGER),
                _c("platform"),
            ),
            key=("post_id", "measured_at"),
        ),
        TableSpec(
            "conversions",
            (
                _c("conversion_id", required=True),
                _c("kind", required=True, allowed=CONVERSION_KINDS),
                _c("occurred_at", TIMESTAMP, required=True),
                _c("account_id"),
                _c("value", FLOAT),
                _c("currency"),
                _c("source"),
                _c("campaign"),
            ),
            key=("conversion_id",),
        ),
        TableSpec(
            "costs",
            (
                _c("period_start", DATE, required=True),
                _c("period_end", DATE, required=True),
                _c("amount", FLOAT, required=True),
                _c("currency"),
                _c("hours", FLOAT),
                _c("platform"),
                _c("campaign"),
            ),
            key=("period_start", "period_end", "platform", "campaign"),
        ),
        TableSpec(
            "identities",
            (
                _c("member_id", required=True),
                _c("account_id", required=True),
            ),
            key=("member_id", "account_id"),
        ),
    )
}

TABLE_ORDER: tuple[str, ...] = tuple(TABLES)
MANDATORY_TABLES: tuple[str, ...] = tuple(n for n, s in TABLES.items() if s.mandatory)
# A dataset table is a file NAME<suffix> (or a folder NAME/ of such parts): suffix -> how it is read.
DATASET_SUFFIXES: dict[str, str] = {
    ".csv": "csv", ".csv.gz": "csv", ".tsv": "csv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl",
    ".parquet": "parquet",
}
# The dataset file suffixes a user is told about.
FILE_SUFFIXES: tuple[str, ...] = (".csv", ".jsonl", ".parquet")
# A DuckDB file (a store, or a dataset kept as one).
STORE_SUFFIXES: tuple[str, ...] = (".duckdb", ".db")
