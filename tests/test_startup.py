"""The command starts without loading the analyses: `liens run` with nothing new, `--help` and the
like must not pay for scipy, scikit-learn, igraph and Ibis (benchmarks/bench_alerts.py times it)."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_loads_no_analysis_until_one_is_needed() -> None:
    code = ("import sys, liens.presentation.cli, liens.api as api\n"
            "heavy = sorted(m for m in sys.modules if m.startswith(('liens.analyses', 'scipy', 'sklearn', 'igraph', 'ibis')))\n"
            "print(','.join(heavy))\n"
            "api.MEMBER_LEVELS\n"
            "print('liens.analyses.community' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "", f"loaded at start-up: {out[0]}"
    assert out[1] == "True"  # a re-exported name still loads its module on first use
