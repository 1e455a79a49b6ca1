"""Business step: time and peak memory on generated worlds, and its quality against the planted truth.

Quality: share of planted conversions whose link (person / campaign / nothing) and person are right,
agreement on account vs identity, and the funnel's stages over the planted ones (truth/summary.json).
With `--steps all` every registered step runs first (detector errors propagate into the funnel);
with `--steps core` only core and business run (no pods, intents or labels: a lower bound).
Usage: python benchmarks/bench_business.py [--sizes 100000 1000000] [--steps all core]
"""

from __future__ import annotations

import argparse

from _measure import OUT, measure, world

CHILD = r'''
import json, time
from pathlib import Path
import pandas as pd
from liens import Store
from liens.store import load_path
from liens.analyses import STEPS
from liens.analyses.runner import run_analyses
from liens.config import Config
folder, store_path, mode = Path(FOLDER), Path(STORE), MODE
store_path.unlink(missing_ok=True)
marks = {}
with Store(store_path) as s:
    load_path(s, folder)
    steps = STEPS if mode == "all" else [st for st in STEPS if st.name in ("core", "business")]
    summary = run_analyses(s, Config(), steps=steps, progress=lambda name: marks.setdefault(name, time.perf_counter()))
    mine = s.result("conversions").to_pandas()
truth = pd.read_csv(folder / "truth" / "conversions.csv", dtype=str)
ids = pd.read_parquet(folder / "identities.parquet")
owner = dict(zip(ids.account_id, ids.member_id))
m = truth.merge(mine, on="conversion_id", suffixes=("_t", ""))
person_t = m.linked_by_t.isin(["account", "identity"])
person = m.linked_by.isin(["account", "identity"])
expected_member = m.data_account_id.map(lambda a: owner.get(a, a))
right = (person_t == person) & (~person_t | (m.member_id == expected_member)) & (person_t | (m.linked_by == m.linked_by_t))
planted = json.loads((folder / "truth" / "summary.json").read_text())["funnel"]
after = [k for k in marks if k != "business"]
figures = {
    "interactions": summary["interactions"], "conversions": len(m),
    "business_seconds": marks.get("writing results", time.perf_counter()) - marks["business"],
    "analyze_seconds": marks.get("writing results", time.perf_counter()) - min(marks.values()),
    "links_right": float(right.mean()),
    "account_vs_identity_agree": float((m.linked_by[person_t & person] == m.linked_by_t[person_t & person]).mean()),
    **{f"{k}_ratio": summary["funnel_" + k] / planted[k] if planted[k] and summary.get("funnel_" + k) is not None else None
       for k in ("followers", "engaged_members", "members_with_intent", "converted_members")},
}
store_path.unlink(missing_ok=True)
'''


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--steps", nargs="+", default=["all", "core"], choices=["all", "core"])
    args = parser.parse_args()
    print(f"{'steps':5} {'interactions':>12} {'business s':>10} {'analyze s':>9} {'peak MB':>8} {'links ok':>8} "
          f"{'acc/id':>6} {'followers':>9} {'engaged':>7} {'intent':>6} {'converted':>9}")
    for size in args.sizes:
        folder = world(size, "parquet")
        for mode in args.steps:
            store = OUT / f"business-{size}-{mode}.duckdb"
            code = f"FOLDER, STORE, MODE = {str(folder)!r}, {str(store)!r}, {mode!r}\n" + CHILD
            f = measure(code)

            def ratio(key: str, f: dict = f) -> str:
                return "–" if f[key] is None else f"{f[key]:.3f}"

            print(f"{mode:5} {f['interactions']:>12,} {f['business_seconds']:>10.1f} {f['analyze_seconds']:>9.1f} "
                  f"{f['peak_mb']:>8.0f} {f['links_right']:>8.3f} {f['account_vs_identity_agree']:>6.3f} "
                  f"{ratio('followers_ratio'):>9} {ratio('engaged_members_ratio'):>7} "
                  f"{ratio('members_with_intent_ratio'):>6} {ratio('converted_members_ratio'):>9}", flush=True)


if __name__ == "__main__":
    main()
