"""One person, one member: accounts of the same person on several platforms count once.

Accounts are linked when the `identities` table gives them the same `member_id`, or (each rule can
be switched off in the settings) when they have the same handle on different platforms, or the
same e-mail (an `email` column of `accounts`, when the dataset has one). Links are transitive: the
engine reduces the data to the few linked accounts, whose connected components (scipy) are persons.
A person's `member_id` is the identities' member_id when there is one, else its smallest account_id.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ...config import CommunitySettings
from ..base import Context

EMAIL_COLUMN = "email"


def _normalised(value: ir.StringValue) -> ir.StringValue:
    return value.strip().lower()


def link_keys(ctx: Context, settings: CommunitySettings) -> ir.Table | None:
    """(account_id, key) rows: accounts sharing a key are the same person. None when no rule applies."""
    parts: list[ir.Table] = []
    identities = ctx.table("identities")
    if identities is not None:
        parts.append(identities.select(
            account_id=identities.account_id, key=ibis.literal("id:") + identities.member_id.cast("string"),
        ))
    accounts = ctx.inputs["accounts"]
    if settings.link_same_handle and "handle" in accounts.columns:
        handle = _normalised(accounts.handle).replace("@", "")
        rows = accounts.select("account_id", "platform", h=handle).filter(ibis._.h.notnull() & (ibis._.h != ""))
        shared = rows.group_by("h").agg(platforms=rows.platform.nunique()).filter(ibis._.platforms >= 2)
        linked = rows.join(shared, "h")
        parts.append(linked.select(account_id=linked.account_id, key=ibis.literal("handle:") + linked.h))
    if settings.link_same_email and EMAIL_COLUMN in accounts.columns:
        rows = accounts.select("account_id", e=_normalised(accounts[EMAIL_COLUMN].cast("string")))
        rows = rows.filter(rows.e.notnull() & (rows.e != ""))
        shared = rows.group_by("e").agg(n=rows.account_id.nunique()).filter(ibis._.n >= 2)
        linked = rows.join(shared, "e")
        parts.append(linked.select(account_id=linked.account_id, key=ibis.literal("email:") + linked.e))
    if not parts:
        return None
    return ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()


def member_ids(ctx: Context) -> ir.Table:
    """account_id -> member_id for every account (its own id unless linked to others)."""
    accounts = ctx.accounts.select("account_id")
    keys = link_keys(ctx, ctx.config.community)
    if keys is None:
        return accounts.mutate(member_id=accounts.account_id, linked_accounts=ibis.literal(1, "int64"))
    mapping = ibis.memtable(_components(keys.to_pyarrow()))
    joined = accounts.left_join(mapping, accounts.account_id == mapping._account).drop("_account")
    return joined.select(
        "account_id",
        member_id=joined._member.fill_null(joined.account_id),
        linked_accounts=joined._size.fill_null(1).cast("int64"),
    )


def _components(keys: pa.Table) -> pa.Table:
    """Connected components of the account-key graph, as (_account, _member, _size) for linked accounts."""
    schema = pa.schema([("_account", pa.string()), ("_member", pa.string()), ("_size", pa.int64())])
    if keys.num_rows == 0:
        return schema.empty_table()
    account = np.asarray(keys.column("account_id").to_pylist(), dtype=str)
    key = np.asarray(keys.column("key").to_pylist(), dtype=str)
    # Accounts and keys share one node space; a prefix keeps an account id from equalling a key.
    names = np.concatenate([np.char.add("a:", account), np.char.add("k:", key)])
    nodes, index = np.unique(names, return_inverse=True)
    a, k = index[: len(account)], index[len(account):]
    graph = coo_matrix((np.ones(len(a)), (a, k)), shape=(len(nodes), len(nodes)))
    _, label = connected_components(graph, directed=False)
    from_identities: dict[int, str] = {}
    smallest_account: dict[int, str] = {}
    # Nodes are sorted, so the first account (or identities key) met in a component is its smallest.
    for node, name in enumerate(nodes.tolist()):
        comp = int(label[node])
        if name.startswith("a:"):
            smallest_account.setdefault(comp, name[2:])
        elif name.startswith("k:id:"):
            from_identities.setdefault(comp, name[5:])
    members = {**smallest_account, **from_identities}  # the identities' member_id wins
    accounts_idx = np.flatnonzero(np.char.startswith(nodes.astype(str), "a:"))
    sizes = np.bincount(label[accounts_idx], minlength=int(label.max()) + 1)
    return pa.table({
        "_account": pa.array([str(nodes[i])[2:] for i in accounts_idx], pa.string()),
        "_member": pa.array([members[int(label[i])] for i in accounts_idx], pa.string()),
        "_size": pa.array([int(sizes[label[i]]) for i in accounts_idx], pa.int64()),
    }, schema=schema)
