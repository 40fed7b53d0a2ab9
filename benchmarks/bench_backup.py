"""Benchmark: probkup and prorest against ``cp`` of the same database files (a script, not a test).

Builds a database of at least ``--gb`` GiB (default 1) in a temporary directory: ``prodb`` with one data and
one BI extent, then data blocks written directly, each holding one ``--bytes`` record encoded exactly as
``transactions.commit`` stores it (valid block checksums and backup counters; the master block's high-water
mark, record count and next transaction id set to match), so ``oeclient digest`` reads it like any other.
Then it times, through the console scripts a DBA would use:

* ``probkup db full.bck`` (offline full; fsyncs the volume) and ``probkup db com.bck -com``;
* ``prorest -vp`` (read and check every block), and ``prorest`` into a database that does not exist yet
  (checks every block, then writes and fsyncs every extent);
* ``cp`` of the database files, and ``cp`` followed by an fsync of the copies (what probkup and prorest pay).

and prints MB/s (database bytes / seconds) and each tool's time relative to ``cp`` and ``cp + fsync``. The
files were just written, so every run reads from the page cache. The temporary directory is always removed.

Usage: .venv/bin/python benchmarks/bench_backup.py [--gb 1.0] [--bytes 3000] [--dir /tmp] [--verify]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from oedr.harness.openedge.clock import now_us
from oedr.harness.openedge.dbfiles import extents
from oedr.harness.openedge.engine.database import Database, OpenOptions, encode_record, record_payload
from oedr.harness.openedge.engine.dbname import DbName

BIN = Path(sys.executable).parent
TABLE = "Bench"
CHUNK_BLOCKS = 256


def tool(name: str) -> str:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else name


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def build(root: Path, env: dict[str, str], gib: float, size: int) -> int:
    """The database ``root/bench``; the number of data blocks written."""
    run([tool("prodb"), "bench", "empty"], root, env)
    db = Database.open(DbName.parse(str(root / "bench")), OpenOptions("bench"))
    master = db.ctl.master
    block_size = master.block_size
    blocks = -(-int(gib * 1024**3) // block_size)
    area = db.record_area()
    path = db.ctl.area(area).extents[0].path
    fd = os.open(path, os.O_WRONLY)
    try:
        for first in range(1, blocks + 1, CHUNK_BLOCKS):
            chunk = []
            for number in range(first, min(first + CHUNK_BLOCKS, blocks + 1)):
                record = encode_record(TABLE, number, 0, record_payload(TABLE, number, 0, size))
                chunk.append(
                    extents.Block(number, area, lsn=number, bkctr=master.backup.buseq, records={0: record}).encode(
                        block_size
                    )
                )
            os.pwrite(fd, b"".join(chunk), first * block_size)
        os.fsync(fd)
    finally:
        os.close(fd)
    master.hiwater[str(area)] = blocks
    master.records, master.next_trid, master.next_lsn = blocks, blocks + 1, blocks + 1
    db.mark_changed(now_us())
    db.close()
    return blocks


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def copy_files(files: list[Path], target: Path, sync: bool) -> None:
    target.mkdir(exist_ok=True)
    subprocess.run(["cp", *map(str, files), str(target)], check=True)
    if sync:
        for name in files:
            fd = os.open(target / name.name, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)


def measure(root: Path, env: dict[str, str], files: list[Path]) -> dict[str, float]:
    (root / "rest").mkdir()
    return {
        "cp": timed(lambda: copy_files(files, root / "cp1", sync=False)),
        "cp + fsync": timed(lambda: copy_files(files, root / "cp2", sync=True)),
        "probkup": timed(lambda: run([tool("probkup"), "bench", "full.bck"], root, env)),
        "probkup -com": timed(lambda: run([tool("probkup"), "bench", "com.bck", "-com"], root, env)),
        "prorest -vp": timed(lambda: run([tool("prorest"), "rest/bench", "full.bck", "-vp"], root, env)),
        "prorest": timed(lambda: run([tool("prorest"), "rest/bench", "full.bck"], root, env)),
    }


def report(times: dict[str, float], megabytes: float, blocks: int) -> None:
    print(f"database: {megabytes:,.0f} MB in {blocks:,} data blocks")
    print(f"{'operation':<14} {'seconds':>8} {'MB/s':>8} {'x cp':>6} {'x cp+fsync':>11}")
    for name, seconds in times.items():
        print(
            f"{name:<14} {seconds:8.2f} {megabytes / seconds:8.0f} {seconds / times['cp']:6.1f} "
            f"{seconds / times['cp + fsync']:11.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gb", type=float, default=1.0, help="database size in GiB (default 1)")
    parser.add_argument("--bytes", type=int, default=3000, help="record size (default 3000: one per 4 KB block)")
    parser.add_argument("--dir", default=None, help="where the temporary directory goes")
    parser.add_argument("--verify", action="store_true", help="also compare restored and original digests")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="oedr-bench-", dir=args.dir))
    env = {**os.environ, "OEDR_BANNER": "no", "OEDR_RUNTIME_DIR": str(root / "runtime")}
    env.pop("OEDR_OFFLINE_PROBKUP_SWITCH", None)
    try:
        started = time.perf_counter()
        os.chdir(root)
        blocks = build(root, env, args.gb, args.bytes)
        built = time.perf_counter() - started
        files = sorted(p for p in root.glob("bench.*") if p.suffix in (".db", ".d1", ".b1"))
        megabytes = sum(p.stat().st_size for p in files) / 1e6
        print(f"built in {built:.1f} s")
        report(measure(root, env, files), megabytes, blocks)
        print(
            f"backup volume: {(root / 'full.bck').stat().st_size / 1e6:,.0f} MB, "
            f"with -com: {(root / 'com.bck').stat().st_size / 1e6:,.0f} MB"
        )
        if args.verify:
            digests = [
                subprocess.run(
                    [tool("oeclient"), db, "digest"], cwd=root, env=env, capture_output=True, text=True, check=True
                ).stdout.strip()
                for db in ("bench", "rest/bench")
            ]
            print(f"digests equal: {digests[0] == digests[1]} ({digests[0]})")
    finally:
        os.chdir("/")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
