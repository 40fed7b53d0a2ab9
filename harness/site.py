"""The site model: a scenario's hosts and the DBA-level actions the step library offers on them.

Everything here is expressed as the OpenEdge commands a DBA runs (so the same actions work against the
emulator, the emulator in containers, or a real OpenEdge); the only emulator-specific command is
``oeclient``, the stand-in for an ABL client session (an ABL procedure on the ``openedge`` backend).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from oedr.harness.backends import Backend, Host, SandboxError
from oedr.harness.backends.base import UNREACHABLE, record_copy, utc_now
from oedr.harness.dba import commands, readings, structure
from oedr.harness.dba.readings import AiExtent, Commit, Counters
from oedr.harness.evidence import hooks
from oedr.harness.result import CommandResult
from oedr.harness.waiting import poll_until

if TYPE_CHECKING:
    from oedr.harness.disaster import Disaster

HOST_ALIASES = {
    "production": "production",
    "prod": "production",
    "dr": "dr",
    "DR": "dr",
    "the DR host": "dr",
    "the production host": "production",
}

__all__ = ["AiExtent", "Commit", "Counters", "Ledger", "Site", "StepFailure", "standard_structure"]


class StepFailure(AssertionError):
    """A harness check failed: ``check`` says what was expected; ``result`` is the command it was about.

    The message shows both (the command's host, line, exit status and output); the evidence keeps the
    result itself, so it names the command and its deciding message without reading the message back.
    """

    def __init__(self, check: str, result: CommandResult | None = None) -> None:
        super().__init__(f"{check}\n{result.describe()}" if result is not None else check)
        self.check, self.result = check, result


@dataclass
class Ledger:
    """What the harness committed to each database, in order (the basis of "as of" comparisons)."""

    commits: dict[str, list[Commit]] = field(default_factory=dict)

    def add(self, key: str, commits: list[Commit]) -> None:
        self.commits.setdefault(key, []).extend(commits)

    def nth(self, key: str, n: int) -> Commit:
        rows = self.commits.get(key, [])
        if not 1 <= n <= len(rows):
            raise StepFailure(f"transaction {n} of {key} does not exist: {len(rows)} were committed")
        return rows[n - 1]


class Site:
    """A scenario's hosts on one backend, plus what the scenario has done so far."""

    def __init__(self, backend: Backend, *, read_counters: bool = True) -> None:
        self.backend = backend
        # The master-block counters read around every command that moves them are evidence (the report's before
        # and after); the emulator's own tests record none and read the counters they assert themselves.
        self.read_counters = read_counters
        self.hosts: dict[str, Host] = {}
        self.ledger = Ledger()
        self.last: CommandResult | None = None
        self.applied: dict[tuple[str, str], list[str]] = {}  # (host, db) -> AI files rolled forward
        self.loads: list[object] = []
        self.load_commits: list[Commit] = []  # what every stopped load committed, in order
        self.history: list[CommandResult] = []  # every DBA command run through the site, in order
        self.snapshots: dict[tuple[str, str], dict[str, str]] = {}
        self._brackets = itertools.count(1)  # ties a command to the counter reads around it (evidence)
        self.disaster: Disaster | None = None  # when a host was lost (oedr.harness.disaster)
        self.lost: set[str] = set()
        self.archives_drawn: set[tuple[str, str, int]] = set()  # (host, db, seq) on the timeline already

    def host(self, name: str) -> Host:
        """The host by name ("production", "dr", or any other), created on first use."""
        key = HOST_ALIASES.get(name, name)
        if key in self.lost:
            raise StepFailure(f"{key} was lost in the disaster: nothing can be run on or copied from it")
        if key not in self.hosts:
            self.hosts[key] = self.backend.create_host(key)
        return self.hosts[key]

    def close(self) -> None:
        for job in self.loads:
            try:
                job.stop()  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - cleanup must go on
                pass
        self.backend.close()

    # --- running commands -------------------------------------------------------------------------
    def expand(self, host: Host, command: str) -> str:
        """Fill placeholders: {transaction N of DB}, {time after transaction N of DB}, {dir}."""

        def transaction(match: re.Match[str]) -> str:
            return str(self.ledger.nth(self._ledger_key(host, match["db"]), int(match["n"])).trid)

        def time_after(match: re.Match[str]) -> str:
            commit = self.ledger.nth(self._ledger_key(host, match["db"]), int(match["n"]))
            moment = datetime.fromtimestamp(commit.time_us / 1_000_000) + timedelta(seconds=1)
            return moment.strftime("%Y:%m:%d:%H:%M:%S")

        command = re.sub(r"\{transaction (?P<n>\d+) of (?P<db>\w+)\}", transaction, command)
        command = re.sub(r"\{time after transaction (?P<n>\d+) of (?P<db>\w+)\}", time_after, command)
        return command.replace("{dir}", host.root)

    def run(
        self,
        host_name: str,
        command: str,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> CommandResult:
        """Run a DBA command on a host, with counters recorded around commands that move them."""
        host = self.host(host_name)
        command = self.expand(host, command)
        dba = commands.parse(command)
        moves = self.read_counters and dba.moves_counters and dba.database
        bracket = next(self._brackets) if moves else None
        if bracket is not None and dba.database:
            self.counters(host, dba.database, "before", quiet=True, bracket=bracket)
        try:
            if cwd:
                host.write_file(os.path.relpath(host.workdir(cwd), host.root) + "/.keep", b"")
            result = host.run(command, stdin=stdin, env=env, cwd=cwd, bracket=bracket)
        except SandboxError as refused:
            raise StepFailure(
                f"not run on {host.name}: {refused} (every path must stay inside the host's directory)"
            ) from None
        self.last = result
        self.history.append(result)
        if bracket is not None and dba.database:
            self.counters(host, dba.database, "after", quiet=True, bracket=bracket)
        self._remember(host, dba, result)
        return result

    def _remember(self, host: Host, dba: commands.DbaCommand, result: CommandResult) -> None:
        if result.exit_status != 0 or dba.database is None:
            return
        if dba.program == "oeclient":
            self.ledger.add(self._key(host, dba.database), readings.commits(result.stdout))
        if dba.kind is commands.Kind.ROLL_FORWARD:
            # -a names one file; -ailist names a list, whose files the output shows in the order applied
            files = [dba.ai_file] if dba.ai_file else readings.applied_ai_files(result.stdout)
            self.applied.setdefault((host.name, dba.database), []).extend(files)

    def run_killed(self, host_name: str, command: str, fault: str) -> CommandResult:
        """Run with an emulator fault-injection point armed; the process must die of SIGKILL there."""
        result = self.run(host_name, command, env={"OEDR_FAULT": fault})
        if result.exit_status != -9:
            raise StepFailure(f"expected the process to be killed (fault {fault})", result)
        hooks.record_event(
            {
                "kind": "fault",
                "host": self.host(host_name).name,
                "label": f"killed: {fault}",
                "seq": None,
                "time": utc_now(),
            }
        )
        return result

    def flip_byte(self, host_name: str, path: str, offset: int | None = None) -> None:
        """Corrupt one byte of a file (by default in its middle), as a bad disk or transfer would."""
        host = self.host(host_name)
        data = bytearray(host.read_file(path))
        where = offset if offset is not None else _middle_of_content(bytes(data))
        data[where] ^= 0xFF
        host.write_file(path, bytes(data))

    def _ledger_key(self, host: Host, db: str) -> str:
        """The ledger of DB on this host, or else on the host where it was committed (production)."""
        own = self._key(host, db)
        if self.ledger.commits.get(own):
            return own
        others = [key for key, rows in self.ledger.commits.items() if key.endswith(f":{_stem(db)}") and rows]
        return others[0] if len(others) == 1 else own

    def _key(self, host: Host, db: str) -> str:
        return f"{host.name}:{_stem(db)}"

    # --- DBA-level actions ----------------------------------------------------------------------
    def create_database(self, host_name: str, db: str, structure: str) -> None:
        """Write <db>.st and create the database from it with the empty schema (prostrct create + procopy)."""
        host = self.host(host_name)
        host.write_file(f"{_stem(db)}.st", structure.strip().encode() + b"\n")
        self.must(host_name, f"prostrct create {db} {_stem(db)}.st")
        self.must(host_name, f"procopy empty {db}")

    def create_database_from_file(self, host_name: str, db: str, st_file: str, base: str) -> None:
        """Create the database from a site's own .st (``st_file`` relative to ``base``, the feature's folder)."""
        path = os.path.join(base, st_file)
        try:
            with open(path, encoding="utf-8") as source:
                structure = source.read()
        except OSError as exc:
            raise StepFailure(f"cannot read the structure file {path}: {exc.strerror}") from None
        self.create_database(host_name, db, structure)

    def enable_after_imaging(self, host_name: str, db: str) -> None:
        self.must(host_name, f"rfutil {db} -C mark backedup")
        self.must(host_name, f"rfutil {db} -C aimage begin")

    def nth_trid(self, host_name: str, db: str, n: int) -> int:
        """The transaction id of the n-th transaction committed to this database in the scenario."""
        return self.ledger.nth(self._key(self.host(host_name), db), n).trid

    def commit(self, host_name: str, db: str, count: int, offset_seconds: int = 0) -> list[Commit]:
        env = {"OEDR_CLOCK_OFFSET": str(offset_seconds)} if offset_seconds else None
        result = self.must(host_name, f"oeclient {db} commit --count {count}", env=env)
        return readings.commits(result.stdout)

    def start_load(self, host_name: str, db: str, seconds: int, rate: int = 0) -> object:
        """A background client committing for ``seconds``; returns once it has committed something, so that
        what the scenario does next really happens under load."""
        host = self.host(host_name)
        before, _digest = self.digest(host_name, db)
        rate_part = f" --rate {rate}" if rate else ""
        job = host.start_background(f"oeclient {db} load --seconds {seconds}{rate_part}")
        self.loads.append(job)
        hooks.record_event(
            {"kind": "load", "host": host.name, "label": f"load {seconds}s", "seq": None, "time": utc_now()}
        )
        poll_until(
            lambda: self.digest(host_name, db)[0] > before,
            timeout=60,
            interval=0.05,
            what=f"the load on {db} to commit its first transaction",
        )
        return job

    def stop_loads(self) -> list[CommandResult]:
        """Stop every load; each must end cleanly, and what it committed joins the scenario's record."""
        results = [job.stop() for job in self.loads]  # type: ignore[attr-defined]
        self.loads.clear()
        for result in results:
            if result.exit_status != 0:
                raise StepFailure("the load failed", result)
            self.load_commits += readings.commits(result.stdout)
        return results

    def load_commits_around(self, first: str, last: str) -> tuple[int, int, int]:
        """How many load transactions committed before ``first`` began, between the end of ``first`` and
        the start of ``last``, and after ``last`` ended (the last time each command ran)."""
        begin, first_end = self._span(first)
        last_start, end = self._span(last)
        times = [c.time_us for c in self.load_commits]
        return (
            sum(t < begin for t in times),
            sum(first_end < t < last_start for t in times),
            sum(t > end for t in times),
        )

    def _span(self, command: str) -> tuple[int, int]:
        """Start and end, in microseconds since the epoch, of the last run of this command line."""
        for result in reversed(self.history):
            if result.command == command:
                start = int(datetime.fromisoformat(result.started).timestamp() * 1_000_000)
                return start, start + int(result.duration * 1_000_000)
        raise StepFailure(f"`{command}` was not run in this scenario")

    def must(
        self, host_name: str, command: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> CommandResult:
        result = self.run(host_name, command, stdin=stdin, env=env)
        if result.exit_status != 0:
            raise StepFailure(f"expected success, got exit status {result.exit_status}", result)
        return result

    # --- the outcome of the last command (what a "then" step checks) --------------------------------
    def last_result(self) -> CommandResult:
        """The last command run through the site (a check with nothing to check is a failure, not a pass)."""
        if self.last is None:
            raise StepFailure("no command has run in this scenario")
        return self.last

    def expect_success(self) -> None:
        """The last command exited 0."""
        last = self.last_result()
        if last.exit_status != 0:
            raise StepFailure("expected success", last)

    def expect_failure_with(self, number: int) -> None:
        """The last command exited non-zero and printed message (number)."""
        last = self.last_result()
        if last.exit_status == 0 or number not in last.message_numbers():
            raise StepFailure(f"expected failure with message ({number})", last)

    def expect_message(self, number: int) -> None:
        """The last command printed message (number), whatever its exit status."""
        last = self.last_result()
        if number not in last.message_numbers():
            raise StepFailure(f"expected message ({number})", last)

    def expect_message_line(self, number: int, text: str) -> None:
        """The last command's line carrying message (number) is exactly ``text`` (placeholders filled in)."""
        last = self.last_result()
        expected = self.expand(self.host(last.host), text)
        line = last.message_line(number)
        if line != expected:
            raise StepFailure(f"expected the line\n  {expected}\ngot\n  {line}", last)

    def expect_exit_status(self, status: int) -> None:
        """The last command's exact exit status."""
        last = self.last_result()
        if last.exit_status != status:
            raise StepFailure(f"expected exit status {status}", last)

    def expect_unreachable(self, host_name: str) -> None:
        """The last command could not run on that host: ssh's exit status for a host that does not answer."""
        last = self.last
        if last is None or last.host != self.host(host_name).name or last.exit_status != UNREACHABLE:
            raise StepFailure(f"expected {host_name} not to answer" + ("" if last else ": no command ran"), last)

    def counters(
        self, host: Host | str, db: str, when: str = "now", quiet: bool = False, bracket: int | None = None
    ) -> Counters:
        """The master-block counters, read the way this backend's OpenEdge shows them; recorded as evidence.

        The reads are the harness's own (marked ``internal``); ``bracket`` ties them to the command they
        are read around. ``quiet``: a database that does not exist (yet) has no counters, and that is no error.
        """
        target = host if isinstance(host, Host) else self.host(host)
        dialect = readings.dialect_of(target.backend_name)
        results = [target.run(read, internal=True, bracket=bracket) for read in readings.counter_reads(db, dialect)]
        found = readings.counters([r.stdout for r in results], dialect)
        if found is not None:
            hooks.record_counters(
                {"host": target.name, "db": _stem(db), "when": when, "values": found.values(), "bracket": bracket}
            )
        elif not quiet:
            raise StepFailure(f"could not read the counters of {db}", results[0])
        return found or Counters()

    def digest(self, host_name: str, db: str, upto: int | None = None) -> tuple[int, str]:
        command = f"oeclient {db} digest" + (f" --upto {upto}" if upto is not None else "")
        result = self.must(host_name, command)
        found = readings.digest(result.stdout)
        if found is None:
            raise StepFailure("no digest in the output", result)
        return found.records, found.sha256

    def ai_extents(self, host_name: str, db: str) -> list[AiExtent]:
        """The AI extents as ``rfutil -C aimage list`` shows them."""
        return readings.ai_extents(self.must(host_name, f"rfutil {db} -C aimage list").stdout)

    def archive_full_extents(self, source: str, db: str, target: str, directory: str = "archive") -> list[str]:
        """Copy every FULL AI extent to the target's archive directory, named by sequence, then empty it.

        A LOCKED extent (a replication source's, not yet replicated) is copied too but left LOCKED:
        OpenEdge refuses to empty it until replication has sent it (DOC AIMAGE EXTENT EMPTY)."""
        src = self.host(source)
        archived: list[tuple[str, bytes]] = []
        for ext in sorted(self.ai_extents(source, db), key=lambda e: e.seq):
            if ext.status not in ("FULL", "LOCKED"):
                continue
            name = f"{_stem(db)}.{ext.seq}.{os.path.basename(ext.path)}"
            data = src.read_file(_relative(src, ext.path))
            self.host(target).write_file(os.path.join(directory, name), data)
            if ext.status == "FULL":
                self.must(source, f"rfutil {db} -C aimage extent empty {ext.number}")
            archived.append((name, data))
        names = [name for name, _data in archived]
        record_copy(src, self.host(target), archived, ".", directory, label=f"archived AI {', '.join(names)}")
        return names

    def file_exists(self, host_name: str, path: str) -> bool:
        """Whether a file (not a directory) exists at that path on the host."""
        directory, name = os.path.split(path)
        return name in self.host(host_name).list_files(directory or ".")

    def delete_file(self, host_name: str, path: str) -> None:
        """Delete a file that must exist: a step that deletes nothing would prove nothing."""
        if not self.file_exists(host_name, path):
            raise StepFailure(f"{path} does not exist on {host_name}, so it cannot be deleted")
        self.host(host_name).remove_file(path)
        hooks.record_event(
            {
                "kind": "delete",
                "host": self.host(host_name).name,
                "label": f"deleted {path}",
                "seq": None,
                "time": utc_now(),
            }
        )

    def database_files(self, host_name: str, db: str) -> list[str]:
        """The files of a database in its directory (control area, extents, .lk, .lg, .st)."""
        return readings.database_files(self.host(host_name).list_files(), db)

    def copy_database(self, source: str, db: str, target: str, except_files: tuple[str, ...] = ()) -> list[str]:
        files = [f for f in self.database_files(source, db) if f not in except_files]
        return self.host(source).copy_files(files, self.host(target))

    def copy_database_while_writing(self, source: str, db: str, target: str, commits: int) -> list[str]:
        """A copy of a database in use: the BI first, then ``commits`` transactions, then the other files."""
        files = self.database_files(source, db)
        first = [f for f in files if re.search(r"\.b\d+$", f)]
        src = self.host(source)
        src.copy_files(first, self.host(target))
        self.commit(source, db, commits)
        return first + src.copy_files([f for f in files if f not in first], self.host(target))

    def snapshot(self, host_name: str, db: str) -> None:
        host = self.host(host_name)
        self.snapshots[(host.name, _stem(db))] = {
            name: hashlib.sha256(host.read_file(name)).hexdigest()
            for name in self.database_files(host_name, db)
            if not name.endswith(".lg")
        }

    def assert_unchanged(self, host_name: str, db: str) -> None:
        host = self.host(host_name)
        before = self.snapshots.get((host.name, _stem(db)))
        if before is None:
            raise StepFailure(f"the files of {db} on {host_name} were not noted first")
        after = {
            name: hashlib.sha256(host.read_file(name)).hexdigest()
            for name in self.database_files(host_name, db)
            if not name.endswith(".lg")
        }
        changed = sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))
        if changed:
            raise StepFailure(f"these files of {db} on {host_name} changed: {', '.join(changed)}")

    def _archived(self, host_name: str, db: str, first: int, directory: str) -> list[str]:
        """The archived AI files with sequence >= first, in sequence order (at least one)."""
        archived = []
        for name in self.host(host_name).list_files(directory):
            match = re.match(rf"^{re.escape(_stem(db))}\.(\d+)\.", name)
            if match and int(match.group(1)) >= first:
                archived.append((int(match.group(1)), name))
        if not archived:
            raise StepFailure(f"no archived AI file from sequence {first} in {directory}/ on {host_name}")
        return [f"{directory}/{name}" for _seq, name in sorted(archived)]

    def roll_forward_archive(self, host_name: str, db: str, first: int, directory: str = "archive") -> None:
        """Roll forward every archived AI file with sequence >= first, in sequence order; each must succeed."""
        for path in self._archived(host_name, db, first, directory):
            self.must(host_name, f"rfutil {db} -C roll forward -a {path}")

    def write_ai_list(self, host_name: str, db: str, list_name: str, first: int, directory: str = "archive") -> None:
        """An ``-ailist`` file naming the archived AI files from that sequence on, newest first: the roll
        forward must sort them into sequence order itself (DOC)."""
        paths = self._archived(host_name, db, first, directory)
        self.host(host_name).write_file(list_name, "".join(f"{path}\n" for path in reversed(paths)).encode())

    def offline_os_copy(self, source: str, db: str, target: str) -> None:
        """KB-P115048's offline OS copy, as one action: the runbook other procedures start from."""
        for command in (f"proshut {db} -by", f"proutil {db} -C truncate bi", f"rfutil {db} -C aimage new"):
            self.must(source, command)
        self.copy_database(source, db, target)
        self.must(source, f"rfutil {db} -C mark backedup")
        self.must(source, f"proserve {db}")

    def write_structure(self, host_name: str, db: str, file_name: str, relative: bool = False) -> str:
        """A .st listing every extent of the database at its place on this host (full or relative paths)."""
        host = self.host(host_name)
        self.must(host_name, f"prostrct list {db} {file_name}.orig")
        listed = host.read_file(f"{file_name}.orig").decode()

        def here(path: str) -> str:
            name = os.path.basename(path)
            return f"./{name}" if relative else os.path.join(host.root, name)

        try:
            text, _changed = structure.rewrite_paths(listed, f"{file_name}.orig", here)
        except structure.StructureError as exc:
            raise StepFailure(f"prostrct list wrote no structure file this harness can read: {exc}") from None
        host.remove_file(f"{file_name}.orig")
        host.write_file(file_name, text.encode())
        return text.rstrip("\n")

    def last_trid_applied(self, host_name: str, db: str) -> int:
        """The last transaction in the last AI file rolled forward on this host (from ``aimage scan``)."""
        files = self.applied.get((HOST_ALIASES.get(host_name, host_name), _stem(db)), [])
        if not files:
            raise StepFailure(f"no AI file has been rolled forward into {db} on {host_name}")
        for path in reversed(files):
            scan = self.must(host_name, f"rfutil {db} -C aimage scan verbose -a {path}")
            trids = readings.scan_trids(scan.stdout)
            if trids:
                return max(trids)
        return 0


def standard_structure(areas: int, ai_extents: int, fixed: bool) -> str:
    """The .st of the standard features: two extents per data area, the last one variable."""
    lines = ["b .", 'd "Schema Area":6,32;1 .']
    for number in range(7, 7 + areas):
        lines += [f'd "Data{number}":{number},32;1 . f 1024', f'd "Data{number}":{number},32;1 .']
    lines += ["a . f 8192" if fixed else "a ."] * ai_extents
    return "\n".join(lines)


def _middle_of_content(data: bytes) -> int:
    """The middle of the non-zero part of a file (fixed extents are zero-padded at the end)."""
    end = len(data.rstrip(b"\0")) or len(data)
    start = min(4096, end // 2)
    return start + (end - start) // 2


def _stem(db: str) -> str:
    return os.path.basename(db[:-3] if db.endswith(".db") else db)


def _relative(host: Host, path: str) -> str:
    return os.path.relpath(path, host.root) if path.startswith("/") else path
