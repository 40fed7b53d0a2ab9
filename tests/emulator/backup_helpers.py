"""Shared helpers for the probkup / prorest / proquiet tests: run the console scripts as a DBA would.

Every command is a subprocess of the installed console script, with ``OEDR_BANNER=no``, a per-test
``OEDR_RUNTIME_DIR`` and ``OEDR_HOST``, in the test's own directory. Brokers and background clients a test
starts are stopped in the fixture's finaliser, whatever happened.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from oedr.harness.openedge.dbfiles import lockfile
from oedr.harness.openedge.waiting import poll_until

BIN = Path(sys.executable).parent
HOST = "production-host"
AI_ST = "b .\nd .\na .\na .\na .\n"  # variable AI extents: reused extents start empty
NO_AI_ST = "b .\nd .\n"


def script(name: str) -> str:
    """The installed console script (the venv's), as a user would run it."""
    candidate = BIN / name
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


@dataclass
class Site:
    """One test's directory, environment and the processes it started."""

    root: Path
    env: dict[str, str]
    served: list[Path] = field(default_factory=list)
    background: list[subprocess.Popen[str]] = field(default_factory=list)

    def run(
        self, *argv: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv[0]`` (a console script) with the rest as its arguments; never raises on exit status."""
        if argv[0] == "proserve":
            self.served.append((cwd or self.root) / argv[1])
        return subprocess.run(
            [script(argv[0]), *argv[1:]],
            cwd=cwd or self.root,
            env={**self.env, **(env or {})},
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def ok(self, *argv: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
        """Run and insist on exit status 0; the output."""
        result = self.run(*argv, stdin=stdin, env=env)
        assert result.returncode == 0, f"{' '.join(argv)} -> {result.returncode}\n{result.stdout}{result.stderr}"
        return result.stdout

    def start(self, *argv: str) -> subprocess.Popen[str]:
        """Start a console script in the background (stopped by the finaliser if still running).

        Its output goes to ``<root>/bg-<n>.out`` (a pipe nobody reads would block a chatty process).
        """
        out = self.root / f"bg-{len(self.background) + 1}.out"
        with out.open("w") as sink:
            proc = subprocess.Popen(
                [script(argv[0]), *argv[1:]],
                cwd=self.root,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                text=True,
            )
        self.background.append(proc)
        return proc

    def output_of(self, proc: subprocess.Popen[str]) -> str:
        return (self.root / f"bg-{self.background.index(proc) + 1}.out").read_text()

    def make_db(self, name: str, st: str = NO_AI_ST) -> None:
        """A new database from the empty schema, with the structure ``st`` (paths relative to its dir)."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / f"{path.name}.st").write_text(st, encoding="utf-8")
        result = subprocess.run(
            [script("prodb"), path.name, "empty"],
            cwd=path.parent,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def commit(self, db: str, count: int = 1, size: int = 100) -> list[int]:
        """Commit ``count`` one-record transactions; their transaction ids."""
        out = self.ok("oeclient", db, "commit", "--count", str(count), "--bytes", str(size))
        return [int(t) for t in re.findall(r"committed trid=(\d+)", out)]

    def digest(self, db: str, upto: int | None = None) -> str:
        extra = ["--upto", str(upto)] if upto is not None else []
        return self.ok("oeclient", db, "digest", *extra).strip()

    def describe(self, db: str) -> dict[str, str]:
        """``proutil -C describe`` as a dict of its ``key : value`` lines."""
        out = self.ok("proutil", db, "-C", "describe")
        return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if v}

    def enable_ai(self, db: str, device: str = "enableai.bck") -> None:
        """After-imaging on, as a site does without rfutil: a full online backup with enableai."""
        served = self.is_served(db)
        if not served:
            self.ok("proserve", db)
        self.ok("probkup", "online", db, device, "enableai")
        if not served:
            self.ok("proshut", db, "-by")

    def is_served(self, db: str) -> bool:
        lock = lockfile.read(self.root / f"{db}.lk")
        return lock is not None and lock.mode == lockfile.MULTI_USER

    def hashes(self, pattern: str) -> dict[str, str]:
        """sha256 of every file matching ``pattern`` under the site (a target's files before and after)."""
        return {
            str(p.relative_to(self.root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.root.glob(pattern))
            if p.is_file()
        }

    def stop_all(self) -> None:
        """Stop background clients and every broker this test started (proshut -byF, then the .lk's pid)."""
        for proc in self.background:
            if proc.poll() is None:
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
        for db in self.served:
            lock = lockfile.read(db.with_name(db.name + ".lk"))
            if lock is None or lock.mode != lockfile.MULTI_USER:
                continue
            self.run("proshut", str(db), "-byF")
            with contextlib.suppress(ProcessLookupError):
                os.kill(lock.pid, signal.SIGKILL)


def make_site(tmp_path: Path) -> Iterator[Site]:
    """Body of each test module's ``site`` fixture."""
    env = {**os.environ, "OEDR_BANNER": "no", "OEDR_RUNTIME_DIR": str(tmp_path / "runtime"), "OEDR_HOST": HOST}
    env.pop("OEDR_OFFLINE_PROBKUP_SWITCH", None)
    env.pop("OEDR_FAULT", None)
    site = Site(tmp_path, env)
    (tmp_path / "dr").mkdir()  # the DR host's database directory
    try:
        yield site
    finally:
        site.stop_all()


def message_numbers(output: str) -> list[int]:
    """The numbers of the numbered messages in an output, in order."""
    return [int(n) for n in re.findall(r"\((\d+)\)\s*$", output, flags=re.MULTILINE)]


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def finished(proc: subprocess.Popen[str], timeout: float) -> int:
    """Wait (polling with a deadline) for a background process; its exit status."""
    poll_until(lambda: proc.poll() is not None, timeout=timeout, what=f"{proc.args} to finish")
    return int(proc.returncode)
