"""Hostile user text: result CSVs neutralise formula cells (Parquet keeps the raw value); the CLI strips
terminal control characters from user text."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from liens import Store
from liens.presentation.cli.common import safe
from liens.store import load_path
from liens.store.results_folder import write_results
from test_load import write_dataset

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "plain", "a=b"]


def test_result_csvs_neutralise_formulas_and_parquet_keeps_raw_values(tmp_path: Path) -> None:
    accounts = "account_id,platform,handle\n" + "".join(
        f'a{i},instagram,"{h.replace(chr(34), chr(34) * 2)}"\n' for i, h in enumerate(HOSTILE))
    data = write_dataset(tmp_path / "d", accounts=accounts)
    with Store(tmp_path / "s.duckdb") as store:
        load_path(store, data)
        store.con.execute("CREATE TABLE result_accounts AS SELECT account_id, handle, followers_count FROM accounts")
        out = write_results(store, tmp_path / "out")
        stored = dict(store.con.execute("SELECT account_id, handle FROM accounts").fetchall())
    with open(out / "accounts.csv", newline="", encoding="utf-8") as handle:
        cells = {r["account_id"]: r["handle"] for r in csv.DictReader(handle)}
    for i, _ in enumerate(HOSTILE):
        raw = stored[f"a{i}"]
        if raw[0] in "=+-@\t\r":
            assert cells[f"a{i}"] == "'" + raw, (raw, cells[f"a{i}"])
        else:
            assert cells[f"a{i}"] == raw
    parquet = {r["account_id"]: r["handle"] for r in pq.read_table(out / "accounts.parquet").to_pylist()}
    assert parquet == {k: v for k, v in stored.items() if k in parquet} and len(parquet) == len(HOSTILE)


def test_cli_text_loses_terminal_escapes_and_markup() -> None:
    hostile = "ok\x1b[2J\x1b]0;pwned\x07\rfake line\u202etxt.exe [bold red]x[/bold red]\x9b31m"
    shown = safe(hostile)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in shown)
    assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown and "\r" not in shown
    assert "\\[bold red]" in shown  # markup escaped, shown as typed
    assert shown.startswith("ok[2J]0;pwned fake line")
