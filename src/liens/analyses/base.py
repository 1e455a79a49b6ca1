"""What an analysis is: a pure function from input tables (and earlier results) to result tables.

An analysis never parses a file and never prints. It receives a `Context` and returns an `Output`:
new result tables, columns to add to the per-account and per-interaction results (keyed by id),
and headline figures for `summary.json`. Tables are Ibis expressions (portable across engines) or,
where a step needs a library such as igraph or scikit-learn, Arrow tables computed from the reduced
data the engine handed over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, Union

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from ..config import Config
from ..schema import IBIS_TYPES, TABLES

TableLike = Union[ir.Table, pa.Table]


@dataclass
class Context:
    backend: BaseBackend
    config: Config
    # Canonical input tables present in the store (optional tables may be missing).
    inputs: dict[str, ir.Table]
    brand_ids: list[str]
    # Per-account and per-interaction results so far (base columns plus what earlier analyses added).
    accounts: ir.Table
    interactions: ir.Table
    # Named result tables written by earlier analyses.
    results: dict[str, ir.Table] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[str], None] = lambda _msg: None

    def table(self, name: str) -> ir.Table | None:
        return self.inputs.get(name)

    def require(self, name: str) -> ir.Table:
        from ..errors import AnalysisError

        table = self.inputs.get(name)
        if table is None:
            raise AnalysisError(f"this analysis needs the '{name}' table, which the dataset does not have")
        return table

    def empty(self, name: str) -> ir.Table:
        """An empty table with the canonical columns, for optional tables a dataset lacks."""

        spec = TABLES[name]
        schema = ibis.schema({c.name: IBIS_TYPES[c.type] for c in spec.columns})
        return ibis.memtable(pa.Table.from_pylist([], schema=schema.to_pyarrow()))


@dataclass
class Output:
    tables: dict[str, TableLike] = field(default_factory=dict)
    account_columns: TableLike | None = None  # must hold `account_id`, one row per account at most
    interaction_columns: TableLike | None = None  # must hold `interaction_id`
    # Columns computed row by row from the per-interaction table itself (name -> function of that
    # table): added without a join, so the runner need not rewrite the table for them.
    interaction_expressions: dict[str, Callable[[ir.Table], ir.Value]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


class Analysis(Protocol):
    name: str

    def __call__(self, ctx: Context) -> Output: ...


@dataclass(frozen=True)
class TableOutput:
    """A result table a step writes: `result_<name>`, at most one row per `key`, with these columns."""

    name: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    optional: bool = False  # written only when its inputs (or settings) are there


@dataclass(frozen=True)
class Step:
    """A registered analysis: its name (used in messages), its function and what it declares.

    The runner checks every run against the declaration: the step sees only the inputs it
    `reads`; the tables it writes are the declared ones, with exactly their columns and one row
    per key; the columns it adds to the per-account and per-interaction tables are the declared
    ones, one row per account or interaction. docs/results.md documents every declared column.
    """

    name: str
    run: Callable[[Context], Output]
    reads: tuple[str, ...]  # input tables it may read: canonical ones, or side tables of the store
    needs: tuple[str, ...] = ()  # optional input tables without which the step is skipped
    tables: tuple[TableOutput, ...] = ()
    account_columns: tuple[str, ...] = ()  # added to the per-account table, keyed by account_id
    interaction_columns: tuple[str, ...] = ()  # added to the per-interaction table (joined or derived)
    optional_columns: tuple[str, ...] = ()  # of the above, those added only when their inputs are there

    def table(self, name: str) -> TableOutput:
        return next(t for t in self.tables if t.name == name)
