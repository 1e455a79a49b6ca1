"""Conversation benchmark: intent quality on the corpus (cross-validated), recovery of the planted
truth on a generated world, and the speed of classifying 1M texts (language + intent + sentiment).

    python benchmarks/bench_conversation.py                 # everything, 1M texts
    python benchmarks/bench_conversation.py --texts 200000 --skip-world

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

    from liens.analyses.base import Step
    from liens.analyses.conversation import conversation
    from liens.analyses.core import core
    from liens.analyses.runner import run_analyses
    from liens.config import Config
    from liens.generate import generate_world
    from liens.store import Store, load_path

    folder = Path(tempfile.mkdtemp(prefix="bench-conv-"))
    generate_world(folder / "world", accounts=accounts, seed=seed)
    with Store(folder / "store.duckdb") as store:
        load_path(store, folder / "world")
        t0 = time.perf_counter()
        summary = run_analyses(store, Config(), steps=[Step("core", core), Step("conversation", conversation)])
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--cv-seeds", type=int, default=3)
    parser.add_argument("--skip-world", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    if not args.skip_corpus:
        corpus_quality(args.cv_seeds)
    if args.skip_world:
        from liens.analyses.conversation.intent import load_corpus

        texts = [r["text"] for r in load_corpus()]
    else:
        texts = world_quality(args.accounts, args.seed)
    print("\n== speed: language + intent + sentiment ==")
    speed(texts, args.texts, unique=False)
    speed(texts, args.texts, unique=True)


if __name__ == "__main__":
    main()
