"""Weak signals on generated worlds: the planted rising themes are found, the steady decoy is not.

The generator plants (`truth/weak_signals.csv`) two rising complaints named by new authors in the
last days (one of them starting a few days before the last week) and a steady complaint named at a
constant rate all along, at least three times a week in French: it passes the minimum count in the
recent window, so only the comparison with its baseline keeps it out.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from liens.analyses.base import Step
from liens.analyses.conversation import conversation
from liens.analyses.conversation._text import normalise
from liens.analyses.conversation.weak_signals import weak_signals
from liens.analyses.core import core
from liens.analyses.runner import run_analyses
from liens.config import Config, ConversationSettings
from liens.store import Store, load_path

WORLDS = [(800, 11), (2000, 3), (2000, 5)]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, int], Path]:
    from liens.generate import generate_world

    out = {}
    for accounts, seed in WORLDS:
        folder = tmp_path_factory.mktemp(f"signals_{accounts}_{seed}")
        generate_world(folder, accounts=accounts, seed=seed)
        out[(accounts, seed)] = folder
    return out


def planted(folder: Path) -> list[dict]:
    with (folder / "truth" / "weak_signals.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def term_words(signals: list[str]) -> set[str]:
    """Every word of the terms found (terms are words or word pairs)."""
    return {word for signal in signals for word in signal.split()}


def detect(folder: Path, settings: ConversationSettings) -> list[str]:
    """The detector on every text of the world, as the conversation step feeds it (without topics)."""
    inter = pacsv.read_csv(folder / "interactions.csv", convert_options=pacsv.ConvertOptions(
        include_columns=["actor_id", "created_at", "text"], column_types={"created_at": pa.timestamp("s", tz="UTC")}))
    inter = inter.filter(pa.compute.greater(pa.compute.utf8_length(pa.compute.utf8_trim_whitespace(
        pa.compute.fill_null(inter["text"], ""))), 0))
    docs = normalise(inter["text"].combine_chunks()).to_pylist()
    stamps = inter["created_at"].combine_chunks().cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
    table = weak_signals(stamps, inter["actor_id"].to_numpy(zero_copy_only=False).astype(str), docs,
                         np.full(len(docs), -1), [], settings.signal_recent_days, settings.signal_baseline_days,
                         settings.signal_min_count, settings.signal_min_lift, settings.signal_max_p_value)
    return [s for s, kind in zip(table["signal"].to_pylist(), table["kind"].to_pylist()) if kind == "term"]


def test_the_truth_plants_rising_themes_and_a_steady_decoy(worlds):
    for folder in worlds.values():
        themes = planted(folder)
        assert sorted(t["kind"] for t in themes) == ["rising", "rising", "steady"]
        for theme in themes:
            # Distinct authors: one mention each; a rising theme needs at least three per language.
            assert int(theme["authors"]) == int(theme["texts"]) >= (6 if theme["kind"] == "rising" else 100)


@pytest.mark.parametrize("world", WORLDS, ids=[f"{a}-accounts-seed-{s}" for a, s in WORLDS])
def test_rising_themes_found_steady_decoy_not(worlds, world):
    folder = worlds[world]
    found = term_words(detect(folder, ConversationSettings()))
    for theme in planted(folder):
        keywords = set(theme["keywords"].split())
        if theme["kind"] == "rising":
            assert keywords & found, (theme["theme"], sorted(found))
        else:
            assert not keywords & found, (theme["theme"], sorted(found))


def test_a_stricter_detector_drops_the_weaker_theme_first(worlds):
    """The late-starting theme (one mention per language before the last week) has a baseline, so a
    stricter p-value keeps the stronger theme only: the figures are driven by the planted counts."""
    folder = worlds[(2000, 3)]
    themes = {t["theme"]: set(t["keywords"].split()) for t in planted(folder)}
    found = term_words(detect(folder, ConversationSettings(signal_max_p_value=1e-4)))
    assert themes["glue_smell"] & found
    assert not themes["dye_on_socks"] & found
    assert not themes["sole_coming_off"] & found


def test_conversation_step_reports_the_planted_theme(worlds):
    """End to end: the conversation step's `weak_signals` table, topics included."""
    folder = worlds[(800, 11)]
    store = Store(folder / "store.duckdb")
    try:
        load_path(store, folder)
        summary = run_analyses(store, Config(), steps=[Step("core", core), Step("conversation", conversation)])
        table = store.result("weak_signals").to_pylist()
    finally:
        store.close()
    themes = planted(folder)
    terms = term_words([r["signal"] for r in table if r["kind"] == "term"])
    assert summary["weak_signals"] == len(table)
    for theme in themes:
        keywords = set(theme["keywords"].split())
        assert bool(keywords & terms) == (theme["kind"] == "rising"), (theme["theme"], sorted(terms))
    recent = [r for r in table if r["kind"] == "term" and set(r["signal"].split()) & {"colle", "glue"}]
    assert all(r["baseline_authors"] == 0 and r["recent_authors"] >= 3 for r in recent)
