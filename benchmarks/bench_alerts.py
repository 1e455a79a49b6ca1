"""`liens run` with nothing new: time on a large store (issue 21 target: at most 2 s).

    python3 benchmarks/bench_alerts.py --interactions 1000000 [--folder /tmp/bench-alerts]

Builds (or reuses) a generated world of that size, loads and analyses it through a first
`liens run` (inbox: the world), then times further runs with nothing new: in-process
(`api.run`) and as the command (`liens run`, Python start-up and imports included).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from pathlib import Path

from liens import api
from liens.config import Config
from liens.presentation.cli.alert_texts import Renderer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench-alerts"))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    folder = args.folder
    store = folder / "brand.duckdb"
    if not store.exists():
        folder.mkdir(parents=True, exist_ok=True)
        inbox = folder / "inbox"
        started = time.perf_counter()
        api.generate(inbox / "world", accounts=max(500, args.interactions // 10), seed=3,
                     interactions=args.interactions)
        shutil.rmtree(inbox / "world" / "truth")
        print(f"generate: {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        first = api.run(store, Renderer(), Config(), inbox=inbox, settle_seconds=0, write=lambda _: None)
        print(f"first run (load + analyse + alerts + digest): {time.perf_counter() - started:.1f} s, "
              f"status {first.status}, raised {first.raised}", flush=True)
    with api.open_store(store, read_only=True) as opened:
        print(f"store: {opened.count('interactions'):,} interactions, {opened.count('accounts'):,} accounts, "
              f"{store.stat().st_size / 1e6:.0f} MB")
    times = []
    for _ in range(args.repeats):
        report = api.run(store, Renderer(), Config(), inbox=folder / "inbox", settle_seconds=0, write=lambda _: None)
        times.append(report.seconds)
        assert report.status == "nothing_new", report.status
    print(f"api.run, nothing new: median {sorted(times)[len(times) // 2]:.3f} s, max {max(times):.3f} s")
    walls = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        subprocess.run([shutil.which("liens") or "liens", "run", "--store", str(store), "--inbox",
                        str(folder / "inbox"), "--settle", "0"], check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
    print(f"`liens run` command, nothing new: median {sorted(walls)[len(walls) // 2]:.2f} s, max {max(walls):.2f} s "
          "(Python start-up and imports included)")


if __name__ == "__main__":
    main()
