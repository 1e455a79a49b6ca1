"""The whole analysis at scale: a generated world of 10M interactions and 1M accounts, on DuckDB then
on a local Spark session. Wall time per stage (load, each analysis step and its sub-steps, writing
the results, exporting the results folder) and peak memory of the whole process tree (the Spark JVM
included, sampled from /proc every 0.2 s).

Target on a 2-core machine with DuckDB: <= 2 minutes end to end, <= 4 GB peak.
Usage: python benchmarks/bench_scale.py [--interactions 10000000] [--engines duckdb spark]
                                        [--master local[2]] [--driver-memory 4g] [--duckdb-memory-limit 2500MB]
Results are also written to benchmarks/out/bench_scale-<interactions>.json (read by docs/scale.md).
"""

from __future__ import annotations

import argparse
import json
import shutil

from _measure import OUT, load_average, measure, world

# Run inside the measured child process: marks every progress message, samples memory.
_PRELUDE = """
import os, threading, time
from pathlib import Path

def _tree_rss_mb():
    me = os.getpid()
    parents = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open(f'/proc/{entry}/stat') as handle:
                    parents[int(entry)] = int(handle.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, todo = {me}, [me]
    while todo:
        pid = todo.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                todo.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f'/proc/{pid}/status') as handle:
                for line in handle:
                    if line.startswith('VmRSS:'):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024

peak = [0.0]
marks = []
stage_peaks = {}
def _sample():
    while True:
        rss = _tree_rss_mb()
        peak[0] = max(peak[0], rss)
        if marks:
            stage_peaks[marks[-1][0]] = max(stage_peaks.get(marks[-1][0], 0.0), rss)
        time.sleep(0.2)
threading.Thread(target=_sample, daemon=True).start()

def say(message):
    marks.append((message, time.perf_counter(), time.process_time()))

# Every query an analysis runs, timed and attributed to the line of the analysis that ran it.
import traceback
queries = {}
_busy = threading.local()
def _caller():
    for frame in reversed(traceback.extract_stack()[:-3]):
        if '/liens/analyses/' in frame.filename:
            return frame.filename.split('/liens/analyses/')[1] + ':' + str(frame.lineno)
        if '/liens/' in frame.filename and '/liens/engines/' not in frame.filename:
            return frame.filename.split('/liens/')[1] + ':' + str(frame.lineno)
    return '?'
def _timed(cls, method):
    original = getattr(cls, method)
    def wrapper(self, *args, **kwargs):
        if getattr(_busy, 'on', False):
            return original(self, *args, **kwargs)
        _busy.on = True
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            _busy.on = False
            key = method.replace('_create_cached_table', 'cache') + ' ' + _caller()
            if key.startswith('create_table runner') and args:
                key += ' ' + str(args[0])  # the result or scratch table the runner saves
            entry = queries.setdefault(key, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - started
    setattr(cls, method, wrapper)
def profile(cls):
    for method in ('execute', 'to_pyarrow', 'create_table', '_create_cached_table'):
        _timed(cls, method)
"""

_DUCKDB = """
from liens.config import Config
from liens.store import Store, load_path
from liens.analyses.runner import run_analyses
from liens.store.results_folder import write_results
import ibis.backends.duckdb
from liens.engines import DuckDBWorkspace
profile(ibis.backends.duckdb.Backend)
_timed(DuckDBWorkspace, 'add_columns')  # the in-place widening runs its SQL outside Ibis
begin, cpu_begin = time.perf_counter(), time.process_time()
with Store(STORE) as store:
    if MEMORY_LIMIT:
        store.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    say('load')
    load_path(store, WORLD)
    run_analyses(store, Config(), progress=say)
    say('export results folder')
    write_results(store, RESULTS)
say('end')
figures = {'marks': [(m, t - begin, c - cpu_begin) for m, t, c in marks], 'peak_tree_mb': max(peak[0], _tree_rss_mb()),
           'stage_peaks_mb': stage_peaks, 'queries': queries}
"""

_SPARK = """
from liens.config import Config
from liens.store import Store
from liens.analyses.runner import run_analyses
from liens.engines.spark import spark_session
from liens.store.results_folder import write_results
from liens.engines.spark import SparkBackend
profile(SparkBackend)
begin, cpu_begin = time.perf_counter(), time.process_time()
say('session')
spark = spark_session(MASTER, conf={'spark.ui.enabled': 'false', 'spark.driver.memory': DRIVER_MEMORY,
                                    'spark.sql.shuffle.partitions': '8', 'spark.local.dir': WORK + '-tmp'})
spark.sparkContext.setLogLevel('ERROR')
with Store(STORE) as store:
    say('load')  # Spark reads the Parquet world lazily: this stage is listing the files
    run_analyses(store, Config(), engine='spark', dataset=WORLD, session=spark, work_dir=WORK, progress=say)
    say('export results folder')
    write_results(store, RESULTS)
peak[0] = max(peak[0], _tree_rss_mb())
spark.stop()
say('end')
figures = {'marks': [(m, t - begin, c - cpu_begin) for m, t, c in marks], 'peak_tree_mb': peak[0], 'stage_peaks_mb': stage_peaks,
           'queries': queries}
"""


