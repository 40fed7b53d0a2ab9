"""Benchmark: roll forward throughput (MB of AI notes per second) against ``cat file > /dev/null`` of the same files.

A script, not a test. In a temporary directory it runs the offline OS-copy procedure of KB-P115048 with the
console scripts: a production database with after-imaging (``--files`` + 2 variable AI extents), ``rfutil
-C aimage new``, an OS copy of every file to a DR directory, then ``--commits`` one-record transactions
(single-user ``oeclient``) split over ``--files`` AI files, each closed with ``rfutil -C aimage new``. On the
DR copy: ``prostrct repair`` with full paths, ``rfutil -C sequence``, and every file rolled forward in order,
timed. The DR digest must equal production's. ``cat`` reads the same archived files (already in the page
cache, as they are for the roll forward), so the ratio is the cost of applying notes over reading them.

MB is 10**6 bytes of notes: each AI file's logical end (header ``eof``) less its header block.

``--mb 10 100 1000`` builds, for each size in turn, at least that many MB of notes (transactions of one
``--bytes`` record each, their count calibrated on the first AI file), split over one AI file per 50 MB (at
least 2) unless ``--files`` says otherwise, and prints one line per size: seconds, MB/s, and the ratio of
roll forward's throughput to ``cat``'s, so that linearity is visible. The times are whole processes (the
console script's start-up included, once per AI file), as a DBA's script sees them. Production is built
first at full speed; on a disk rather than a tmpfs (``--dir /dev/shm``) its fsyncs make large sizes slow.

Usage: .venv/bin/python benchmarks/bench_rollforward.py [--commits 5000 | --mb 10 100 1000] [--bytes 1000]
       [--files 2] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from oedr.harness.openedge.dbfiles import aifile

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else name


def run(command: str, cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    argv = command.split()
    argv[0] = tool(argv[0])
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"`{command}` in {cwd} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return elapsed, result.stdout


def production(
    prod: Path, dr: Path, env: dict[str, str], commits: int, files: int, target: int = 0, size: int = 100
) -> list[Path]:
    """Build production, take the OS copy into ``dr``, write ``files`` AI files; their archived copies.

    ``commits`` transactions in all, or with ``target`` enough for ``target`` bytes of notes (the count per
    file calibrated on the notes the files before it hold); each creates one record of ``size`` bytes."""
    st = 'b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\n' + "a .\n" * (files + 2)
    (prod / "db.st").write_text(st, encoding="utf-8")
    for command in (
        "prostrct create db db.st",
        "procopy empty db",
        "rfutil db -C mark backedup",
        "rfutil db -C aimage begin",
        "oeclient db commit --count 10",
        "proutil db -C truncate bi",
        "rfutil db -C aimage new",
    ):
        run(command, prod, env)
    for path in prod.iterdir():
        if path.is_file() and path.suffix != ".lg":
            shutil.copy2(path, dr / path.name)
    run("rfutil db -C mark backedup", prod, env)
    archive = dr / "arch"
    archive.mkdir()
    archived: list[Path] = []
    written, per_commit = 0, 2.0 * size  # a first guess; then the notes' bytes per transaction so far
    for index in range(files):
        if target:
            share = max(1, math.ceil((target - written) / (files - index) / per_commit))
        else:
            share = commits // files + (1 if index < commits % files else 0)
        run(f"oeclient db commit --count {share} --bytes {size}", prod, env)
        run("rfutil db -C aimage new", prod, env)
        seq = index + 2
        target_path = archive / f"db.{seq}.a{seq}"
        shutil.copy2(prod / f"db.a{seq}", target_path)
        archived.append(target_path)
        written += notes_bytes(target_path)
        per_commit = written / max(1, _transactions(archived))
    return archived


def _transactions(archived: list[Path]) -> int:
    return sum(aifile.read_header(path).notes for path in archived)


def restore(dr: Path, prod: Path, env: dict[str, str]) -> None:
    run("prostrct list db listed.st", dr, env)
    text = (dr / "listed.st").read_text(encoding="utf-8").replace(f"{prod}/", f"{dr}/")
    (dr / "db.st").write_text(text, encoding="utf-8")
    run("prostrct repair db db.st", dr, env)
    run("rfutil db -C sequence", dr, env)


def notes_bytes(path: Path) -> int:
    return aifile.read_header(path).eof - aifile.HEADER_SIZE


@dataclass(frozen=True)
class Figures:
    files: int
    transactions: int
    mb: float  # of notes
    disk_mb: float
    rolled: float  # seconds, every file's rfutil process
    cat: float  # seconds, one cat of every file


def measure(commits: int, files: int, target: int, size: int, directory: str | None) -> Figures:
    """One production, OS copy and AI chain; the DR copy rolled forward and checked against production."""
    root = Path(tempfile.mkdtemp(prefix="oedr-bench-", dir=directory))
    prod, dr = root / "production", root / "dr"
    prod.mkdir()
    dr.mkdir()
    env = {**os.environ, "OEDR_HOST": "bench", "OEDR_RUNTIME_DIR": str(root / ".shm"), "OEDR_BANNER": "no"}
    env.pop("OEDR_FAULT", None)
    try:
        archived = production(prod, dr, env, commits, files, target, size)
        restore(dr, prod, env)
        total = sum(notes_bytes(path) for path in archived)
        disk = sum(path.stat().st_size for path in archived)
        transactions = _transactions(archived)
        cat_started = time.perf_counter()
        with open(os.devnull, "wb") as devnull:
            subprocess.run(["cat", *map(str, archived)], stdout=devnull, check=True)
        cat = time.perf_counter() - cat_started
        rolled = sum(run(f"rfutil db -C roll forward -a arch/{path.name}", dr, env)[0] for path in archived)
        same = run("oeclient db digest", dr, env)[1] == run("oeclient db digest", prod, env)[1]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if not same:
        raise SystemExit("the DR digest differs from production's: the roll forward is wrong")
    return Figures(len(archived), transactions, total / 1e6, disk / 1e6, rolled, cat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--mb", type=int, nargs="+", default=None, help="sizes in MB of notes, e.g. 10 100 1000")
    parser.add_argument("--bytes", type=int, default=None, help="record size (default 100; 1000 with --mb)")
    parser.add_argument("--files", type=int, default=None, help="AI files (default 2; with --mb one per 50 MB)")
    parser.add_argument("--dir", default=None, help="where the temporary directory goes (default: $TMPDIR)")
    args = parser.parse_args()
    if args.mb is None:
        size = args.bytes or 100
        got = measure(args.commits, args.files or 2, 0, size, args.dir)
        print(
            f"AI files rolled forward:            {got.files} ({got.transactions} transactions, {got.mb:.1f} MB of "
            f"notes, {got.disk_mb:.1f} MB on disk)"
        )
        print(f"rfutil roll forward:                {got.rolled:7.2f} s  {got.mb / got.rolled:8.1f} MB/s")
        print(f"cat files > /dev/null:              {got.cat:7.3f} s  {got.disk_mb / got.cat:8.1f} MB/s")
        print(f"roll forward time / cat time:       {got.rolled / got.cat:7.0f}x")
        print("DR digest equals production's:      yes")
        return
    size = args.bytes or 1000
    print(f"{'MB':>6} {'files':>5} {'trans':>8} {'seconds':>8} {'MB/s':>8} {'cat MB/s':>9} {'vs cat':>7}  digest")
    for mb in args.mb:
        files = args.files or max(2, math.ceil(mb / 50))
        got = measure(0, files, mb * 10**6, size, args.dir)
        speed, cat_speed = got.mb / got.rolled, got.disk_mb / got.cat
        print(
            f"{got.mb:6.1f} {got.files:5d} {got.transactions:8d} {got.rolled:8.2f} {speed:8.1f} {cat_speed:9.1f} "
            f"{speed / cat_speed:6.3f}x  same",
            flush=True,
        )


if __name__ == "__main__":
    main()
