"""The store: a DuckDB file, the all-or-nothing loader, and access to results."""

from .load import LoadReport, load_path
from .store import DEFAULT_STORE, RESULT_PREFIX, Store

__all__ = ["DEFAULT_STORE", "RESULT_PREFIX", "LoadReport", "Store", "load_path"]
