"""Shared by the benchmarks: run a step in a fresh process and report wall time and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).parent / "out"

_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
exec(compile(sys.argv[1], "<bench>", "exec"), globals())
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, **globals().get("figures", {})}))
"""


def measure(code: str) -> dict:
    """Run `code` in a new Python process; it may fill a dict `figures` to report.

    CPU seconds are reported beside wall time: on a shared machine they show what the work costs.
    """
    done = subprocess.run([sys.executable, "-c", _CHILD, code], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_average() -> str:
    return open("/proc/loadavg").read().split()[0]


def world(interactions: int, file_format: str, seed: int = 1) -> Path:
    """A generated world of about `interactions` rows, made once and kept in benchmarks/out/."""
    folder = OUT / f"world-{interactions}-{file_format}-s{seed}"
    if not (folder / "truth" / "summary.json").exists():
        accounts = max(1000, interactions // 10)
        code = (
            "from pathlib import Path\nfrom liens.generate import generate_world\n"
            f"generate_world(Path({str(folder)!r}), accounts={accounts}, seed={seed}, "
            f"interactions={interactions}, file_format={file_format!r})\n"
        )
        figures = measure(code)
        print(f"  generated {folder.name} in {figures['seconds']:.1f} s, peak {figures['peak_mb']:.0f} MB", flush=True)
    return folder
