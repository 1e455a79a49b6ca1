"""The dashboard's routes: HTML pages (`pages`) and the JSON API (`api`)."""

from . import api, pages

__all__ = ["api", "pages"]
