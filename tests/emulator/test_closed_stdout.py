"""A standard output closed by its reader (``rfutil db -C aimage list | head -1``): every utility ends quietly.

Each command runs as its console script with fd 1 the write end of a real pipe whose read end is already
closed, so every write the command makes fails with EPIPE (what ``head`` exiting early leaves). It must end
as a C program killed by SIGPIPE does: status 141 (or 1), nothing on stderr, certainly no Python traceback.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from oedr.harness.openedge import cli

BIN = Path(sys.executable).parent


def _run_into_closed_pipe(
    host, command: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the command writes a byte
    try:
        argv = shlex.split(command)
        return subprocess.run(
            [str(BIN / argv[0]), *argv[1:]],
            cwd=host.root,
            env=host.environment(env or {}),
            stdout=write_end,
            stderr=subprocess.PIPE,
            input=stdin,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)


def _quiet(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode in (141, 1), (done.returncode, done.stderr)
    assert done.stderr == "", done.stderr  # no traceback, no "Exception ignored ... BrokenPipeError"


@pytest.mark.parametrize(
    "command",
    [
        "rfutil sports -C aimage list",  # a listing (pre-formatted text lines)
        "prostrct list sports -RO",
        "proutil sports -C describe",
        "rfutil sports -C roll forward",  # a refusal (a numbered message)
        "rfutil sports -C aimage frobnicate",
        "oeclient sports digest",
    ],
)
def test_a_closed_stdout_ends_every_utility_quietly(prod, oe, command):
    oe.make_db(prod)
    _quiet(_run_into_closed_pipe(prod, command))
    _quiet(_run_into_closed_pipe(prod, command, env={"OEDR_BANNER": "yes", "PYTHONUNBUFFERED": ""}))


def test_the_work_done_before_the_final_report_stays_done(prod, oe):
    """Buffered output (as a C utility's stdio to a pipe): the backup is marked, then the report fails."""
    oe.make_db(prod, ai=False)
    counter = int(oe.describe(prod, "sports")["Backup Counter"])
    done = _run_into_closed_pipe(prod, "rfutil sports -C mark backedup", env={"PYTHONUNBUFFERED": ""})
    _quiet(done)
    assert done.returncode == 141
    assert int(oe.describe(prod, "sports")["Backup Counter"]) == counter + 1


def test_prorest_whose_prompt_nobody_reads_restores_nothing(prod, oe):
    oe.make_db(prod, ai=False)
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "probkup sports full.bck")
    oe.commit(prod, "sports", 3)
    before = oe.hashes(prod, "sports")
    _quiet(_run_into_closed_pipe(prod, "prorest sports full.bck", stdin="y\n"))  # the answer is never asked for
    assert oe.hashes(prod, "sports") == before
    assert oe.records(prod, "sports") == 5


class _ClosedStream:
    """An in-process stdout whose reader has gone."""

    def write(self, _text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_in_process_runs_get_141_too(monkeypatch):
    monkeypatch.setattr(sys, "stdout", _ClosedStream())
    assert cli.run("rfutil", []) == 141


def test_a_broken_pipe_that_is_not_stdout_is_still_reported(monkeypatch, capsys):
    """Only standard output going away ends a command quietly; another broken pipe is a failure (99)."""

    def broken(_argv: list[str]) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_entry", lambda _utility: broken)
    monkeypatch.setenv("OEDR_BANNER", "no")
    assert cli.run("rfutil", []) == 99
    assert "(90099)" in capsys.readouterr().out
