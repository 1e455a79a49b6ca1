"""Personal data in the store: forget one person, or pseudonymise everyone.

Both rewrite the store into a new file that replaces the old one (`Store.replacing(copy=False)`):
only the rows kept are written, so nothing of what was removed stays in the file's free space.
Both drop the results (which may hold names and texts) and remove the results folders and reports
written from the store before (listed in the outputs file beside it, `store.outputs`); run
`liens analyze` again afterwards. Both are all-or-nothing, even when the process is killed.

Forgotten people stay forgotten: `forget` keeps a keyed tombstone of each account (a hash with a
key of the store, never the plain id), and every later load leaves their rows out.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import duckdb

from ..errors import StoreError
from ..schema import TABLES
from .models import ALERTS_TABLE
from .store import ALIAS, META_TABLE, RESULT_PREFIX, Store, forget_outputs
from .store import quote_identifier as q

# Columns whose value is an account, per table: a row whose column names a forgotten account goes.
ACCOUNT_COLUMNS = {
    "accounts": ("account_id",),
    "posts": ("author_id",),
    "interactions": ("actor_id",),
    "follows": ("follower_id", "followee_id"),
    "audience": ("account_id",),
    "identities": ("account_id",),
}
# Columns that point at an account without the row being theirs: the link is removed.
ACCOUNT_LINKS = {"interactions": ("target_id",), "conversions": ("account_id",)}
# Text columns that may name people, besides the personal ones of the schema.
NAME_COLUMNS = ("handle", "display_name", "bio")
# Columns pseudonymised with a keyed hash wherever they appear, besides every `*_id` column:
# ids are kept joinable (the same secret gives the same pseudonym), names and texts are not.
HASHED_EXTRAS = ("thread_id", "email")
# Columns removed by pseudonymise, besides the names: links and captions carry usernames.
BLANKED = ("url",)
TOMBSTONES = "_liens_forgotten"
TOMBSTONE_KEY = "tombstone_key"
PSEUDONYM_CHECK = "pseudonym_check"
PSEUDONYM = r"^p_[0-9a-f]{16}$"
FORGOTTEN = "[forgotten]"


@dataclass
class ForgetReport:
    accounts: list[str]
    rows_deleted: dict[str, int] = field(default_factory=dict)
    conversions_unlinked: int = 0
    files_removed: list[str] = field(default_factory=list)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _tables(con: duckdb.DuckDBPyConnection, catalog: str = ALIAS) -> dict[str, list[str]]:
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_catalog = ? "
                       "AND table_schema = 'main' ORDER BY table_name, ordinal_position", [catalog]).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def _text_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_catalog = ? "
                       "AND table_schema = 'main' AND data_type = 'VARCHAR'", [ALIAS]).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def _accounts_of(store: Store, account_id: str) -> list[str]:
    """The account and every other account the identities table says is the same person."""
    if not store.has_table("identities"):
        return [account_id]
    rows = store.con.execute(
        "SELECT DISTINCT account_id FROM identities WHERE member_id IN "
        "(SELECT member_id FROM identities WHERE account_id = ?)", [account_id]).fetchall()
    return sorted({account_id, *(r[0] for r in rows)})


def _tombstone_key(store: Store) -> str:
    return store.meta(TOMBSTONE_KEY) or secrets.token_hex(32)


def _hash(key: str, column: str) -> str:
    return f"sha256({_literal(key)} || '|' || {column})"


def without_forgotten(con: duckdb.DuckDBPyConnection, table: str, select: str, columns: list[str]) -> str:
    """`select` (rows on their way into `table`) without the rows of forgotten people, and without
    its links to them. Unchanged when nobody was forgotten."""
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() "
                      "AND table_schema = 'main' AND table_name = ?", [TOMBSTONES]).fetchone()
    if not has or not has[0]:
        return select
    key = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", [TOMBSTONE_KEY]).fetchone()
    if key is None:
        return select
    owners = [c for c in ACCOUNT_COLUMNS.get(table, ()) if c in columns]
    links = [c for c in ACCOUNT_LINKS.get(table, ()) if c in columns]
    if not owners and not links:
        return select

    def gone(column: str) -> str:
        return f"({q(column)} IS NOT NULL AND {_hash(str(key[0]), q(column))} IN (SELECT hash FROM {TOMBSTONES}))"

    replaced = ", ".join(f"CASE WHEN {gone(c)} THEN NULL ELSE {q(c)} END AS {q(c)}" for c in links)
    where = " OR ".join(gone(c) for c in owners) or "false"
    return f"SELECT * {f'REPLACE ({replaced})' if replaced else ''} FROM ({select}) WHERE NOT ({where})"


def forget(store: Store, account_id: str) -> ForgetReport:
    """Delete a person: their accounts, posts (and their metrics), interactions, follows, audience
    and identities; their conversions and the messages addressed to them lose the link; their handle
    and name are replaced by "[forgotten]" in the texts of others and in the load history.

    Replies by others to the person's interactions stay, without the forgotten text.
    """
    store.require_data()
    accounts = _accounts_of(store, account_id)
    marks = ", ".join("?" * len(accounts))
    known = store.con.execute(f"SELECT count(*) FROM accounts WHERE account_id IN ({marks})", accounts).fetchone()
    acted = store.con.execute(f"SELECT count(*) FROM interactions WHERE actor_id IN ({marks})", accounts).fetchone()
    if not (known and known[0]) and not (acted and acted[0]):
        raise StoreError(f"no account '{account_id}' in store {store.path}")
    names = {str(r[0]) for r in store.con.execute(
        f"SELECT DISTINCT unnest([handle, display_name]) FROM accounts WHERE account_id IN ({marks})", accounts).fetchall()
        if r[0] and len(str(r[0])) >= 3}
    # Short words (an id like "u2") would mangle unrelated text: only names and ids of 3 characters or more.
    words = sorted(names | {a for a in accounts if len(a) >= 3}, key=len, reverse=True)
    report = ForgetReport(accounts)
    key = _tombstone_key(store)
    ids = "[" + ", ".join(map(_literal, accounts)) + "]"
    tables = _tables(store.con)
    texts = _text_columns(store.con)
    # Posts written by the person go, and so do their metrics.
    posts = f"(SELECT post_id FROM {ALIAS}.main.posts WHERE author_id IN (SELECT unnest({ids})))"

    def scrub(column: str) -> str:
        expr = q(column)
        for word in words:  # the word as written, in any case
            expr = f"regexp_replace({expr}, {_literal(re.escape(word))}, {_literal(FORGOTTEN)}, 'gi')"
        return expr

    plans: dict[str, tuple[dict[str, str], str]] = {}
    for table, columns in tables.items():
        if table.startswith(RESULT_PREFIX) or table == TOMBSTONES:
            continue
        owners = [c for c in ACCOUNT_COLUMNS.get(table, ()) if c in columns]
        if table not in TABLES and "account_id" in columns:
            owners = ["account_id"]  # side tables (audience labels…)
        conditions = [f"{q(c)} IN (SELECT unnest({ids}))" for c in owners]
        if table == ALERTS_TABLE:
            # An alert about the person carries their messages and names in its evidence: it goes.
            conditions += [f"contains(lower(coalesce({q(c)}, '')), {_literal(word.lower())})"
                           for c in ("payload", "key", "account_ids") if c in columns for word in words]
        if table == "post_metrics" and "posts" in tables:
            conditions.append(f"post_id IN {posts}")
        changes = {c: f"CASE WHEN {q(c)} IN (SELECT unnest({ids})) THEN NULL ELSE {q(c)} END"
                   for c in ACCOUNT_LINKS.get(table, ()) if c in columns}
        # Every other text may carry the person's id, handle or name (a thread named after them, a
        # mention, an export folder in the load history).
        if table in TABLES or table == "_liens_loads":
            changes.update({c: scrub(c) for c in texts[table] if c not in changes and c not in owners})
        plans[table] = (changes, " OR ".join(conditions) or "false")
        if conditions:
            found = store.con.execute(f"SELECT count(*) FROM {q(table)} WHERE {plans[table][1]}").fetchone()
            report.rows_deleted[table] = int(found[0]) if found else 0
    if "conversions" in tables and "account_id" in tables["conversions"]:
        found = store.con.execute(f"SELECT count(*) FROM conversions WHERE account_id IN ({marks})", accounts).fetchone()
        report.conversions_unlinked = int(found[0]) if found else 0
    with store.replacing(copy=False) as con:
        _copy_rows(con, tables, plans)
        con.execute(f"CREATE TABLE IF NOT EXISTS {TOMBSTONES} (hash VARCHAR)")
        if TOMBSTONES in tables:
            con.execute(f"INSERT INTO {TOMBSTONES} SELECT hash FROM {ALIAS}.main.{TOMBSTONES}")
        con.execute(f"INSERT INTO {TOMBSTONES} SELECT DISTINCT {_hash(key, 'unnest(' + ids + ')')} "
                    f"EXCEPT SELECT hash FROM {TOMBSTONES}")
        store.set_meta(TOMBSTONE_KEY, key, con)
    report.files_removed = forget_outputs(store.path)
    return report


def pseudonymise(store: Store, secret: str, *, drop_text: bool = False) -> dict[str, int]:
    """Replace every id by a keyed hash and remove names, bios, links and unknown columns (texts too
    with `drop_text`); the load history keeps hashed source names.

    Ids of every table (accounts, posts, interactions, threads, members, conversions; `*_id`) are
    hashed alike, so the tables still join, and the same secret gives the same pseudonyms: a value
    already a pseudonym is kept, so running it again with the same secret changes nothing, and a
    later load pseudonymised again gets the same pseudonyms. Another secret is refused. Without the
    secret, ids cannot be traced back. Texts are kept by default because the conversation analysis
    reads them (they may still name people: `drop_text` removes them).
    """
    store.require_data()
    if len(secret) < 12:
        raise StoreError("the pseudonymisation secret must be at least 12 characters")
    check = store.con.execute("SELECT left(sha256('liens-pseudonymise|' || ?), 16)", [secret]).fetchone()
    fingerprint = str(check[0]) if check else ""
    kept = store.meta(PSEUDONYM_CHECK)
    if kept is not None and kept != fingerprint:
        raise StoreError("this store was pseudonymised with another secret: use the same one (a second secret would "
                         "make the pseudonyms of later loads differ)")
    tables = _tables(store.con)

    def pseudo(column: str) -> str:
        # sha256 runs inside DuckDB: no Python call per row; a pseudonym already is one.
        col = f"CAST({q(column)} AS VARCHAR)"
        return (f"CASE WHEN {q(column)} IS NULL THEN NULL WHEN regexp_matches({col}, {_literal(PSEUDONYM)}) THEN {col} "
                f"ELSE 'p_' || left(sha256($secret || '|' || {col}), 16) END")

    blank = set(NAME_COLUMNS) | set(BLANKED) | ({"text", "caption"} if drop_text else set())
    changed: dict[str, int] = {}
    plans: dict[str, tuple[dict[str, str], str]] = {}
    for table, columns in tables.items():
        if table.startswith(RESULT_PREFIX):
            continue
        spec = TABLES.get(table)
        changes: dict[str, str] = {}
        for c in columns:
            declared = spec.column(c) if spec else None
            if c.endswith("_id") or c in HASHED_EXTRAS or (table == "_liens_loads" and c == "source"):
                if table != "_liens_loads" or c == "source":
                    changes[c] = pseudo(c)
            elif c in blank or (spec is not None and declared is None):
                changes[c] = "NULL"  # names, links, and the columns a dataset added that no one declared
        plans[table] = (changes, "false")
        if spec is not None and changes:
            found = store.con.execute(f"SELECT count(*) FROM {q(table)}").fetchone()
            changed[table] = int(found[0]) if found else 0
    with store.replacing(copy=False) as con:
        _copy_rows(con, tables, plans, {"secret": secret})
        store.set_meta(PSEUDONYM_CHECK, fingerprint, con)
    forget_outputs(store.path)
    return changed


def _copy_rows(con: duckdb.DuckDBPyConnection, tables: dict[str, list[str]],
               plans: dict[str, tuple[dict[str, str], str]], params: dict[str, str] | None = None) -> None:
    """Write into the new store file the rows kept by each plan (changed columns, condition to drop);
    results and the summary are not copied."""
    for table, columns in tables.items():
        if table.startswith(RESULT_PREFIX):
            con.execute(f"DROP TABLE IF EXISTS {q(table)}")
            continue
        if table not in plans:
            continue
        changes, drop = plans[table]
        exprs = ", ".join(f"{changes.get(c, q(c))} AS {q(c)}" for c in columns)
        where = "" if drop == "false" else f" WHERE NOT ({drop})"
        if table == META_TABLE:
            where = " WHERE key <> 'summary'"
        sql = f"INSERT INTO {q(table)} BY NAME SELECT {exprs} FROM {ALIAS}.main.{q(table)}{where}"
        uses = params if params and "$secret" in sql else None
        con.execute(sql, uses) if uses else con.execute(sql)


__all__ = ["ACCOUNT_COLUMNS", "ForgetReport", "forget", "pseudonymise", "without_forgotten"]
