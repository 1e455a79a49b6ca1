"""Apache Spark as the engine: the same Ibis expressions, run by a Spark session.

Optional extra: `pip install 'liens[spark]'` (pyspark and Ibis' PySpark backend). A session is
either given (a notebook's `spark`) or started here from the usual settings (`master`, `conf`).

How the analyses' tables live on Spark:

- Inputs are Parquet folders as Spark reads them: a dataset v1 folder holding `NAME.parquet` or
  `NAME/part-*.parquet` per table (local or any URI Spark reads, e.g. `hdfs://`, `s3a://`). Columns
  are cast to the canonical types of `schema.py` the way the loader does (text trimmed, empty text
  as missing, kinds lower-cased, absent optional columns as typed nulls). Without a dataset, the
  store's tables are exported to Parquet in the work folder first.
- Every table the runner saves (results, columns a step adds, an analysis' cached table) is
  written as Parquet into the work folder and read back: Spark plans stay short (no lineage
  growing step after step) and a cluster's executors all see it, if the folder is on shared
  storage (`work_dir="hdfs://…"`).
- At the end the `result_*` tables are published into the store exactly as the DuckDB engine
  writes them, so `liens report`, the dashboard and the results folder work unchanged; when a work
  folder was given they also stay there, as `WORK/results/<table>/` and `WORK/results/summary.json`
  (without a store, that is the only output: what a cluster run at billions of rows uses).

Steps that need a library on reduced data (igraph for pod groups, scikit-learn and text models)
pull that data to the driver with `to_pyarrow()`, as on DuckDB; see docs/scale.md for how large
it gets.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from .. import conversion
from ..errors import ConfigError, DatasetError
from ..schema import MANDATORY_TABLES, TABLES
from ..store.models import SIDE_TABLES
from ..store.store import RESULT_PREFIX, Store, quote_identifier
from . import TableLike, as_table

try:
    import sqlglot.expressions as sge
    from ibis.backends.pyspark import Backend as _PySparkBackend
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler
    from pyspark.sql import SparkSession
except ImportError as error:  # the optional extra is missing
    raise ConfigError("the Spark engine needs the optional extra: pip install 'liens[spark]'") from error

ibis.pyspark  # noqa: B018 (loading the backend through ibis registers its options, ibis.options.pyspark)

# Settings every session gets: timestamps are naive UTC as in the store; Arrow for driver transfers;
# Parquet timestamps DuckDB and pyarrow read without the legacy INT96 encoding.
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}
# Only when this module starts the session (core settings cannot change on a running one).
START_CONF = {"spark.ui.showConsoleProgress": "false"}




def spark_session(master: str | None = None, *, conf: dict[str, str] | None = None,
                  app_name: str = "liens") -> SparkSession:
    """Start (or reuse) a Spark session with the settings the analyses need."""
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in {**START_CONF, **SESSION_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _is_local(path: str) -> bool:
    return urlparse(path).scheme in ("", "file")


def _local(path: str) -> str:
    return urlparse(path).path if path.startswith("file:") else path


class _Compiler(PySparkCompiler):
    """Ibis 12's PySpark SQL, corrected where it silently differs from DuckDB.

    - `strip()` sent `' \\t\\n\\r\\v\\f'`, which Spark reads as space, tab, newline, return, `v`
      and `f`: "facebook".strip() became "acebook". Whitespace is now spelled with CHR().
    - A float literal such as `0.5` is a DECIMAL in Spark SQL, so sums and ratios of weights were
      computed in fixed-point and rounded; float literals are now DOUBLE as in DuckDB.
    """

    SIMPLE_OPS = {op: name for op, name in PySparkCompiler.SIMPLE_OPS.items()  # noqa: RUF012 (the compiler's table)
                  if name not in ("ltrim", "rtrim")}

    def _whitespace(self) -> sge.Expression:
        return self.f.concat(sge.convert(" \t\n\r"), self.f.chr(11), self.f.chr(12))

    def visit_Strip(self, op: Any, *, arg: sge.Expression) -> sge.Expression:
        return sge.Trim(this=arg, expression=self._whitespace())

    def visit_LStrip(self, op: Any, *, arg: sge.Expression) -> sge.Expression:
        return sge.Trim(this=arg, expression=self._whitespace(), position="LEADING")

    def visit_RStrip(self, op: Any, *, arg: sge.Expression) -> sge.Expression:
        return sge.Trim(this=arg, expression=self._whitespace(), position="TRAILING")

    def visit_GroupConcat(self, op: Any, *, arg: Any, sep: Any, where: Any, order_by: Any) -> Any:
        """`group_concat(order_by=...)`, which Ibis refuses on Spark: collect (keys, value) pairs
        and sort them with a comparator, so the text is the same on every engine and partitioning."""
        if not order_by:
            return super().visit_GroupConcat(op, arg=arg, sep=sep, where=where, order_by=order_by)
        if where is not None:
            arg = self.if_(where, arg, sge.Null())
        keys = [f"k{i}" for i in range(len(order_by))]
        fields: list[Any] = []
        for name, ordered in zip(keys, order_by):
            fields += [sge.convert(name), ordered.this]
        collected = self.f.collect_list(self.f.named_struct(*fields, sge.convert("v"), arg))
        left, right, item = sge.to_identifier("l"), sge.to_identifier("r"), sge.to_identifier("x")
        compare = sge.Case()
        for name, ordered in zip(keys, order_by):
            first, second = (-1, 1) if not ordered.args.get("desc") else (1, -1)
            lk, rk = sge.column(name, table="l"), sge.column(name, table="r")
            compare = compare.when(sge.LT(this=lk, expression=rk), sge.convert(first))
            compare = compare.when(sge.GT(this=lk, expression=rk), sge.convert(second))
        compare = compare.else_(sge.convert(0))
        kept = self.f.filter(collected, sge.Lambda(this=sge.column("v", table="x").is_(sge.Null()).not_(),
                                                   expressions=[item]))
        ordered_values = self.f.transform(self.f.array_sort(kept, sge.Lambda(this=compare, expressions=[left, right])),
                                          sge.Lambda(this=sge.column("v", table="x"), expressions=[item]))
        return self.if_(self.f.size(ordered_values).eq(0), sge.Null(), self.f.array_join(ordered_values, sep))

    def visit_NonNullLiteral(self, op: Any, *, value: Any, dtype: dt.DataType) -> Any:
        if dtype.is_floating() and math.isfinite(value):
            return self.cast(float(value), dtype)
        return super().visit_NonNullLiteral(op, value=value, dtype=dtype)


class SparkBackend(_PySparkBackend):
    """Ibis' PySpark backend whose `create_table` materialises to Parquet in the work folder.

    Ibis' own `create_table` writes managed tables into the session's warehouse and refuses
    `temp=True`; here every saved table (temporary or not) is a Parquet folder read back as a
    temporary view, which cuts the lineage and works the same on a laptop and on a cluster.
    """

    compiler = _Compiler()
    work_dir: str
    _saved: dict[str, str]
    _schemas: dict[str, Any]
    _counter: Any

    def attach(self, work_dir: str) -> SparkBackend:
        self.work_dir = work_dir.rstrip("/")
        self._saved = {}
        self._schemas = {}
        self._counter = itertools.count()
        return self

    def create_table(self, name: str, /, obj: Any = None, *, schema: Any = None, database: Any = None,
                     temp: bool | None = None, overwrite: bool = False, format: str = "parquet",
                     partition_by: Any = None) -> ir.Table:
        if obj is None:
            if schema is None:
                raise ValueError("create_table needs a table or a schema")
            obj = pa.Table.from_pylist([], schema=ibis.schema(schema).to_pyarrow())
        table = obj if isinstance(obj, ir.Table) else ibis.memtable(obj)
        if name in self._saved and not overwrite:
            raise ValueError(f"table {name} already exists")
        table = _writable(table)
        self._schemas[name] = table.schema()
        self._run_pre_execute_hooks(table)
        frame = _typed(self._session.sql(self.compile(table)), self._schemas[name])
        # A fresh folder per save: a table may be rebuilt from its own previous version. The name
        # never starts with "_" or ".": Spark skips such paths as hidden when it reads them back.
        path = f"{self.work_dir}/t{next(self._counter)}-{name.lstrip('_.')}"
        frame.write.mode("overwrite").parquet(path)
        self._session.read.parquet(path).createOrReplaceTempView(name)
        previous, self._saved[name] = self._saved.get(name), path
        if previous is not None:
            self.delete_path(previous)
        return self.table(name)

    def drop_table(self, name: str, /, *, database: Any = None, force: bool = False) -> None:
        path = self._saved.pop(name, None)
        if path is None and not force:
            raise ValueError(f"no table {name}")
        self._session.catalog.dropTempView(name)
        if path is not None:
            self.delete_path(path)

    # `Table.cache()` (used by analyses for tables read several times) lands here: the same Parquet
    # materialisation instead of Spark's in-memory cache, which also skips memtable registration.
    def _create_cached_table(self, name: str, expr: ir.Table) -> ir.Table:
        return self.create_table(name, expr, overwrite=True)

    def _drop_cached_table(self, name: str) -> None:
        self.drop_table(name, force=True)

    def saved_path(self, name: str) -> str:
        return self._saved[name]

    def rename_table(self, name: str, new_name: str) -> None:
        """The same Parquet folder under another name (nothing is rewritten)."""
        self._saved[new_name], self._schemas[new_name] = self._saved.pop(name), self._schemas.pop(name)
        self._session.read.parquet(self._saved[new_name]).createOrReplaceTempView(new_name)
        self._session.catalog.dropTempView(name)

    def duckdb_columns(self, name: str) -> str:
        """A select list giving a saved table the DuckDB types the DuckDB engine would have written.

        Spark's Parquet differs in details (timestamps marked UTC, 32-bit row numbers); the
        expression's Ibis schema says what the column is.
        """
        from ibis.backends.sql.datatypes import DuckDBType

        return ", ".join(f"CAST({quote_identifier(c)} AS {DuckDBType.to_string(t)}) AS {quote_identifier(c)}"
                         for c, t in self._schemas[name].items())

    def move(self, name: str, target: str) -> None:
        """Give a saved table its final place (e.g. `WORK/results/pods`), replacing what was there."""
        source = self._saved[name]
        if _is_local(source):
            shutil.rmtree(_local(target), ignore_errors=True)
            os.makedirs(os.path.dirname(_local(target)), exist_ok=True)
            os.replace(_local(source), _local(target))
        else:
            jvm = self._session._jvm
            src, dst = jvm.org.apache.hadoop.fs.Path(source), jvm.org.apache.hadoop.fs.Path(target)
            fs = dst.getFileSystem(self._session._jsc.hadoopConfiguration())
            fs.delete(dst, True)
            fs.mkdirs(dst.getParent())
            fs.rename(src, dst)
        self._saved[name] = target
        self._session.read.parquet(target).createOrReplaceTempView(name)

    def delete_path(self, path: str) -> None:
        if _is_local(path):
            shutil.rmtree(_local(path), ignore_errors=True)
            return
        jvm = self._session._jvm  # classic sessions; Spark Connect has no driver JVM
        hpath = jvm.org.apache.hadoop.fs.Path(path)
        hpath.getFileSystem(self._session._jsc.hadoopConfiguration()).delete(hpath, True)

    def write_text(self, path: str, text: str) -> None:
        if _is_local(path):
            Path(_local(path)).write_text(text, encoding="utf-8")
            return
        jvm = self._session._jvm
        hpath = jvm.org.apache.hadoop.fs.Path(path)
        stream = hpath.getFileSystem(self._session._jsc.hadoopConfiguration()).create(hpath, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()


def _typed(frame: Any, schema: Any) -> Any:
    """Write the types the Ibis expression promises (Spark's row_number is 32-bit, Ibis says 64):
    a table read back from Parquet must keep the types DuckDB would have given it."""
    from ibis.backends.pyspark.datatypes import PySparkSchema
    from pyspark.sql import functions as F

    target = PySparkSchema.from_ibis(schema)
    if [f.dataType for f in frame.schema.fields] == [f.dataType for f in target.fields]:
        return frame
    return frame.select(*[
        F.col(f"`{want.name}`").cast(want.dataType).alias(want.name) if have.dataType != want.dataType
        else F.col(f"`{want.name}`")
        for have, want in zip(frame.schema.fields, target.fields)
    ])


def _writable(table: ir.Table) -> ir.Table:
    """Parquet has no column of type null (an all-missing literal): give it a type."""
    nulls = {c: table[c].cast("string") for c, t in table.schema().items() if t.is_null()}
    return table.mutate(**nulls) if nulls else table


def connect_spark(store: Store | None = None, *, session: SparkSession | None = None, master: str | None = None,
                  work_dir: str | os.PathLike[str] | None = None, conf: dict[str, str] | None = None,
                  **_ignored: Any) -> SparkBackend:
    """An Ibis backend over a Spark session (given, or started from `master` and `conf`).

    `work_dir` is where tables are materialised (Parquet); it must be on storage every executor
    sees when the session is a cluster's. By default a temporary local folder, local sessions only.
    """
    if session is None:
        session = spark_session(master, conf=conf)
        session.sparkContext.setLogLevel("ERROR")  # Spark's warnings are not the user's business here
    else:
        for key, value in {**SESSION_CONF, **(conf or {})}.items():
            session.conf.set(key, value)
    if work_dir is None:
        if not (session.sparkContext.master or "").startswith("local"):
            raise ConfigError("on a Spark cluster, give a work folder on shared storage (work_dir / --spark-dir)")
        work_dir = tempfile.mkdtemp(prefix="liens-spark-")
    backend = SparkBackend().connect(session)
    return backend.attach(os.fspath(work_dir))


class SparkWorkspace:
    """Inputs read by Spark, tables materialised as Parquet, results published into the store."""

    def __init__(self, store: Store | None = None, *, dataset: str | os.PathLike[str] | None = None,
                 session: SparkSession | None = None, master: str | None = None,
                 work_dir: str | os.PathLike[str] | None = None, conf: dict[str, str] | None = None) -> None:
        if store is None and dataset is None:
            raise ConfigError("the Spark engine needs a dataset of Parquet files or a store to read")
        self.store = store
        self.dataset = None if dataset is None else os.fspath(dataset)
        self.keep_work_dir = work_dir is not None
        # Stop the session at the end only if this run started it (never a notebook's session).
        self.owns_session = session is None and SparkSession.getActiveSession() is None
        self.backend = connect_spark(store, session=session, master=master, work_dir=work_dir, conf=conf)
        self.session: SparkSession = self.backend._session

    # -- inputs -------------------------------------------------------------------------------
    def inputs(self) -> dict[str, ir.Table]:
        if self.dataset is not None:
            sources = self._dataset_sources()
        else:
            assert self.store is not None
            self.store.require_data()
            sources = self._store_sources()
        missing = [t for t in MANDATORY_TABLES if t not in sources]
        if missing:
            raise DatasetError(f"the dataset has no '{missing[0]}' table", file=self.dataset,
                               expected="accounts, posts and interactions as Parquet")
        tables = self._share_store_tables()
        for name, paths in sources.items():
            frame = self.session.read.parquet(*paths)
            view = f"_input_{name}"
            frame.createOrReplaceTempView(view)
            tables[name] = canonical(self.backend.table(view), name,
                                     file=None if self.dataset is None else _label(paths))
        return tables

    def _share_store_tables(self) -> dict[str, ir.Table]:
        """Tables of the store that analyses read besides the dataset (a trained audience model), by
        their input names (`store.models.SIDE_TABLES`), as on DuckDB."""
        shared: dict[str, ir.Table] = {}
        if self.store is None or not _is_local(self.backend.work_dir):
            return shared
        for name, table in SIDE_TABLES.items():
            if self.store.has_table(table):
                target = os.path.join(_local(self.backend.work_dir), f"side-{table.lstrip('_')}.parquet")
                self.store.con.execute(
                    f"COPY (SELECT * FROM {quote_identifier(table)}) TO '{_sql_text(target)}' (FORMAT PARQUET)")
                self.session.read.parquet(target).createOrReplaceTempView(table)
                shared[name] = self.backend.table(table)
        return shared

    def _dataset_sources(self) -> dict[str, list[str]]:
        assert self.dataset is not None
        if _is_local(self.dataset):
            from ..readers.dataset import find_tables

            tables = find_tables(Path(_local(self.dataset)))
            for source in tables.values():
                if source.format != "parquet":
                    raise DatasetError(f"the Spark engine reads Parquet; this table is {source.format}",
                                       file=source.label, expected="NAME.parquet or a folder NAME/ of Parquet parts")
            return {name: [str(p) for p in source.paths] for name, source in tables.items()}
        # A URI (hdfs://, s3a://): NAME.parquet or NAME/ per table, found through Spark's file system.
        jvm, jsc = self.session._jvm, self.session._jsc
        assert jvm is not None and jsc is not None  # a running session has both
        conf = jsc.hadoopConfiguration()
        found: dict[str, list[str]] = {}
        for name in TABLES:
            for candidate in (f"{self.dataset.rstrip('/')}/{name}.parquet", f"{self.dataset.rstrip('/')}/{name}"):
                hpath = jvm.org.apache.hadoop.fs.Path(candidate)
                if hpath.getFileSystem(conf).exists(hpath):
                    found[name] = [candidate]
                    break
        return found

    def _store_sources(self) -> dict[str, list[str]]:
        assert self.store is not None
        if not _is_local(self.backend.work_dir):
            raise ConfigError("to read the store's tables, Spark needs a local work folder (or give the Parquet dataset)")
        found = {}
        for name in TABLES:
            if self.store.has_table(name):
                target = os.path.join(_local(self.backend.work_dir), f"input-{name}.parquet")
                self.store.con.execute(
                    f"COPY (SELECT * FROM {quote_identifier(name)}) TO '{_sql_text(target)}' (FORMAT PARQUET)")
                found[name] = [target]
        return found

    # -- tables -------------------------------------------------------------------------------
    def clear_results(self) -> None:
        pass  # nothing is published before the end; `publish` replaces the store's results at once

    def save(self, name: str, table: TableLike) -> ir.Table:
        return self.backend.create_table(name, as_table(table), overwrite=True)

    def drop(self, name: str) -> None:
        self.backend.drop_table(name, force=True)

    def rename(self, name: str, new_name: str) -> None:
        self.backend.rename_table(name, new_name)

    def publish(self, summary: dict[str, Any], results: list[str]) -> None:
        text = json.dumps(summary, default=str)
        if self.keep_work_dir:
            # The cluster's output: WORK/results/<name>/part-*.parquet and WORK/results/summary.json.
            for name in results:
                self.backend.move(name, f"{self.backend.work_dir}/results/{name[len(RESULT_PREFIX):]}")
            self.backend.write_text(f"{self.backend.work_dir}/results/summary.json", text)
        if self.store is None:
            return
        store = self.store
        with store.transaction() as con:
            for old in store.result_names():
                con.execute(f"DROP TABLE IF EXISTS {quote_identifier(RESULT_PREFIX + old)}")
            for name in results:
                path = self.backend.saved_path(name)
                select = f"CREATE TABLE {quote_identifier(name)} AS SELECT {self.backend.duckdb_columns(name)} FROM"
                if _is_local(path):
                    # DuckDB reads the Parquet Spark wrote: nothing passes through the driver.
                    con.execute(f"{select} read_parquet('{_sql_text(_local(path))}/*.parquet')")
                else:
                    arrow = self.backend.table(name).to_pyarrow()  # noqa: F841 (DuckDB scans it by name)
                    con.execute(f"{select} arrow")
            store.save_summary(summary, con)

    def in_place(self) -> None:
        """Spark's Parquet files are immutable: a widened table is always saved anew."""
        return None

    def close(self) -> None:
        if not self.keep_work_dir:
            self.backend.delete_path(self.backend.work_dir)
        if self.owns_session:
            self.session.stop()


def _label(paths: list[str]) -> str:
    """How a user finds a table's files (as the loader names a dataset's)."""
    return paths[0] if len(paths) == 1 else f"{os.path.dirname(paths[0].rstrip('/'))}/ ({len(paths)} files)"


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def canonical(table: ir.Table, name: str, *, file: str | None = None) -> ir.Table:
    """The table with the canonical columns and types of `schema.py`, as the loader stores them.

    Canonical columns come first in their declared order (absent ones as typed nulls), then the
    extra columns as text, like the store's tables. With `file` (what the table was read from),
    the table is first refused as the loader refuses a file (`conversion.validate_table`), and rows
    repeated whole are kept once, as the loader keeps them; the store's own tables were checked
    when they were loaded. The conversion and its checks are `liens.conversion`'s, shared with the
    loader.
    """
    duplicated = file is not None and conversion.validate_table(table, name, file=file)
    converted = conversion.canonical_table(table, name)
    return converted.distinct() if duplicated else converted


__all__ = ["SESSION_CONF", "SparkBackend", "SparkWorkspace", "canonical", "connect_spark", "spark_session"]
