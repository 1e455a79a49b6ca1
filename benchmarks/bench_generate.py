"""Time and peak memory of the world generator.

    python benchmarks/bench_generate.py                      # 1M interactions, 100k accounts, CSV
    python benchmarks/bench_generate.py --interactions 10000000 --accounts 1000000
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from liens.generate import generate_world


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=None, help="default: interactions / 10")
    parser.add_argument("--format", default="csv", choices=("csv", "parquet", "jsonl"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="keep the world here (default: a temporary folder)")
    args = parser.parse_args(argv)
    accounts = args.accounts or max(500, args.interactions // 10)
    out = args.out or Path(tempfile.mkdtemp(prefix="liens-bench-"))
    try:
        began = time.perf_counter()
        summary = generate_world(out, accounts=accounts, interactions=args.interactions, seed=args.seed,
                                 file_format=args.format)
        elapsed = time.perf_counter() - began
        # ru_maxrss is in kilobytes on Linux (bytes on macOS).
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024 ** 2)
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1024 ** 2
        print(f"generate_world: {summary['interactions']:,} interactions, {summary['accounts']:,} accounts, "
              f"{summary['posts']:,} posts, format {args.format}")
        print(f"time {elapsed:.1f} s   peak memory {peak:,.0f} MB   on disk {size:,.0f} MB")
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
