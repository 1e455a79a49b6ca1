"""The Python API, for notebooks and scripts: the CLI is a thin layer over these functions."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa

from .analyses.runner import run_analyses
from .config import Config, load_config
from .store import DEFAULT_STORE, LoadReport, Store, is_store_file, load_path


def open_store(path: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> Store:
    """Open (or create) a store file."""
    return Store(path, read_only=read_only)


def load(dataset: str | Path, store: str | Path | Store = DEFAULT_STORE, *, fmt: str = "auto",
         mapping: str | Path | None = None, progress: Callable[[str], None] | None = None) -> LoadReport:
    """Load a dataset folder, DuckDB file or platform export into the store, all or nothing."""
    if isinstance(store, Store):
        return load_path(store, dataset, fmt=fmt, mapping=mapping, progress=progress)
    with Store(store) as opened:
        return load_path(opened, dataset, fmt=fmt, mapping=mapping, progress=progress)


@dataclass
class Results:
    """The results of `analyze`, read from the store."""

    store: Store
    summary: dict[str, Any]

    def names(self) -> list[str]:
        return self.store.result_names()

    def table(self, name: str) -> pa.Table:
        return self.store.result(name)

    def df(self, name: str) -> Any:
        return self.table(name).to_pandas()


def analyze(source: str | Path | Store | None = None, *, store: str | Path | Store | None = None,
            out: str | Path | None = None, config: Config | None = None, engine: str = "duckdb",
            progress: Callable[[str], None] | None = None, **engine_options: Any) -> Results:
    """Analyse a store (or load a dataset into `store` first) and optionally write the results folder.

    `source` may be a Store, a store file, or a dataset; with a dataset, it is loaded into `store`
    (default: a fresh store file beside the results, or a temporary one).

    `engine="spark"` runs on Spark: a dataset of Parquet files is read by Spark itself (not loaded);
    options `session=` (e.g. a notebook's `spark`), `master=`, `conf=`, `work_dir=` (see
    `engine.open_workspace`). The results land in the store as with DuckDB.
    """
    config = config or load_config()
    is_dataset = source is not None and not isinstance(source, Store) and not is_store_file(source)
    opened = _resolve_store(source, store, out, is_dataset)
    if is_dataset and engine == "spark":
        engine_options["dataset"] = source
    elif is_dataset:
        load_path(opened, source, progress=progress)  # type: ignore[arg-type]
    summary = run_analyses(opened, config, engine=engine, progress=progress, **engine_options)
    if out is not None:
        from .presentation.results_folder import write_results

        write_results(opened, out)
    return Results(opened, summary)


def _resolve_store(source: Any, store: Any, out: Any, is_dataset: bool) -> Store:
    if isinstance(source, Store):
        return source
    if isinstance(store, Store):
        return store
    if source is not None and not is_dataset:
        return Store(source)
    if store is not None:
        return Store(store)
    if source is None:
        return Store(DEFAULT_STORE)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="liens-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEFAULT_STORE
    if path.exists():
        path.unlink()
    return Store(path)


def results(store: str | Path | Store = DEFAULT_STORE) -> Results:
    """The results already in a store."""
    opened = store if isinstance(store, Store) else Store(store, read_only=True)
    return Results(opened, opened.summary())


def generate(out: str | Path, *, accounts: int = 5000, seed: int = 0, **options: Any) -> dict[str, Any]:
    """Write a planted-truth world (dataset v1 plus `truth/`) to `out`."""
    from .errors import ConfigError
    from .generate import generate_world

    try:
        return generate_world(Path(out), accounts=accounts, seed=seed, **options)
    except ValueError as error:  # a world too small to hold every planted structure
        raise ConfigError(str(error)) from None


# Audience quality beyond `analyze`: train a fake-follower model on your labels, evaluate it, vet an influencer.
from .analyses.audience.api import evaluate_model, train_model, vet_account  # noqa: E402

__all__ = ["Results", "analyze", "evaluate_model", "generate", "load", "open_store", "results", "train_model",
           "vet_account"]
