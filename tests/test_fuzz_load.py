"""Property-based fuzzing of the loader: whatever is done to a good dataset's files, a load is either a
clean refusal (a LiensError, the store file byte-identical) or a load whose content checks out (keys
unique, required values present, kinds allowed, `liens check` clean). Never another exception."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liens import Store
from liens.errors import LiensError
from liens.schema import INTERACTION_KINDS, TABLES
from liens.store import load_path
from liens.store.check import check_store
from test_load import write_dataset

FILES = ("accounts.csv", "posts.csv", "interactions.csv")
NASTY = st.sampled_from(["", " ", "inf", "-1", "NaN", "1e400", "99999999999999999999", "2200-01-01", "0000-00-00",
                         '"', '""', "\x00", "\ufeff", "=cmd", "\n", ",", "é", "294247-01-01T00:00:00Z", "1.5", "true"])
CELL = st.one_of(NASTY, st.text(max_size=12))


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, object]:
    target = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["cell", "bytes", "truncate", "duplicate_line", "drop_column", "add_column", "header"]))
    return target, kind, draw(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), CELL,
                                        st.binary(min_size=1, max_size=8)))


def mutate(path: Path, kind: str, args: tuple[int, int, str, bytes]) -> None:
    a, b, cell, junk = args
    data = path.read_bytes()
    lines = data.decode("utf-8").splitlines()
    rows = [line.split(",") for line in lines]
    if kind == "cell":
        r = rows[1 + a % (len(rows) - 1)]
        r[b % len(r)] = cell
    elif kind == "bytes":
        at = a % (len(data) + 1)
        path.write_bytes(data[:at] + junk + data[at:])
        return
    elif kind == "truncate":
        path.write_bytes(data[: a % (len(data) + 1)])
        return
    elif kind == "duplicate_line":
        rows.insert(1 + a % len(rows), list(rows[1 + b % (len(rows) - 1)]))
        rows[-1] = [cell if i == a % len(rows[-1]) else v for i, v in enumerate(rows[-1])] if b % 2 else rows[-1]
    elif kind == "drop_column":
        col = a % len(rows[0])
        rows = [[v for i, v in enumerate(r) if i != col] for r in rows]
    elif kind == "add_column":
        rows = [r + ([cell.replace(",", "").replace("\n", "") or "x"] if i == 0 else [cell]) for i, r in enumerate(rows)]
    elif kind == "header":
        rows[0][a % len(rows[0])] = cell
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_loader_never_crashes_and_never_half_loads(tmp_path_factory) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    base = root / "base.duckdb"
    with Store(base) as store:
        load_path(store, write_dataset(root / "good"))
    outcomes = {"refused": 0, "loaded": 0}

    @settings(max_examples=int(os.environ.get("LIENS_FUZZ_EXAMPLES", "40")), deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(mutation())
    def one(change: tuple[str, str, tuple[int, int, str, bytes]]) -> None:
        target, kind, args = change
        folder = root / "case"
        shutil.rmtree(folder, ignore_errors=True)
        data = write_dataset(folder)
        mutate(data / target, kind, args)
        path = root / "case.duckdb"
        shutil.copy(base, path)
        before = digest(path)
        try:
            with Store(path) as store:
                load_path(store, data)
        except LiensError as error:
            assert str(error), "a refusal says why"
            assert digest(path) == before, f"refused ({error}) but the store changed"
            outcomes["refused"] += 1
            return
        outcomes["loaded"] += 1
        with Store(path, read_only=True) as store:
            assert check_store(store).ok, check_store(store).findings
            kinds = {r[0] for r in store.con.execute("SELECT DISTINCT kind FROM interactions").fetchall()}
            assert kinds <= set(INTERACTION_KINDS)
            for table in ("accounts", "posts", "interactions"):
                for column in TABLES[table].required:
                    if column in store.columns(table):
                        n = store.con.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NULL').fetchone()
                        assert n == (0,), (table, column)

    one()
    print("fuzz outcomes:", outcomes)
    assert outcomes["refused"] and outcomes["loaded"], outcomes
