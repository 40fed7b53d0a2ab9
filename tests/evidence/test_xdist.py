"""Under xdist each worker writes a part and the controller merges them: the evidence matches a serial run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.evidence.conftest import RunSample

pytest_plugins = ["pytester"]


def _essence(out: Path) -> list[Any]:
    """What a run proved, without what differs between runs (times, durations, workers)."""
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return [
        (
            feature["path"],
            feature["verdict"],
            [
                (
                    s["name"],
                    s["status"],
                    s["reason"],
                    [
                        (
                            st["name"],
                            st["status"],
                            (st["error"] or {}).get("message"),
                            [c["command"] for c in st["commands"]],
                            [(c["when"], c["values"]) for c in st["counters"]],
                            [(e["kind"], e["seq"]) for e in st["events"]],
                        )
                        for st in s["steps"]
                    ],
                )
                for s in feature["scenarios"]
            ],
        )
        for feature in results["features"]
    ]


def test_two_workers_record_the_same_evidence_as_one(run_sample: RunSample) -> None:
    serial, serial_out = run_sample(out="serial")
    parallel, parallel_out = run_sample("-n", "2", out="parallel")
    serial.assert_outcomes(passed=2, failed=2, skipped=1)
    parallel.assert_outcomes(passed=2, failed=2, skipped=1)
    assert _essence(parallel_out) == _essence(serial_out)
    workers = {
        s["worker"] for f in json.loads((parallel_out / "results.json").read_text())["features"] for s in f["scenarios"]
    }
    assert workers <= {"gw0", "gw1"}
    assert {p.name for p in (parallel_out / "parts").iterdir()} >= {"gw0.json", "gw1.json"}


def test_cucumber_json_lists_every_scenario_under_xdist(run_sample: RunSample) -> None:
    _, out = run_sample("-n", "2")
    features = json.loads((out / "cucumber.json").read_text(encoding="utf-8"))
    elements = {e["name"]: e for f in features for e in f["elements"]}
    assert len(elements) == 5
    skipped = elements["the clients reconnect to the DR host"]
    assert {s["result"]["status"] for s in skipped["steps"]} == {"skipped"}
    assert skipped["steps"][0]["result"]["error_message"] == "needs a Docker engine (tagged @docker_only)"
    undefined = elements["a step nobody has written yet"]
    assert [s["result"]["status"] for s in undefined["steps"]] == ["passed", "undefined", "skipped"]
    failed = elements["apply an AI file out of sequence"]
    assert "(8019)" in next(s for s in failed["steps"] if s["result"]["status"] == "failed")["result"]["error_message"]
