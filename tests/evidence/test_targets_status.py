"""oedr.toml's targets and controls in results.json, and ``oedr status`` on real results directories."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from oedr.harness.evidence import targets
from oedr.harness.oedr import main
from tests.evidence.test_oedr_command import oedr

pytest_plugins = ["pytester"]

PLAN = """
[freshness]
max_age_days = 30

[targets.ai_roll_forward]
rpo_minutes = 5

[controls."NIST SP 800-53 CP-9"]
title = "System backup"
procedures = ["ai_roll_forward"]

[controls."Nobody's control"]
tags = ["no_scenario_has_it"]
"""


def _age(out: Path, days: int) -> None:
    """Make the recorded run ``days`` old (as if it had been run then)."""
    path = out / "results.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    results["environment"]["finished"] = (datetime.now(UTC) - timedelta(days=days)).isoformat()
    path.write_text(json.dumps(results), encoding="utf-8")


def test_results_carry_targets_and_controls_and_status_says_when_stale(sample: Path) -> None:
    (sample / "oedr.toml").write_text(PLAN, encoding="utf-8")
    done = oedr(sample, "run", "features/procedures/ai_roll_forward.feature", "--tags", "not out_of_sequence")
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((sample / "oedr-results" / "results.json").read_text(encoding="utf-8"))["summary"]
    controls = {row["control"]: row for row in summary["controls"]}
    assert controls["NIST SP 800-53 CP-9"]["result"] == "PROVEN"
    assert len(controls["NIST SP 800-53 CP-9"]["scenarios"]) == 1
    assert controls["Nobody's control"]["result"] == "NOT RUN"
    assert summary["targets"] == [
        {"procedure": "ai_roll_forward", "target": "RPO", "target_minutes": 5, "measured_minutes": None, "met": None}
    ]
    assert "<h2>Controls</h2>" in (sample / "oedr-results" / "report.html").read_text(encoding="utf-8")

    fresh = oedr(sample, "status", "oedr-results")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "  FRESH    Roll forward after-image files on the DR host  (last PROVEN" in fresh.stdout
    _age(sample / "oedr-results", 40)  # older than oedr.toml's 30 days
    stale = oedr(sample, "status", "oedr-results")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "  STALE    Roll forward after-image files on the DR host  (last PROVEN" in stale.stdout
    assert oedr(sample, "status", "oedr-results", "--max-age", "60").returncode == 0


def test_a_procedure_never_proven_is_reported_and_fails_status(sample: Path) -> None:
    failed = oedr(sample, "run", "--out", "failed")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    done = oedr(sample, "status", "failed")
    assert done.returncode == 1
    assert "  NEVER    Roll forward after-image files on the DR host  (last verdict FAILED" in done.stdout


def test_status_refuses_what_is_not_a_run(tmp_path: Path) -> None:
    assert main(["status", str(tmp_path / "nowhere")]) == 2
    assert main(["status", str(tmp_path), "--max-age", "0"]) == 2


def test_init_writes_the_commented_default_plan(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "site")]) == 0
    text = (tmp_path / "site" / "oedr.toml").read_text(encoding="utf-8")
    assert text.startswith("# oedr.toml")
    plan = targets.parse_plan(text, "oedr.toml")
    assert plan["max_age_days"] == 90
    assert {"ISO/IEC 27001:2022 A.5.30", "ISO/IEC 27001:2022 A.8.13", "SOC 2 A1.3", "DORA Art. 12"} <= set(
        plan["controls"]
    )
    assert {"NIST SP 800-53 CP-4", "NIST SP 800-53 CP-9", "NIST SP 800-53 CP-10"} <= set(plan["controls"])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[freshness]\nmax_age_days = 0\n", "max_age_days must be a whole number of days"),
        ("[targets.rpo]\nrpo_minutes = -1\n", "targets.rpo.rpo_minutes must be a number of minutes"),
        ("[targets.rpo]\nrpo = 5\n", "may set only rpo_minutes and rto_minutes"),
        ('[controls."X"]\ntags = "rpo"\n', "tags and procedures are lists of names"),
        ("[schedule]\n", "unknown section 'schedule'"),
        ("targets = [", "is not valid TOML"),
    ],
)
def test_a_bad_plan_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(targets.PlanProblem, match=says):
        targets.parse_plan(text, "oedr.toml")


def _scenario(name: str, window: float, rto: float) -> dict[str, object]:
    events = [
        {"kind": "rpo", "measure": {"window_seconds": window, "lost": 1}},
        {"kind": "rto", "measure": {"seconds": rto, "phases": []}},
    ]
    return {"name": name, "status": "passed", "tags": ["rpo"], "steps": [{"events": events}]}


def test_the_worst_measured_scenario_decides_whether_a_target_is_met() -> None:
    feature = {
        "path": "features/procedures/rpo.feature",
        "scenarios": [_scenario("a", 60, 30), _scenario("b", 600, 90)],
    }
    plan = targets.parse_plan("[targets.rpo]\nrpo_minutes = 5\nrto_minutes = 2\n", "oedr.toml")
    rows = {row["target"]: row for row in targets.targets_table([feature], plan)}
    assert (rows["RPO"]["measured_minutes"], rows["RPO"]["met"]) == (10, False)  # 600 s > 5 min
    assert (rows["RTO"]["measured_minutes"], rows["RTO"]["met"]) == (1.5, True)
