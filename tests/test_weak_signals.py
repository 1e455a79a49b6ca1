"""Weak signals: planted rising themes are found, steady words, talkative accounts and a growing
audience are not.

Generated worlds: the generator plants (`truth/weak_signals.csv`) two rising complaints named by
new authors in the last days (one of them starting a few days before the last week) and a steady
complaint named at a constant rate all along, at least three times a week in French: it passes the
minimum count in the recent window, so only the comparison with its baseline keeps it out. The
worlds are small (800-2,000 accounts) and at 100,000 interactions, where repeat writers once made
steady words look like rising ones. Precision: with the planted rising texts removed, nothing may
be flagged; every flagged term must be explained by the planted themes.

Hand-built data checks the three ways a steady word can look like a rising one and the exact test.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest
from scipy.stats import binom

from liens.analyses.conversation._text import normalise
from liens.analyses.conversation.weak_signals import discrete_bh, weak_signals
from liens.config import ConversationSettings
from liens.store import Store

SMALL = [(800, 11), (2000, 3), (2000, 5)]
LARGE = [(10_000, 1), (10_000, 4)]  # 100,000 interactions each
WORLDS = SMALL + LARGE


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory, world_dataset: Path) -> dict[tuple[int, int], Path]:
    """Generated dataset folders, read only; (800, 11) is the session's shared world (conftest.py)."""
    from liens.generate import generate_world

    out = {(800, 11): world_dataset}
    for accounts, seed in WORLDS:
        if (accounts, seed) in out:
            continue
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


def detect(folder: Path, settings: ConversationSettings, without_rising: bool = False) -> list[str]:
    """The detector on every text of the world, as the conversation step feeds it (without topics);
    `without_rising`: the planted rising themes' texts left out."""
    inter = pacsv.read_csv(folder / "interactions.csv", convert_options=pacsv.ConvertOptions(
        include_columns=["interaction_id", "actor_id", "created_at", "text"],
        column_types={"created_at": pa.timestamp("s", tz="UTC")}))
    inter = inter.filter(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(pc.fill_null(inter["text"], ""))), 0))
    if without_rising:
        rising = {t["theme"] for t in planted(folder) if t["kind"] == "rising"}
        with (folder / "truth" / "texts.csv").open(encoding="utf-8") as handle:
            ids = [r["interaction_id"] for r in csv.DictReader(handle) if r["theme"] in rising]
        inter = inter.filter(pc.invert(pc.is_in(inter["interaction_id"], value_set=pa.array(ids, pa.string()))))
    stamps = inter["created_at"].combine_chunks().cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
    table = weak_signals(stamps, inter["actor_id"], normalise(inter["text"].combine_chunks()),
                         np.full(inter.num_rows, -1), [], settings.signal_recent_days, settings.signal_baseline_days,
                         settings.signal_min_count, settings.signal_min_lift, settings.signal_max_q_value)
    return [s for s, kind in zip(table["signal"].to_pylist(), table["kind"].to_pylist()) if kind == "term"]


def test_the_truth_plants_rising_themes_and_a_steady_decoy(worlds):
    for folder in worlds.values():
        themes = planted(folder)
        assert sorted(t["kind"] for t in themes) == ["rising", "rising", "steady"]
        for theme in themes:
            # Distinct authors: one mention each; a rising theme needs at least three per language.
            assert int(theme["authors"]) == int(theme["texts"]) >= (6 if theme["kind"] == "rising" else 100)


@pytest.mark.parametrize("world", WORLDS, ids=[f"{a}-accounts-seed-{s}" for a, s in WORLDS])
def test_rising_themes_found_steady_decoy_and_repeat_writers_not(worlds, world):
    folder = worlds[world]
    found = detect(folder, ConversationSettings())
    words = term_words(found)
    for theme in planted(folder):
        keywords = set(theme["keywords"].split())
        if theme["kind"] == "rising":
            assert keywords & words, (theme["theme"], sorted(found))
        else:
            assert not keywords & words, (theme["theme"], sorted(found))
    # Precision against the planted truth: without the planted rising texts nothing rises, so every
    # term flagged above is one of the planted themes' (the steady decoy, repeat writers and the
    # audience's growth included).
    assert detect(folder, ConversationSettings(), without_rising=True) == []


