"""Run every registered analysis over a store and keep the results in it."""

from __future__ import annotations

from typing import Any, Callable

import ibis.expr.types as ir
import pyarrow as pa

from ..config import Config
from ..engine import open_workspace
from ..engines import TableLike, Workspace, as_table
from ..store.store import RESULT_PREFIX, Store
from .base import Context, Output, Step
from .common import brand_account_ids
from .core import base_accounts, base_interactions

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
            target = "accounts" if key == "account_id" else "interactions"
            setattr(ctx, target, tables.widen(target, getattr(ctx, target), columns, key, step.name))
        if output.interaction_expressions:
            ctx.interactions = tables.derive("interactions", ctx.interactions, output.interaction_expressions,
                                             "interaction_id", step.name)
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


def _check_new(base: ir.Table, columns: list[str], step: str) -> None:
    clash = [c for c in columns if c in base.columns]
    if clash:
        raise ValueError(f"analysis '{step}' adds columns that already exist: {clash}")


class _Widened:
    """The per-account and per-interaction tables, kept saved as steps add columns to them.

    Later steps then scan one saved table instead of re-running a growing chain of joins in every
    query (at 10M interactions, a min() over the joined view took 12 s). Rewriting 10M
    interactions for each step that adds columns cost 8-17 s a time, so where the engine can add
    columns to a saved table in place more cheaply (DuckDB: `add_derived` for columns computed row
    by row, 3 s at 10M; `add_columns` for keyed columns on tables up to 2M rows) it does;
    otherwise (and always on Spark, whose Parquet files are immutable) the widened table is saved
    anew. The base interactions are saved by the first step that widens them (their join to
    `posts` is cheap to repeat until then), and the last saved versions become the result tables
    by a rename.
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

    def _in_place(self, target: str) -> str | None:
        """The saved table to add columns to, when the engine can and the table is up to date."""
        if self.current[target] and hasattr(self.workspace, "add_columns") and hasattr(self.workspace, "add_derived"):
            return self.saved[target]
        return None

    def widen(self, target: str, table: ir.Table, columns: TableLike, key: str, step: str) -> ir.Table:
        """`table` with the columns of `columns` (keyed by `key`), as by a left join."""
        new = [c for c in as_table(columns).columns if c != key]
        _check_new(table, new, step)
        saved = self._in_place(target)
        if saved is not None or isinstance(columns, pa.Table):
            # Computed once into a scratch table: the in-place update reads it by name, and an Arrow
            # table is handed to the engine once. Otherwise the widened table is computed in one query.
            scratch = f"_scratch_{step}_{target}_columns"
            narrow = self.workspace.save(scratch, columns)
            try:
                return self._widen(target, table, narrow, key, new, saved)
            finally:
                self.workspace.drop(scratch)
        return self._widen(target, table, columns, key, new, saved)

    def _widen(self, target: str, table: ir.Table, columns: ir.Table, key: str, new: list[str],
               saved: str | None) -> ir.Table:
        if saved is not None:
            widened = self.workspace.add_columns(saved, columns, key)  # type: ignore[attr-defined]
            if widened is not None:
                return widened
        joined = table.left_join(columns, key)
        return self.keep(target, joined.select(*table.columns, *new))

    def derive(self, target: str, table: ir.Table, expressions: dict[str, Callable[[ir.Table], ir.Value]],
               key: str, step: str) -> ir.Table:
        """`table` with columns computed row by row from it: in place, else left as expressions."""
        _check_new(table, list(expressions), step)
        values = {name: make(table) for name, make in expressions.items()}
        saved = self._in_place(target)
        if saved is not None:
            return self.workspace.add_derived(saved, table, values, key)  # type: ignore[attr-defined]
        self.current[target] = False
        return table.mutate(**values)

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
