"""Readers: bytes in, canonical dataset v1 rows out. No metrics here."""

from .dataset import FileSource, find_tables

__all__ = ["FileSource", "find_tables"]
