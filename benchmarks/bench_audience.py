"""Audience quality: InstaFake cross-validation, planted-truth quality on generated worlds, and speed.

1. InstaFake (../shared/data/instafake, CC BY-NC: evaluation only): the trained model's 5×10 repeated
   stratified cross-validated accuracy, precision, recall, F1 and AUC; the default scorer's AUC and
   accuracy without training. Targets: accuracy >= 0.96, fake F1 >= 0.90, default AUC >= 0.93.
2. Generated worlds: estimated vs planted fake share (target ±3 points), AUC of fake_score, label
   confusion, planted bought bursts found (recall >= 0.9), false bursts per simulated year (<= 1),
   viral spikes called purchases (0).
3. Speed: the audience step on a generated world of --speed interactions (time, peak memory).
4. Quantification (issue 17): on InstaFake (whole set, and subsets drawn at 0, 5, 30 and 50 % fakes) and on
   generated worlds with 0, 5, 30 and 60 % fakes: estimated vs true fake share with its interval, ROC AUC,
   precision and recall of the `fake` label, Brier score and a reliability table of `fake_score`; InstaFake
   with the handle digits only (what an export holds) must claim no share. Targets: share within 3 points.

Usage: python benchmarks/bench_audience.py [--seeds 1 2 3] [--accounts 4000] [--speed 1000000]
       [--skip instafake worlds speed quantify mixes]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from _measure import OUT, measure, world

REPO = Path(__file__).resolve().parents[1]


def instafake() -> None:
    from sklearn.metrics import roc_auc_score

    from liens.analyses.audience.features import instafake_features
    from liens.analyses.audience.model import cross_validate
    from liens.analyses.audience.scoring import score_profiles

    folder = next((p for p in (REPO.parent / "shared" / "data" / "instafake", Path("/work/shared/data/instafake"))
                   if (p / "fakeAccountData.json").exists()), None)
    if folder is None:
        print("InstaFake not found: skipped")
        return
    records = pd.concat([pd.read_json(folder / "fakeAccountData.json"), pd.read_json(folder / "realAccountData.json")],
                        ignore_index=True)
    frame, y = instafake_features(records)
    started = time.perf_counter()
    f = cross_validate(frame, y, folds=5, repeats=10, trees=100, seed=0)
    seconds = time.perf_counter() - started
    default = score_profiles(frame).fake_score
    print(f"InstaFake: {len(y)} accounts ({int(y.sum())} fake), trained model, 5-fold × 10 repeats ({seconds:.0f} s)")
    for key in ("accuracy", "precision", "recall", "f1", "auc"):
        print(f"  {key:10} {f[key]:.4f} ± {f[key + '_std']:.4f}")
    print(f"  default scorer (no training): AUC {roc_auc_score(y, default):.4f}, "
          f"accuracy at 0.5 {((default > 0.5) == y).mean():.4f}")


def _quantified(name: str, y: np.ndarray, share: float, low: float, high: float, p: np.ndarray, labelled: np.ndarray,
                reliability: bool = False) -> None:
    from sklearn.metrics import roc_auc_score

    auc = roc_auc_score(y, p) if 0 < y.sum() < len(y) else float("nan")
    precision = y[labelled].mean() if labelled.any() else float("nan")
    recall = labelled[y == 1].mean() if y.any() else float("nan")
    print(f"  {name:28} n={len(y):5} true {y.mean():6.1%}  est {share:6.1%} [{low:5.1%}, {high:5.1%}]  "
          f"diff {share - y.mean():+6.1%}  AUC {auc:.3f}  label prec {precision:.3f} rec {recall:.3f}  "
          f"Brier {np.mean((p - y) ** 2):.4f}", flush=True)
    if reliability:
        bins = np.minimum((p * 10).astype(int), 9)
        for b in range(10):
            m = bins == b
            if m.any():
                print(f"      fake_score {b / 10:.1f}-{(b + 1) / 10:.1f}: {m.sum():5} accounts, mean score {p[m].mean():.3f}, "
                      f"fake {y[m].mean():.3f}")


def quantification() -> None:
    from liens.analyses.audience.assess import measurable
    from liens.analyses.audience.features import instafake_features
    from liens.analyses.audience.quantify import quantify, top_k
    from liens.analyses.audience.scoring import evidence
    from liens.config import AudienceSettings

    folder = next((p for p in (REPO.parent / "shared" / "data" / "instafake", Path("/work/shared/data/instafake"))
                   if (p / "fakeAccountData.json").exists()), None)
    if folder is None:
        print("InstaFake not found: skipped")
        return
    records = pd.concat([pd.read_json(folder / "fakeAccountData.json"), pd.read_json(folder / "realAccountData.json")],
                        ignore_index=True)
    frame, y = instafake_features(records)
    frame = frame.assign(platform="instagram")
    print("\nQuantification on InstaFake (default scorer, no training; CC BY-NC: evaluation only)")
    q = quantify(evidence(frame))
    _quantified("whole set", y, q.share, q.low, q.high, q.posterior, top_k(q.posterior, q.share), reliability=True)
    rng = np.random.default_rng(0)
    fakes, reals = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    for share in (0.0, 0.05, 0.3, 0.5):
        for rep in range(3):
            n_fake = min(len(fakes), int(share / (1 - share) * len(reals)))
            n_real = len(reals) if share == 0 else min(len(reals), int(n_fake * (1 - share) / share))
            rows = np.concatenate([rng.choice(fakes, n_fake, replace=False), rng.choice(reals, n_real, replace=False)])
            sub = quantify(evidence(frame.iloc[rows].reset_index(drop=True)))
            _quantified(f"subset {share:.0%} #{rep + 1}", y[rows], sub.share, sub.low, sub.high, sub.posterior,
                        top_k(sub.posterior, sub.share))
    handles_only = frame[["handle_length", "handle_digits", "platform"]].assign(is_current=True)
    for col in ("posts_count", "followers_count", "following_count", "has_profile_picture"):
        handles_only[col] = np.nan
    ok, missing = measurable(handles_only, AudienceSettings())
    print(f"  handle digits only: share measurable: {ok} (missing: {', '.join(missing)}) -> no share claimed")


def mixes(accounts: int) -> None:
    from liens.analyses.audience import STEP as AUDIENCE
    from liens.analyses.core import STEP as CORE
    from liens.analyses.runner import run_analyses
    from liens.config import Config
    from liens.generate import generate_world
    from liens.store import Store, load_path

    print(f"\nQuantification on generated worlds ({accounts} accounts, 180 days, seed 7)")
    for mix in (0.0, 0.05, 0.3, 0.6):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            generate_world(folder / "w", accounts=accounts, seed=7, days=180, fake_share=mix)
            with Store(folder / "s.duckdb") as store:
                load_path(store, folder / "w")
                summary = run_analyses(store, Config(), steps=[CORE, AUDIENCE])
                acc = store.result("accounts").to_pandas()
            truth = pd.read_csv(folder / "w" / "truth" / "accounts.csv")
        scored = acc[acc.fake_score.notna()].merge(truth[["account_id", "audience_label"]], on="account_id",
                                                   suffixes=("", "_truth"))
        y = (scored.audience_label_truth == "fake").to_numpy(int)
        low, high = summary["fake_share_ci"]
        _quantified(f"world {mix:.0%} fakes", y, summary["fake_share"], low, high, scored.fake_score.to_numpy(float),
                    (scored.audience_label == "fake").to_numpy())


def _events(dates: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    days = sorted(set(pd.to_datetime(dates)))
    events: list[list[pd.Timestamp]] = []
    for d in days:
        if events and (d - events[-1][-1]).days <= 1:
            events[-1].append(d)
        else:
            events.append([d])
    return [(e[0], e[-1]) for e in events]


def worlds(seeds: list[int], accounts: int) -> None:
    from sklearn.metrics import roc_auc_score

    from liens.analyses.audience import audience
    from liens.analyses.base import Step
    from liens.analyses.core import core
    from liens.analyses.pods import detect_pods
    from liens.analyses.runner import run_analyses
    from liens.config import Config
    from liens.generate import generate_world
    from liens.store import Store, load_path

    steps = [Step("core", core), Step("pods", detect_pods), Step("audience", audience)]
    print(f"\nGenerated worlds ({accounts} accounts each)")
    print(f"{'seed':>4} {'days':>4} {'planted':>8} {'estimated':>9} {'diff':>6} {'AUC':>6} {'bought':>6} {'found':>5} "
          f"{'false':>5} {'viral→bought':>12} {'seconds':>7}")
    totals = {"planted": 0, "found": 0, "false": 0, "days": 0, "viral_bought": 0}
    confusion = []
    for seed in seeds:
        for days in (180, 365):
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                generate_world(folder / "w", accounts=accounts, seed=seed, days=days)
                with Store(folder / "s.duckdb") as store:
                    load_path(store, folder / "w")
                    started = time.perf_counter()
                    summary = run_analyses(store, Config(), steps=steps)
                    seconds = time.perf_counter() - started
                    acc = store.result("accounts").to_pandas()
                    spikes = store.result("growth_spikes").to_pandas()
                truth = pd.read_csv(folder / "w" / "truth" / "accounts.csv")
                bursts = pd.read_csv(folder / "w" / "truth" / "bursts.csv")
            current = truth[truth.is_follower]
            planted = (current.audience_label == "fake").mean()
            scored = acc[acc.fake_score.notna()].merge(truth[["account_id", "audience_label"]], on="account_id",
                                                       suffixes=("", "_truth"))
            confusion.append(pd.crosstab(scored.audience_label_truth, scored.audience_label))
            auc = roc_auc_score(scored.audience_label_truth == "fake", scored.fake_score)
            bought = spikes[spikes.is_bought]
            starts, ends = pd.to_datetime(bought.start_date), pd.to_datetime(bought.end_date)
            def near(a, b, starts=starts, ends=ends):
                return ((starts <= b + pd.Timedelta(days=1)) & (ends >= a - pd.Timedelta(days=1))).to_numpy()
            events = _events(bursts[bursts.kind == "bought"].date)
            hits = np.zeros(len(bought), dtype=bool)
            found = 0
            for a, b in events:
                hit = near(a, b)
                found += bool(hit.any())
                hits |= hit
            viral = sum(bool(near(a, b).any()) for a, b in _events(bursts[bursts.kind == "viral"].date))
            false = int((~hits).sum())
            totals["planted"] += len(events)
            totals["found"] += found
            totals["false"] += false
            totals["days"] += days
            totals["viral_bought"] += viral
            print(f"{seed:>4} {days:>4} {planted:>8.3f} {summary['fake_share']:>9.3f} {summary['fake_share'] - planted:>+6.3f} "
                  f"{auc:>6.3f} {len(events):>6} {found:>5} {false:>5} {viral:>12} {seconds:>7.1f}", flush=True)
    print(f"bursts: recall {totals['found'] / max(1, totals['planted']):.3f} ({totals['found']}/{totals['planted']}), "
          f"false {totals['false']} over {totals['days']} days = {totals['false'] * 365 / totals['days']:.2f} per year, "
          f"viral spikes called purchases: {totals['viral_bought']}")
    total = sum(confusion[1:], confusion[0]).fillna(0).astype(int)
    print("labels (rows: planted, columns: found), all worlds:")
    print(total.to_string())


def speed(size: int) -> None:
    folder = world(size, "parquet")
    store = OUT / f"audience-{size}.duckdb"
    store.unlink(missing_ok=True)
    code = (
        "import time\nfrom liens import Store\nfrom liens.store import load_path\n"
        "from liens.analyses.base import Step\nfrom liens.analyses.core import core\n"
        "from liens.analyses.audience import audience\nfrom liens.analyses.runner import run_analyses\n"
        "from liens.config import Config\n"
        "timing = {}\n"
        "def timed(ctx):\n    t = time.perf_counter(); out = audience(ctx); timing['s'] = time.perf_counter() - t; return out\n"
        f"with Store({str(store)!r}) as s:\n"
        f"    load_path(s, {str(folder)!r})\n"
        "    summary = run_analyses(s, Config(), steps=[Step('core', core), Step('audience', timed)])\n"
        "figures = {'audience_seconds': timing['s'], 'followers': summary['followers_scored'],\n"
        "           'interactions': summary['interactions']}\n"
    )
    f = measure(code)
    print(f"\nSpeed: {f['interactions']:,} interactions, {f['followers']:,} followers scored: audience step "
          f"{f['audience_seconds']:.1f} s; whole run (load, core, audience) {f['seconds']:.1f} s, peak {f['peak_mb']:.0f} MB")
    store.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--accounts", type=int, default=4000)
    parser.add_argument("--speed", type=int, default=1_000_000)
    parser.add_argument("--skip", nargs="*", default=[])
    args = parser.parse_args()
    if "instafake" not in args.skip:
        instafake()
    if "worlds" not in args.skip:
        worlds(args.seeds, args.accounts)
    if "quantify" not in args.skip:
        quantification()
    if "mixes" not in args.skip:
        mixes(args.accounts)
    if "speed" not in args.skip:
        speed(args.speed)


if __name__ == "__main__":
    main()