def test_a_stricter_detector_drops_the_weaker_theme_first(worlds):
    """The late-starting theme (one mention per language before the last week) has a baseline, so a
    stricter q-value keeps the stronger theme only: the figures are driven by the planted counts."""
    folder = worlds[(2000, 3)]
    themes = {t["theme"]: set(t["keywords"].split()) for t in planted(folder)}
    found = term_words(detect(folder, ConversationSettings(signal_max_q_value=0.005)))
    assert themes["glue_smell"] & found
    assert not themes["dye_on_socks"] & found
    assert not themes["sole_coming_off"] & found


def test_conversation_step_reports_the_planted_theme(worlds, analysed_world):
    """End to end: the conversation step's `weak_signals` table, topics included (the shared world, analysed)."""
    folder = worlds[(800, 11)]
    with Store(analysed_world.store, read_only=True) as store:
        summary = store.summary()
        table = store.result("weak_signals").to_pylist()
    themes = planted(folder)
    terms = term_words([r["signal"] for r in table if r["kind"] == "term"])
    assert summary["weak_signals"] == len(table)
    for theme in themes:
        keywords = set(theme["keywords"].split())
        assert bool(keywords & terms) == (theme["kind"] == "rising"), (theme["theme"], sorted(terms))
    recent = [r for r in table if r["kind"] == "term" and set(r["signal"].split()) & {"colle", "glue"}]
    assert recent and all(r["baseline_authors"] == 0 and r["recent_authors"] >= 3 for r in recent)


# --- hand-built data --------------------------------------------------------------------------------

START = np.datetime64("2024-01-01T00:00:00", "s")
CHATTER = ["j'adore la couleur", "livraison rapide merci", "trop beau ce modele", "love the colour",
           "quand est le prochain live", "super confort au quotidien"]


def steady_audience(weeks: int = 13, people: int = 40) -> tuple[list, list, list]:
    """`people` authors each write one chatter text every day of every week: 13 weeks of 40 active
    authors, the last week ending at the last text."""
    stamps, authors, texts = [], [], []
    for day in range(7 * weeks):
        for person in range(people):
            stamps.append(START + np.timedelta64(day * 86400 + 60 * person, "s"))
            authors.append(f"a{person}")
            texts.append(CHATTER[(day + person) % len(CHATTER)])
    return stamps, authors, texts


def run(stamps: list, authors: list, texts: list, max_q: float = 0.05) -> dict[str, dict]:
    order = np.argsort(np.array(stamps))
    table = weak_signals(np.array(stamps)[order], np.array(authors)[order], [texts[i] for i in order],
                         np.full(len(texts), -1), [], recent_days=7, baseline_days=84, min_count=3,
                         min_lift=3.0, max_q=max_q)
    return {r["signal"]: r for r in table.to_pylist()}


def last_week(day: int, hour: int = 12) -> np.datetime64:
    """A moment of the last week (day 0 to 5 of it: before the steady audience's last text)."""
    return START + np.timedelta64((7 * 12 + day) * 86400 + hour * 3600, "s")


def test_three_new_authors_in_a_week_exact_test():
    stamps, authors, texts = steady_audience()
    for k, line in enumerate(["la fermeture eclair a lache", "ma fermeture eclair cassee", "fermeture eclair morte"]):
        stamps.append(last_week(k))
        authors.append(f"new{k}")
        texts.append(line)
    found = run(stamps, authors, texts)
    row = found["fermeture eclair"]
    assert (row["recent_authors"], row["baseline_authors"]) == (3, 0)
    # Exposure: 43 authors this week (40 regulars and 3 new), 40 in each of the 12 baseline weeks.
    p0 = 43 / (43 + 12 * 40)
    assert row["p_value"] == pytest.approx(p0 ** 3, rel=1e-9)
    assert row["recent_rate"] == pytest.approx(3 / 43) and row["baseline_rate"] == 0
    assert row["lift"] == pytest.approx((3 / 43) / (0.5 / 480))
    assert row["q_value"] <= 0.05
    assert not set(found) & {"couleur", "livraison", "adore", "confort", "colour"}


