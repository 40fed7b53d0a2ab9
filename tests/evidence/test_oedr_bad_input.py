"""The corpus of ``oedr``'s own bad input: every case ends with a clear message and its exit status (2 for a
usage problem, 1 when verify finds the evidence altered), never a Python traceback, within seconds (every
number is checked against its range before it is used), and with nothing on disk changed or left behind."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.evidence.conftest import SAMPLE

RUN = "run1"  # a real run's evidence (of the sample project), copied into each case's directory


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 4)


def _nested(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    status: int
    says: str
    prepare: Callable[[Path], None] = lambda _cwd: None


CASES = [
    Case("verify, binary SHA256SUMS", ("verify", RUN), 1, "ALTERED", lambda cwd: _binary(cwd / RUN / "SHA256SUMS")),
    Case(
        "report, binary SHA256SUMS",
        ("report", RUN),
        2,
        "not rebuilding over it",
        lambda cwd: _binary(cwd / RUN / "SHA256SUMS"),
    ),
    Case(
        "report --force, deeply nested results.json",
        ("report", RUN, "--force"),
        2,
        "is damaged",
        lambda cwd: _nested(cwd / RUN / "results.json"),
    ),
    Case(
        "report --force, binary parts",
        ("report", RUN, "--force"),
        2,
        "is damaged",
        lambda cwd: ((cwd / RUN / "results.json").unlink(), _binary(cwd / RUN / "parts" / "main.json")),
    ),
    Case(
        "verify a file",
        ("verify", "s.st"),
        2,
        "s.st is not a directory",
        lambda cwd: (cwd / "s.st").write_text("b ./s.b1\n", encoding="utf-8"),
    ),
    Case("verify a missing directory", ("verify", "nowhere"), 2, "nowhere does not exist"),
    Case("verify --digest that is not one", ("verify", RUN, "--digest", "abc"), 2, "is not a SHA-256"),
    Case(
        "verify --key binary",
        ("verify", RUN, "--key", "k.pub"),
        2,
        "is not a PEM public key",
        lambda cwd: _binary(cwd / "k.pub"),
    ),
    Case("verify --key missing", ("verify", RUN, "--key", "none.pub"), 2, "cannot read the Ed25519 public key"),
    Case(
        "sign with a public key",
        ("sign", RUN, "k.pub"),
        2,
        "is not an unencrypted PEM private key",
        lambda cwd: (cwd / "k.pub").write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
    ),
    Case("keygen under /proc", ("keygen", "/proc/oedr-key"), 2, "cannot write the key pair"),
    Case(
        "init, binary --st",
        ("init", "site", "--st", "bin.st"),
        2,
        "is not a structure file (not text)",
        lambda cwd: _binary(cwd / "bin.st"),
    ),
    Case("init under /proc", ("init", "/proc/oedr-site"), 2, "cannot write the plan into /proc/oedr-site"),
    Case(
        "init over a file",
        ("init", "bin.dat"),
        2,
        "cannot use bin.dat: Not a directory",
        lambda cwd: _binary(cwd / "bin.dat"),
    ),
    Case("report, 300-character directory", ("report", "r" * 300), 2, "File name too long: give another path"),
    Case("init, 300-character --db", ("init", "site", "--db", "d" * 300), 2, "is not a database name: use 1 to 32"),
    Case(
        "init, --ai-extents far too many",
        ("init", "site", "--ai-extents", "99999999999"),
        2,
        "is not a number of AI extents: give 1 to 255",
    ),
    Case("init, --ai-extents 0", ("init", "site", "--ai-extents", "0"), 2, "is not a number of AI extents"),
    Case("run --out under /proc", ("run", "--out", "/proc/x"), 2, "cannot hold the evidence"),
    Case("run, missing feature", ("run", "nosuch.feature"), 2, "nosuch.feature does not exist"),
    Case("run -n negative", ("run", "-n", "-3"), 2, "is not a number of workers"),
    Case("run -n huge", ("run", "-n", "99999999999"), 2, "is not a number of workers"),
    Case("run, bad tag expression", ("run", "--tags", "@a and (or"), 2, "is not a tag expression"),
    Case("run, tag expression far too long", ("run", "--tags", "@a or " * 500 + "@b"), 2, "characters long"),
    Case("run --sign missing key", ("run", "--sign", "none.key"), 2, "cannot read the Ed25519 private key"),
    Case("run --operator over two lines", ("run", "--operator", "a\nb"), 2, "give one line"),
    Case(
        "run --out a file",
        ("run", "--out", "s.st"),
        2,
        "is a file, not a directory",
        lambda cwd: (cwd / "s.st").write_text("b ./s.b1\n", encoding="utf-8"),
    ),
]


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with one real run's evidence in ``run1``."""
    project = tmp_path_factory.mktemp("bad-input") / "project"
    shutil.copytree(SAMPLE, project)
    done = subprocess.run(
        [sys.executable, "-m", "oedr.harness.oedr", "run", "--out", RUN],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (project / RUN / "SHA256SUMS").exists(), done.stdout + done.stderr
    return project


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_oedr_bad_input_is_refused_cleanly_and_changes_nothing(evidence: Path, tmp_path: Path, case: Case) -> None:
    cwd = tmp_path / "cwd"
    shutil.copytree(evidence, cwd)
    case.prepare(cwd)
    before = _snapshot(cwd)
    done = subprocess.run(
        [sys.executable, "-m", "oedr.harness.oedr", *case.argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert done.returncode == case.status, output
    assert case.says in output, output
    assert _snapshot(cwd) == before, "a refused command changes nothing and leaves nothing behind"


def test_the_corpus_run_is_a_real_run(evidence: Path) -> None:
    results = json.loads((evidence / RUN / "results.json").read_text(encoding="utf-8"))
    assert results["run"]["complete"] is True
