"""Conversation benchmark: intent quality on the corpus (cross-validated), recovery of the planted
truth on a generated world, and the speed of classifying 1M texts (language + intent + sentiment);
with --signals, weak signals against the planted themes and the speed of topics + weak signals on
the texts of the 10M-interaction world.

    python benchmarks/bench_conversation.py                 # everything, 1M texts
    python benchmarks/bench_conversation.py --texts 200000 --skip-world
    python benchmarks/bench_conversation.py --signals       # weak signals and topics only
    python benchmarks/bench_conversation.py --skip-speed    # corpus and generated world only

Speed is measured twice: on texts that repeat as real comments do (each distinct text is classified
once) and on 1M distinct texts (the worst case: no repetition at all).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU of this process (all threads) and of its finished child processes."""
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def corpus_quality(seeds: int) -> None:
    from liens.analyses.conversation.intent import (
        cross_validated,
        evaluate,
        load_corpus,
    )

    rows = load_corpus()
    print(f"== intent model, 5-fold cross-validation on the corpus ({len(rows)} texts) ==")
    for seed in range(seeds):
        t0 = time.perf_counter()
        figures = evaluate(None, rows, predicted=cross_validated(rows, folds=5, seed=seed))
        for lang, f in figures.items():
            print(f"seed {seed} {lang}: texts {f['texts']}  accuracy {f['accuracy']:.3f}  macro-F1 {f['macro_f1']:.3f}  "
                  f"purchase precision {f['purchase_precision']:.3f}  recall {f['purchase_recall']:.3f}")
        print(f"  ({time.perf_counter() - t0:.1f} s for 5 trainings)")


def world_quality(accounts: int, seed: int) -> list[str]:
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    from liens.analyses.conversation import STEP as CONVERSATION
    from liens.analyses.core import STEP as CORE
    from liens.analyses.runner import run_analyses
    from liens.config import Config
    from liens.generate import generate_world
    from liens.store import Store, load_path

    folder = Path(tempfile.mkdtemp(prefix="bench-conv-"))
    generate_world(folder / "world", accounts=accounts, seed=seed)
    with Store(folder / "store.duckdb") as store:
        load_path(store, folder / "world")
        t0 = time.perf_counter()
        summary = run_analyses(store, Config(), steps=[CORE, CONVERSATION])
        seconds = time.perf_counter() - t0
        found = {r["interaction_id"]: r for r in store.result("interactions").to_pylist()}
    with (folder / "world" / "truth" / "texts.csv").open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    print(f"\n== generated world: {accounts} accounts, seed {seed}, {len(truth)} planted texts "
          f"(core + conversation in {seconds:.1f} s) ==")
    planted = [t["intent"] for t in truth]
    guessed = [found[t["interaction_id"]]["intent"] for t in truth]
    print(f"intent accuracy {accuracy_score(planted, guessed):.3f}  macro-F1 {f1_score(planted, guessed, average='macro'):.3f}")
    print(classification_report(planted, guessed, digits=3, zero_division=0))
    share = {i: np.mean([g == i for p, g in zip(planted, guessed) if p == i]) for i in sorted(set(planted))}
    print("accuracy per planted intent (share of its texts given that intent): "
          + ", ".join(f"{i} {v:.3f}" for i, v in share.items()))
    lang_ok = np.mean([found[t["interaction_id"]]["language"] == t["language"] for t in truth])
    needs_ok = np.mean([found[t["interaction_id"]]["needs_answer"] == (t["needs_answer"] == "true") for t in truth])
    needing = [t for t in truth if t["needs_answer"] == "true"]
    answered_ok = np.mean([found[t["interaction_id"]]["answered"] == (t["answered"] == "true") for t in needing])
    delays = [(float(t["response_minutes"]), found[t["interaction_id"]]["response_minutes"])
              for t in needing if t["answered"] == "true"]
    exact = np.mean([a == b for a, b in delays]) if delays else float("nan")
    print(f"language accuracy {lang_ok:.3f}   needs_answer agreement {needs_ok:.3f}")
    print(f"answered status recovered on {answered_ok:.3%} of {len(needing)} texts needing an answer; "
          f"response minutes exact on {exact:.3%} of {len(delays)} answered")
    print(f"summary: response rate {summary['response_rate']:.3f}, median {summary['median_response_minutes']} min, "
          f"p90 {summary['p90_response_minutes']:.0f} min, weak signals {summary['weak_signals']}")
    with (folder / "world" / "interactions.csv").open(encoding="utf-8") as handle:
        return [r["text"] for r in csv.DictReader(handle) if r.get("text")]


