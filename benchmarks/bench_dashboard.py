"""Dashboard under load: 8 concurrent clients for a fixed time, requests/s and p50/p95 latency.

Target (issue 20): >= 300 requests/s and p95 <= 100 ms with 8 concurrent clients over a
1M-interaction store. The server and the clients only talk to 127.0.0.1; the run stops by itself
after --seconds.

    python benchmarks/bench_dashboard.py                          # a small analysed world (quick)
    python benchmarks/bench_dashboard.py --interactions 1000000   # the target's size (uses bench_report's store)
    python benchmarks/bench_dashboard.py --store S.duckdb         # an analysed store
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_report import OUT, peak_mb, prepare

# The mix a person browsing makes, by weight: pages, tables, the API and static files.
MIX = [
    ("/static/liens.css", 3), ("/api/summary", 3), ("/", 1), ("/sections/vanity", 1), ("/sections/conversation", 1),
    ("/tables/interactions?sort=-created_at&page={page}", 2), ("/tables/accounts?page={page}", 1),
    ("/api/tables/interactions?limit=50&offset={offset}", 2), ("/api/tables", 1), ("/tables/unanswered", 1),
]


def small_store(accounts: int) -> Path:
    from liens import api
    from liens.store import Store

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"dashboard-{accounts}.duckdb"
    if path.exists():
        return path
    world = OUT / f"dashboard-world-{accounts}"
    if not (world / "interactions.csv").exists():
        api.generate(world, accounts=accounts, seed=5)
    with Store(path) as store:
        api.load(world, store)
        api.analyze(store)
    return path


def run(store_path: Path, clients: int, seconds: float) -> None:
    import uvicorn

    from liens.presentation.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store_path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    urls = [u for u, w in MIX for _ in range(w)]
    times: list[float] = []
    per_url: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.perf_counter() < stop:
                template = rng.choice(urls)
                url = template.format(page=rng.randint(1, 20), offset=rng.randint(0, 5000))
                started = time.perf_counter()
                try:
                    status = http.get(url).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                took = (time.perf_counter() - started) * 1000
                with lock:
                    times.append(took)
                    per_url.setdefault(template.split("?")[0], []).append(took)
                    if status != 200:
                        errors[f"{template.split('?')[0]} {status}"] = errors.get(f"{template.split('?')[0]} {status}", 0) + 1

    with httpx.Client(base_url=base, timeout=60) as warm:  # first query plans and templates
        for url, _ in MIX:
            warm.get(url.format(page=1, offset=0))
    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    server.should_exit = True
    thread.join(timeout=10)
    n = len(times)
    p95 = statistics.quantiles(times, n=20)[-1] if n > 1 else float("nan")
    print(f"{clients} clients, {elapsed:.1f} s: {n} requests, {n / elapsed:.1f} requests/s, "
          f"p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, errors {sum(errors.values())} {errors or ''}")
    print(f"target >= 300 requests/s and p95 <= 100 ms: {'met' if n / elapsed >= 300 and p95 <= 100 else 'NOT MET'}")
    print(f"{'path':<32} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for path, values in sorted(per_url.items()):
        q95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
        print(f"{path:<32} {len(values):6d} {statistics.median(values):8.0f} {q95:8.0f}")
    print(f"peak memory: {peak_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--interactions", type=int, default=0, help="build bench_report's store of this size")
    parser.add_argument("--accounts", type=int, default=2000, help="size of the small world (without --interactions)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    if args.store:
        path = args.store
    elif args.interactions:
        path = prepare(args.interactions, max(20000, args.interactions // 40), 3)
    else:
        path = small_store(args.accounts)
    from liens.store import Store

    with Store(path, read_only=True) as store:
        print(f"store {path}: {store.count('interactions'):,} interactions")
    run(path, args.clients, args.seconds)


if __name__ == "__main__":
    main()
