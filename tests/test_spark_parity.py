"""The same analyses on DuckDB and on a local Spark session give the same result tables.

One generated world (Parquet), analysed twice: by the default engine through the store, and by
Spark reading the Parquet folder directly. Every result table must hold the same rows (as a
multiset) with floating values equal within 1e-9 relative, and the summaries must agree.
"""

from __future__ import annotations

import json
import math
import shutil
from typing import Any

import pytest

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install 'liens[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (apt-get install openjdk-17-jre-headless)", allow_module_level=True)

import pyarrow as pa  # noqa: E402

from liens import api  # noqa: E402
from liens.analyses.runner import run_analyses  # noqa: E402
from liens.config import Config  # noqa: E402
from liens.generate import generate_world  # noqa: E402
from liens.store import Store  # noqa: E402

pytestmark = [pytest.mark.spark, pytest.mark.slow]  # slow: the Spark session and two analyses, over a minute

RTOL = 1e-9


@pytest.fixture(scope="module")
def spark():
    from liens.engines.spark import spark_session

    session = spark_session("local[2]", conf={
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "2",
        # Tiny tables and ~150 short queries: compiling code (Spark's generated Java, the JVM's
        # optimising JIT) costs more than it saves; measured 526 s -> 222 s under load 9.
        "spark.sql.codegen.wholeStage": "false",
        "spark.sql.adaptive.enabled": "false",
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    })
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def runs(tmp_path_factory, spark) -> tuple[Store, Store]:
    root = tmp_path_factory.mktemp("parity")
    world = root / "world"
    generate_world(world, accounts=1500, seed=3, file_format="parquet")
    duck = Store(root / "duck.duckdb")
    api.load(world, duck)
    run_analyses(duck, Config())
    on_spark = Store(root / "spark.duckdb")
    # Spark reads the Parquet folder itself; results are published into the (empty) store.
    run_analyses(on_spark, Config(), engine="spark", dataset=world, session=spark, work_dir=str(root / "spark-work"))
    yield duck, on_spark
    duck.close()
    on_spark.close()


def _canonical_rows(table: pa.Table) -> list[tuple]:
    """Rows in a stable order: sorted on every column, floats rounded for the ordering only."""
    rows = [tuple(r.values()) for r in table.to_pylist()]

    def key(row: tuple) -> tuple:
        return tuple((v is None, _sort_value(v)) for v in row)

    return sorted(rows, key=key)


def _sort_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6e}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def _differences(name: str, left: pa.Table, right: pa.Table) -> list[str]:
    if left.column_names != right.column_names:
        return [f"{name}: columns {left.column_names} != {right.column_names}"]
    if left.num_rows != right.num_rows:
        return [f"{name}: {left.num_rows} rows on DuckDB, {right.num_rows} on Spark"]
    found = []
    for i, (a, b) in enumerate(zip(_canonical_rows(left), _canonical_rows(right))):
        for column, x, y in zip(left.column_names, a, b):
            if not _same(x, y):
                found.append(f"{name} row {i} column {column}: DuckDB {x!r} != Spark {y!r}")
                break
        if len(found) >= 5:
            break
    return found


def test_same_result_tables(runs):
    duck, on_spark = runs
    names = duck.result_names()
    assert names == on_spark.result_names()
    assert {"accounts", "interactions", "pods", "members"} <= set(names)
    problems = []
    for name in names:
        problems += _differences(name, duck.result(name), on_spark.result(name))
    assert not problems, "\n".join(problems)


def test_same_column_types(runs):
    duck, on_spark = runs
    for name in duck.result_names():
        assert duck.columns(f"result_{name}") == on_spark.columns(f"result_{name}"), name


def test_same_summary(runs):
    duck, on_spark = runs
    left, right = duck.summary(), on_spark.summary()
    assert left.keys() == right.keys()
    differing = [k for k in left if not _same(_floats(left[k]), _floats(right[k]))]
    assert not differing, {k: (left[k], right[k]) for k in differing}


def _floats(value: Any) -> Any:
    """JSON keeps 1.0 as 1.0 and 1 as 1: compare numbers as floats."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    return value


def test_results_found_something(runs):
    """Parity of empty tables would prove nothing: the world's planted pods and members are there."""
    _, on_spark = runs
    assert on_spark.result("pods").num_rows > 0
    assert on_spark.result("members").num_rows > 100
    accounts = on_spark.result("accounts")
    assert accounts.num_rows == 1500