def speed(texts: list[str], n: int, unique: bool) -> None:
    from liens.analyses.conversation import classify_texts
    from liens.config import ConversationSettings

    rng = np.random.default_rng(0)
    picked = np.asarray(texts, dtype=object)[rng.integers(len(texts), size=n)]
    if unique:  # a distinct order number per text: no repetition left to exploit
        picked = np.array([f"{t} #{i}" for i, t in enumerate(picked)], dtype=object)
    array = pa.array(picked.tolist(), pa.string())
    distinct = len(set(picked.tolist()))
    classify_texts(pa.array(texts[:200]), ConversationSettings())  # train the model and load lingua first
    load = os.getloadavg()[0]
    t0, cpu0 = time.perf_counter(), cpu_seconds()
    table = classify_texts(array, ConversationSettings())
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    # On a shared machine wall time mostly measures the others' load: CPU seconds (this process
    # and its workers, all threads) are what the work costs; CPU / 2 estimates a quiet 2-core wall.
    print(f"{n:,} texts ({distinct:,} distinct): classified in {seconds:.1f} s wall, {cpu:.1f} CPU s "
          f"({n / seconds:,.0f} texts/s; load average {load:.1f} -> {os.getloadavg()[0]:.1f}), "
          f"peak memory {peak_mb():,.0f} MB; intents "
          f"{dict(zip(*np.unique(table['intent'].to_numpy(zero_copy_only=False), return_counts=True)))}")


SIGNAL_WORLDS = [(800, 11), (2000, 3), (2000, 5), (10_000, 1), (10_000, 2), (10_000, 4), (100_000, 1)]


