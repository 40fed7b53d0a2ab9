"""Benchmark: commits per second (single-user and through the broker) and ``oeclient digest`` time per 100k records.

A script, not a test. In a temporary directory it creates a database the way a site does (``prostrct create``
from a .st with a data area and two variable AI extents, ``procopy empty``, ``rfutil -C mark backedup``,
``rfutil -C aimage begin``), so every commit writes the BI (fsync), the data block, the AI note (fsync)
and the master block, then times through the console scripts a DBA would use:

* ``oeclient db commit --count N`` single-user (``_progres -1`` style: one process, N transactions);
* the same through a broker (``proserve``), one client;
* ``--clients`` concurrent ``oeclient db load --seconds S`` against the broker (the transactions are
  serialised in the broker; the figure is their sum);
* ``oeclient db digest`` single-user over a database of ``--records`` records (built by writing blocks
  directly, encoded exactly as ``transactions.commit`` stores them), reported per 100,000 records.

Each figure includes the client's process start (about 0.1 s), so it is what a script sees. The temporary
directory is always removed and the broker always stopped.

Usage: .venv/bin/python benchmarks/bench_commits.py [--commits 2000] [--clients 4] [--seconds 3]
                                                     [--records 100000] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from oedr.harness.openedge.clock import now_us
from oedr.harness.openedge.dbfiles import extents
from oedr.harness.openedge.engine.database import Database, OpenOptions, encode_record, record_payload
from oedr.harness.openedge.engine.dbname import DbName

BIN = Path(sys.executable).parent
STRUCTURE = 'b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\na .\na .\n'
TABLE = "Customer"


def tool(name: str) -> str:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else name


def run(command: str, cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Run a command line; (seconds, stdout). Any failure stops the benchmark with the output."""
    argv = command.split()
    argv[0] = tool(argv[0])
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"`{command}` failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return elapsed, result.stdout


def create(root: Path, env: dict[str, str], name: str) -> None:
    (root / f"{name}.st").write_text(STRUCTURE, encoding="utf-8")
    for command in (
        f"prostrct create {name} {name}.st",
        f"procopy empty {name}",
        f"rfutil {name} -C mark backedup",
        f"rfutil {name} -C aimage begin",
    ):
        run(command, root, env)


def committed(stdout: str) -> int:
    return len(re.findall(r"^committed trid=", stdout, re.M))


def bench_single_user(root: Path, env: dict[str, str], count: int) -> float:
    create(root, env, "single")
    seconds, out = run(f"oeclient single commit --count {count}", root, env)
    assert committed(out) == count
    return count / seconds


def bench_broker(root: Path, env: dict[str, str], count: int, clients: int, duration: int) -> tuple[float, float]:
    create(root, env, "served")
    run("proserve served", root, env)
    try:
        seconds, out = run(f"oeclient served commit --count {count}", root, env)
        assert committed(out) == count
        one = count / seconds
        argv = [tool("oeclient"), "served", "load", "--seconds", str(duration)]
        started = time.perf_counter()
        procs = [subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.PIPE, text=True) for _ in range(clients)]
        outputs = [proc.communicate()[0] for proc in procs]
        elapsed = time.perf_counter() - started
        if any(proc.returncode for proc in procs):
            raise SystemExit("a load client failed:\n" + "\n".join(outputs))
        many = sum(committed(out) for out in outputs) / elapsed
    finally:
        subprocess.run([tool("proshut"), "served", "-by"], cwd=root, env=env, capture_output=True, check=False)
    return one, many


def build_records(root: Path, env: dict[str, str], records: int) -> None:
    """A database of ``records`` one-record transactions, blocks written directly (as commit places them)."""
    run("prodb digest empty", root, env)
    db = Database.open(DbName.parse(str(root / "digest")), OpenOptions("bench"))
    master = db.ctl.master
    area = db.record_area()
    rpb = db.ctl.area(area).rpb
    fd = os.open(db.ctl.area(area).extents[0].path, os.O_WRONLY)
    try:
        block, chunk, number = extents.Block(1, area, lsn=1), [], 1
        for trid in range(1, records + 1):
            record = encode_record(TABLE, trid, 0, record_payload(TABLE, trid, 0, 100))
            if len(block.records) >= rpb or block.used() + extents.SLOT.size + len(record) > master.block_size:
                chunk.append(block.encode(master.block_size))
                number += 1
                block = extents.Block(number, area, lsn=number)
            block.records[len(block.records)] = record
        chunk.append(block.encode(master.block_size))
        os.pwrite(fd, b"".join(chunk), master.block_size)
        os.fsync(fd)
    finally:
        os.close(fd)
    master.hiwater[str(area)] = number
    master.records, master.next_trid, master.next_lsn = records, records + 1, number + 1
    db.mark_changed(now_us())
    db.close()


def bench_digest(root: Path, env: dict[str, str], records: int) -> float:
    build_records(root, env, records)
    run("oeclient digest digest --upto 1", root, env)  # warm the page cache and the interpreter's files
    seconds, out = run("oeclient digest digest", root, env)
    assert f"records={records} " in out, out
    return seconds * 100_000 / records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--dir", default=None, help="where the temporary directory goes (default: $TMPDIR)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="oedr-bench-", dir=args.dir))
    env = {**os.environ, "OEDR_HOST": "bench", "OEDR_RUNTIME_DIR": str(root / ".shm"), "OEDR_BANNER": "no"}
    env.pop("OEDR_FAULT", None)
    try:
        single = bench_single_user(root, env, args.commits)
        one, many = bench_broker(root, env, args.commits, args.clients, args.seconds)
        digest = bench_digest(root, env, args.records)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = [
        (f"single-user commits/s ({args.commits} in one oeclient)", f"{single:.0f}"),
        (f"broker commits/s, 1 client ({args.commits} in one oeclient)", f"{one:.0f}"),
        (f"broker commits/s, {args.clients} clients for {args.seconds}s (sum)", f"{many:.0f}"),
        (f"oeclient digest, seconds per 100k records ({args.records} records)", f"{digest:.2f}"),
    ]
    width = max(len(label) for label, _value in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>8}")


if __name__ == "__main__":
    main()
