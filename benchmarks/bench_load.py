"""Load speed: generated datasets of 1M and 10M interactions, from Parquet and from CSV.

Targets on a 2-core machine: >= 1M interactions/s from Parquet, >= 300k/s from CSV, peak <= 2 GB at 10M.
Usage: python benchmarks/bench_load.py [--sizes 1000000 10000000] [--formats parquet csv]
"""

from __future__ import annotations

import argparse

from _measure import OUT, load_average, measure, world


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"])
    args = parser.parse_args()
    print(f"load average before: {load_average()} (2 cores)")
    print(f"{'format':8} {'interactions':>12} {'seconds':>8} {'rows/s':>12} {'CPU s':>8} {'peak MB':>8}")
    for size in args.sizes:
        for fmt in args.formats:
            folder = world(size, fmt)
            store = OUT / f"load-{size}-{fmt}.duckdb"
            store.unlink(missing_ok=True)
            code = (
                "from liens import Store\nfrom liens.store import load_path\n"
                f"with Store({str(store)!r}) as s:\n"
                f"    r = load_path(s, {str(folder)!r})\n"
                "figures = {'interactions': r.rows_in['interactions'], 'load_seconds': r.seconds}\n"
            )
            f = measure(code)
            rate = f["interactions"] / f["load_seconds"]
            print(f"{fmt:8} {f['interactions']:>12,} {f['load_seconds']:>8.1f} {rate:>12,.0f} {f['cpu_seconds']:>8.1f} "
                  f"{f['peak_mb']:>8.0f}", flush=True)
            store.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
