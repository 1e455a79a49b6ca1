"""`liens check`: is a store whole? Keys unique, every row accounted for by a recorded load, required
values present, results as recent as the data, no half-written replacement left beside it.

Each problem is a `Finding` (a code, the table, figures); the presentation words them and says what
to do. The check only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..schema import TABLES
from .store import NEXT_SUFFIX, RESULT_PREFIX, Store
from .store import quote_identifier as q

DUPLICATE_KEYS = "duplicate_keys"  # rows sharing a key: a load went wrong
UNRECORDED_ROWS = "unrecorded_rows"  # more rows than the loads recorded added
UNRECORDED_TABLE = "unrecorded_table"  # a table with rows that no load recorded
MISSING_VALUES = "missing_values"  # a required column empty
STALE_RESULTS = "stale_results"  # results computed before the last load (or another forget)
LEFTOVER_FILE = "leftover_file"  # a replacement file left by a killed process
NO_DATA = "no_data"


@dataclass(frozen=True)
class Finding:
    code: str
    table: str = ""
    figures: dict[str, int | str] = field(default_factory=dict)


@dataclass
class CheckReport:
    store: str
    findings: list[Finding] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    loads: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def check_store(store: Store) -> CheckReport:
    report = CheckReport(str(store.path))
    present = set(store.tables())
    if not {"accounts", "posts", "interactions"} <= present:
        report.findings.append(Finding(NO_DATA))
        return report
    recorded = dict(store.con.execute(
        "SELECT table_name, sum(rows_new) FROM _liens_loads GROUP BY table_name").fetchall())
    loads = store.con.execute("SELECT count(DISTINCT load_id) FROM _liens_loads").fetchone()
    report.loads = int(loads[0]) if loads else 0
    for name, spec in TABLES.items():
        if name not in present:
            continue
        columns = store.columns(name)
        key = [k for k in spec.key if k in columns]
        required = [c for c in spec.required if c in columns]
        selects = ["count(*)", f"count(DISTINCT ({', '.join(q(k) for k in key)}))" if key else "count(*)"]
        selects += [f"count(*) FILTER (WHERE {q(c)} IS NULL)" for c in required]
        counts = store.con.execute(f"SELECT {', '.join(selects)} FROM {q(name)}").fetchone()
        assert counts is not None
        total, distinct = int(counts[0]), int(counts[1])
        report.tables[name] = total
        if distinct < total:
            report.findings.append(Finding(DUPLICATE_KEYS, name, {"rows": total, "keys": distinct}))
        for column, empty in zip(required, counts[2:]):
            if empty:
                report.findings.append(Finding(MISSING_VALUES, name, {"column": column, "rows": int(empty)}))
        added = recorded.get(name)
        if added is None and total:
            report.findings.append(Finding(UNRECORDED_TABLE, name, {"rows": total}))
        elif added is not None and total > int(added):  # forget removes rows: fewer is fine, more is not
            report.findings.append(Finding(UNRECORDED_ROWS, name, {"rows": total, "recorded": int(added)}))
    for name, source in (("accounts", "accounts"), ("interactions", "interactions")):
        result = RESULT_PREFIX + name
        if result in present and source in report.tables:
            n = store.count(result)
            if n != report.tables[source]:
                report.findings.append(Finding(STALE_RESULTS, result, {"rows": n, "inputs": report.tables[source]}))
    for leftover in sorted(Path(store.path).parent.glob(f"{Path(store.path).name}{NEXT_SUFFIX}*")):
        report.findings.append(Finding(LEFTOVER_FILE, "", {"file": str(leftover)}))
    return report


__all__ = ["CheckReport", "Finding", "check_store"]
