"""Conversation model on real labelled text: quality per language, load time, size and speed.

    python benchmarks/bench_conversation_real.py                    # shipped model: held-out figures + speed
    python benchmarks/bench_conversation_real.py --texts 100000     # speed sample (extrapolated to 1M)
    python benchmarks/bench_conversation_real.py --other-sources    # also retrain without XED / CLINC test
                                                                    # (minutes) for the "other source" figures

Figures (scripts/train_conversation.py defines them): polar sentiment accuracy with neutral counted
wrong, the share of polar texts called neutral, negative recall, 3-class macro-F1; intent macro-F1,
purchase precision and recall, the share of support requests called purchase. Held out from the
shipped model: CLINC150's test split, GoEmotions' test split, the team's held-out file.

Speed: language + intent + sentiment over distinct texts (each made unique), the conversation
step's classification; CPU seconds / 2 estimates a quiet 2-core wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).absolute().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

import train_conversation as tc  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def quality(data: Path, other_sources: bool) -> None:
    from liens.analyses.conversation.models import SHIPPED, TextModel, default_model

    t0 = time.perf_counter()
    TextModel.load(SHIPPED)
    print(f"shipped model {SHIPPED.name}: {SHIPPED.stat().st_size / 1e6:.1f} MB, loads in {time.perf_counter() - t0:.2f} s")
    model = default_model()
    rows = tc.all_rows(data)
    lines = []
    lines += tc.evaluate(model, [r for r in rows if r["source"] == "clinc_test" and r["intent"] == "support"],
                         "CLINC test support (held out)")
    lines += tc.evaluate(model, [r for r in rows if r["source"] == "clinc_test"], "CLINC test mapped (held out)")
    lines += tc.evaluate(model, [r for r in rows if r["source"] == "goemotions_test"], "GoEmotions test (held out)")
    lines += tc.evaluate(model, tc.heldout(), "team held-out file")
    if other_sources:
        from liens.analyses.conversation import models as cm

        left_out = {"xed_en", "xed_fr", "goemotions_test", "clinc_test"}
        evaluation = cm.train([r for r in rows if r["source"] not in left_out])
        lines += tc.evaluate(evaluation, [r for r in rows if r["source"] == "xed_en"], "XED en (other source)")
        lines += tc.evaluate(evaluation, [r for r in rows if r["source"] == "xed_fr"], "XED fr (other source)")
    tc.print_table(lines)


def speed(n: int) -> None:
    from liens.analyses.conversation import classify_texts
    from liens.analyses.conversation.intent import load_corpus
    from liens.config import ConversationSettings

    base = [r["text"] for r in load_corpus()] + [r["text"] for r in tc.heldout()]
    rng = np.random.default_rng(0)
    picked = np.asarray(base, dtype=object)[rng.integers(len(base), size=n)]
    texts = pa.array([f"{t} #{i}" for i, t in enumerate(picked)], pa.string())  # every text distinct
    classify_texts(pa.array(base[:200]), ConversationSettings())  # load the model and lingua first
    load = os.getloadavg()[0]
    t0, cpu0 = time.perf_counter(), cpu_seconds()
    table = classify_texts(texts, ConversationSettings())
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    per_million = cpu / n * 1e6 / 2
    print(f"{n:,} distinct texts: {seconds:.1f} s wall, {cpu:.1f} CPU s (load average {load:.1f} -> "
          f"{os.getloadavg()[0]:.1f}), peak memory {peak_mb():,.0f} MB; 1M distinct texts extrapolated: "
          f"~{per_million:.0f} s on a quiet 2-core machine (CPU s / 2); intents "
          f"{dict(zip(*np.unique(table['intent'].to_numpy(zero_copy_only=False), return_counts=True)))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", help="the shared data folder (holding text/)")
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--other-sources", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    quality(tc.shared_data(args.data), args.other_sources)
    if not args.skip_speed:
        speed(args.texts)


if __name__ == "__main__":
    main()
