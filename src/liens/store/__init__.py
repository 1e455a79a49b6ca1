"""The store: a DuckDB file, the all-or-nothing loader, and access to results."""

from .load import LoadReport, load_path
from .store import DEFAULT_STORE, RESULT_PREFIX, Store, has_store_suffix, is_store_file

__all__ = ["DEFAULT_STORE", "RESULT_PREFIX", "LoadReport", "Store", "has_store_suffix", "is_store_file", "load_path"]