def signals_quality(worlds: list[tuple[int, int]]) -> None:
    """Planted rising themes found (recall), and precision of the flagged terms: a flagged term is
    false when it is still flagged once the planted rising texts are removed."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from liens.analyses.conversation._text import normalise
    from liens.analyses.conversation.weak_signals import weak_signals
    from liens.config import ConversationSettings
    from liens.generate import generate_world

    s = ConversationSettings()
    print(f"\n== weak signals against planted themes (min authors {s.signal_min_count}, lift {s.signal_min_lift}, "
          f"q <= {s.signal_max_q_value}) ==")
    for accounts, seed in worlds:
        folder = Path(tempfile.mkdtemp(prefix="bench-signals-"))
        generate_world(folder, accounts=accounts, seed=seed)
        inter = pacsv.read_csv(folder / "interactions.csv", convert_options=pacsv.ConvertOptions(
            include_columns=["interaction_id", "actor_id", "created_at", "text"],
            column_types={"created_at": pa.timestamp("s", tz="UTC")}))
        n_interactions = inter.num_rows
        inter = inter.filter(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(pc.fill_null(inter["text"], ""))), 0))
        with (folder / "truth" / "weak_signals.csv").open(encoding="utf-8") as handle:
            themes = list(csv.DictReader(handle))
        rising = {t["theme"] for t in themes if t["kind"] == "rising"}
        with (folder / "truth" / "texts.csv").open(encoding="utf-8") as handle:
            planted_ids = pa.array([r["interaction_id"] for r in csv.DictReader(handle) if r["theme"] in rising], pa.string())

        def flagged(table: pa.Table) -> tuple[list[str], float]:
            stamps = table["created_at"].combine_chunks().cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
            cpu0 = cpu_seconds()
            found = weak_signals(stamps, table["actor_id"], normalise(table["text"].combine_chunks()),
                                 np.full(table.num_rows, -1), [], s.signal_recent_days, s.signal_baseline_days,
                                 s.signal_min_count, s.signal_min_lift, s.signal_max_q_value)
            return found["signal"].to_pylist(), cpu_seconds() - cpu0

        found, cpu = flagged(inter)
        unexplained, _ = flagged(inter.filter(pc.invert(pc.is_in(inter["interaction_id"], value_set=planted_ids))))
        words = {w for term in found for w in term.split()}
        hits = {t["theme"]: bool(set(t["keywords"].split()) & words) for t in themes}
        false = [t for t in found if t in set(unexplained)]
        precision = 1 - len(false) / len(found) if found else float("nan")
        print(f"{accounts:>7,} accounts seed {seed:>2} ({n_interactions:>9,} interactions, {inter.num_rows:>7,} texts): "
              f"rising found {sum(hits[t] for t in rising)}/{len(rising)}, steady decoy flagged "
              f"{sum(v for k, v in hits.items() if k not in rising)}, {len(found)} terms flagged, precision {precision:.3f}, "
              f"flagged without the planted texts {len(unexplained)} ({cpu:.2f} CPU s)")


def signals_speed(interactions: int, distinct: bool) -> None:
    """Topics and weak signals (the conversation step's Python part after classification) on the
    texts and captions of a generated world of `interactions`; `distinct`: every text made unique."""
    import sys

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _measure import world
    from liens.analyses.conversation import topics_and_signals
    from liens.config import ConversationSettings

    folder = world(interactions, "parquet")
    inter = pq.read_table(folder / "interactions.parquet", columns=["actor_id", "created_at", "post_id", "text", "kind"])
    engagement = inter.filter(pc.is_valid(inter["post_id"])).group_by("post_id").aggregate([("kind", "count")])
    engagement = pa.table({"post_id": engagement["post_id"], "raw": engagement["kind_count"].cast(pa.float64()),
                           "clean": engagement["kind_count"].cast(pa.float64())})
    texts = inter.filter(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(pc.fill_null(inter["text"], ""))), 0))
    if distinct:
        numbers = pa.array([f"n{i}" for i in range(texts.num_rows)], pa.string())
        texts = texts.set_column(texts.column_names.index("text"), "text",
                                 pc.binary_join_element_wise(texts["text"], numbers, " "))
    posts = pq.read_table(folder / "posts.parquet", columns=["post_id", "caption"])
    captions = posts.filter(pc.greater(pc.utf8_length(pc.fill_null(posts["caption"], "")), 0))
    brands = pq.read_table(folder / "accounts.parquet", columns=["account_id", "is_brand"])
    brand_ids = brands.filter(pc.fill_null(brands["is_brand"], False))["account_id"].to_pylist()
    import sklearn.decomposition  # noqa: F401  (imported by the step before: not part of the cost)

    load = os.getloadavg()[0]
    t0, cpu0 = time.perf_counter(), cpu_seconds()
    topics, signals = topics_and_signals(captions, texts, engagement, brand_ids, ConversationSettings())
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    print(f"topics + weak signals, {interactions:,}-interaction world: {texts.num_rows:,} texts "
          f"({len(pc.unique(texts['text'])):,} distinct{', each made unique' if distinct else ''}), "
          f"{captions.num_rows:,} captions: {seconds:.1f} s wall, {cpu:.1f} CPU s (load average {load:.1f} -> "
          f"{os.getloadavg()[0]:.1f}), peak memory {peak_mb():,.0f} MB; {topics.num_rows} topics, "
          f"{signals.num_rows} signals")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--cv-seeds", type=int, default=3)
    parser.add_argument("--skip-world", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--signals", action="store_true", help="weak signals and topics only")
    parser.add_argument("--signal-interactions", type=int, default=10_000_000)
    args = parser.parse_args()
    if args.signals:
        signals_quality(SIGNAL_WORLDS)
        print("\n== speed: topics + weak signals ==")
        signals_speed(args.signal_interactions, distinct=False)
        signals_speed(args.signal_interactions, distinct=True)
        return
    if not args.skip_corpus:
        corpus_quality(args.cv_seeds)
    if args.skip_world:
        from liens.analyses.conversation.intent import load_corpus

        texts = [r["text"] for r in load_corpus()]
    else:
        texts = world_quality(args.accounts, args.seed)
    if args.skip_speed:
        return
    print("\n== speed: language + intent + sentiment ==")
    speed(texts, args.texts, unique=False)
    speed(texts, args.texts, unique=True)


if __name__ == "__main__":
    main()
