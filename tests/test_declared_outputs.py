"""Every analysis step declares its outputs, and docs/results.md documents each declared column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from liens.analyses import STEPS
from liens.schema import TABLES

RESULTS_DOC = Path(__file__).parents[1] / "docs" / "results.md"


def _documented() -> dict[str, set[str]]:
    """Columns named in each table section of docs/results.md (`### \\`name\\``, then `| col, col | meaning |`)."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in RESULTS_DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#+ `([a-z_]+)`", line)
        if heading:
            current = sections.setdefault(heading.group(1), set())
            continue
        if line.startswith("#"):
            current = None
        same = re.match(r"Same columns as `([a-z_]+)`", line)
        if current is not None and same:
            current.update(sections[same.group(1)])
        if current is not None and line.startswith("| ") and not line.startswith("| column") and "---" not in line:
            cell = line.split("|")[1]
            current.update(re.sub(r"\(.*?\)", "", name).strip(" `") for name in cell.split(","))
    return sections


def test_every_step_declares_what_it_reads_and_writes() -> None:
    names = [step.name for step in STEPS]
    assert len(names) == len(set(names))
    for step in STEPS:
        assert step.reads, f"{step.name} declares no input"
        assert step.tables or step.account_columns or step.interaction_columns, f"{step.name} declares no output"
        for table in step.tables:
            assert set(table.key) <= set(table.columns), f"{step.name}.{table.name}: key not among its columns"
            assert len(table.columns) == len(set(table.columns))
        assert set(step.optional_columns) <= set(step.account_columns) | set(step.interaction_columns)


def test_no_two_steps_write_the_same_table_or_column() -> None:
    tables = [t.name for step in STEPS for t in step.tables]
    assert len(tables) == len(set(tables))
    for kind in ("account_columns", "interaction_columns"):
        columns = [c for step in STEPS for c in getattr(step, kind)]
        assert len(columns) == len(set(columns)), kind


@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])
def test_declared_columns_are_documented_column_by_column(step) -> None:
    documented = _documented()
    for table in step.tables:
        assert table.name in documented, f"table `{table.name}` has no section in docs/results.md"
        missing = [c for c in table.columns if c not in documented[table.name]]
        assert not missing, f"`{table.name}` columns not documented in docs/results.md: {missing}"
        stale = sorted(documented[table.name] - set(table.columns))
        assert not stale, f"docs/results.md documents `{table.name}` columns the step does not write: {stale}"
    for target, columns in (("accounts", step.account_columns), ("interactions", step.interaction_columns)):
        missing = [c for c in columns if c not in documented.get(target, set())]
        assert not missing, f"{step.name} adds {target} columns not documented under `{target}`: {missing}"


def test_documented_per_account_and_interaction_columns_are_declared_or_loaded() -> None:
    documented = _documented()
    for target in ("accounts", "interactions"):
        declared = {c for step in STEPS for c in getattr(step, target[:-1] + "_columns")}
        loaded = {c.name for c in TABLES[target].columns}
        # Columns the runner's base tables compute before any step (analyses/core.py base_*).
        base = {"is_brand", "platform", "post_author_id", "minutes_after_post", "is_brand_actor", "text_length"}
        stale = sorted(documented[target] - declared - loaded - base)
        assert not stale, f"docs/results.md documents {target} columns nobody writes: {stale}"