def test_one_talkative_account_is_not_a_trend():
    """One account writing a new word 40 times this week, and two more once each: three authors
    at most, and the talkative one counts once. A fourth author would make it a signal."""
    stamps, authors, texts = steady_audience()
    for i in range(40):
        stamps.append(last_week(i % 6, i % 20))
        authors.append("loud")
        texts.append("la fermeture eclair a lache encore")
    for k in range(2):
        stamps.append(last_week(k, 21))
        authors.append(f"new{k}")
        texts.append("fermeture eclair cassee")
    found = run(stamps, authors, texts)
    assert found["fermeture eclair"]["recent_authors"] == 3  # not 42 mentions
    assert "lache" not in found  # written 40 times, by one account
    stamps.append(last_week(3, 22))
    authors.append("new2")
    texts.append("fermeture eclair morte")
    assert "lache" not in run(stamps, authors, texts)


def test_steady_repeat_writers_are_not_rising():
    """Twelve regulars write the same word many times every week for 13 weeks. Counted per window
    of equal length, they are 12 authors every week: steady. (Distinct authors of the last week
    against distinct authors of the whole 84-day baseline, over text volumes, called them rising.)"""
    stamps, authors, texts = steady_audience()
    for day in range(7 * 13 - 1):
        for person in range(12):
            for repeat in range(3):
                stamps.append(START + np.timedelta64(day * 86400 + 3600 * (repeat + 1) + person, "s"))
                authors.append(f"regular{person}")
                texts.append("semelle decollee encore une fois")
    found = run(stamps, authors, texts, max_q=0.5)
    assert not set(found) & {"semelle", "decollee", "semelle decollee"}


def test_a_growing_audience_does_not_make_its_words_rise():
    """Active authors per week grow from 20 to 140; a word used by a fifth of them every week
    grows as much in volume but keeps its share, so it does not rise."""
    stamps, authors, texts = [], [], []
    for week in range(13):
        people = 20 + 10 * week
        for person in range(people):
            stamps.append(START + np.timedelta64((7 * week + person % 6) * 86400 + person, "s"))
            authors.append(f"p{person}")
            texts.append("trop bien la nouvelle collection" if person % 5 == 0 else CHATTER[person % len(CHATTER)])
    found = run(stamps, authors, texts, max_q=0.5)
    assert not set(found) & {"collection", "nouvelle", "nouvelle collection"}
    # The same volumes of the word (4 authors a week, then 28), with the audience flat: a real rise.
    stamps, authors, texts = steady_audience()
    for week in range(13):
        for person in range(28 if week == 12 else 4):
            stamps.append(START + np.timedelta64((7 * week + person % 6) * 86400 + 3600 + person, "s"))
            authors.append(f"p{person}")
            texts.append("trop bien la nouvelle collection")
    assert "collection" in run(stamps, authors, texts)


def test_discrete_correction():
    """Tests that can reach any level (large totals) give Benjamini-Hochberg's q-values; a test
    whose total cannot reach a level does not count against it."""
    p = np.array([0.001, 0.01, 0.02, 0.04, 0.5])
    bh = np.minimum.accumulate((p * 5 / np.arange(1, 6))[::-1])[::-1]
    assert discrete_bh(p, np.full(5, 10_000), 0.1) == pytest.approx(bh)
    p0 = 1 / 13
    # Four terms: one seen 3 times, all this week (p = p0^3); three seen twice, which cannot reach it.
    p = np.array([p0 ** 3, binom.sf(0, 2, p0), binom.sf(0, 2, p0), binom.sf(0, 2, p0)])
    q = discrete_bh(p, np.array([3, 2, 2, 2]), p0)
    assert q[0] == pytest.approx(p0 ** 3)  # BH would give 4 * p0^3
    assert np.all(q >= p)
