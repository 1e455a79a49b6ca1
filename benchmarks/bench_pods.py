"""Pod detection against coordination_network_toolkit 1.5.2 on the same generated interactions.

For each size: our load + detection (core + pods steps) in a fresh process, with quality against the
planted truth (account precision/recall, adjusted Rand index of the groups, hard negatives flagged);
then the toolkit, installed in its own virtualenv (benchmarks/.venv-cnt), through its CLI:
preprocess, co_reply, co_retweet with the same time window; its wall time, CPU seconds and peak
memory; for each network it finished, our co-engagement edges on the same kinds (replies for
co_reply, reposts for co_retweet: the engine self-join alone) and their agreement; and its
precision/recall when every account with a coordination edge is taken as flagged.

A toolkit step that does not finish within its time limit is killed (its whole process group: the
toolkit runs a process pool) and counts for the limit, so its total is then a lower bound. With
`--timeout-factor F` each step's limit is F times our own end-to-end time: a step still running
then shows the toolkit at least F times slower on its own.

Target: our load + detection at least 10x faster than the toolkit's three steps at 5M rows, peak <= 2 GB.
Usage: python benchmarks/bench_pods.py [--sizes 1000000 5000000] [--no-toolkit] [--toolkit-timeout 3600]
       [--timeout-factor 10] [--duckdb-memory-limit 1500MB] [--full-edges]

`--brand-view SEED...` measures instead the detector on brand's-eye worlds (only what a brand's APIs
and export hold, with loyal fans, staff, the brand's friends, a viral post and a contest), with and
without a pod: members' precision and recall against the brand's planted pod, hard negatives flagged
by kind, pod members among ambassadors, the most engaged persons that were pod members, time.
Targets: precision >= 0.95, recall >= 0.9, no hard negative flagged, no pod member an ambassador,
nobody flagged without a pod. `--accounts N` sizes those worlds (default 5000).
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd

from _measure import OUT, load_average, measure, world

HERE = Path(__file__).parent
VENV = HERE / ".venv-cnt"
TOOLKIT = "coordination_network_toolkit==1.5.2"

_OURS = """
from pathlib import Path
import time
import pandas as pd
from sklearn.metrics import adjusted_rand_score
from liens.store import Store, load_path
from liens.analyses.runner import run_analyses
from liens.analyses.core import core
from liens.analyses.pods import detect_pods
from liens.analyses.base import Step
from liens.config import Config

world, store_path = Path(WORLD), Path(STORE)
store_path.unlink(missing_ok=True)
store = Store(store_path)
if MEMORY_LIMIT:  # DuckDB's default keeps up to 80 % of RAM as cache
    store.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
# Peak resident memory per stage (load, each step and sub-step), sampled.
import threading
marks, stage_peaks = ["load"], {}
def _sample():
    while True:
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
                stage_peaks[marks[-1]] = max(stage_peaks.get(marks[-1], 0.0), rss)
        time.sleep(0.1)
threading.Thread(target=_sample, daemon=True).start()
t = time.perf_counter()
report = load_path(store, world)
load_s = time.perf_counter() - t
t = time.perf_counter()
summary = run_analyses(store, Config(), steps=[Step("core", core), Step("pods", detect_pods)], progress=marks.append)
detect_s = time.perf_counter() - t
pods = store.result("pods").to_pandas()
truth = pd.read_csv(world / "truth" / "pods.csv")
hard = pd.read_csv(world / "truth" / "hard_negatives.csv")
flagged, planted = set(pods.account_id), set(truth.account_id)
found = dict(zip(pods.account_id, pods.pod_id))
label = dict(zip(truth.account_id, truth.pod_id))
union = sorted(flagged | planted)
store.close()
figures = {
    "interactions": report.rows_in["interactions"], "load_s": load_s, "detect_s": detect_s,
    "flagged": len(flagged), "planted": len(planted),
    "precision": len(flagged & planted) / len(flagged) if flagged else None,
    "recall": len(flagged & planted) / len(planted) if planted else None,
    "ari": adjusted_rand_score([label.get(a, "none-" + a) for a in union], [found.get(a, "none-" + a) for a in union]),
    "hard_negatives_flagged": len(set(hard.account_id) & flagged - planted),
    "brand_in_pod": summary["brand_in_pod"], "pod_engagement_share": summary["pod_engagement_share"],
    "stage_peaks_mb": {k: round(v) for k, v in stage_peaks.items()},
}
"""

_EDGES = """
import duckdb, ibis
from liens.analyses.pods import engagements, co_engagement_edges
from liens.config import Config
settings = Config().pods
# The co-action edge list is quadratic on a viral post: bounded memory, spilled to disk.
con = ibis.duckdb.connect(memory_limit=MEMORY, temp_directory=TEMP)
raw = duckdb.connect(STORE, read_only=True)
for name in ("interactions", "posts"):
    con.create_table(name, raw.execute(f"SELECT * FROM {name}").fetch_arrow_table())
