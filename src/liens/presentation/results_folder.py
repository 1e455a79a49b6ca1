"""The results folder: every result table as CSV and Parquet, plus `summary.json`.

This folder is the product's stable machine-readable output, documented in docs/results.md.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..analyses.runner import stored_summary
from ..store.store import RESULT_PREFIX, Store


FORMATS = (
    ("csv", "FORMAT CSV, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ'"),
    ("parquet", "FORMAT PARQUET, COMPRESSION zstd, COMPRESSION_LEVEL 1"),  # level 1: same size, a fifth less CPU
)


def write_results(store: Store, out: str | Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copies = []
    for name in store.result_names():
        for suffix, options in FORMATS:
            target = str(out / f"{name}.{suffix}").replace("'", "''")
            copies.append(f'COPY (SELECT * FROM "{RESULT_PREFIX}{name}") TO \'{target}\' ({options})')
    # Two at a time, each on its own cursor: a CSV and a Parquet writer of the same big table overlap
    # their waits on the disk (10M interactions: 40 s one after the other, 33 s together).
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(_copy, store, sql) for sql in copies]:
            done.result()
    summary: dict[str, Any] = stored_summary(store)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return out


def _copy(store: Store, sql: str) -> None:
    cursor = store.con.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()
