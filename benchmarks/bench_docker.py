"""Benchmark: the feature suite on the docker backend against the local one (a script, not a test).

In one run it
1. runs every scenario under ``features/`` on ``--oe-backend local`` and then on ``--oe-backend docker``,
   one worker each, and reads each scenario's time from pytest's JUnit XML;
2. prints, per scenario, the local time, the docker time and the docker overhead (seconds and ratio),
   for the scenarios that ran on both (``@docker_only`` ones are listed with their docker time alone);
3. runs the docker suite again with ``-n 2`` (pytest-xdist) and prints its wall time.

Before the suites it profiles the docker backend per phase (``--phases-only`` stops there): the image
resolution and the backend's set-up, a host container's start (until it answers), a bare ``docker exec``
(``true``), the Python start-up inside a container (``python3 -c pass``), one emulator command (a refused
``proutil``: start-up and import, no database work) on both backends, a copy of a 1 MB and a 10 MB file
between two hosts, and the removal of the containers; each exec figure is the median of ``--repeat`` runs.
With two hosts a scenario, the start-up lines say what a container per host per scenario costs; the exec and
Python lines, what each command costs beyond the local backend's in-process run.

The emulator image is built (or found) before the timings, so no build is counted. Evidence recording is
off (OEDR_EVIDENCE=0) so that only the backends are compared. The docker runs need a reachable engine.

Usage: .venv/bin/python benchmarks/bench_docker.py [-k EXPR] [--workers 2] [--skip-parallel] [--phases-only]
       [--repeat 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pytest_run(backend: str, extra: list[str], junit: Path | None) -> tuple[float, int, str]:
    """Run the feature suite on a backend; (wall seconds, exit status, last output line)."""
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "features",
        "--oe-backend",
        backend,
        "-q",
        "-p",
        "oedr.harness.backends.selection",
        *extra,
    ]
    if junit is not None:
        argv.append(f"--junitxml={junit}")
    env = {**os.environ, "OEDR_EVIDENCE": "0", "TESTCONTAINERS_RYUK_DISABLED": "true"}
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return time.monotonic() - started, done.returncode, lines[-1] if lines else ""


def scenario_times(junit: Path) -> dict[str, float | None]:
    """Seconds per scenario from JUnit XML; None for a skipped one."""
    times: dict[str, float | None] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("name", "").removeprefix("test_")
        times[name] = None if case.find("skipped") is not None else float(case.get("time", "0"))
    return times


def prepare_image() -> str:
    """Build (or find) the emulator image first, so no timing includes a build."""
    import docker
    from oedr.harness.backends import images

    return images.emulator_image(docker.from_env(timeout=900))


def report(local: dict[str, float | None], dock: dict[str, float | None]) -> None:
    width = min(max((len(name) for name in dock), default=20), 70)
    print(f"{'scenario':<{width}}  {'local s':>8}  {'docker s':>8}  {'overhead s':>10}  {'ratio':>6}")
    both = []
    for name in sorted(dock):
        here, there = local.get(name), dock[name]
        label = name if len(name) <= width else name[: width - 1] + "…"
        if there is None:
            continue
        if here is None:
            print(f"{label:<{width}}  {'-':>8}  {there:8.2f}  {'(docker only)':>10}")
            continue
        both.append((here, there))
        print(f"{label:<{width}}  {here:8.2f}  {there:8.2f}  {there - here:10.2f}  {there / max(here, 0.001):5.1f}x")
    if both:
        total_local, total_docker = sum(h for h, _ in both), sum(t for _, t in both)
        print(
            f"{'total (scenarios on both)':<{width}}  {total_local:8.2f}  {total_docker:8.2f}  "
            f"{total_docker - total_local:10.2f}  {total_docker / max(total_local, 0.001):5.1f}x"
        )
        print(
            f"mean overhead per scenario: {(total_docker - total_local) / len(both):.2f} s over {len(both)} scenarios"
        )


def _median(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2]


def _timed(action: Callable[[], object], repeat: int = 1) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return _median(samples)


def phases(repeat: int) -> list[tuple[str, float]]:
    """Seconds per phase of the docker backend, with the local backend's figure for the same command."""
    from oedr.harness.backends.docker_backend import DockerBackend
    from oedr.harness.backends.local import LocalBackend

    found: list[tuple[str, float]] = []
    started = time.perf_counter()
    backend = DockerBackend()
    found.append(("backend set-up (session, image resolution, reaper)", time.perf_counter() - started))
    try:
        started = time.perf_counter()
        first, second = backend.create_host("phase-a"), backend.create_host("phase-b")
        _ = first.box, second.box  # both start in parallel, as a scenario's hosts do
        found.append(("2 host containers started (in parallel), until they answer", time.perf_counter() - started))
        found.append(("docker exec `true`", _timed(lambda: first.run("true"), repeat)))
        found.append(
            ("docker exec `python3 -c pass` (Python start-up)", _timed(lambda: first.run("python3 -c pass"), repeat))
        )
        found.append(
            (
                "docker exec of an emulator command (proutil, refused)",
                _timed(lambda: first.run("proutil ghost -C busy"), repeat),
            )
        )
        for mb in (1, 10):
            first.write_file(f"copy{mb}.bin", os.urandom(mb * 10**6))
            found.append(
                (
                    f"copy of a {mb} MB file between hosts (tar out, tar in)",
                    _timed(lambda mb=mb: first.copy_files([f"copy{mb}.bin"], second), 3),
                )
            )
    finally:
        started = time.perf_counter()
        backend.close()
        found.append(("2 host containers removed", time.perf_counter() - started))
    local = LocalBackend()
    try:
        host = local.create_host("phase")
        found.append(
            ("local: the same emulator command, in-process", _timed(lambda: host.run("proutil ghost -C busy"), repeat))
        )
        host.write_file("copy10.bin", os.urandom(10**7))
        target = local.create_host("phase-b")
        found.append(
            ("local: copy of a 10 MB file between hosts", _timed(lambda: host.copy_files(["copy10.bin"], target), 3))
        )
    finally:
        local.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="pytest -k expression to select scenarios")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers for the parallel run")
    parser.add_argument("--skip-parallel", action="store_true", help="do not time the -n run")
    parser.add_argument("--phases-only", action="store_true", help="print the per-phase profile alone")
    parser.add_argument("--repeat", type=int, default=10, help="runs per exec figure of the profile (median)")
    args = parser.parse_args()
    select = ["-k", args.k] if args.k else []
    print(f"emulator image: {prepare_image()}")
    os.environ["TESTCONTAINERS_RYUK_DISABLED"] = "true"
    print(f"{'docker backend, per phase':<64} {'seconds':>8}")
    for label, seconds in phases(args.repeat):
        print(f"{label:<64} {seconds:8.3f}")
    if args.phases_only:
        return 0
    print()
    with tempfile.TemporaryDirectory(prefix="oedr-bench-") as tmp:
        runs = {}
        for backend in ("local", "docker"):
            junit = Path(tmp) / f"{backend}.xml"
            wall, status, last = pytest_run(backend, [*select, "-p", "no:xdist"], junit)
            print(f"{backend:>6}: {wall:7.1f} s wall, one worker ({last}; exit {status})")
            runs[backend] = scenario_times(junit)
        print()
        report(runs["local"], runs["docker"])
    if not args.skip_parallel:
        wall, status, last = pytest_run("docker", [*select, "-n", str(args.workers)], None)
        print(f"\ndocker suite with -n {args.workers}: {wall:.1f} s wall ({last}; exit {status})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
