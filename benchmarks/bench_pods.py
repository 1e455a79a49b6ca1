"""Pod detection against coordination_network_toolkit 1.5.2 on the same generated interactions.

For each size: our load + detection (core + pods steps) in a fresh process, with quality against the
planted truth (account precision/recall, adjusted Rand index of the groups, hard negatives flagged);
our full co-engagement edge list (the self-join alone); then the toolkit, installed in its own
virtualenv (benchmarks/.venv-cnt), through its CLI: preprocess, co_reply, co_retweet with the same
time window; its wall time and peak memory, the agreement of its edges with ours, and its
precision/recall when every account with a coordination edge is taken as flagged.

Target: our load + detection at least 10x faster than the toolkit's three steps at 5M rows, peak <= 2 GB.
Usage: python benchmarks/bench_pods.py [--sizes 1000000 5000000] [--no-toolkit] [--toolkit-timeout 3600]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from _measure import OUT, measure, world

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
t = time.perf_counter()
report = load_path(store, world)
load_s = time.perf_counter() - t
t = time.perf_counter()
summary = run_analyses(store, Config(), steps=[Step("core", core), Step("pods", detect_pods)])
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
}
"""

_EDGES = """
import duckdb, ibis
from liens.analyses.pods import engagements, co_engagement_edges
from liens.config import Config
settings = Config().pods
# The full co-action edge list is quadratic on a viral post: bounded memory, spilled to disk.
con = ibis.duckdb.connect(memory_limit=MEMORY, temp_directory=TEMP)
raw = duckdb.connect(STORE, read_only=True)
for name in ("interactions", "posts"):
    con.create_table(name, raw.execute(f"SELECT * FROM {name}").fetch_arrow_table())
raw.close()
engaged = engagements(con.table("interactions"), con.table("posts")).cache()
edges = co_engagement_edges(engaged, settings.window_minutes, settings.min_co_engagements)
con.create_table("edges", edges)
con.raw_sql(f"COPY edges TO '{OUTFILE}' (FORMAT PARQUET)")
figures = {"edges": int(con.table("edges").count().to_pyarrow().as_py())}
"""

# The toolkit's CLI, run from a Python child so that its peak memory (a grandchild) is measured.
_CLI = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(ARGS, capture_output=True, text=True, timeout=TIMEOUT)
if done.returncode != 0:
    raise SystemExit(done.stderr[-2000:])
figures = {"cli_s": time.perf_counter() - started,
           "cli_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
"""


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
                 CASE WHEN kind IN ('like', 'reaction', 'share', 'save') THEN post_id END AS repost_id,
                 CASE WHEN kind IN ('comment', 'reply', 'story_reply') THEN post_id END AS reply_id,
                 coalesce(text, '') AS message, epoch(created_at)::BIGINT AS timestamp, '' AS urls
          FROM interactions
          WHERE post_id IS NOT NULL AND kind IN ('like', 'reaction', 'share', 'save', 'comment', 'reply', 'story_reply')
          ORDER BY created_at
        ) TO '{target}' (FORMAT CSV, HEADER true)""")
    rows = con.execute(f"SELECT count(*) FROM read_csv('{target}')").fetchone()[0]
    con.close()
    return int(rows)


