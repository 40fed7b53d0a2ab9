"""The ``oedr`` command as a shell uses it: ``--version``, and output piped into a reader that stops early
(``oedr list | head -3``, ``oedr report DIR | head``) ends quietly with 141, as a command killed by SIGPIPE."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.evidence.conftest import RunSample

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
OEDR = [sys.executable, "-c", "import sys; from oedr.harness.oedr import main; sys.exit(main())"]


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


def test_run_has_real_image_and_licence_options() -> None:
    done = subprocess.run([*OEDR, "run", "--help"], capture_output=True, text=True, check=False)
    assert "--oe-image IMAGE" in done.stdout
    assert "--oe-licence FILE" in done.stdout


def test_run_refuses_image_options_that_cannot_work(tmp_path: Path) -> None:
    cases = [
        (["--oe-image", "site/openedge:12.8"], "--oe-image names a container image: use it with --backend docker"),
        (
            ["--backend", "openedge", "--oe-image", "site/openedge:12.8", "--oe-licence", str(tmp_path / "none.cfg")],
            f"--oe-licence {tmp_path / 'none.cfg'} is not a file",
        ),
        (["--backend", "openedge"], "--backend openedge needs your licensed OpenEdge image: --oe-image IMAGE"),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("OEDR_IMAGE", "OEDR_LICENCE")}
    for args, message in cases:
        done = subprocess.run(
            [*OEDR, "run", "features", "--out", str(tmp_path / "out"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert message in done.stderr
        assert "Traceback" not in done.stderr
