"""Run every registered analysis over a store and keep the results in it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Unpack

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..config import Config
from ..engine import EngineOptions, open_workspace
from ..engines import InPlaceUpdates, TableLike, Workspace, as_table
from ..errors import ContractError
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
    **engine_options: Unpack[EngineOptions],
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
    rows = {name: int(inputs[name].count().to_pyarrow().as_py()) for name in ("accounts", "interactions")}
    tables = _Widened(workspace, rows)
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
        # A step sees only the inputs it declares reading.
        output: Output = step.run(replace(ctx, inputs={n: t for n, t in inputs.items() if n in step.reads}))
        check_tables(step, output)
        for name, table in output.tables.items():
            saved = workspace.save(RESULT_PREFIX + name, table)
            check_keys(step, f"table '{name}'", saved, step.table(name).key)
            ctx.results[name] = saved
            results.append(RESULT_PREFIX + name)
        for target, columns, key in (("accounts", output.account_columns, "account_id"),
                                     ("interactions", output.interaction_columns, "interaction_id")):
            if columns is not None:
                setattr(ctx, target, tables.widen(target, getattr(ctx, target), columns, key, step))
        if output.interaction_expressions:
            ctx.interactions = tables.derive("interactions", ctx.interactions, output.interaction_expressions,
                                             "interaction_id", step)
        clash = set(output.summary) & set(summary)
        if clash:
            raise ContractError(f"analysis '{step.name}' repeats summary keys {sorted(clash)}")
        summary.update(output.summary)
        ctx.summary = summary
        summary["analyses"].append(step.name)
    say("writing results")
    for name in ("accounts", "interactions"):
        tables.finish(name, getattr(ctx, name), RESULT_PREFIX + name)
        results.append(RESULT_PREFIX + name)
    workspace.publish(summary, results)
    return summary


def check_tables(step: Step, output: Output) -> None:
    """The tables and columns a step returned are the ones it declares."""
    declared = {t.name: t for t in step.tables}
    undeclared = sorted(set(output.tables) - set(declared))
    if undeclared:
        raise ContractError(f"analysis '{step.name}' wrote undeclared table(s) {undeclared}")
    absent = sorted(n for n, t in declared.items() if not t.optional and n not in output.tables)
    if absent:
        raise ContractError(f"analysis '{step.name}' did not write its table(s) {absent}")
    for name, table in output.tables.items():
        _check_columns(step, f"table '{name}'", as_table(table).columns, declared[name].columns, ())
    added = [c for columns in (output.account_columns, output.interaction_columns) if columns is not None
             for c in as_table(columns).columns if c not in ("account_id", "interaction_id")]
    if output.account_columns is not None:
        _check_columns(step, "its per-account columns",
                       [c for c in as_table(output.account_columns).columns if c != "account_id"],
                       step.account_columns, step.optional_columns)
    interaction = [c for c in as_table(output.interaction_columns).columns if c != "interaction_id"] \
        if output.interaction_columns is not None else []
    _check_columns(step, "its per-interaction columns", interaction + list(output.interaction_expressions),
                   step.interaction_columns, step.optional_columns)
    if not added and not output.interaction_expressions and (step.account_columns or step.interaction_columns):
        raise ContractError(f"analysis '{step.name}' added none of the columns it declares")


def _check_columns(step: Step, what: str, found: Sequence[str], declared: Sequence[str],
                   optional: Sequence[str]) -> None:
    extra = [c for c in found if c not in declared]
    missing = [c for c in declared if c not in found and c not in optional]
    if extra or missing:
        raise ContractError(f"analysis '{step.name}': {what} differ from its declaration "
                            f"(undeclared: {extra or 'none'}; missing: {missing or 'none'})")


def check_keys(step: Step, what: str, table: ir.Table, key: Sequence[str]) -> None:
    """At most one row per key: a second row would duplicate rows of every table joined to it."""
    counts = table.aggregate(rows=ibis._.count(), keys=ibis.struct({k: table[k] for k in key}).nunique())
    row = counts.to_pyarrow().to_pylist()[0]
    if row["rows"] != row["keys"]:
        raise ContractError(f"analysis '{step.name}': {what} has {row['rows'] - row['keys']} row(s) more than "
                            f"one per {', '.join(key)}")


def _check_new(base: ir.Table, columns: list[str], step: Step) -> None:
    clash = [c for c in columns if c in base.columns]
    if clash:
        raise ContractError(f"analysis '{step.name}' adds columns that already exist: {clash}")


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

    Each step's columns must hold one row per key: columns saved into a scratch table are checked
    there; a widened table saved by a join must keep the row count of the input table.
    """

    def __init__(self, workspace: Workspace, rows: dict[str, int]) -> None:
        self.workspace = workspace
        self.updates = workspace.in_place()
        self.rows = rows  # the row count each table keeps: one per account, one per interaction
        self.versions = {"accounts": 0, "interactions": 0}
        self.saved: dict[str, str | None] = {"accounts": None, "interactions": None}
        self.current: dict[str, bool] = {"accounts": False, "interactions": False}

    def keep(self, target: str, table: ir.Table, step: Step | None = None) -> ir.Table:
        self.versions[target] += 1
        name = f"_scratch_{target}_{self.versions[target]}"
        saved = self.workspace.save(name, table)
        self._drop_previous(target)
        self.saved[target], self.current[target] = name, True
        if step is not None:
            rows = int(saved.count().to_pyarrow().as_py())
            if rows != self.rows[target]:
                raise ContractError(f"analysis '{step.name}': its {target} columns hold more than one row per "
                                    f"key ({rows:,} rows after the join, {self.rows[target]:,} before)")
        return saved

    def _in_place(self, target: str) -> tuple[InPlaceUpdates, str] | None:
        """The engine's in-place updates and the saved table to add columns to, when the table is up to date."""
        saved = self.saved[target]
        if self.updates is not None and self.current[target] and saved is not None:
            return self.updates, saved
        return None

    def widen(self, target: str, table: ir.Table, columns: TableLike, key: str, step: Step) -> ir.Table:
        """`table` with the columns of `columns` (keyed by `key`), as by a left join."""
        new = [c for c in as_table(columns).columns if c != key]
        _check_new(table, new, step)
        in_place = self._in_place(target)
        if in_place is not None or isinstance(columns, pa.Table):
            # Computed once into a scratch table: the in-place update reads it by name, and an Arrow
            # table is handed to the engine once. Otherwise the widened table is computed in one query.
            scratch = f"_scratch_{step.name}_{target}_columns"
            narrow = self.workspace.save(scratch, columns)
            try:
                check_keys(step, f"its {target} columns", narrow, (key,))
                return self._widen(target, table, narrow, key, new, in_place, step)
            finally:
                self.workspace.drop(scratch)
        return self._widen(target, table, as_table(columns), key, new, in_place, step)

    def _widen(self, target: str, table: ir.Table, columns: ir.Table, key: str, new: list[str],
               in_place: tuple[InPlaceUpdates, str] | None, step: Step) -> ir.Table:
        if in_place is not None:
            updates, saved = in_place
            widened = updates.add_columns(saved, columns, key)
            if widened is not None:
                return widened
        joined = table.left_join(columns, key)
        return self.keep(target, joined.select(*table.columns, *new), step)

    def derive(self, target: str, table: ir.Table, expressions: dict[str, Callable[[ir.Table], ir.Value]],
               key: str, step: Step) -> ir.Table:
        """`table` with columns computed row by row from it: in place, else left as expressions."""
        _check_new(table, list(expressions), step)
        values = {name: make(table) for name, make in expressions.items()}
        in_place = self._in_place(target)
        if in_place is not None:
            updates, saved = in_place
            return updates.add_derived(saved, table, values, key)
        self.current[target] = False
        return table.mutate(**values)

    def finish(self, target: str, table: ir.Table, result: str) -> None:
        saved = self.saved[target]
        if self.current[target] and saved is not None:
            self.workspace.rename(saved, result)
            self.saved[target] = None
        else:
            self.workspace.save(result, table)
            self._drop_previous(target)

    def _drop_previous(self, target: str) -> None:
        saved = self.saved[target]
        if saved is not None:
            self.workspace.drop(saved)
            self.saved[target] = None