raw.close()
interactions = con.table("interactions")
if KINDS:  # the kinds of one toolkit network
    interactions = interactions.filter(interactions.kind.isin(KINDS))
engaged = engagements(interactions, con.table("posts")).cache()
edges = co_engagement_edges(engaged, settings.window_minutes, settings.min_co_engagements)
con.create_table("edges", edges)
con.raw_sql(f"COPY edges TO '{OUTFILE}' (FORMAT PARQUET)")
figures = {"edges": int(con.table("edges").count().to_pyarrow().as_py())}
"""

# The toolkit's CLI, run from a Python child so that its peak memory (a grandchild) is measured.
# It runs a process pool: in its own session, so a time-out kills the pool workers with it.
_CLI = """
import os, resource, signal, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(ARGS, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
try:
    _, err = child.communicate(timeout=TIMEOUT)
    timed_out = False
except subprocess.TimeoutExpired:
    # Killed processes are never waited for here: read their CPU time (and their reaped
    # children's) from /proc first, for every process of the session.
    tick, cpu_killed, peak_killed = os.sysconf("SC_CLK_TCK"), 0.0, 0.0
    for entry in os.listdir("/proc"):
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == child.pid:  # session id
            cpu_killed += sum(int(v) for v in fields[11:15]) / tick
            for line in open(f"/proc/{entry}/status"):
                if line.startswith("VmHWM:"):
                    peak_killed = max(peak_killed, int(line.split()[1]) / 1024)
    os.killpg(child.pid, signal.SIGKILL)
    child.communicate()
    timed_out = True
if not timed_out and child.returncode != 0:
    raise SystemExit(err[-2000:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = cpu_killed if timed_out else usage.ru_utime + usage.ru_stime
figures = {"cli_s": time.perf_counter() - started, "timed_out": timed_out,
           "cli_cpu_s": cpu, "cli_peak_mb": max(usage.ru_maxrss / 1024, peak_killed if timed_out else 0.0)}
"""

# Our kinds behind each toolkit network (the conversion in `toolkit_csv`).
REPOST_KINDS = ("like", "reaction", "share", "save")
REPLY_KINDS = ("comment", "reply", "story_reply")
NETWORK_KINDS = {"co_reply": REPLY_KINDS, "co_retweet": REPOST_KINDS}


def _code(template: str, **values: object) -> str:
    return "".join(f"{k} = {v!r}\n" for k, v in values.items()) + template


def ensure_toolkit() -> Path:
    cli = VENV / "bin" / "compute_networks"
    if not cli.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", TOOLKIT], check=True)
    return cli


def toolkit_csv(store: Path, target: Path) -> int:
    """Our interactions in the toolkit's CSV: likes, reactions, shares and saves as reposts of the
    post, comments and replies as replies to it (the kinds our detector reads)."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    con.execute(f"""
        COPY (
          SELECT interaction_id AS message_id, actor_id AS user_id, actor_id AS username,
                 CASE WHEN kind IN {REPOST_KINDS} THEN post_id END AS repost_id,
                 CASE WHEN kind IN {REPLY_KINDS} THEN post_id END AS reply_id,
                 coalesce(text, '') AS message, epoch(created_at)::BIGINT AS timestamp, '' AS urls
          FROM interactions
          WHERE post_id IS NOT NULL AND kind IN {REPOST_KINDS + REPLY_KINDS}
          ORDER BY created_at
        ) TO '{target}' (FORMAT CSV, HEADER true)""")
    rows = con.execute(f"SELECT count(*) FROM read_csv('{target}')").fetchone()[0]
    con.close()
    return int(rows)


def toolkit_run(cli: Path, csv: Path, db: Path, window_s: int, min_weight: int, timeout: float) -> dict:
    db.unlink(missing_ok=True)
    steps = {
        "preprocess": [str(cli), str(db), "preprocess", "--format", "csv", str(csv)],
        "co_reply": [str(cli), str(db), "compute", "co_reply", "--time_window", str(window_s),
                     "--min_edge_weight", str(min_weight), "--n_cpus", "2"],
        "co_retweet": [str(cli), str(db), "compute", "co_retweet", "--time_window", str(window_s),
                       "--min_edge_weight", str(min_weight), "--n_cpus", "2"],
    }
    figures: dict = {}
    for name, args in steps.items():
        try:
            f = measure(_code(_CLI, ARGS=args, TIMEOUT=timeout))
        except RuntimeError as error:
            figures[name] = {"error": str(error)[-300:]}
            break
        figures[name] = {"seconds": f["cli_s"], "cpu_seconds": f["cli_cpu_s"], "peak_mb": f["cli_peak_mb"],
                         "timed_out": f["timed_out"], "load_average": load_average()}
        print(f"  toolkit {name}: " + (f"did not finish in {timeout:.0f} s" if f["timed_out"] else
              f"{f['cli_s']:.1f} s wall, {f['cli_cpu_s']:.1f} CPU s, peak {f['cli_peak_mb']:.0f} MB")
              + f" (load average {load_average()})", flush=True)
        if f["timed_out"]:
            break  # the next step needs nothing from this one, but the total is already a bound
    return figures


def toolkit_edges(db: Path, networks: list[str]) -> set[tuple[str, str]]:
    con = sqlite3.connect(str(db))
    edges: set[tuple[str, str]] = set()
    for table in (f"{n}_network" for n in networks):
        try:
            rows = con.execute(f"SELECT user_1, user_2 FROM {table} WHERE user_1 != user_2").fetchall()
        except sqlite3.OperationalError:
            continue
        edges |= {tuple(sorted((a, b))) for a, b in rows}
    con.close()
    return edges


def our_edges(store: Path, size: int, network: str) -> tuple[dict, set[tuple[str, str]]]:
    """Our co-engagement edges (weight >= min_co_engagements) on the kinds of one toolkit network,
    or on every pod kind for `network="all"`."""
    kinds = NETWORK_KINDS.get(network)
    outfile = OUT / f"pods-{size}-edges-{network}.parquet"
    figures = measure(_code(_EDGES, STORE=str(store), OUTFILE=str(outfile), MEMORY="3GB", TEMP=str(OUT / "spill"),
                            KINDS=kinds))
    frame = pd.read_parquet(outfile)
    return figures, {tuple(sorted(p)) for p in zip(frame.account_a, frame.account_b)}


def brand_view(seeds: list[int], accounts: int) -> None:
    """Pods (and the community after them) on brand's-eye worlds, in this process."""
    import time

    from liens.analyses.community import STEP as COMMUNITY
    from liens.analyses.core import STEP as CORE
    from liens.analyses.pods import STEP as PODS
    from liens.analyses.runner import run_analyses
    from liens.config import Config
    from liens.generate import generate_world
    from liens.store import Store, load_path

    rows = []
    for seed, pods in [(s, True) for s in seeds] + [(seeds[-1] + 100, False)]:
        folder = OUT / f"pods-brand-{accounts}-{seed}-{int(pods)}"
        generate_world(folder / "world", accounts=accounts, seed=seed, view="brand", pods=pods, file_format="parquet")
        truth = pd.read_csv(folder / "world" / "truth" / "pods.csv")
        hard = pd.read_csv(folder / "world" / "truth" / "hard_negatives.csv")
        config = Config()
        config.pods.staff_accounts = sorted(hard.account_id[hard.kind == "staff"])
        (folder / "store.duckdb").unlink(missing_ok=True)
        store = Store(folder / "store.duckdb")
        report = load_path(store, folder / "world")
        started = time.perf_counter()
        summary = run_analyses(store, config, steps=[CORE, PODS, COMMUNITY])
        seconds = time.perf_counter() - started
        flagged = set(store.result("pods").to_pandas().account_id)
        ambassadors = set(store.result("ambassadors").to_pandas().account_id)
        store.close()
        planted = set(truth.account_id[truth.includes_brand])
        spared = hard[~hard.account_id.isin(set(truth.account_id))]
        tp = len(flagged & planted)
        row = {
            "seed": seed, "pods": pods, "interactions": report.rows_in["interactions"], "seconds": round(seconds, 1),
            "flagged": len(flagged), "planted": len(planted),
            "precision": tp / len(flagged) if flagged else None, "recall": tp / len(planted) if planted else None,
            "hard_negatives_flagged": spared[spared.account_id.isin(flagged)].kind.value_counts().to_dict(),
            "pod_members_among_ambassadors": len(planted & ambassadors),
            "most_engaged_pod_members": f"{summary['most_engaged_pod_members']} of {summary['most_engaged_checked']}",
            "pods_data_view": summary["pods_data_view"], "pod_evidence": summary["pod_evidence"],
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    (OUT / f"bench_pods-brand-{accounts}.json").write_text(json.dumps(rows, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--no-toolkit", action="store_true")
    parser.add_argument("--toolkit-timeout", type=int, default=3600, help="Seconds per toolkit step.")
    parser.add_argument("--timeout-factor", type=float, default=None,
                        help="Each toolkit step's limit: this many times our end-to-end time (overrides --toolkit-timeout).")
    parser.add_argument("--duckdb-memory-limit", default=None,
                        help="DuckDB memory_limit for our run, e.g. 1500MB (default: DuckDB's, 80%% of RAM).")
    parser.add_argument("--full-edges", action="store_true", help="Also time our edge list over every pod kind.")
    parser.add_argument("--brand-view", type=int, nargs="+", default=None, metavar="SEED",
                        help="Measure pods on brand's-eye worlds of these seeds instead (plus one without pods).")
    parser.add_argument("--accounts", type=int, default=5000, help="Accounts of the brand's-eye worlds.")
    args = parser.parse_args()
    if args.brand_view:
        brand_view(args.brand_view, args.accounts)
        return
    from liens.config import Config

    settings = Config().pods
    window_s = int(settings.window_minutes * 60)
    for size in args.sizes:
        folder = world(size, "parquet")
        store = OUT / f"pods-{size}.duckdb"
        ours = measure(_code(_OURS, WORLD=str(folder), STORE=str(store), MEMORY_LIMIT=args.duckdb_memory_limit))
        ours["load_average"] = load_average()
        print(f"\n== {size:,} interactions ({ours['interactions']:,} loaded) ==", flush=True)
        print(f"liens load {ours['load_s']:.1f} s + detection {ours['detect_s']:.1f} s; process {ours['seconds']:.1f} s wall, "
              f"{ours['cpu_seconds']:.1f} CPU s, peak {ours['peak_mb']:.0f} MB (load average {ours['load_average']})",
              flush=True)
        print("  peak by stage: " + ", ".join(f"{k} {v} MB" for k, v in ours["stage_peaks_mb"].items()), flush=True)
        print(f"  quality: precision {ours['precision']:.3f}, recall {ours['recall']:.3f}, ARI {ours['ari']:.3f}, "
              f"hard negatives flagged {ours['hard_negatives_flagged']}, flagged {ours['flagged']} / planted {ours['planted']}",
              flush=True)
        row: dict = {"size": size, "ours": ours}
        if args.full_edges:
            full, _ = our_edges(store, size, "all")
            row["ours_edges_all"] = full
            print(f"liens full co-engagement edge list (window {window_s} s, weight >= {settings.min_co_engagements}): "
                  f"{full['edges']:,} edges in {full['seconds']:.1f} s, {full['cpu_seconds']:.1f} CPU s, "
                  f"peak {full['peak_mb']:.0f} MB (load average {load_average()})", flush=True)
        if not args.no_toolkit:
            cli = ensure_toolkit()
            csv = OUT / f"pods-{size}-toolkit.csv"
            rows = toolkit_csv(store, csv)
            timeout = math.ceil(args.timeout_factor * ours["seconds"]) if args.timeout_factor else args.toolkit_timeout
            print(f"toolkit on {rows:,} rows, limit {timeout} s per step", flush=True)
            db = OUT / f"pods-{size}-toolkit.db"
            tk = toolkit_run(cli, csv, db, window_s, settings.min_co_engagements, timeout)
            row["toolkit"] = {"rows": rows, "timeout_s": timeout, **tk}
            done = [k for k, v in tk.items() if "seconds" in v]
            total = sum(tk[k]["seconds"] for k in done)
            bounded = len(done) < 3 or any(tk[k]["timed_out"] for k in done)
            bound = "at least " if bounded else ""
            cpu = sum(tk[k]["cpu_seconds"] for k in done)
            row["speedup"] = {"toolkit_total_s": total, "toolkit_cpu_s": cpu, "lower_bound": bounded,
                              "factor": total / ours["seconds"], "cpu_factor": cpu / ours["cpu_seconds"]}
            # CPU seconds as well as wall time: the machine is shared, the load differs between the two runs.
            print(f"  toolkit total {bound}{total:.1f} s wall, {bound}{cpu:.1f} CPU s, peak "
                  f"{max((tk[k]['peak_mb'] for k in done), default=0):.0f} MB -> liens is {bound}{total / ours['seconds']:.1f}x "
                  f"faster end to end in wall time, {bound}{cpu / ours['cpu_seconds']:.1f}x in CPU seconds", flush=True)
            finished = [k for k in ("co_reply", "co_retweet") if k in done and not tk[k]["timed_out"]]
            truth = pd.read_csv(folder / "truth" / "pods.csv")
            planted = set(truth.account_id)
            hard = set(pd.read_csv(folder / "truth" / "hard_negatives.csv").account_id) - planted
            flagged: set[str] = set()
            for network in finished:  # agreement, network by network, on the same kinds
                theirs = toolkit_edges(db, [network])
                figures, mine = our_edges(store, size, network)
                both = mine & theirs
                jaccard = len(both) / len(mine | theirs) if mine | theirs else 1.0
                row.setdefault("agreement", {})[network] = {
                    "ours": len(mine), "toolkit": len(theirs), "both": len(both), "jaccard": jaccard,
                    "ours_seconds": figures["seconds"], "ours_cpu_seconds": figures["cpu_seconds"],
                    "ours_peak_mb": figures["peak_mb"]}
                print(f"  {network} edges: ours {len(mine):,} ({figures['seconds']:.1f} s, {figures['cpu_seconds']:.1f} CPU s, "
                      f"peak {figures['peak_mb']:.0f} MB), toolkit {len(theirs):,}, both {len(both):,}, "
                      f"Jaccard {jaccard:.3f}", flush=True)
                flagged |= {a for e in theirs for a in e}
            if finished:  # quality of what the toolkit finished: every account with an edge taken as flagged
                tp = len(flagged & planted)
                q = row["toolkit_quality"] = {
                    "networks": finished, "flagged": len(flagged),
                    "precision": tp / len(flagged) if flagged else None,
                    "recall": tp / len(planted) if planted else None, "hard_negatives_flagged": len(flagged & hard)}
                print(f"  toolkit quality ({', '.join(finished)}; every account with an edge flagged): "
                      f"{q['flagged']:,} flagged, precision {q['precision'] or 0:.3f}, recall {q['recall'] or 0:.3f}, "
                      f"hard negatives flagged {q['hard_negatives_flagged']:,}", flush=True)
        (OUT / f"bench_pods-{size}.json").write_text(json.dumps(row, indent=2, default=str))


if __name__ == "__main__":
    main()
