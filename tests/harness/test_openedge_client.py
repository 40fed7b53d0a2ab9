"""The openedge backend's client wrapper: `oeclient` lines become `_progres -b` runs, and since `_progres -b`
exits 0 even when an ABL procedure stopped on an error, the wrapper fails unless the procedure printed
what it must. `_progres` here is a shell script standing in for the ABL client: the wrapper's own logic
(falling back to single-user on 1423, checking the output) is what is under test, not OpenEdge."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from oedr.harness.backends.openedge import abl_client

FAKE_PROGRES = """#!/bin/sh
echo "$*" >> "$CALLS"
case "$FAKE" in
  ok-commit) echo "committed trid=7 time=Tue Dec  1 10:00:00 2026 (1)"; echo "committed trid=8 time=x (2)" ;;
  short-commit) echo "committed trid=7 time=x (1)"; echo "** Unable to create Customer. (132)" ;;
  no-server) case "$*" in
      *-1*) echo "records=3 sha256=ab12" ;;
      *) echo "There is no server for database s. (1423)" ;;
    esac ;;
  error) echo "** s is not a database. (1006)"; exit 2 ;;
esac
exit 0
"""


def _client(tmp_path: Path, argv: list[str], fake: str) -> subprocess.CompletedProcess[str]:
    dlc = tmp_path / "dlc"
    (dlc / "bin").mkdir(parents=True, exist_ok=True)
    progres = dlc / "bin" / "_progres"
    progres.write_text(FAKE_PROGRES)
    progres.chmod(0o755)
    env = {**os.environ, "DLC": str(dlc), "FAKE": fake, "CALLS": str(tmp_path / "calls")}
    return subprocess.run(abl_client(argv, str(dlc)), env=env, capture_output=True, text=True, check=False)


def test_a_commit_that_printed_every_transaction_succeeds(tmp_path: Path) -> None:
    run = _client(tmp_path, ["oeclient", "s", "commit", "--count", "2"], "ok-commit")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("committed trid=") == 2
    assert "-p commit.p -param 2,Customer,100" in (tmp_path / "calls").read_text()


def test_a_commit_cut_short_by_an_abl_error_fails_although_progres_exits_0(tmp_path: Path) -> None:
    run = _client(tmp_path, ["oeclient", "s", "commit", "--count", "2"], "short-commit")
    assert run.returncode == 1
    assert "(132)" in run.stdout
    assert "commit.p did not print what it must" in run.stderr


def test_no_server_falls_back_to_single_user(tmp_path: Path) -> None:
    run = _client(tmp_path, ["oeclient", "s", "digest", "--upto", "9"], "no-server")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "records=3 sha256=ab12"
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 2
    assert calls[1].startswith("-1 -b -db s -p digest.p -param 9,Customer")


@pytest.mark.parametrize("fake", ["error", "ok-commit"])
def test_a_digest_without_its_records_line_fails(tmp_path: Path, fake: str) -> None:
    run = _client(tmp_path, ["oeclient", "s", "digest"], fake)
    assert run.returncode != 0
