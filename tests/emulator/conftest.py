"""Fixtures for the emulator tests: hosts on the local backend, and the DBA actions the tests share.

Every command runs the way a DBA runs it: the console script in a subprocess on a host of
``oedr.harness.backends.local`` (its own directory and host name, so .lk files copied between hosts behave
as between machines). ``backend`` is closed in a finaliser: brokers are killed and the directories go.
Helpers are reached through the ``oe`` fixture (pytest does not let test modules import a conftest).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from oedr.harness.backends.base import Background
from oedr.harness.backends.local import LocalBackend, LocalHost
from oedr.harness.dba import readings
from oedr.harness.openedge.dbfiles import lockfile
from oedr.harness.openedge.hostinfo import pid_alive
from oedr.harness.openedge.waiting import poll_until
from oedr.harness.result import CommandResult

DEFAULT_ST = """\
b .
d "Schema Area":6,32;1 .
d "Data":7,32;1 .
a .
a .
a .
a .
"""
"""One BI, the Schema Area, one application area and four variable AI extents, all in the host's directory."""


class Oe:
    """The actions and checks the emulator tests share; every one runs real commands on a host."""

    ST = DEFAULT_ST

    @staticmethod
    def numbers(result: CommandResult) -> list[int]:
        """OpenEdge message numbers printed, in order (oeclient's ``(microseconds)`` stamps are not messages)."""
        return readings.message_numbers(result.output)

    @staticmethod
    def ok(host: LocalHost, command: str, env: dict[str, str] | None = None) -> CommandResult:
        """Run a command that must succeed (exit 0, no traceback)."""
        result = host.run(command, env=env)
        assert result.exit_status == 0, result.describe()
        assert "Traceback" not in result.output, result.describe()
        return result

    @staticmethod
    def refused(
        host: LocalHost, command: str, numbers: list[int], status: int = 1, env: dict[str, str] | None = None
    ) -> CommandResult:
        """Run a command that must fail with exactly these message numbers and this exit status."""
        result = host.run(command, env=env)
        assert (result.exit_status, Oe.numbers(result)) == (status, numbers), result.describe()
        assert "Traceback" not in result.output, result.describe()
        return result

    @staticmethod
    def make_db(host: LocalHost, db: str = "sports", st: str = DEFAULT_ST, ai: bool = True) -> None:
        """prostrct create + procopy empty from a .st; with ``ai``, mark backedup + aimage begin."""
        host.write_file(f"{db}.st", st.encode())
        Oe.ok(host, f"prostrct create {db} {db}.st")
        Oe.ok(host, f"procopy empty {db}")
        if ai:
            Oe.ok(host, f"rfutil {db} -C mark backedup")
            Oe.ok(host, f"rfutil {db} -C aimage begin")

    @staticmethod
    def commit(host: LocalHost, db: str, count: int = 1, env: dict[str, str] | None = None) -> list[int]:
        """Commit ``count`` one-record transactions; the trids printed, in order."""
        result = Oe.ok(host, f"oeclient {db} commit --count {count}", env=env)
        trids = Oe.trids(result)
        assert len(trids) == count, result.describe()
        return trids

    @staticmethod
    def trids(result: CommandResult) -> list[int]:
        """The trids an oeclient run printed as committed."""
        return [commit.trid for commit in readings.commits(result.stdout)]

    @staticmethod
    def commit_times(result: CommandResult) -> list[int]:
        return [commit.time_us for commit in readings.commits(result.stdout)]

    @staticmethod
    def digest(host: LocalHost, db: str, upto: int | None = None) -> tuple[int, str]:
        """``oeclient db digest [--upto trid]``: (record count, sha256)."""
        result = Oe.ok(host, f"oeclient {db} digest" + (f" --upto {upto}" if upto is not None else ""))
        found = readings.digest(result.stdout)
        assert found, result.describe()
        return found.records, found.sha256

    @staticmethod
    def describe(host: LocalHost, db: str) -> dict[str, str]:
        """``proutil db -C describe`` as a dict of its ``Name : value`` lines."""
        result = Oe.ok(host, f"proutil {db} -C describe")
        return readings.describe_fields(result.stdout)

    @staticmethod
    def counters(host: LocalHost, db: str) -> tuple[str | None, int | None, int | None]:
        """(after-imaging enabled/disabled, current AI sequence, expected AI sequence) from describe."""
        found = readings.emulator_counters(Oe.ok(host, f"proutil {db} -C describe").stdout)
        assert found is not None, f"no counters for {db} on {host.name}"
        return found.ai_state, found.current_ai_seq, found.expected_ai_seq

    @staticmethod
    def ai_extents(host: LocalHost, db: str) -> list[tuple[int, str, str, int]]:
        """``rfutil -C aimage list`` rows: (extent, STATUS, path, seqno)."""
        result = Oe.ok(host, f"rfutil {db} -C aimage list")
        return [(e.number, e.status, e.path, e.seq) for e in readings.ai_extents(result.stdout)]

    @staticmethod
    def scan_trids(host: LocalHost, db: str, ai_file: str) -> list[int]:
        """The trids in an AI file, from ``rfutil db -C aimage scan verbose -a file``."""
        result = Oe.ok(host, f"rfutil {db} -C aimage scan verbose -a {ai_file}")
        return readings.scan_trids(result.stdout)

    @staticmethod
    def db_files(host: LocalHost, db: str) -> list[str]:
        """The database's files in the host directory: control area, extents and .lk (not .lg/.st)."""
        return readings.database_files(host.list_files(), db, with_log_and_structure=False)

    @staticmethod
    def hashes(host: LocalHost, db: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
        """sha256 of every database file (and of ``extra`` files): the byte-identical check."""
        names = [*Oe.db_files(host, db), *extra]
        return {name: hashlib.sha256(host.read_file(name)).hexdigest() for name in names}

    @staticmethod
    def log_numbers(host: LocalHost, db: str) -> list[int]:
        """Message numbers of the .lg lines, in order."""
        return [line.number for line in readings.log_lines(host.read_file(f"{db}.lg").decode())]

    @staticmethod
    def log_lines(host: LocalHost, db: str) -> list[tuple[str, str, int | None, int]]:
        """(severity, process, user number or None when blank, message number) of every numbered .lg line."""
        return [
            (line.severity, line.process, line.user, line.number)
            for line in readings.log_lines(host.read_file(f"{db}.lg").decode())
        ]

    @staticmethod
    def copy_db(source: LocalHost, target: LocalHost, db: str, names: list[str] | None = None) -> list[str]:
        """An OS copy of the database files (all of them, .lk excepted, unless ``names`` is given)."""
        files = names if names is not None else [n for n in Oe.db_files(source, db) if not n.endswith(".lk")]
        return source.copy_files(files, target)

    @staticmethod
    def repair(host: LocalHost, db: str, old_root: str) -> CommandResult:
        """The DR step: a .st with this host's full paths (from prostrct list), then prostrct repair."""
        Oe.ok(host, f"prostrct list {db} {db}.st.orig")
        text = host.read_file(f"{db}.st.orig").decode().replace(old_root + "/", host.root + "/")
        host.write_file(f"{db}.st", text.encode())
        host.remove_file(f"{db}.st.orig")
        return Oe.ok(host, f"prostrct repair {db} {db}.st")

    @staticmethod
    def broker_pid(host: LocalHost, db: str) -> int:
        lock = lockfile.read(Path(host.path(f"{db}.lk")))
        assert lock is not None, f"{db} has no .lk on {host.name}"
        assert lock.mode == lockfile.MULTI_USER, f"{db} is not served on {host.name}"
        return lock.pid

    @staticmethod
    def kill_9(host: LocalHost, pid: int) -> None:
        """A real ``kill -9`` on the host, then wait until the process is gone."""
        Oe.ok(host, f"kill -9 {pid}")
        poll_until(lambda: not pid_alive(pid), timeout=20, what=f"process {pid} to die")

    @staticmethod
    def records(host: LocalHost, db: str) -> int:
        """The record count the master block shows (describe reads only the control area)."""
        found = readings.emulator_counters(Oe.ok(host, f"proutil {db} -C describe").stdout)
        assert found is not None, f"no counters for {db} on {host.name}"
        assert found.records is not None, f"no record count for {db} on {host.name}"
        return found.records

    @staticmethod
    def finish(job: Background, timeout: float = 60) -> CommandResult:
        """Wait for a background command to end on its own, reading its output meanwhile.

        (``Background.wait`` waits before reading, so a load that prints more than a pipe holds would block.)
        """
        proc = job.handle
        assert isinstance(proc, subprocess.Popen)
        out, err = proc.communicate(timeout=timeout)
        return CommandResult(
            job.host.name, job.command, list(proc.args), job.host.root, "", 0.0, proc.returncode, out, err
        )

    @staticmethod
    def stop_job(job: object) -> None:
        """Best-effort cleanup of a background job left running by a failed test."""
        handle = getattr(job, "handle", None)
        if handle is not None and handle.poll() is None:
            os.killpg(handle.pid, signal.SIGKILL)
            handle.wait()


@pytest.fixture(scope="session")
def oe() -> type[Oe]:
    """The shared helpers (see ``Oe``)."""
    return Oe


@pytest.fixture
def backend() -> Iterator[LocalBackend]:
    """A local backend; its finaliser kills every broker and removes every host directory."""
    local = LocalBackend()
    try:
        yield local
    finally:
        local.close()


@pytest.fixture
def prod(backend: LocalBackend) -> LocalHost:
    """The production host."""
    return backend.create_host("production")


@pytest.fixture
def dr(backend: LocalBackend) -> LocalHost:
    """The DR host (another host name: a production .lk is another host's lock here)."""
    return backend.create_host("dr")
