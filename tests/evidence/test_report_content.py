"""The evidence of a real (pytester) run: results.json and report.html say what ran, failed and why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.evidence.conftest import RunSample

pytest_plugins = ["pytester"]


def _scenario(results: dict, name: str) -> dict:
    return next(s for f in results["features"] for s in f["scenarios"] if s["name"] == name)


def _results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_a_failing_scenario_names_its_step_command_and_message(run_sample: RunSample) -> None:
    result, out = run_sample()
    result.assert_outcomes(passed=2, failed=2, skipped=1)
    scenario = _scenario(_results(out), "apply an AI file out of sequence")
    step = next(s for s in scenario["steps"] if s["status"] == "failed")
    assert (scenario["status"], step["keyword"], step["name"]) == ("failed", "And", "dr rolls forward AI sequence 2")
    assert step["error"]["number"] == 8019
    assert step["commands"][-1]["command"] == "rfutil sports -C roll forward -a /backups/sports.a2"
    assert step["commands"][-1]["exit_status"] == 1
    assert [s["status"] for s in scenario["steps"]][-1] == "skipped"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "dr rolls forward AI sequence 2" in html
    assert "rfutil sports -C roll forward -a /backups/sports.a2" in html
    assert "Expected ai file number 1 but file specified is 2 in sequence. (8019)" in html


def test_the_procedure_summary_gives_each_feature_its_verdict(run_sample: RunSample) -> None:
    _, out = run_sample()
    procedures = {p["path"]: p for p in _results(out)["summary"]["procedures"]}
    roll = procedures["features/procedures/ai_roll_forward.feature"]
    assert (roll["verdict"], roll["passed"], roll["scenarios"]) == ("FAILED", 1, 2)
    assert roll["failures"][0]["step"] == "And dr rolls forward AI sequence 2"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<span class="badge FAILED">FAILED</span>' in html


def test_the_counters_table_holds_the_recorded_values(run_sample: RunSample) -> None:
    _, out = run_sample()
    scenario = _scenario(_results(out), "apply the AI files in sequence")
    backup = next(s for s in scenario["steps"] if s["name"] == "production takes a full backup")
    snapshots = {c["when"]: c["values"] for c in backup["counters"]}
    assert (snapshots["before"]["backup_counter"], snapshots["after"]["backup_counter"]) == (0, 1)
    html = (out / "report.html").read_text(encoding="utf-8")
    row = re.search(r"<tr class=changed><th>backup_counter</th><td>(\d+)</td><td>(\d+)</td></tr>", html)
    assert row is not None, "the changed backup counter is not highlighted in a before/after table"
    assert row.groups() == ("0", "1")


def test_skipped_and_undefined_scenarios_appear_with_their_reasons(run_sample: RunSample) -> None:
    _, out = run_sample()
    results = _results(out)
    skipped = _scenario(results, "the clients reconnect to the DR host")
    undefined = _scenario(results, "a step nobody has written yet")
    assert (skipped["status"], skipped["reason"]) == ("skipped", "needs a Docker engine (tagged @docker_only)")
    assert undefined["status"] == "undefined"
    assert undefined["reason"].startswith("step not defined: When the DBA does something no step defines; ")
    assert [s["status"] for s in undefined["steps"]] == ["passed", "undefined", "skipped"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "needs a Docker engine (tagged @docker_only)" in html
    assert "step not defined: When the DBA does something no step defines" in html


def test_deselected_scenarios_are_listed_not_dropped(run_sample: RunSample) -> None:
    _, out = run_sample("-m", "not out_of_sequence")
    scenario = _scenario(_results(out), "apply an AI file out of sequence")
    assert (scenario["status"], scenario["reason"]) == (
        "deselected",
        "not selected by the tag expression 'not out_of_sequence'",
    )


def test_the_timeline_shows_switches_copy_and_the_refused_roll_forward(run_sample: RunSample) -> None:
    _, out = run_sample()
    html = (out / "report.html").read_text(encoding="utf-8")
    svgs = re.findall(r'<svg class="timeline".*?</svg>', html, re.DOTALL)
    failing = next(svg for svg in svgs if "apply an AI file out of sequence" in svg)
    for text in ("aimage new", "seq 2", "seq 3", "bak + a1, a2", "prorest", "refused (8019)", "expects 1"):
        assert text in failing, f"{text!r} is not in the timeline"
    assert '<g class="event refused failure">' in failing, "the refused roll forward is the failure's one cross"


def test_the_report_is_self_contained(run_sample: RunSample) -> None:
    _, out = run_sample()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r'(?:src|href)="(?!#)', html), "the report refers to an external asset"


def test_the_environment_is_recorded(run_sample: RunSample) -> None:
    _, out = run_sample("--oe-backend", "docker")
    env = _results(out)["environment"]
    assert env["backend"] == "docker"
    assert env["emulator_release"] == "12.8"
    assert env["started"] <= env["finished"]
    assert env["backends_seen"] == ["local"]


def test_without_oedr_out_the_plugin_writes_nothing(sample: Path, pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("-p", "oedr.harness.evidence.plugin", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2, skipped=1)
    written = [
        p for name in ("results.json", "report.html", "SHA256SUMS", "progress.jsonl") for p in sample.rglob(name)
    ]
    assert written == []
    assert not (sample / "oedr-results").exists()
