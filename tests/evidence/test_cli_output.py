"""The ``oedr`` command as a shell uses it: ``--version``, and output piped into a reader that stops early
(``oedr list | head -3``, ``oedr report DIR | head``) ends quietly with 141, as a command killed by SIGPIPE."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.evidence.conftest import RunSample

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
OEDR = [sys.executable, "-c", "import sys; from harness.oedr import main; sys.exit(main())"]


def _reader_gone(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run oedr with its standard output a pipe whose reader has already gone (as `| head` does when done)."""
    proc = subprocess.Popen([*OEDR, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr)


def test_version() -> None:
    done = subprocess.run([*OEDR, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == "oedr 0.1.0"


def test_list_into_a_closed_pipe_ends_quietly() -> None:
    done = _reader_gone("list", "features")
    assert done.returncode == 141
    assert done.stderr == ""


def test_report_into_a_closed_pipe_ends_quietly(run_sample: RunSample) -> None:
    _, out = run_sample()
    done = _reader_gone("report", str(out))
    assert done.returncode == 141
    assert done.stderr == ""
