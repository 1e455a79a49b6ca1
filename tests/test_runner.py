"""The runner: widening the per-account and per-interaction tables in place gives the same results as
rebuilding them by joins, and nothing of a run is left behind in the store."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from liens.analyses.runner import run_in_workspace
from liens.config import Config
from liens.engines import DuckDBWorkspace
from liens.generate import generate_world
from liens.store import Store, load_path


class _RebuildingWorkspace(DuckDBWorkspace):
    """DuckDB without in-place widening: the runner rebuilds each widened table by a join (as on Spark)."""

    def in_place(self) -> None:  # type: ignore[override]
        return None


def _rows(store: Store, table: str) -> list[tuple]:
    return sorted(store.con.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("runner") / "w"
    generate_world(folder, accounts=700, seed=4, file_format="parquet")
    return folder


@pytest.mark.parametrize("keyed_update_max_rows", [2_000_000, 1_000])  # every keyed update in place / none
def test_in_place_widening_equals_rebuilding(world: Path, tmp_path: Path, monkeypatch, keyed_update_max_rows: int) -> None:
    import liens.engines as engines

    monkeypatch.setattr(engines, "KEYED_UPDATE_MAX_ROWS", keyed_update_max_rows)
    results = {}
    for label, workspace_class in (("in place", DuckDBWorkspace), ("rebuilt", _RebuildingWorkspace)):
        with Store(tmp_path / f"{label}.duckdb") as store:
            load_path(store, world)
            store.con.execute("CREATE TABLE _scratch_interactions_9 AS SELECT 1 AS x")  # an interrupted run's
            workspace = workspace_class(store)
            assert (workspace.in_place() is not None) == (label == "in place")
            keyed: list[str] = []  # which table each keyed in-place update went to
            original = workspace.add_columns

            def counted(*a, keyed=keyed, original=original, store=store, **k):
                keyed.append("interactions" if "interaction_id" in store.columns(a[0]) else "accounts")
                return original(*a, **k)

            workspace.add_columns = counted  # type: ignore[method-assign]
            run_in_workspace(workspace, Config())
            if label == "in place":
                # Keyed columns of core, pods, audience, community (accounts) and conversation
                # (interactions: above 1,000 rows declined, so rewritten); engagement_weight is
                # added by a plain UPDATE, never by the keyed one.
                assert keyed == ["accounts", "accounts", "accounts", "interactions", "accounts"]
            else:
                assert keyed == []
            assert not [t for t in store.tables() if t.startswith("_scratch_")]
            results[label] = {name: (list(store.columns(f"result_{name}")), _rows(store, f"result_{name}"))
                              for name in ("accounts", "interactions")}
    for name in ("accounts", "interactions"):
        columns, rows = results["in place"][name]
        rebuilt_columns, rebuilt_rows = results["rebuilt"][name]
        assert columns == rebuilt_columns
        assert len(rows) == len(rebuilt_rows) > 100
        assert all(all(_same(a, b) for a, b in zip(x, y)) for x, y in zip(rows, rebuilt_rows))
    interaction_columns = results["in place"]["interactions"][0]
    for added in ("is_authentic", "intent", "response_minutes", "engagement_weight"):
        assert added in interaction_columns
    # Every step's columns were filled, not left null by the in-place update.
    at = {c: i for i, c in enumerate(interaction_columns)}
    rows = results["in place"]["interactions"][1]
    assert all(r[at["is_authentic"]] is not None and r[at["engagement_weight"]] is not None for r in rows)
    assert sum(r[at["intent"]] is not None for r in rows) > 50


def test_derived_columns_are_added_in_place_without_a_join(tmp_path: Path) -> None:
    import ibis

    with Store(tmp_path / "d.duckdb") as store:
        store.con.execute("CREATE TABLE t AS SELECT 'i' || x AS interaction_id, x AS n, "
                          "CASE WHEN x % 3 = 0 THEN 'like' ELSE 'comment' END AS kind FROM range(50) r(x)")
        workspace = DuckDBWorkspace(store)
        keyed = []
        original = workspace.add_columns
        workspace.add_columns = lambda *a, **k: (keyed.append(a[0]), original(*a, **k))[1]  # type: ignore[method-assign]
        t = workspace.backend.table("t")
        t = workspace.add_derived("t", t, {"double": t.n * 2, "loud": t.kind.upper()}, "interaction_id")
        assert keyed == []  # an UPDATE … SET, no keyed update
        t = workspace.add_derived("t", t, {"rank": ibis.row_number().over(order_by=ibis.desc(t.n))}, "interaction_id")
        assert keyed == ["t"]  # a window is not row by row: the keyed update computes it
        rows = store.con.execute('SELECT n, "double", loud, kind, "rank" FROM t ORDER BY n').fetchall()
    assert [r[1] for r in rows] == [2 * n for n in range(50)]
    assert all(r[2] == r[3].upper() for r in rows)
    assert [r[4] for r in rows] == list(range(49, -1, -1))


def test_keyed_update_declined_on_big_tables(tmp_path: Path, monkeypatch) -> None:
    import liens.engines as engines

    with Store(tmp_path / "k.duckdb") as store:
        store.con.execute("CREATE TABLE t AS SELECT 'i' || x AS interaction_id FROM range(30) r(x)")
        store.con.execute("CREATE TABLE n AS SELECT 'i' || x AS interaction_id, x * 10 AS v FROM range(0, 30, 3) r(x)")
        workspace = DuckDBWorkspace(store)
        narrow = workspace.backend.table("n")
        monkeypatch.setattr(engines, "KEYED_UPDATE_MAX_ROWS", 20)
        assert workspace.add_columns("t", narrow, "interaction_id") is None  # cheaper to rewrite
        assert store.columns("t") == {"interaction_id": "VARCHAR"}
        monkeypatch.setattr(engines, "KEYED_UPDATE_MAX_ROWS", 30)
        assert workspace.add_columns("t", narrow, "interaction_id") is not None
        rows = dict(store.con.execute("SELECT interaction_id, v FROM t").fetchall())
    assert rows["i3"] == 30 and rows["i4"] is None and len(rows) == 30
