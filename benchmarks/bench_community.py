"""Community benchmark: quality of the ambassadors (and identities) on generated worlds, and the
speed of every community metric on a large world.

    python benchmarks/bench_community.py quality [--accounts 20000] [--seeds 1,2,3]
    python benchmarks/bench_community.py speed [--interactions 10000000] [--baseline] [--memory-limit 2.5GB] [--profile]

`quality` runs the whole pipeline (every registered step) on generated worlds and prints, per kind,
precision and recall of `accounts.ambassador_kind` against the planted truth, plus the pairwise
precision and recall of the persons (member_id). `speed` generates the world once into
benchmarks/out/ (git-ignored, shared with the other benchmarks), loads it into a store once, then times the community step alone
(after `core` and a stand-in for the authenticity and conversation columns) in a child process,
whose peak memory (resource.getrusage) is reported.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
OUT = Path(__file__).resolve().parent / "out"
KINDS = ("regular", "defender", "sharer")


def _pairs(mapping: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for account, member in mapping.items():
        groups[member].append(account)
    return {(a, b) for accounts in groups.values() for a in accounts for b in accounts if a < b}


def quality(accounts: int, seeds: list[int]) -> dict:
    import pyarrow.csv as pcsv

    from liens.analyses.runner import run_analyses
    from liens.config import Config
    from liens.generate import generate_world
    from liens.store import Store, load_path

    totals = {k: [0, 0, 0] for k in KINDS}
    pair_totals = [0, 0, 0]
    for seed in seeds:
        world = OUT / f"quality_{accounts}_{seed}"
        if not (world / "truth").exists():
            generate_world(world, accounts=accounts, seed=seed)
        store_path = world.with_suffix(".duckdb")
        store_path.unlink(missing_ok=True)
        started = time.perf_counter()
        with Store(store_path) as store:
            load_path(store, world)
            summary = run_analyses(store, Config())
            rows = store.result("accounts").select(["account_id", "ambassador_kind", "member_id"]).to_pylist()
        truth = pcsv.read_csv(world / "truth" / "accounts.csv").select(
            ["account_id", "ambassador_kind", "member_id"]).to_pylist()
        line = [f"seed {seed}: {time.perf_counter() - started:.0f} s, steps {','.join(summary['analyses'])}"]
        for kind in KINDS:
            found = {r["account_id"] for r in rows if r["ambassador_kind"] == kind}
            planted = {r["account_id"] for r in truth if r["ambassador_kind"] == kind}
            hit = len(found & planted)
            totals[kind][0] += hit
            totals[kind][1] += len(found)
            totals[kind][2] += len(planted)
            line.append(f"{kind} {hit}/{len(found)} found, {len(planted)} planted")
        found_pairs = _pairs({r["account_id"]: r["member_id"] for r in rows})
        true_pairs = _pairs({r["account_id"]: r["member_id"] for r in truth})
        pair_totals[0] += len(found_pairs & true_pairs)
        pair_totals[1] += len(found_pairs)
        pair_totals[2] += len(true_pairs)
        print("  ".join(line), flush=True)
    result = {}
    for kind, (hit, found, planted) in totals.items():
        result[kind] = {"precision": hit / max(1, found), "recall": hit / max(1, planted), "planted": planted}
    hit, found, planted = pair_totals
    result["identity_pairs"] = {"precision": hit / max(1, found), "recall": hit / max(1, planted), "planted": planted}
    return result


def _speed_child(store_path: str, baseline: bool, memory_limit: str, profile: bool = False) -> None:
    """Runs in a child process: core, a stand-in for the pods columns, then community (unless
    `baseline`: then the same without community, to tell the community step's own cost). With
    `profile`, every engine query is timed and attributed to the analysis line that ran it
    (bench_scale's profiler), and the slowest are reported."""
    import ibis
    import ibis.backends.duckdb

    probe: dict = {}
    if profile:
        import bench_scale

        exec(bench_scale._PRELUDE, probe)
        probe["profile"](ibis.backends.duckdb.Backend)

    from liens.analyses.base import Output, Step
    from liens.analyses.community import community
    from liens.analyses.core import core
    from liens.analyses.runner import run_analyses
    from liens.config import Config
    from liens.store import Store

    timings: dict[str, float] = {}

    def timed(name, fn):
        def run(ctx):
            started = time.perf_counter()
            out = fn(ctx)
            timings[name] = time.perf_counter() - started
            return out
        return run

    def flags(ctx):
        # Deterministic stand-in: about 3% of interactions inauthentic, intents left to the lexicons.
        i = ctx.inputs["interactions"]
        return Output(interaction_columns=i.select(
            "interaction_id", is_authentic=(i.interaction_id.hash() % 100) >= 3))

    steps = [Step("core", core), Step("flags", flags)]
    if not baseline:
        steps.append(Step("community", timed("community", community)))
    with Store(store_path) as store:
        if memory_limit:
            # DuckDB keeps what it may in memory (80% of RAM by default); bounded, it spills to disk.
            (OUT / "tmp").mkdir(exist_ok=True)
            store.con.execute(f"SET memory_limit = '{memory_limit}'")
            store.con.execute(f"SET temp_directory = '{OUT / 'tmp'}'")
        started = time.perf_counter()
        run_analyses(store, Config(), steps=steps)
        total = time.perf_counter() - started
        rows = store.count("interactions")
        # Timings per result table would need the runner; the total covers materialising them all.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    slowest = sorted(probe.get("queries", {}).items(), key=lambda kv: -kv[1][1])[:15]
    print(json.dumps({"interactions": rows, "analyze_seconds": total,
                      "community_step_seconds_before_materialising": timings.get("community"),
                      "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_gb": usage.ru_maxrss / 1024 / 1024,
                      **({"slowest_queries": [[k, n, round(t, 1)] for k, (n, t) in slowest]} if profile else {})}))


def speed(interactions: int, baseline: bool = False, memory_limit: str = "", profile: bool = False) -> dict:
    from _measure import load_average, world
    from liens.store import Store, load_path

    folder = world(interactions, "parquet")  # generated once, shared with the other benchmarks
    store_path = OUT / f"community-{interactions}.duckdb"
    if not store_path.exists():
        started = time.perf_counter()
        with Store(store_path) as store:
            load_path(store, folder)
        print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
    load = load_average()
    command = [sys.executable, __file__, "_child", str(store_path), "--memory-limit", memory_limit]
    command += ["--baseline"] if baseline else []
    command += ["--profile"] if profile else []
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "baseline": baseline, "memory_limit": memory_limit,
            "load_average_before": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("quality", "speed", "_child"))
    parser.add_argument("store", nargs="?")
    parser.add_argument("--accounts", type=int, default=None)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--baseline", action="store_true", help="speed: run core and the stand-in only")
    parser.add_argument("--memory-limit", default="2.5GB", help="speed: DuckDB memory_limit ('' for its default)")
    parser.add_argument("--profile", action="store_true", help="speed: time every query by the analysis line that ran it")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.what == "_child":
        _speed_child(args.store, args.baseline, args.memory_limit, args.profile)
        return
    if args.what == "quality":
        result = quality(args.accounts or 20000, [int(s) for s in args.seeds.split(",")])
    else:
        result = speed(args.interactions, args.baseline, args.memory_limit, args.profile)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
