"""The backend interface: hosts that run OpenEdge-named commands, hold files, and move them between hosts.

Every host has its own directory (its "disk"); commands may only name paths inside it (the sandbox rule
of shared/design.md), and files cross hosts only through ``copy_files``, the way a site moves them.
"""

from __future__ import annotations

import hashlib
import os
import shlex
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from oedr.harness.evidence import hooks
from oedr.harness.evidence.records import CopiedFile
from oedr.harness.result import CommandResult

ALLOWED_OUTSIDE = ("/dev/null",)
UNREACHABLE = 255  # what ssh returns when the remote host does not answer (a container backend says the same)


class SandboxError(Exception):
    """A command named a path outside its host's directory."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def check_sandbox(argv: list[str], root: str, cwd: str) -> None:
    """Refuse a working directory or absolute/..-escaping paths outside ``root`` (the program name is exempt)."""
    workdir = os.path.normpath(cwd)
    if not _inside(workdir, root):
        what = f"`{shlex.join(argv)}`" if argv else "a command"
        raise SandboxError(f"{what} would run in {cwd}, outside this host's directory {root}")
    for word in argv[1:]:
        candidates = [word]
        if "=" in word and not word.startswith("-"):
            candidates.append(word.split("=", 1)[1])
        for candidate in candidates:
            if candidate in ALLOWED_OUTSIDE or not ("/" in candidate or candidate == ".."):
                continue
            resolved = os.path.normpath(os.path.join(workdir, candidate))
            if not _inside(resolved, root):
                raise SandboxError(f"`{shlex.join(argv)}` names {candidate}, outside this host's directory {root}")


@dataclass
class Background:
    """A command left running on a host (a load generator); ``stop`` ends it and gives its result."""

    host: Host
    command: str
    handle: object
    started: str = ""  # wall-clock start, for the evidence
    clock: float = 0.0  # monotonic start, for the duration

    def stop(self) -> CommandResult:
        return self.host.stop_background(self)

    def wait(self, timeout: float) -> CommandResult:
        return self.host.wait_background(self, timeout)


class Host(ABC):
    """One machine of the site (production, dr, ...)."""

    backend_name = "abstract"

    def __init__(self, name: str, root: str) -> None:
        self.name = name
        self.root = root

    def path(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def workdir(self, cwd: str | None) -> str:
        """The directory a command runs in: the host's own, or one inside it (SandboxError otherwise)."""
        workdir = os.path.normpath(self.path(cwd)) if cwd else self.root  # an absolute cwd stays absolute
        check_sandbox([], self.root, workdir)
        return workdir

    def run(
        self,
        command: str,
        *,
        cwd: str | None = None,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 300,
        internal: bool = False,
        bracket: int | None = None,
    ) -> CommandResult:
        """Run a command line as the DBA typed it, in the host's directory; record it as evidence.

        ``internal``: the harness runs it for itself (a counters read); ``bracket``: the counter reads
        around one command share it with that command (see oedr.harness.evidence.records).
        """
        argv = shlex.split(command)
        workdir = self.workdir(cwd)
        check_sandbox(argv, self.root, workdir)
        result = self._execute(argv, command, workdir, stdin, env or {}, timeout)
        hooks.record_command(result.as_record(internal=internal, bracket=bracket))
        return result

    @abstractmethod
    def _execute(
        self, argv: list[str], command: str, cwd: str, stdin: str | None, env: dict[str, str], timeout: float
    ) -> CommandResult: ...

    @abstractmethod
    def start_background(self, command: str, env: dict[str, str] | None = None) -> Background: ...

    @abstractmethod
    def stop_background(self, job: Background) -> CommandResult: ...

    @abstractmethod
    def wait_background(self, job: Background, timeout: float) -> CommandResult: ...

    @abstractmethod
    def read_file(self, path: str) -> bytes: ...

    @abstractmethod
    def write_file(self, path: str, data: bytes) -> None: ...

    @abstractmethod
    def list_files(self, directory: str = ".") -> list[str]:
        """File names (not directories) in a directory of the host, sorted."""

    @abstractmethod
    def remove_file(self, path: str) -> None: ...

    @abstractmethod
    def kill_processes(self) -> None:
        """Kill every process this host started (brokers included): scenario cleanup."""

    def copy_files(
        self, names: Iterable[str], target: Host, directory: str = ".", target_directory: str = "."
    ) -> list[str]:
        """Copy files byte for byte from this host to another, as an OS copy would."""
        copied: list[tuple[str, bytes]] = []
        for name in names:
            data = self.read_file(os.path.join(directory, name))
            target.write_file(os.path.join(target_directory, name), data)
            copied.append((name, data))
        record_copy(self, target, copied, directory, target_directory)
        return [name for name, _data in copied]


def record_copy(
    source: Host, target: Host, files: list[tuple[str, bytes]], directory: str, target_directory: str, label: str = ""
) -> None:
    """Evidence of an OS copy: which files went where, with their sizes and SHA-256, so an auditor can see
    that every extent (and whether the .lk) was copied."""
    listing = [CopiedFile(name=name, bytes=len(data), sha256=hashlib.sha256(data).hexdigest()) for name, data in files]
    hooks.record_event(
        {
            "kind": "copy",
            "host": target.name,
            "label": label or f"{len(files)} files from {source.name}",
            "seq": None,
            "time": utc_now(),
            "from": source.name,
            "directory": directory,
            "target_directory": target_directory,
            "files": listing,
        }
    )


@runtime_checkable
class ContainerFaults(Protocol):
    """The faults only a container host gives truthfully (the docker and openedge backends' hosts)."""

    def kill(self) -> None: ...
    def start_again(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def limit_disk(self, free_kb: int) -> None: ...
    def free_kb(self) -> int: ...


class Backend(ABC):
    """Creates hosts for a scenario and removes everything they left behind."""

    name = "abstract"

    @abstractmethod
    def create_host(self, name: str) -> Host: ...

    @abstractmethod
    def close(self) -> None:
        """Stop every process and remove every host: called even when the scenario failed."""

    def describe(self) -> dict[str, str]:
        """Environment facts for the evidence report (image id, digest, versions)."""
        return {"backend": self.name}
