"""Liens: what is real in a brand's social presence.

>>> import liens
>>> liens.load("export/", "brand.duckdb")
>>> res = liens.analyze("brand.duckdb", out="results/")
>>> res.df("accounts")
"""

from .api import Results, analyze, generate, load, open_store, results
from .config import Config, load_config
from .errors import AnalysisError, ConfigError, DatasetError, LiensError, ReaderError, StoreError
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "AnalysisError", "Config", "ConfigError", "DatasetError", "LiensError", "ReaderError", "Results",
    "Store", "StoreError", "analyze", "generate", "load", "load_config", "open_store", "results",
]
