"""SHA256SUMS and ``oedr verify``: any change to a run's evidence after the run is detected."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from oedr.harness.evidence.manifest import verify, write_manifest
from oedr.harness.oedr import main
from tests.evidence.conftest import RunSample

pytest_plugins = ["pytester"]


def _evidence(tmp_path: Path) -> Path:
    (tmp_path / "parts").mkdir()
    (tmp_path / "results.json").write_text('{"format": "oedr-results/1"}\n')
    (tmp_path / "parts" / "main.json").write_text("{}\n")
    write_manifest(tmp_path)
    return tmp_path


def test_the_manifest_is_in_sha256sum_format(tmp_path: Path) -> None:
    out = _evidence(tmp_path)
    digest = hashlib.sha256(b'{"format": "oedr-results/1"}\n').hexdigest()
    assert (out / "SHA256SUMS").read_text().splitlines() == [
        f"{hashlib.sha256(b'{}' + bytes([10])).hexdigest()}  parts/main.json",
        f"{digest}  results.json",
    ]
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_verify_finds_changed_missing_and_unlisted_files(tmp_path: Path) -> None:
    out = _evidence(tmp_path)
    assert verify(out).intact
    (out / "parts" / "main.json").unlink()
    (out / "extra.txt").write_text("added later")
    check = verify(out)
    assert (check.missing, check.unlisted, check.changed) == (["parts/main.json"], ["extra.txt"], [])


def test_oedr_verify_detects_a_one_byte_change_in_a_real_run(
    run_sample: RunSample, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = run_sample()
    assert main(["verify", str(out)]) == 0
    report = out / "report.html"
    data = bytearray(report.read_bytes())
    position = data.index(b"FAILED")
    data[position] = ord("P")  # one byte: an auditor must not be shown a doctored verdict
    report.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["verify", str(out)]) == 1
    assert "CHANGED   report.html" in capsys.readouterr().out


def test_oedr_verify_without_a_manifest_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path)]) == 2
    assert "SHA256SUMS does not exist" in capsys.readouterr().err
