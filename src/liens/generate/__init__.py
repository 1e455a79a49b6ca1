"""Planted-truth synthetic worlds: a brand, its audience, pods, fakes and what they lead to."""

from liens.generate.world import generate_world

__all__ = ["generate_world"]
