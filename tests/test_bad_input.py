"""Bad input: a clear message naming file, row and column; exit code 2; no traceback; store unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from liens import DatasetError, Store
from liens.presentation.cli import app
from liens.store import load as load_module
from test_load import write_dataset

runner = CliRunner()


def snapshot(path: Path) -> dict[str, list]:
    with Store(path) as store:
        return {t: sorted(map(str, store.con.execute(f'SELECT * FROM "{t}"').fetchall()))
                for t in store.tables() if t != "_liens_loads"}


def run_load(dataset: Path, store: Path):
    from liens.presentation.cli import main  # noqa: F401  (registers commands)

    return runner.invoke(app, ["load", str(dataset), "--store", str(store)])


@pytest.fixture()
def loaded_store(tmp_path: Path) -> Path:
    """A store that already holds a good dataset, so that we can see it is left unchanged."""
    store = tmp_path / "s.duckdb"
    with Store(store) as opened:
        load_module.load_path(opened, write_dataset(tmp_path / "good"))
    return store


CASES = {
    "missing_mandatory_file": (lambda d: (d / "posts.csv").unlink(), ["posts"], None, None),
    "missing_column": (
        lambda d: (d / "interactions.csv").write_text("interaction_id,kind,created_at\ni9,like,2025-01-01T00:00:00Z\n"),
        ["interactions.csv", "actor_id", "missing"], None, "actor_id"),
    "wrong_type": (
        lambda d: (d / "accounts.csv").write_text("account_id,platform,followers_count\nx1,instagram,12\nx2,instagram,lots\n"),
        ["accounts.csv", "'lots'", "whole number"], 2, "followers_count"),
    "unparsable_timestamp": (
        lambda d: (d / "posts.csv").write_text("post_id,author_id,created_at\nq1,b1,2025-01-01T00:00:00Z\nq2,b1,yesterday\n"),
        ["posts.csv", "ISO 8601"], 2, "created_at"),
    "unknown_interaction_kind": (
        lambda d: (d / "interactions.csv").write_text(
            "interaction_id,kind,actor_id,created_at\ni8,like,u1,2025-01-01T00:00:00Z\ni9,superlike,u1,2025-01-01T00:00:00Z\n"),
        ["interactions.csv", "unknown kind", "'superlike'", "like, reaction"], 2, "kind"),
    "unknown_conversion_kind": (
        lambda d: (d / "conversions.csv").write_text("conversion_id,kind,occurred_at\nc1,purchase,2025-01-01T00:00:00Z\n"),
        ["conversions.csv", "sale, lead"], 1, "kind"),
    "conflicting_duplicate_id": (
        lambda d: (d / "interactions.csv").write_text(
            "interaction_id,kind,actor_id,created_at\ni8,like,u1,2025-01-01T00:00:00Z\n"
            "i9,like,u1,2025-01-01T00:00:00Z\ni8,save,u2,2025-01-01T00:00:00Z\n"),
        ["interactions.csv", "different content", "rows 1 and 3"], 3, "interaction_id"),
    "broken_encoding": (
        lambda d: (d / "posts.csv").write_bytes(
            b"post_id,author_id,created_at,caption\nq1,b1,2025-01-01T00:00:00Z,ok\nq2,b1,2025-01-01T00:00:00Z,caf\xe9\n"),
        ["posts.csv", "UTF-8"], 2, None),
    "empty_file": (lambda d: (d / "accounts.csv").write_text(""), ["accounts.csv", "empty"], None, None),
    "ragged_row": (
        lambda d: (d / "posts.csv").write_text("post_id,author_id,created_at\nq1,b1,2025-01-01T00:00:00Z,extra,fields\n"),
        ["posts.csv"], 1, None),
    "missing_required_value": (
        lambda d: (d / "interactions.csv").write_text(
            "interaction_id,kind,actor_id,created_at\ni8,like,,2025-01-01T00:00:00Z\n"),
        ["interactions.csv", "missing"], 1, "actor_id"),
    "malformed_jsonl": (
        lambda d: ((d / "interactions.csv").unlink(), (d / "interactions.jsonl").write_text(
            '{"interaction_id": "i8", "kind": "like", "actor_id": "u1", "created_at": "2025-01-01T00:00:00Z"}\n{"interaction_id": \n')),
        ["interactions.jsonl", "JSON"], None, None),
    # Values that parse but cannot be true (issue 20): refused, with file, row, column and what was expected.
    "infinite_value": (
        lambda d: (d / "conversions.csv").write_text(
            "conversion_id,kind,occurred_at,value\nc1,sale,2025-01-01T00:00:00Z,5\nc2,sale,2025-01-01T00:00:00Z,inf\n"),
        ["conversions.csv", "finite"], 2, "value"),
    "nan_value": (
        lambda d: (d / "costs.csv").write_text("period_start,period_end,amount\n2025-01-01,2025-01-31,NaN\n"),
        ["costs.csv", "finite"], 1, "amount"),
    "negative_count": (
        lambda d: (d / "accounts.csv").write_text("account_id,platform,followers_count\nx1,instagram,12\nx2,instagram,-4\n"),
        ["accounts.csv", "negative", "0 or more"], 2, "followers_count"),
    "negative_cost": (
        lambda d: (d / "costs.csv").write_text("period_start,period_end,amount\n2025-01-01,2025-01-31,-300\n"),
        ["costs.csv", "negative"], 1, "amount"),
    "date_far_future": (
        lambda d: (d / "posts.csv").write_text("post_id,author_id,created_at\nq1,b1,2025-01-01T00:00:00Z\nq2,b1,2200-01-01T00:00:00Z\n"),
        ["posts.csv", "outside", "LIENS_DATE_RANGE"], 2, "created_at"),
    "date_year_294247": (
        lambda d: (d / "accounts.csv").write_text("account_id,platform,created_at\nx1,instagram,294247-01-01\n"),
        ["accounts.csv", "outside"], 1, "created_at"),
    "date_1900": (
        lambda d: (d / "interactions.csv").write_text(
            "interaction_id,kind,actor_id,created_at\ni8,like,u1,1900-01-01T00:00:00Z\n"),
        ["interactions.csv", "outside"], 1, "created_at"),
    "inverted_period": (
        lambda d: (d / "costs.csv").write_text("period_start,period_end,amount\n2025-01-01,2025-01-31,3\n2025-03-01,2025-02-01,3\n"),
        ["costs.csv", "ends before it starts"], 2, "period_end"),
    "duplicate_header": (
        lambda d: (d / "accounts.csv").write_text("account_id,platform,handle,handle\nx1,instagram,a,b\n"),
        ["accounts.csv", "'handle' twice"], None, "handle"),
    "integer_beyond_64_bits": (
        lambda d: (d / "accounts.csv").write_text("account_id,platform,followers_count\nx1,instagram,99999999999999999999\n"),
        ["accounts.csv", "whole number"], 1, "followers_count"),
    "row_134_unreadable": (
        lambda d: (d / "conversions.csv").write_text("conversion_id,kind,occurred_at\n" + "".join(
            f"c{i},sale,{'not-a-date' if i == 134 else '2025-01-01T00:00:00Z'}\n" for i in range(1, 200))),
        ["conversions.csv", "'not-a-date'"], 134, "occurred_at"),
    "quote_broken_csv": (
        lambda d: (d / "posts.csv").write_text('post_id,author_id,created_at,caption\nq1,b1,2025-01-01T00:00:00Z,"ok"\n'
                                              'q2,b1,2025-01-01T00:00:00Z,"never closed\nq3,b1,2025-01-01T00:00:00Z,x\n'),
        ["posts.csv"], 2, None),
    "corrupt_gzip": (
        lambda d: ((d / "posts.csv").unlink(), (d / "posts.csv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage-not-gzip")),
        ["posts.csv.gz"], None, None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_clearly_and_store_unchanged(tmp_path: Path, loaded_store: Path, case: str) -> None:
    breaker, words, row, column = CASES[case]
    dataset = write_dataset(tmp_path / "bad")
    breaker(dataset)
    before = snapshot(loaded_store)
    result = run_load(dataset, loaded_store)
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    flat = " ".join(output.split())
    for word in words:
        assert word in flat, f"{word!r} not in {flat!r}"
    if row is not None:
        assert f"row {row}" in flat
    if column is not None:
        assert f"column '{column}'" in flat
    assert snapshot(loaded_store) == before


def test_failure_while_writing_rolls_everything_back(tmp_path: Path, loaded_store: Path, monkeypatch) -> None:
    """Validation passes, then writing the third table fails: the first two must not stay loaded."""
    newer = write_dataset(
        tmp_path / "newer",
        accounts="account_id,platform\nz1,instagram\n",
        posts="post_id,author_id,created_at\nz2,z1,2025-02-01T00:00:00Z\n",
        interactions="interaction_id,kind,actor_id,created_at\nz3,like,z1,2025-02-01T00:00:00Z\n",
    )
    original = load_module._Loader.insert

    def failing(self, relation, present, dupes):
        if relation.table == "interactions":
            raise DatasetError("disk full (simulated)", file=relation.label)
        return original(self, relation, present, dupes)

    monkeypatch.setattr(load_module._Loader, "insert", failing)
    before = snapshot(loaded_store)
    with Store(loaded_store) as store, pytest.raises(DatasetError):
        load_module.load_path(store, newer)
    assert snapshot(loaded_store) == before


def test_missing_path_and_unknown_store(tmp_path: Path) -> None:
    result = run_load(tmp_path / "nowhere", tmp_path / "s.duckdb")
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["tables", "--store", str(tmp_path / "absent.duckdb")])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_memory_limit_from_the_environment(loaded_store: Path, monkeypatch) -> None:
    monkeypatch.setenv("LIENS_MEMORY_LIMIT", "300MB")
    with Store(loaded_store, read_only=True) as store:
        limit = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.startswith("286") and "MiB" in limit  # 300 MB as DuckDB prints it
    monkeypatch.setenv("LIENS_MEMORY_LIMIT", "lots")
    result = runner.invoke(app, ["tables", "--store", str(loaded_store)])
    assert result.exit_code == 2 and "LIENS_MEMORY_LIMIT 'lots' is not a size" in result.output
    assert "Traceback" not in result.output


def test_nested_parquet_ids_are_refused(tmp_path: Path, loaded_store: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    dataset = write_dataset(tmp_path / "bad")
    (dataset / "interactions.csv").unlink()
    pq.write_table(pa.table({"interaction_id": [["i1", "i2"]], "kind": ["like"], "actor_id": ["u1"],
                             "created_at": ["2025-01-01T00:00:00Z"]}), dataset / "interactions.parquet")
    before = snapshot(loaded_store)
    result = run_load(dataset, loaded_store)
    flat = " ".join(result.output.split())
    assert result.exit_code == 2 and "nested" in flat and "column 'interaction_id'" in flat, flat
    assert snapshot(loaded_store) == before
