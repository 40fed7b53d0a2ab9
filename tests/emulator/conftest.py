"""Fixtures for the emulator tests: a ``Site`` on the local backend, its hosts, and the checks the tests share.

The tests drive the emulator through the object the features use: ``site`` is an
``oedr.harness.site.Site`` over ``oedr.harness.backends.local`` (each host its own directory and host name,
so .lk files copied between hosts behave as between machines), ``prod`` and ``dr`` are its hosts, and every
command runs through ``Site.run`` (in this process, or the console scripts under OEDR_LOCAL_SUBPROCESS=1).
Outputs are read by ``oedr.harness.dba.readings``. Closing the site kills the brokers and removes the hosts.
Helpers are reached through the ``oe`` fixture (pytest does not let test modules import a conftest).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from oedr.harness.backends import Host
from oedr.harness.backends.base import Background
from oedr.harness.backends.local import LocalBackend
from oedr.harness.dba import readings
from oedr.harness.openedge.dbfiles import lockfile
from oedr.harness.openedge.hostinfo import pid_alive
from oedr.harness.openedge.waiting import poll_until
from oedr.harness.result import CommandResult
from oedr.harness.site import Site

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

_OPEN: list[Site] = []  # the sites alive in this process: a host is driven through the one that made it


class Oe:
    """The actions and checks the emulator tests share, over the ``Site`` that made each host.

    Commands run through ``Site.run`` / ``Site.must`` and outputs are read by ``oedr.harness.dba.readings``,
    exactly as the features do; what is left here is only what a test checks beyond a feature (no traceback,
    exact message numbers and exit status).
    """

    ST = DEFAULT_ST

    @staticmethod
    @contextmanager
    def new_site() -> Iterator[Site]:
        """A site on a fresh local backend; closing it kills every broker and removes every host directory."""
        site = Site(LocalBackend(), read_counters=False)  # no evidence here: no extra describe around commands
        _OPEN.append(site)
        try:
            yield site
        finally:
            _OPEN.remove(site)
            site.close()

    @staticmethod
    def site_of(host: Host) -> Site:
        """The site that made ``host`` (hosts come from ``site.host(name)``)."""
        for site in _OPEN:
            if any(known is host for known in site.hosts.values()):
                return site
        raise AssertionError(f"host {host.name} was not made by an open Site: create it with site.host(name)")

    @staticmethod
    def numbers(result: CommandResult) -> list[int]:
        """OpenEdge message numbers printed, in order (oeclient's ``(microseconds)`` stamps are not messages)."""
        return result.message_numbers()

    @staticmethod
    def ok(host: Host, command: str, env: dict[str, str] | None = None) -> CommandResult:
        """Run a command that must succeed (exit 0, no traceback)."""
        result = Oe.site_of(host).must(host.name, command, env=env)
        assert "Traceback" not in result.output, result.describe()
        return result

    @staticmethod
    def refused(
        host: Host, command: str, numbers: list[int], status: int = 1, env: dict[str, str] | None = None
    ) -> CommandResult:
        """Run a command that must fail with exactly these message numbers and this exit status."""
        result = Oe.site_of(host).run(host.name, command, env=env)
        assert (result.exit_status, result.message_numbers()) == (status, numbers), result.describe()
        assert "Traceback" not in result.output, result.describe()
        return result

    @staticmethod
    def make_db(host: Host, db: str = "sports", st: str = DEFAULT_ST, ai: bool = True) -> None:
        """prostrct create + procopy empty from a .st; with ``ai``, mark backedup + aimage begin."""
        site = Oe.site_of(host)
        site.create_database(host.name, db, st)
        if ai:
            site.enable_after_imaging(host.name, db)

    @staticmethod
    def commit(host: Host, db: str, count: int = 1, offset_seconds: int = 0) -> list[int]:
        """Commit ``count`` one-record transactions (``offset_seconds`` later); the trids printed, in order."""
        trids = [commit.trid for commit in Oe.site_of(host).commit(host.name, db, count, offset_seconds)]
        assert len(trids) == count, f"{count} commits asked of {db} on {host.name}, {len(trids)} printed"
        return trids

    @staticmethod
    def trids(result: CommandResult) -> list[int]:
        """The trids an oeclient run printed as committed."""
        return [commit.trid for commit in readings.commits(result.stdout)]

    @staticmethod
    def commit_times(result: CommandResult) -> list[int]:
        return [commit.time_us for commit in readings.commits(result.stdout)]

    @staticmethod
    def digest(host: Host, db: str, upto: int | None = None) -> tuple[int, str]:
        """``oeclient db digest [--upto trid]``: (record count, sha256)."""
        return Oe.site_of(host).digest(host.name, db, upto)

    @staticmethod
    def describe(host: Host, db: str) -> dict[str, str]:
        """``proutil db -C describe`` as a dict of its ``Name : value`` lines."""
        return readings.describe_fields(Oe.ok(host, f"proutil {db} -C describe").stdout)

    @staticmethod
    def counters(host: Host, db: str) -> tuple[str | None, int | None, int | None]:
        """(after-imaging enabled/disabled, current AI sequence, expected AI sequence), as the site reads them."""
        found = Oe.site_of(host).counters(host, db)
        return found.ai_state, found.current_ai_seq, found.expected_ai_seq

    @staticmethod
    def ai_extents(host: Host, db: str) -> list[tuple[int, str, str, int]]:
        """``rfutil -C aimage list`` rows: (extent, STATUS, path, seqno)."""
        return [(e.number, e.status, e.path, e.seq) for e in Oe.site_of(host).ai_extents(host.name, db)]

    @staticmethod
    def scan_trids(host: Host, db: str, ai_file: str) -> list[int]:
        """The trids in an AI file, from ``rfutil db -C aimage scan verbose -a file``."""
        return readings.scan_trids(Oe.ok(host, f"rfutil {db} -C aimage scan verbose -a {ai_file}").stdout)

    @staticmethod
    def db_files(host: Host, db: str) -> list[str]:
        """The database's files in the host directory: control area, extents and .lk (not .lg/.st)."""
        return readings.database_files(host.list_files(), db, with_log_and_structure=False)

    @staticmethod
    def hashes(host: Host, db: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
        """sha256 of every database file (and of ``extra`` files): the byte-identical check."""
        names = [*Oe.db_files(host, db), *extra]
        return {name: hashlib.sha256(host.read_file(name)).hexdigest() for name in names}

    @staticmethod
    def log_numbers(host: Host, db: str) -> list[int]:
        """Message numbers of the .lg lines, in order."""
        return [line.number for line in readings.log_lines(host.read_file(f"{db}.lg").decode())]

    @staticmethod
    def log_lines(host: Host, db: str) -> list[tuple[str, str, int | None, int]]:
        """(severity, process, user number or None when blank, message number) of every numbered .lg line."""
        return [
            (line.severity, line.process, line.user, line.number)
            for line in readings.log_lines(host.read_file(f"{db}.lg").decode())
        ]

    @staticmethod
    def copy_db(source: Host, target: Host, db: str, names: list[str] | None = None) -> list[str]:
        """An OS copy of the database files (all of them, .lk excepted, unless ``names`` is given)."""
        files = names if names is not None else [n for n in Oe.db_files(source, db) if not n.endswith(".lk")]
        return source.copy_files(files, target)

    @staticmethod
    def repair(host: Host, db: str, old_root: str) -> CommandResult:
        """The DR step: a .st with this host's full paths (from prostrct list), then prostrct repair."""
        Oe.ok(host, f"prostrct list {db} {db}.st.orig")
        text = host.read_file(f"{db}.st.orig").decode().replace(old_root + "/", host.root + "/")
        host.write_file(f"{db}.st", text.encode())
        host.remove_file(f"{db}.st.orig")
        return Oe.ok(host, f"prostrct repair {db} {db}.st")

    @staticmethod
    def broker_pid(host: Host, db: str) -> int:
        lock = lockfile.read(Path(host.path(f"{db}.lk")))
        assert lock is not None, f"{db} has no .lk on {host.name}"
        assert lock.mode == lockfile.MULTI_USER, f"{db} is not served on {host.name}"
        return lock.pid

    @staticmethod
    def kill_9(host: Host, pid: int) -> None:
        """A real ``kill -9`` on the host, then wait until the process is gone."""
        Oe.ok(host, f"kill -9 {pid}")
        poll_until(lambda: not pid_alive(pid), timeout=20, what=f"process {pid} to die")

    @staticmethod
    def records(host: Host, db: str) -> int:
        """The record count the master block shows (describe reads only the control area)."""
        found = Oe.site_of(host).counters(host, db)
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
def site() -> Iterator[Site]:
    """A site on a local backend, as the features have; closing it kills every broker and removes the hosts."""
    with Oe.new_site() as made:
        yield made


@pytest.fixture
def prod(site: Site) -> Host:
    """The production host."""
    return site.host("production")


@pytest.fixture
def dr(site: Site) -> Host:
    """The DR host (another host name: a production .lk is another host's lock here)."""
    return site.host("dr")
