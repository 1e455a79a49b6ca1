"""Personal data in the store: forget one person, or pseudonymise everyone.

Both act on the loaded tables and drop the results (which may hold names and texts); run
`liens analyze` again afterwards. Both are all-or-nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import StoreError
from ..schema import TABLES
from .store import RESULT_PREFIX, Store
from .store import quote_identifier as q

# Columns that name an account, per table: a forgotten account disappears from all of them.
ACCOUNT_COLUMNS = {
    "accounts": ("account_id",),
    "posts": ("author_id",),
    "interactions": ("actor_id",),
    "follows": ("follower_id", "followee_id"),
    "audience": ("account_id",),
    "identities": ("account_id",),
}


@dataclass
class ForgetReport:
    accounts: list[str]
    rows_deleted: dict[str, int] = field(default_factory=dict)
    conversions_unlinked: int = 0


def _accounts_of(store: Store, account_id: str) -> list[str]:
    """The account and every other account the identities table says is the same person."""
    if not store.has_table("identities"):
        return [account_id]
    rows = store.con.execute(
        "SELECT DISTINCT account_id FROM identities WHERE member_id IN "
        "(SELECT member_id FROM identities WHERE account_id = ?)", [account_id]).fetchall()
    return sorted({account_id, *(r[0] for r in rows)})


def forget(store: Store, account_id: str) -> ForgetReport:
    """Delete a person: their accounts, posts, interactions, follows; their conversions lose the link.

    Replies by others to the person's interactions stay, without the forgotten text.
    """
    store.require_data()
    accounts = _accounts_of(store, account_id)
    known = store.con.execute(
        f"SELECT count(*) FROM accounts WHERE account_id IN ({', '.join('?' * len(accounts))})", accounts
    ).fetchone()[0]  # type: ignore[index]
    in_interactions = store.con.execute(
        f"SELECT count(*) FROM interactions WHERE actor_id IN ({', '.join('?' * len(accounts))})", accounts
    ).fetchone()[0]  # type: ignore[index]
    if not known and not in_interactions:
        raise StoreError(f"no account '{account_id}' in store {store.path}")
    report = ForgetReport(accounts)
    marks = ", ".join("?" * len(accounts))
    with store.transaction() as con:
        for table, columns in ACCOUNT_COLUMNS.items():
            if not store.has_table(table):
                continue
            where = " OR ".join(f"{q(c)} IN ({marks})" for c in columns)
            params = accounts * len(columns)
            report.rows_deleted[table] = con.execute(f"SELECT count(*) FROM {q(table)} WHERE {where}", params).fetchone()[0]  # type: ignore[index]
            con.execute(f"DELETE FROM {q(table)} WHERE {where}", params)
        # Interactions addressed to the person (DMs, mentions) lose their target.
        con.execute(f"UPDATE interactions SET target_id = NULL WHERE target_id IN ({marks})", accounts)
        if store.has_table("conversions"):
            report.conversions_unlinked = con.execute(
                f"SELECT count(*) FROM conversions WHERE account_id IN ({marks})", accounts).fetchone()[0]  # type: ignore[index]
            con.execute(f"UPDATE conversions SET account_id = NULL WHERE account_id IN ({marks})", accounts)
        _drop_results(store)
    return report


def pseudonymise(store: Store, secret: str, *, drop_text: bool = False) -> dict[str, int]:
    """Replace every account id by a keyed hash and blank names and bios (texts too with `drop_text`).

    The same secret gives the same pseudonyms, so later exports can be pseudonymised alike and
    loaded incrementally. Without the secret, ids cannot be traced back. Texts are kept by default
    because the conversation analysis reads them.
    """
    store.require_data()
    if len(secret) < 12:
        raise StoreError("the pseudonymisation secret must be at least 12 characters")
    changed: dict[str, int] = {}

    def pseudo(column: str) -> str:
        # sha256 runs inside DuckDB: no Python call per row.
        return f"CASE WHEN {q(column)} IS NULL THEN NULL ELSE 'p_' || left(sha256($secret || '|' || {q(column)}), 16) END"

    blank = {"accounts": ("handle", "display_name", "bio")}
    if drop_text:
        blank.update({"interactions": ("text",), "posts": ("caption",)})
    also = {"interactions": ("target_id",), "conversions": ("account_id",)}
    with store.transaction() as con:
        for table in TABLES:
            if not store.has_table(table):
                continue
            present = store.columns(table)
            sets = [f"{q(c)} = {pseudo(c)}" for c in ACCOUNT_COLUMNS.get(table, ()) + also.get(table, ())]
            sets += [f"{q(c)} = NULL" for c in blank.get(table, ()) if c in present]
            if not sets:
                continue
            changed[table] = con.execute(f"SELECT count(*) FROM {q(table)}").fetchone()[0]  # type: ignore[index]
            con.execute(f"UPDATE {q(table)} SET {', '.join(sets)}", {"secret": secret})
        _drop_results(store)
    return changed


def _drop_results(store: Store) -> None:
    for name in store.result_names():
        store.con.execute(f"DROP TABLE IF EXISTS {q(RESULT_PREFIX + name)}")
    if store.has_table("_liens_meta"):
        store.con.execute("DELETE FROM _liens_meta WHERE key = 'summary'")
