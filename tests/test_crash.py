"""Crash safety: `liens load` killed (SIGKILL) at random moments leaves the store exactly as before or
exactly as after, by content; `liens check` then finds it whole, and the leftovers go on the next open.

Each kill runs the real command (`liens load NEWER --store COPY`) in a forked child, so that a run
costs the load itself rather than an interpreter start; the parent kills it after a random delay
spread over the whole run (before, during and after its commit).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liens import Store
from liens.presentation.cli import app
from liens.store import load_path
from liens.store.check import check_store
from liens.store.store import NEXT_SUFFIX
from test_load import write_dataset

KILLS = 52
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _dataset(folder: Path, first: int, last: int, shift: int) -> Path:
    """Interactions first..last (overlapping ones changed by `shift`), and accounts with a count."""
    accounts = "account_id,platform,handle,followers_count\nb1,instagram,brand,1000\n" + "".join(
        f"u{i},instagram,user{i},{i + shift}\n" for i in range(first, last))
    interactions = "interaction_id,kind,actor_id,created_at,post_id,text\n" + "".join(
        f"i{i},comment,u{i},2025-01-01T{10 + i % 12:02d}:{i % 60:02d}:00Z,p1,text {i} v{shift}\n" for i in range(first, last))
    return write_dataset(folder, accounts=accounts, interactions=interactions)


def content(path: Path) -> dict[str, list[str]]:
    """Every table by content (the load history without its clock)."""
    with Store(path, read_only=True) as store:
        out = {}
        for table in store.tables():
            cols = [c for c in store.columns(table) if c != "loaded_at"]
            select = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in cols)
            out[table] = sorted(map(str, store.con.execute(f'SELECT {select} FROM "{table}"').fetchall()))
        return out


def _run_load_in_child(dataset: Path, store: Path) -> int:
    pid = os.fork()
    if pid == 0:  # the child: the real command, then out without running the parent's cleanup
        code = 1
        try:
            result = CliRunner().invoke(app, ["load", str(dataset), "--store", str(store)])
            code = result.exit_code
        finally:
            os._exit(code)
    return pid


def test_load_killed_at_random_moments_leaves_the_store_before_or_after(tmp_path: Path) -> None:
    first = _dataset(tmp_path / "first", 0, 600, 0)
    newer = _dataset(tmp_path / "newer", 400, 1000, 7)  # 200 rows changed, 400 new
    base = tmp_path / "base.duckdb"
    with Store(base) as store:
        load_path(store, first)
    before = content(base)
    done = tmp_path / "done.duckdb"
    shutil.copy(base, done)
    started = time.perf_counter()
    pid = _run_load_in_child(newer, done)
    _, status = os.waitpid(pid, 0)
    full_run = time.perf_counter() - started
    assert os.waitstatus_to_exitcode(status) == 0
    after = content(done)
    assert after != before and len(after["interactions"]) == 1000

    rng = random.Random(20)
    outcomes = {"before": 0, "after": 0}
    target = tmp_path / "killed.duckdb"
    for _ in range(KILLS):
        for leftover in tmp_path.glob("killed.duckdb*"):
            leftover.unlink()
        shutil.copy(base, target)
        pid = _run_load_in_child(newer, target)
        time.sleep(rng.uniform(0.0, full_run * 1.1))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        got = content(target)  # read-only: the leftovers are still there
        assert got in (before, after), "the store is neither as before nor as after the load"
        outcomes["before" if got == before else "after"] += 1
        with Store(target, read_only=True) as store:
            findings = check_store(store).findings
        assert all(f.code == "leftover_file" for f in findings), findings
        Store(target).close()  # opening for writing removes what the killed load left
        assert not list(tmp_path.glob(f"killed.duckdb{NEXT_SUFFIX}*"))
    print(f"{KILLS} kills over {full_run:.2f} s runs: {outcomes}")
    assert outcomes["before"] >= 5 and outcomes["after"] >= 1, outcomes


def test_check_finds_duplicate_keys_and_stale_results(tmp_path: Path) -> None:
    """What an interrupted load of an older Liens left (every interaction twice) is found, with what to do."""
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        load_path(store, write_dataset(tmp_path / "d"))
    result = CliRunner().invoke(app, ["check", "--store", str(path), "--lang", "en"])
    assert result.exit_code == 0 and "is whole" in " ".join(result.output.split()), result.output
    with Store(path) as store:
        store.con.execute("INSERT INTO interactions SELECT * FROM interactions")
        store.con.execute("CREATE TABLE result_accounts AS SELECT * FROM accounts LIMIT 1")
    result = CliRunner().invoke(app, ["check", "--store", str(path), "--lang", "en"])
    flat = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "interactions: 6 rows for 3 keys" in flat and "liens analyze" in flat and "Traceback" not in flat
    result = CliRunner().invoke(app, ["check", "--store", str(path), "--lang", "fr"])
    assert "6 lignes pour 3 clés" in " ".join(result.output.split())
