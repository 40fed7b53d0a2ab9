"""Allure results beside the report when allure-pytest-bdd is installed (it is, in the dev extras): one
result per scenario with its status and steps, so a CI dashboard shows the same verdicts as the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.evidence.realplan import oedr

ROOT = Path(__file__).resolve().parents[2]
FEATURE = ROOT / "features" / "procedures" / "point_in_time.feature"

pytest.importorskip("allure_pytest_bdd", reason="allure-pytest-bdd is not installed (pip install -e '.[dev]')")


def test_oedr_run_writes_one_allure_result_per_scenario(tmp_path: Path) -> None:
    run = oedr(ROOT, "run", str(FEATURE), "--out", str(tmp_path / "out"))
    assert run.returncode == 0, run.stdout + run.stderr
    found = [json.loads(p.read_text()) for p in (tmp_path / "out" / "allure-results").glob("*-result.json")]
    assert sorted((r["name"], r["status"]) for r in found) == [
        ("roll forward to a time between two batches of transactions", "passed"),
        ("roll forward up to a transaction", "passed"),
    ]
    assert all(r["steps"] for r in found)
    assert "allure-results" in (tmp_path / "out" / "SHA256SUMS").read_text()