def stages(marks: list) -> list[tuple[str, float, float | None]]:
    """Wall and CPU seconds (all threads of the Python process) of each mark until the next one."""
    out = []
    for i, mark in enumerate(marks[:-1]):
        nxt = marks[i + 1]
        cpu = nxt[2] - mark[2] if len(mark) > 2 else None  # runs recorded before CPU was measured
        out.append((mark[0], nxt[1] - mark[1], cpu))
    return out


def step_totals(marks: list) -> list[tuple[str, float, float | None]]:
    """Duration of each top-level stage (a step with its sub-steps)."""
    return stages([mark for mark in marks if ":" not in mark[0]])


def report(engine: str, figures: dict) -> None:
    print(f"\n{engine}: {figures['seconds']:.1f} s wall, {figures['cpu_seconds']:.1f} CPU s (Python process), "
          f"peak {figures['peak_tree_mb']:.0f} MB (process tree), Python peak {figures['peak_mb']:.0f} MB")
    peaks = figures.get("stage_peaks_mb", {})
    for name, seconds, cpu in stages(figures["marks"]):
        sub = ":" in name  # "pods: co-engagement" is a part of "pods"
        cpu_text = "" if cpu is None else f" {cpu:7.1f} CPU s"
        print(f"  {'  ' if sub else ''}{name:<44} {seconds:8.1f} s{cpu_text}  peak {peaks.get(name, 0):6.0f} MB")
    print("  per stage (wall s / CPU s): " + ", ".join(
        f"{name} {seconds:.1f}" + ("" if cpu is None else f"/{cpu:.1f}") for name, seconds, cpu in step_totals(figures["marks"])))
    marks = figures["marks"]
    analysis = [m for m in marks if m[0] in ("load", "export results folder")]
    if len(analysis) == 2:
        print(f"  end to end without the results folder: {analysis[1][1] - analysis[0][1]:.1f} s wall")
    print("  slowest queries (seconds, calls, where the analysis runs them):")
    slow = sorted(figures.get("queries", {}).items(), key=lambda item: -item[1][1])[:15]
    for where, (calls, seconds) in slow:
        print(f"    {seconds:7.1f} s {calls:4d}x  {where}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--duckdb-memory-limit", default="",
                        help="e.g. 2500MB: DuckDB's cap (default: the store's, LIENS_MEMORY_LIMIT or 2GB)")
    args = parser.parse_args()
    folder = world(args.interactions, "parquet")
    summary = json.loads((folder / "truth" / "summary.json").read_text())
    print(f"world: {summary['interactions']:,} interactions, {summary['accounts']:,} accounts ({folder.name})")
    print(f"load average before: {load_average()} (2 cores)")
    results: dict[str, dict] = {}
    for engine in args.engines:
        store = OUT / f"scale-{args.interactions}-{engine}.duckdb"
        work = OUT / f"scale-{args.interactions}-spark-work"
        out = OUT / f"scale-{args.interactions}-{engine}-results"
        for path in (store, work, out, OUT / f"{work.name}-tmp"):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        constants = (f"STORE = {str(store)!r}\nWORLD = {str(folder)!r}\nRESULTS = {str(out)!r}\nWORK = {str(work)!r}\n"
                     f"MASTER = {args.master!r}\nDRIVER_MEMORY = {args.driver_memory!r}\n"
                     f"MEMORY_LIMIT = {args.duckdb_memory_limit!r}\n")
        figures = measure(_PRELUDE + constants + (_DUCKDB if engine == "duckdb" else _SPARK))
        figures["load_average_after"] = load_average()
        if engine == "duckdb" and args.duckdb_memory_limit:
            engine = f"duckdb (memory_limit {args.duckdb_memory_limit})"
        results[engine] = figures
        report(engine, figures)
        print(f"  load average after: {figures['load_average_after']}")
        for path in (work, OUT / f"{work.name}-tmp"):
            shutil.rmtree(path, ignore_errors=True)
    target = OUT / f"bench_scale-{args.interactions}.json"
    earlier = json.loads(target.read_text())["results"] if target.exists() else {}  # keep the other engine's run
    target.write_text(json.dumps({"interactions": summary["interactions"], "accounts": summary["accounts"],
                                  "results": {**earlier, **results}}, indent=1))
    print(f"\nwritten to {target}")


if __name__ == "__main__":
    main()
