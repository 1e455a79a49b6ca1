"""The results folder: every result table as CSV and Parquet, plus `summary.json`.

This folder is the product's stable machine-readable output, documented in docs/results.md.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .store import RESULT_PREFIX, Store, note_output, quote_identifier

# Tables whose rows have no order of their own (one row per account, per interaction).
UNORDERED = {"accounts", "interactions"}
FORMATS = (
    ("csv", "FORMAT CSV, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ'"),
    ("parquet", "FORMAT PARQUET, COMPRESSION zstd, COMPRESSION_LEVEL 1"),  # level 1: same size, a fifth less CPU
)


def write_results(store: Store, out: str | Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copies = []
    # The big per-interaction and per-account tables first, so that the small ones fill in at the end.
    for name in sorted(store.result_names(), key=lambda n: (n not in UNORDERED, n)):
        for suffix, options in FORMATS:
            target = str(out / f"{name}.{suffix}").replace("'", "''")
            select = _csv_safe(store, RESULT_PREFIX + name) if suffix == "csv" else "*"
            copies.append((f'COPY (SELECT {select} FROM "{RESULT_PREFIX}{name}") TO \'{target}\' ({options})',
                           name in UNORDERED))
    # Two at a time, each on its own cursor: a CSV and a Parquet writer of the same big table overlap
    # their waits on the disk (10M interactions: 40 s one after the other, 33 s together).
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(_copy, store, sql, unordered) for sql, unordered in copies]:
            done.result()
    summary: dict[str, Any] = store.summary()
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    note_output(store.path, [out / "summary.json", *(out / f"{n}.{suffix}" for n in store.result_names() for suffix, _ in FORMATS)])
    return out


# A cell a spreadsheet would run as a formula (OWASP: = + - @ tab, carriage return at the start).
FORMULA_START = "^[=+\\-@\t\r]"


def _csv_safe(store: Store, table: str) -> str:
    """The columns of `table` for its CSV: text starting like a formula gets a leading ' (Parquet keeps the raw value)."""
    parts = []
    for column, type_ in store.columns(table).items():
        name = quote_identifier(column)
        if type_ == "VARCHAR":
            parts.append(f"CASE WHEN regexp_matches({name}, '{FORMULA_START}') THEN '''' || {name} ELSE {name} END AS {name}")
        else:
            parts.append(name)
    return ", ".join(parts) or "*"


def _copy(store: Store, sql: str, unordered: bool) -> None:
    cursor = store.cursor()
    try:
        if unordered:  # rows in any order: the writer need not keep them in sequence (10M rows: 11 -> 7 s as CSV)
            cursor.execute("SET SESSION preserve_insertion_order = false")
        cursor.execute(sql)
    finally:
        cursor.close()