def toolkit_run(cli: Path, csv: Path, db: Path, window_s: int, min_weight: int, timeout: int) -> dict:
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
        figures[name] = {"seconds": f["cli_s"], "peak_mb": f["cli_peak_mb"]}
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--no-toolkit", action="store_true")
    parser.add_argument("--toolkit-timeout", type=int, default=3600, help="Seconds per toolkit step.")
    args = parser.parse_args()
    from liens.config import Config

    settings = Config().pods
    window_s = int(settings.window_minutes * 60)
    results = []
    for size in args.sizes:
        folder = world(size, "parquet")
        store = OUT / f"pods-{size}.duckdb"
        ours = measure(_code(_OURS, WORLD=str(folder), STORE=str(store)))
        print(f"\n== {size:,} interactions ({ours['interactions']:,} loaded) ==", flush=True)
        print(f"liens load {ours['load_s']:.1f} s + detection {ours['detect_s']:.1f} s = {ours['seconds']:.1f} s wall, "
              f"peak {ours['peak_mb']:.0f} MB", flush=True)
        print(f"  quality: precision {ours['precision']:.3f}, recall {ours['recall']:.3f}, ARI {ours['ari']:.3f}, "
              f"hard negatives flagged {ours['hard_negatives_flagged']}, flagged {ours['flagged']} / planted {ours['planted']}",
              flush=True)
        edges_file = OUT / f"pods-{size}-edges.parquet"
        full = measure(_code(_EDGES, STORE=str(store), OUTFILE=str(edges_file), MEMORY="3GB", TEMP=str(OUT / "spill")))
        print(f"liens full co-engagement edge list (window {window_s} s, weight >= {settings.min_co_engagements}): "
              f"{full['edges']:,} edges in {full['seconds']:.1f} s, peak {full['peak_mb']:.0f} MB", flush=True)
        row = {"size": size, "ours": ours, "ours_edges": full}
        if not args.no_toolkit:
            cli = ensure_toolkit()
            csv = OUT / f"pods-{size}-toolkit.csv"
            rows = toolkit_csv(store, csv)
            tk = toolkit_run(cli, csv, OUT / f"pods-{size}-toolkit.db", window_s, settings.min_co_engagements,
                             args.toolkit_timeout)
            # a step that timed out counts for its time limit: the total is then a lower bound
            total = sum(v.get("seconds", args.toolkit_timeout) for v in tk.values())
            peak = max((v.get("peak_mb", 0) for v in tk.values()), default=0)
            print(f"toolkit on {rows:,} rows: " + ", ".join(
                f"{k} {v['seconds']:.1f} s / {v['peak_mb']:.0f} MB" if "seconds" in v else f"{k} FAILED {v['error']}"
                for k, v in tk.items()), flush=True)
            row["toolkit"] = tk
            finished = [k for k in ("co_reply", "co_retweet") if "seconds" in tk.get(k, {})]
            if finished:  # agreement and quality on the networks the toolkit finished
                theirs = toolkit_edges(OUT / f"pods-{size}-toolkit.db", finished)
                print(f"  toolkit networks finished: {', '.join(finished)}", flush=True)
                mine_df = pd.read_parquet(edges_file)
                mine = {tuple(sorted(p)) for p in zip(mine_df.account_a, mine_df.account_b)}
                both = mine & theirs
                jaccard = len(both) / len(mine | theirs) if mine | theirs else 1.0
                truth = pd.read_csv(folder / "truth" / "pods.csv")
                planted = set(truth.account_id)
                flagged = {a for e in theirs for a in e}
                tp = len(flagged & planted)
                hard = set(pd.read_csv(folder / "truth" / "hard_negatives.csv").account_id) - planted
                row["agreement"] = {"ours": len(mine), "toolkit": len(theirs), "both": len(both), "jaccard": jaccard}
                row["toolkit_quality"] = {"flagged": len(flagged), "precision": tp / len(flagged) if flagged else None,
                                          "recall": tp / len(planted) if planted else None,
                                          "hard_negatives_flagged": len(flagged & hard)}
                bound = "" if len(finished) == 2 else "at least "
                print(f"  toolkit total {total:.1f} s, peak {peak:.0f} MB -> liens is {bound}{total / ours['seconds']:.1f}x "
                      f"faster end to end", flush=True)
                print(f"  edges: ours {len(mine):,}, toolkit {len(theirs):,}, both {len(both):,}, Jaccard {jaccard:.3f}",
                      flush=True)
                q = row["toolkit_quality"]
                print(f"  toolkit quality (every account with an edge flagged): {q['flagged']:,} flagged, "
                      f"precision {q['precision'] or 0:.3f}, recall {q['recall'] or 0:.3f}, "
                      f"hard negatives flagged {q['hard_negatives_flagged']:,}", flush=True)
        results.append(row)
    (OUT / "bench_pods.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
