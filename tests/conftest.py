"""Fixtures shared by the test files: one generated world, analysed once per session.

`world_dataset` is a planted-truth world from the generator (`liens.api.generate`, 800 accounts,
seed 11, CSV); `analysed_world` is that world loaded into a store and analysed by every step
(`liens.api.load` / `liens.api.analyze`). Both are built on first use and shared by every test
file that asks for them, so the analyses run once instead of once per file.

They are for reading only: open the store with `Store(world.store, read_only=True)`. A test that
changes a store (forget, pseudonymise, load again, goals, a trained model, another analysis) works
on its own copy, `world.copy_store(tmp_path)`, or on a world of its own. A file whose assertions
depend on another size, seed or option keeps its own world.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from liens import api
from liens.store import Store

WORLD_ACCOUNTS = 800
WORLD_SEED = 11


@dataclass(frozen=True)
class AnalysedWorld:
    """The shared world: its dataset folder (with `truth/`) and its analysed store file."""

    dataset: Path
    store: Path
    accounts: int = WORLD_ACCOUNTS
    seed: int = WORLD_SEED

    def copy_store(self, folder: Path) -> Path:
        """A private copy of the analysed store in `folder`, for a test that changes it."""
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(self.store, folder / self.store.name))


@pytest.fixture(scope="session")
def world_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared generated world (dataset v1 and its planted truth), not loaded. Read only."""
    folder = tmp_path_factory.mktemp("shared_world") / "world"
    api.generate(folder, accounts=WORLD_ACCOUNTS, seed=WORLD_SEED)
    return folder


@pytest.fixture(scope="session")
def analysed_world(world_dataset: Path) -> Iterator[AnalysedWorld]:
    """The shared world loaded into a store and analysed by every step. Read only: the session
    fails at teardown if a test changed the store file."""
    path = world_dataset.parent / "world.duckdb"
    with Store(path) as store:
        api.load(world_dataset, store)
        api.analyze(store)
    before = _digest(path)
    yield AnalysedWorld(dataset=world_dataset, store=path)
    assert _digest(path) == before, "a test changed the shared analysed store: work on world.copy_store(tmp_path)"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
