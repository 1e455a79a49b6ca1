"""Run every registered analysis over a store and keep the results in it."""

from __future__ import annotations

import json
from typing import Any, Callable

import ibis.expr.types as ir

from ..config import Config
from ..engine import open_workspace
from ..engines import Workspace
from ..store.store import RESULT_PREFIX, Store
from .base import Context, Output, Step
from .common import brand_account_ids
from .core import base_accounts, base_interactions

SUMMARY_KEY = "summary"


def _widen(base: ir.Table, columns: ir.Table, key: str, step: str) -> ir.Table:
    clash = [c for c in columns.columns if c != key and c in base.columns]
    if clash:
        raise ValueError(f"analysis '{step}' adds columns that already exist: {clash}")
    joined = base.left_join(columns, key)
    return joined.select(*base.columns, *[c for c in columns.columns if c != key])


def run_analyses(
    store: Store | None,
    config: Config,
    *,
    engine: str = "duckdb",
    steps: list[Step] | None = None,
    progress: Callable[[str], None] | None = None,
    **engine_options: Any,
) -> dict[str, Any]:
    """Run the analyses in order; write `result_*` tables and the summary into the store.

    `engine="spark"` takes the options of `engine.open_workspace` (`dataset`, `session`, `master`,
    `conf`, `work_dir`); the results land in the store the same way.
    """
    workspace = open_workspace(store, engine, **engine_options)
    try:
        return run_in_workspace(workspace, config, steps=steps, progress=progress)
    finally:
        workspace.close()


def run_in_workspace(
    workspace: Workspace,
    config: Config,
    *,
    steps: list[Step] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The engine-independent run: every step's tables are saved through the workspace."""
    from . import STEPS

    steps = STEPS if steps is None else steps
    say = progress or (lambda _msg: None)
    inputs = workspace.inputs()
    workspace.clear_results()
    brand_ids = brand_account_ids(inputs["accounts"], inputs["posts"], config)
    tables = _Widened(workspace)
    ctx = Context(
        backend=workspace.backend, config=config, inputs=inputs, brand_ids=brand_ids,
        accounts=tables.keep("accounts", base_accounts(inputs["accounts"], brand_ids)),
        # Not saved yet: its join to `posts` is cheap, and the first step that widens it saves it.
        interactions=base_interactions(inputs["interactions"], inputs["posts"], brand_ids),
        progress=say,
    )
    summary: dict[str, Any] = {"analyses": [], "analyses_skipped": {}}
    results: list[str] = []
    for step in steps:
        missing = [t for t in step.needs if t not in inputs]
        if missing:
            summary["analyses_skipped"][step.name] = f"needs the {', '.join(missing)} table(s)"
            continue
        say(step.name)
        output: Output = step.run(ctx)
        for name, table in output.tables.items():
            ctx.results[name] = workspace.save(RESULT_PREFIX + name, table)
            results.append(RESULT_PREFIX + name)
        for attr, key in (("account_columns", "account_id"), ("interaction_columns", "interaction_id")):
            columns = getattr(output, attr)
            if columns is None:
                continue
            name = f"_scratch_{step.name}_{attr}"
            saved = workspace.save(name, columns)
            target = "accounts" if key == "account_id" else "interactions"
            setattr(ctx, target, tables.keep(target, _widen(getattr(ctx, target), saved, key, step.name)))
            workspace.drop(name)
        if output.interaction_expressions:
            ctx.interactions = tables.derive("interactions", _derive(ctx.interactions, output.interaction_expressions, step.name))
        clash = set(output.summary) & set(summary)
        if clash:
            raise ValueError(f"analysis '{step.name}' repeats summary keys {sorted(clash)}")
        summary.update(output.summary)
        ctx.summary = summary
        summary["analyses"].append(step.name)
    say("writing results")
    for name in ("accounts", "interactions"):
        tables.finish(name, getattr(ctx, name), RESULT_PREFIX + name)
        results.append(RESULT_PREFIX + name)
    workspace.publish(summary, results)
    return summary


def _derive(base: ir.Table, expressions: dict[str, Callable[[ir.Table], ir.Value]], step: str) -> ir.Table:
    clash = [c for c in expressions if c in base.columns]
    if clash:
        raise ValueError(f"analysis '{step}' adds columns that already exist: {clash}")
    return base.mutate(**{name: make(base) for name, make in expressions.items()})


class _Widened:
    """The per-account and per-interaction tables, saved each time a step widens them by a join.

    Later steps then scan one table instead of re-running the growing chain of joins in every
    query (at 10M interactions, a min() over the joined view took 12 s). Columns derived row by
    row (`Output.interaction_expressions`) are added without saving: they cost nothing to
    recompute. At the end the last saved version becomes the result table by a rename when
    nothing was added since, else it is saved once more (each rewrite of 10M interactions costs
    8-17 s).
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.versions = {"accounts": 0, "interactions": 0}
        self.saved: dict[str, str | None] = {"accounts": None, "interactions": None}
        self.current: dict[str, bool] = {"accounts": False, "interactions": False}

    def keep(self, target: str, table: ir.Table) -> ir.Table:
        self.versions[target] += 1
        name = f"_scratch_{target}_{self.versions[target]}"
        saved = self.workspace.save(name, table)
        self._drop_previous(target)
        self.saved[target], self.current[target] = name, True
        return saved

    def derive(self, target: str, table: ir.Table) -> ir.Table:
        self.current[target] = False
        return table

    def finish(self, target: str, table: ir.Table, result: str) -> None:
        if self.current[target] and self.saved[target] is not None:
            self.workspace.rename(self.saved[target], result)  # type: ignore[arg-type]
            self.saved[target] = None
        else:
            self.workspace.save(result, table)
            self._drop_previous(target)

    def _drop_previous(self, target: str) -> None:
        if self.saved[target] is not None:
            self.workspace.drop(self.saved[target])  # type: ignore[arg-type]
            self.saved[target] = None


def write_summary(store: Store, summary: dict[str, Any]) -> None:
    store.set_meta(SUMMARY_KEY, json.dumps(summary, default=str))


def stored_summary(store: Store) -> dict[str, Any]:
    raw = store.meta(SUMMARY_KEY)
    return {} if raw is None else json.loads(raw)
