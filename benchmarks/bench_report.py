"""Report and dashboard speed on a large store.

Targets (2 cores): the report of a 1M-interaction store builds in <= 30 s; dashboard pages answer
in <= 300 ms (50th and 95th percentiles printed, per page).

    python benchmarks/bench_report.py                      # generate, load, analyse 1M interactions, then measure
    python benchmarks/bench_report.py --store S.duckdb     # measure an analysed store

The generated world and its store are kept in benchmarks/out/ (git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import resource
import socket
import statistics
import threading
import time
from pathlib import Path

import httpx

OUT = Path(__file__).resolve().parent / "out"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(interactions: int, accounts: int, seed: int) -> Path:
    from liens import api
    from liens.store import Store

    OUT.mkdir(parents=True, exist_ok=True)
    store_path = OUT / f"report-{interactions}.duckdb"
    if store_path.exists():
        with Store(store_path, read_only=True) as store:
            if store.has_table("result_interactions"):
                return store_path
        store_path.unlink()
    world = OUT / f"report-world-{interactions}"
    if not (world / "interactions.csv").exists() and not (world / "interactions.parquet").exists():
        started = time.perf_counter()
        api.generate(world, accounts=accounts, seed=seed, interactions=interactions, file_format="parquet")
        print(f"generate: {time.perf_counter() - started:.1f} s")
    with Store(store_path) as store:
        started = time.perf_counter()
        api.load(world, store)
        print(f"load: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        api.analyze(store)
        print(f"analyze: {time.perf_counter() - started:.1f} s")
    return store_path


def bench_report(store_path: Path) -> None:
    from liens.presentation.report import build_report
    from liens.presentation.report.charts import vega_bundle
    from liens.store import Store

    with Store(store_path, read_only=True) as store:
        n = store.count("result_interactions")
        for lang in ("en", "fr"):
            started = time.perf_counter()
            out = build_report(store, OUT / f"report-{lang}.html", lang)
            seconds = time.perf_counter() - started
            status = "ok" if seconds <= 30 else "OVER TARGET"
            print(f"report ({lang}, {n:,} interactions): {seconds:.1f} s [{status}], "
                  f"{out.stat().st_size / 1e6:.1f} MB of which {len(vega_bundle()) / 1e6:.1f} MB is the chart library")


def bench_dashboard(store_path: Path, rounds: int) -> None:
    import duckdb
    import uvicorn

    from liens.presentation.web import create_app

    con = duckdb.connect(str(store_path), read_only=True)
    pod = con.execute("SELECT pod_id FROM result_pods LIMIT 1").fetchone() if _has(con, "result_pods") else None
    account = con.execute(
        "SELECT actor_id FROM result_interactions GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()
    month = con.execute("SELECT CAST(max(created_at) AS DATE) - 30, CAST(max(created_at) AS DATE) FROM result_interactions").fetchone()
    con.close()
    pages = ["/", *(f"/sections/{k}" for k in ("vanity", "authenticity", "community", "conversation",
                                                  "responsiveness", "business", "actions", "figures")),
             f"/sections/conversation?start={month[0]}&end={month[1]}",
             "/tables", "/tables/interactions?sort=-created_at&page=3", "/tables/unanswered", "/tables/leads?sort=-created_at",
             "/api/summary", "/api/tables", "/api/tables/interactions?limit=100&offset=1000&sort=-created_at"]
    if pod:
        pages.append(f"/pods/{pod[0]}")
    if account:
        pages.append(f"/accounts/{account[0]}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store_path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    all_times: list[float] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        client.get("/static/vega.js")  # warm the bundle cache once
        print(f"{'page':<70} {'p50 ms':>8} {'p95 ms':>8}")
        for page in pages:
            client.get(page)  # warm-up (first query plans, template compilation)
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                response = client.get(page)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            all_times += times
            p50, p95 = statistics.median(times), _p95(times)
            flag = "" if p95 <= 300 else "  OVER TARGET"
            print(f"{page[:70]:<70} {p50:8.0f} {p95:8.0f}{flag}")
    print(f"{'all pages':<70} {statistics.median(all_times):8.0f} {_p95(all_times):8.0f}")
    server.should_exit = True
    thread.join(timeout=10)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _has(con, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="an analysed store (default: generate one)")
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20, help="requests per page")
    args = parser.parse_args()
    store_path = args.store or prepare(args.interactions, args.accounts, args.seed)
    bench_report(store_path)
    bench_dashboard(store_path, args.rounds)
    print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
