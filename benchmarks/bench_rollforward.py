"""Benchmark: roll forward throughput (MB of AI notes per second) against ``cat file > /dev/null`` of the same files.

A script, not a test. In a temporary directory it runs the offline OS-copy procedure of KB-P115048 with the
console scripts: a production database with after-imaging (``--files`` + 2 variable AI extents), ``rfutil
-C aimage new``, an OS copy of every file to a DR directory, then ``--commits`` one-record transactions
(single-user ``oeclient``) split over ``--files`` AI files, each closed with ``rfutil -C aimage new``. On the
DR copy: ``prostrct repair`` with full paths, ``rfutil -C sequence``, and every file rolled forward in order,
timed. The DR digest must equal production's. ``cat`` reads the same archived files (already in the page
cache, as they are for the roll forward), so the ratio is the cost of applying notes over reading them.

MB is 10**6 bytes of notes: each AI file's logical end (header ``eof``) less its header block.

Usage: .venv/bin/python benchmarks/bench_rollforward.py [--commits 5000] [--files 2] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
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


def production(prod: Path, dr: Path, env: dict[str, str], commits: int, files: int) -> list[Path]:
    """Build production, take the OS copy into ``dr``, write ``files`` AI files; their archived copies."""
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
    archived = []
    for index in range(files):
        share = commits // files + (1 if index < commits % files else 0)
        run(f"oeclient db commit --count {share}", prod, env)
        run("rfutil db -C aimage new", prod, env)
        seq = index + 2
        target = archive / f"db.{seq}.a{seq}"
        shutil.copy2(prod / f"db.a{seq}", target)
        archived.append(target)
    return archived


def restore(dr: Path, prod: Path, env: dict[str, str]) -> None:
    run("prostrct list db listed.st", dr, env)
    text = (dr / "listed.st").read_text(encoding="utf-8").replace(f"{prod}/", f"{dr}/")
    (dr / "db.st").write_text(text, encoding="utf-8")
    run("prostrct repair db db.st", dr, env)
    run("rfutil db -C sequence", dr, env)


def notes_bytes(path: Path) -> int:
    return aifile.read_header(path).eof - aifile.HEADER_SIZE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--files", type=int, default=2)
    parser.add_argument("--dir", default=None, help="where the temporary directory goes (default: $TMPDIR)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="oedr-bench-", dir=args.dir))
    prod, dr = root / "production", root / "dr"
    prod.mkdir()
    dr.mkdir()
    env = {**os.environ, "OEDR_HOST": "bench", "OEDR_RUNTIME_DIR": str(root / ".shm"), "OEDR_BANNER": "no"}
    env.pop("OEDR_FAULT", None)
    try:
        archived = production(prod, dr, env, args.commits, args.files)
        restore(dr, prod, env)
        total = sum(notes_bytes(path) for path in archived)
        size = sum(path.stat().st_size for path in archived)
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
    mb = total / 1e6
    print(
        f"AI files rolled forward:            {len(archived)} ({args.commits} transactions, {mb:.1f} MB of notes, "
        f"{size / 1e6:.1f} MB on disk)"
    )
    print(f"rfutil roll forward:                {rolled:7.2f} s  {mb / rolled:8.1f} MB/s")
    print(f"cat files > /dev/null:              {cat:7.3f} s  {size / 1e6 / cat:8.1f} MB/s")
    print(f"roll forward time / cat time:       {rolled / cat:7.0f}x")
    print("DR digest equals production's:      yes")


if __name__ == "__main__":
    main()
