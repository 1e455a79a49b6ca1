"""Run every registered analysis over a store and keep the results in it."""

from __future__ import annotations

import json
from typing import Any, Callable

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..config import Config
from ..engine import connect
from ..schema import TABLES
from ..store.store import RESULT_PREFIX, Store
from .base import Context, Output, Step
from .common import brand_account_ids
from .core import base_accounts, base_interactions

SUMMARY_KEY = "summary"


def _as_table(value: ir.Table | pa.Table) -> ir.Table:
    return ibis.memtable(value) if isinstance(value, pa.Table) else value


def _widen(base: ir.Table, columns: ir.Table, key: str, step: str) -> ir.Table:
    clash = [c for c in columns.columns if c != key and c in base.columns]
    if clash:
        raise ValueError(f"analysis '{step}' adds columns that already exist: {clash}")
    joined = base.left_join(columns, key)
    return joined.select(*base.columns, *[c for c in columns.columns if c != key])


def run_analyses(
    store: Store,
    config: Config,
    *,
    engine: str = "duckdb",
    steps: list[Step] | None = None,
    progress: Callable[[str], None] | None = None,
    **engine_options: Any,
) -> dict[str, Any]:
    """Run the analyses in order; write `result_*` tables and the summary into the store."""
    from . import STEPS

    store.require_data()
    steps = STEPS if steps is None else steps
    say = progress or (lambda _msg: None)
    backend = connect(store, engine, **engine_options)
    for old in store.result_names():
        store.con.execute(f'DROP TABLE IF EXISTS "{RESULT_PREFIX}{old}"')
    inputs = {name: backend.table(name) for name in TABLES if store.has_table(name)}
    brand_ids = brand_account_ids(inputs["accounts"], inputs["posts"], config)
    ctx = Context(
        backend=backend, config=config, inputs=inputs, brand_ids=brand_ids,
        accounts=base_accounts(inputs["accounts"], brand_ids),
        interactions=base_interactions(inputs["interactions"], inputs["posts"], brand_ids),
        progress=say,
    )
    summary: dict[str, Any] = {"analyses": [], "analyses_skipped": {}}
    scratch: list[str] = []
    for step in steps:
        missing = [t for t in step.needs if t not in inputs]
        if missing:
            summary["analyses_skipped"][step.name] = f"needs the {', '.join(missing)} table(s)"
            continue
        say(step.name)
        output: Output = step.run(ctx)
        for name, table in output.tables.items():
            backend.create_table(RESULT_PREFIX + name, _as_table(table), overwrite=True)
            ctx.results[name] = backend.table(RESULT_PREFIX + name)
        for attr, key in (("account_columns", "account_id"), ("interaction_columns", "interaction_id")):
            columns = getattr(output, attr)
            if columns is None:
                continue
            name = f"_scratch_{step.name}_{attr}"
            backend.create_table(name, _as_table(columns), overwrite=True)
            scratch.append(name)
            target = "accounts" if key == "account_id" else "interactions"
            setattr(ctx, target, _widen(getattr(ctx, target), backend.table(name), key, step.name))
        clash = set(output.summary) & set(summary)
        if clash:
            raise ValueError(f"analysis '{step.name}' repeats summary keys {sorted(clash)}")
        summary.update(output.summary)
        ctx.summary = summary
        summary["analyses"].append(step.name)
    say("writing results")
    backend.create_table(RESULT_PREFIX + "accounts", ctx.accounts, overwrite=True)
    backend.create_table(RESULT_PREFIX + "interactions", ctx.interactions, overwrite=True)
    for name in scratch:
        store.con.execute(f'DROP TABLE IF EXISTS "{name}"')
    store.set_meta(SUMMARY_KEY, json.dumps(summary, default=str))
    return summary


def stored_summary(store: Store) -> dict[str, Any]:
    raw = store.meta(SUMMARY_KEY)
    return {} if raw is None else json.loads(raw)
