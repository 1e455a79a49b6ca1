"""The results folder: every result table as CSV and Parquet, plus `summary.json`.

This folder is the product's stable machine-readable output, documented in docs/results.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..analyses.runner import stored_summary
from ..store.store import RESULT_PREFIX, Store


def write_results(store: Store, out: str | Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in store.result_names():
        table = f'"{RESULT_PREFIX}{name}"'
        for suffix, options in (("csv", "FORMAT CSV, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ'"), ("parquet", "FORMAT PARQUET, COMPRESSION zstd, COMPRESSION_LEVEL 1")):
            target = str(out / f"{name}.{suffix}").replace("'", "''")
            store.con.execute(f"COPY (SELECT * FROM {table}) TO '{target}' ({options})")
    summary: dict[str, Any] = stored_summary(store)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return out
