"""Benchmark: the feature suite (local backend) serial against ``-n 2``, and ``-n 4`` projected (a script, not a test).

It runs ``pytest features`` once serially and once with ``-n N`` for each ``--workers`` N, reading every
scenario's time from pytest's JUnit XML. The busy time is the sum of the scenarios' times (what workers
spend in scenarios); the rest of a run's wall time is its fixed cost (interpreter start-up, collection,
the workers' own start-up). A run with N workers is projected as ``fixed(N) + max(busy / N, longest
scenario)``, with fixed(N) the measured fixed cost of the last parallel run, once with the serial busy time
(four free cores) and once with the last parallel run's (cores as contended as they were for it).

Evidence recording is off (OEDR_EVIDENCE=0), as in bench_docker. The machine's load changes every figure:
quote them with the load average printed at the end.

Usage: .venv/bin/python benchmarks/bench_scaling.py [--workers 2] [--project 4] [-k EXPR] [--dist load]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(extra: list[str], junit: Path) -> tuple[float, list[float], str]:
    """(wall seconds, each scenario's seconds, the summary line) of one run of the feature suite."""
    argv = [sys.executable, "-m", "pytest", "features", "-q", f"--junitxml={junit}", *extra]
    env = {**os.environ, "OEDR_EVIDENCE": "0"}
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    lines = (done.stdout + done.stderr).strip().splitlines()
    times = [float(case.get("time", "0")) for case in ET.parse(junit).getroot().iter("testcase")]
    return wall, times, lines[-1] if lines else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--project", type=int, nargs="+", default=[4], help="worker counts to project")
    parser.add_argument("--dist", default="load", help="pytest-xdist --dist mode for the parallel runs")
    parser.add_argument("-k", default="", help="pytest -k expression to select scenarios")
    args = parser.parse_args()
    select = ["-k", args.k] if args.k else []
    print(f"{'run':<22} {'wall s':>7} {'busy s':>7} {'fixed s':>8} {'vs serial':>9}  pytest")
    with tempfile.TemporaryDirectory(prefix="oedr-bench-") as tmp:
        wall, times, last = run([*select, "-p", "no:xdist"], Path(tmp) / "serial.xml")
        serial, busy, longest = wall, sum(times), max(times, default=0.0)
        print(f"{'serial':<22} {wall:7.1f} {busy:7.1f} {wall - busy:8.1f} {1.0:8.2f}x  {last} ({len(times)} scenarios)")
        fixed, contended = wall - busy, busy
        for workers in args.workers:
            wall, times, last = run([*select, "-n", str(workers), "--dist", args.dist], Path(tmp) / f"n{workers}.xml")
            fixed, contended = wall - sum(times) / workers, sum(times)
            print(
                f"{f'-n {workers} --dist {args.dist}':<22} {wall:7.1f} {sum(times):7.1f} {fixed:8.1f} "
                f"{wall / serial:8.2f}x  {last}"
            )
    for workers in args.project:  # on free cores (the serial busy time), and as contended as the last run
        for label, work in (("free cores", busy), ("as contended", contended)):
            projected = fixed + max(work / workers, longest)
            print(
                f"{f'-n {workers} ({label})':<22} {projected:7.1f} {work:7.1f} {fixed:8.1f} {projected / serial:8.2f}x"
            )
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
