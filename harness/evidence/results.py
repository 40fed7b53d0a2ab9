"""The results model: what ``results.json`` holds, how worker parts merge, and each procedure's verdict.

Everything is plain JSON (dicts and lists), so a part written by an xdist worker, the merged
``results.json`` and the reports built from it are the same shape. The shapes:

- results: ``{"format", "environment", "summary", "features": [feature], "run_errors": [{"where", "message"}]}``
- feature (one per ``.feature`` file, i.e. one DR procedure): ``{"name", "keyword", "description", "path",
  "rel_filename", "line", "tags", "verdict", "scenarios": [scenario]}``
- scenario: ``{"nodeid", "order", "name", "keyword", "line", "tags", "description", "example", "status",
  "reason", "worker", "started", "duration", "setup": bucket, "steps": [step], "teardown": bucket,
  "traceback"}`` with status one of ``STATUSES``
- step: ``{"index", "keyword", "name", "type", "line", "background", "docstring", "datatable", "status",
  "started", "duration", "error": {"type", "message", "number"} | None}`` plus a bucket's keys
- bucket: ``{"commands": [...], "counters": [...], "events": [...]}`` with the payloads of hooks.py

The summary has one line per procedure that had a scenario selected for the run. A procedure is PROVEN
when at least one of its scenarios ran and passed and none failed, errored or was undefined; FAILED when
any did; NOT RUN when every scenario was skipped or deselected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

FORMAT = "oedr-results/1"
STATUSES = ("passed", "failed", "error", "undefined", "skipped", "deselected")
FAILING = frozenset({"failed", "error", "undefined"})
PROVEN, FAILED, NOT_RUN = "PROVEN", "FAILED", "NOT RUN"
RESULTS_FILE = "results.json"
PARTS_DIR = "parts"
_MESSAGE_NUMBER = re.compile(r"\((\d{3,5})\)")

JSON = dict[str, Any]


def new_bucket() -> JSON:
    """An empty place for the records made while one phase (setup, a step, teardown) ran."""
    return {"commands": [], "counters": [], "events": []}


def message_number(text: str) -> int | None:
    """The first OpenEdge message number, ``(NNNN)``, in an error text."""
    found = _MESSAGE_NUMBER.search(text or "")
    return int(found.group(1)) if found else None


def error_entry(exc_type: str, message: str) -> JSON:
    """What a failed step keeps of its exception."""
    return {"type": exc_type, "message": message, "number": message_number(message)}


def buckets(scenario: JSON) -> Iterator[tuple[str, JSON]]:
    """The scenario's buckets in the order they happened, each with a label (setup, step N, teardown)."""
    yield "setup", scenario["setup"]
    for step in scenario["steps"]:
        yield f"step {step['index'] + 1}", step
    yield "teardown", scenario["teardown"]


def records(scenario: JSON, kind: str) -> list[JSON]:
    """Every record of one kind (``commands``, ``counters``, ``events``) in a scenario, in order."""
    return [record for _, bucket in buckets(scenario) for record in bucket[kind]]


def failing_step(scenario: JSON) -> JSON | None:
    """The step that failed or was undefined, if any."""
    return next((s for s in scenario["steps"] if s["status"] in ("failed", "undefined")), None)


def failure_of(scenario: JSON) -> JSON | None:
    """For a scenario that did not pass: which step, which command and what message."""
    if scenario["status"] not in FAILING:
        return None
    step = failing_step(scenario)
    error = (step or {}).get("error") or {}
    message = error.get("message") or scenario.get("reason") or scenario["status"]
    commands = step["commands"] if step else []
    return {
        "scenario": scenario["name"],
        "step": f"{step['keyword']} {step['name']}" if step else None,
        "command": commands[-1].get("command") if commands else None,
        "message": message,
        "number": error.get("number") or message_number(message),
    }


def feature_verdict(feature: JSON) -> str:
    """PROVEN, FAILED or NOT RUN for one procedure."""
    statuses = {s["status"] for s in feature["scenarios"]}
    if statuses & FAILING:
        return FAILED
    return PROVEN if "passed" in statuses else NOT_RUN


def _sort_key(scenario: JSON) -> tuple[int, int, str]:
    return (scenario.get("line") or 0, scenario.get("order") or 0, scenario["nodeid"])


def group_features(scenarios: Iterable[JSON]) -> list[JSON]:
    """Group scenarios by feature file (sorted by path, scenarios by line then collection order)."""
    features: dict[str, JSON] = {}
    for recorded in scenarios:
        scenario = dict(recorded)
        meta = scenario.pop("feature")
        feature = features.setdefault(meta["path"], {**meta, "scenarios": []})
        feature["scenarios"].append(scenario)
    grouped = [features[path] for path in sorted(features)]
    for feature in grouped:
        feature["scenarios"].sort(key=_sort_key)
        feature["verdict"] = feature_verdict(feature)
    return grouped


def merge_scenarios(parts: Iterable[JSON]) -> list[JSON]:
    """All scenarios of all parts, one per node id (a run's scenario beats a deselected twin)."""
    merged: dict[str, JSON] = {}
    for part in parts:
        for scenario in part.get("scenarios", []):
            known = merged.get(scenario["nodeid"])
            if known is None or known["status"] == "deselected":
                merged[scenario["nodeid"]] = scenario
    return list(merged.values())


def summarise(features: list[JSON], run_errors: list[JSON]) -> JSON:
    """Counts per status, one line per procedure, and the run's verdict."""
    counts = dict.fromkeys(STATUSES, 0)
    for feature in features:
        for scenario in feature["scenarios"]:
            counts[scenario["status"]] += 1
    procedures = [_procedure_line(f) for f in features if selected(f)]
    verdicts = {p["verdict"] for p in procedures}
    verdict = NOT_RUN
    if run_errors or FAILED in verdicts:
        verdict = FAILED
    elif PROVEN in verdicts:
        verdict = PROVEN
    return {"verdict": verdict, "counts": counts, "procedures": procedures}


def selected(feature: JSON) -> bool:
    """False when every scenario of the feature was left out of the run (by tags or feature paths)."""
    return any(s["status"] != "deselected" for s in feature["scenarios"])


def _procedure_line(feature: JSON) -> JSON:
    scenarios = [s for s in feature["scenarios"] if s["status"] != "deselected"]
    return {
        "name": feature["name"],
        "path": feature["path"],
        "verdict": feature["verdict"],
        "scenarios": len(scenarios),
        "deselected": len(feature["scenarios"]) - len(scenarios),
        "passed": sum(s["status"] == "passed" for s in scenarios),
        "not_run": [{"scenario": s["name"], "status": s["status"], "reason": s.get("reason")} for s in scenarios
                    if s["status"] == "skipped"],
        "failures": [f for s in scenarios if (f := failure_of(s)) is not None],
    }  # fmt: skip


def build(parts: Iterable[JSON], environment: JSON, run_errors: list[JSON]) -> JSON:
    """The whole results document from worker parts."""
    features = group_features(merge_scenarios(parts))
    return {
        "format": FORMAT,
        "environment": environment,
        "summary": summarise(features, run_errors),
        "features": features,
        "run_errors": run_errors,
    }


def write_json(path: Path, data: JSON) -> None:
    """Write JSON readably and atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> JSON:
    """Read one JSON document."""
    data: JSON = json.loads(path.read_text(encoding="utf-8"))
    return data


def read_parts(out: Path) -> list[JSON]:
    """Every worker part written under ``out/parts``, in file-name order."""
    return [read_json(p) for p in sorted((out / PARTS_DIR).glob("*.json"))]
