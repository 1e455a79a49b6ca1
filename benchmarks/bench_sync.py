"""Live sync against the replay server: an account with 1,000 media and 100,000 comments.

First sync (everything), then the platform changes a little (5 new media with 50 comments each, 20
new comments on each of 10 recent media) and an incremental sync fetches only that, then a --full
sync fetches everything again, to count the requests the incremental one saved. The server runs in
this process on 127.0.0.1 (tests/fake_platforms.py, the platforms' recorded shapes).

Usage: python benchmarks/bench_sync.py [--platform instagram] [--media 1000] [--comments 100]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from _measure import load_average
from fake_platforms import FakePlatforms, World
from liens.store import Store
from liens.sync import SyncSettings, sync


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--platform", default="instagram", choices=["instagram", "facebook", "youtube"])
    parser.add_argument("--media", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=100, help="comments per media, replies included")
    args = parser.parse_args()
    world = World.generate(args.media, args.comments, hours_apart=6)
    total = sum(m.comment_count for m in world.media)
    print(f"load average before: {load_average()} (2 cores); {args.platform}: {len(world.media)} media, "
          f"{total} comments and replies; media every 6 h, look-back 30 days")
    print(f"{'run':12} {'seconds':>8} {'requests':>9} {'pages':>6} {'new interactions':>17} {'new posts':>10}")
    with FakePlatforms(world) as server, tempfile.TemporaryDirectory() as folder, \
            Store(Path(folder) / "bench.duckdb") as store:
        settings = SyncSettings(base_url=server.url, sleep=lambda s: None)

        def run(name: str, **options: object) -> int:
            started = time.perf_counter()
            report = sync(store, args.platform, server.token, settings=settings, **options)  # type: ignore[arg-type]
            seconds = time.perf_counter() - started
            print(f"{name:12} {seconds:8.1f} {report.requests:9d} {report.pages:6d} "
                  f"{report.rows_new.get('interactions', 0):17d} {report.rows_new.get('posts', 0):10d}")
            return report.requests

        run("first")
        world.add_media(5, 50)
        for index in range(5, 15):
            world.add_comments(index, 20)
        incremental = run("incremental")
        full = run("full", full=True)
        interactions = store.count("interactions")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"requests saved by the incremental sync: {full - incremental} of {full} ({1 - incremental / full:.1%}); "
          f"interactions in the store: {interactions}; peak memory (server included): {peak:.0f} MB")


if __name__ == "__main__":
    main()
