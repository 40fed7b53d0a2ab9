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
  "started", "duration", "error": records.ErrorRecord | None}`` plus a bucket's keys; the error's ``number``
  and ``line`` are its deciding OpenEdge message, and ``command`` the command its check was about
- bucket: ``{"commands": [...], "counters": [...], "events": [...]}`` with the records of
  oedr.harness.evidence.records; a command the harness ran for itself (a counters read) carries ``"internal": true``

The summary has the verdict, ``on`` (what the run ran on: the emulator, never to be taken for Progress
OpenEdge, or a site's OpenEdge with its release and image; see ``environment.run_subject``), ``headline``
(the two in one line) and one line per procedure that had a scenario selected for the run, with the
scenarios of that procedure left out of it (``deselected``, ``not_selected``). A procedure is PROVEN when at
least one of its scenarios ran and passed and none failed, errored, was undefined or did not finish; the
other verdicts (FAILED, INCOMPLETE, ERROR, NOT RUN) and their order are defined in verdict.py. ``run``
records whether the run finished: without ``"complete": true`` the verdict is at best INCOMPLETE.

Message numbers from 90000 up are the emulator's own (harness/openedge/messages.py, docs/MESSAGES.md): where
the real OpenEdge number is not known. ``emulator_numbers`` finds them in a message line or a step's check,
so the report can say so wherever it shows one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from oedr.harness.dba import readings
from oedr.harness.evidence import targets as tg
from oedr.harness.evidence import verdict as vd
from oedr.harness.evidence.diagnosis import diagnose
from oedr.harness.evidence.environment import run_subject
from oedr.harness.evidence.records import CommandRef, ErrorRecord
from oedr.harness.evidence.redact import redact_text
from oedr.harness.result import CommandResult

FORMAT = "oedr-results/1"
STATUSES = ("passed", "failed", "error", "undefined", "skipped", "deselected")
FAILING = frozenset({"failed", "error", "undefined"})
PROVEN, FAILED, NOT_RUN, INCOMPLETE, ERROR = vd.PROVEN, vd.FAILED, vd.NOT_RUN, vd.INCOMPLETE, vd.ERROR
RESULTS_FILE = "results.json"
PARTS_DIR = "parts"

# Numbers from here up are assigned by the emulator, not by Progress (messages.py, docs/MESSAGES.md).
EMULATOR_NUMBERS_FROM = 90000

JSON = dict[str, Any]


def is_emulator_number(number: Any) -> bool:
    """True for a message number the emulator assigned (90000 and up): not one Progress OpenEdge prints."""
    return isinstance(number, int) and not isinstance(number, bool) and number >= EMULATOR_NUMBERS_FROM


def emulator_numbers(*texts: str | None) -> list[int]:
    """The emulator-assigned message numbers shown in these texts (message lines, step checks), in order."""
    found: list[int] = []
    for text in texts:
        for number in readings.shown_numbers(text or ""):
            if is_emulator_number(number) and number not in found:
                found.append(number)
    return found


def emulator_note(numbers: Iterable[int]) -> str:
    """The short note that goes with emulator-assigned numbers wherever they are shown ('' for none)."""
    shown = [str(n) for n in numbers]
    if not shown:
        return ""
    if len(shown) == 1:
        return (
            f"{shown[0]} is the emulator's own message number, not Progress OpenEdge's (the real number is "
            "not known; see docs/MESSAGES.md)"
        )
    return (
        f"{', '.join(shown[:-1])} and {shown[-1]} are the emulator's own message numbers, not Progress "
        "OpenEdge's (the real numbers are not known; see docs/MESSAGES.md)"
    )


def new_bucket() -> JSON:
    """An empty place for the records made while one phase (setup, a step, teardown) ran."""
    return {"commands": [], "counters": [], "events": []}


def message_number(text: str) -> int | None:
    """The deciding OpenEdge message number of an error text or a command's output (see below)."""
    found = deciding_message(text)
    return found[0] if found else None


numbered_lines = readings.numbered_lines
deciding_line = readings.deciding_line


def deciding_message(text: str) -> tuple[int, str | None] | None:
    """The number (and line) that decided an error told only as text: its last numbered line, else a number
    it cites. (An error about a command is decided from the command itself: ``failure_error``.)"""
    text = text or ""
    cited = readings.cited_numbers(text)
    return deciding_line(text) or ((cited[0], None) if cited else None)


def decided_by(check: str, output: str, exit_status: int) -> tuple[int, str | None] | None:
    """What decided a failed check about a command: its output's deciding line, or the number it expected.

    A check names the number it expected (``expected failure with message (8019)``); the command's output
    says what happened. A command that exited non-zero is decided by its output; one that exited 0 by the
    number the check expected.
    """
    named_in_check = readings.cited_numbers(check)
    named = named_in_check[-1] if named_in_check else None
    found = deciding_line(output, named)
    if exit_status != 0 and found:
        return found
    if named is not None:
        return named, readings.message_line(output, named)
    return found


def error_entry(exc_type: str, message: str) -> ErrorRecord:
    """What a failed step keeps of an exception told only as text, with the deciding message number and line."""
    found = deciding_message(message)
    return ErrorRecord(
        type=exc_type, message=message, number=found[0] if found else None, line=found[1] if found else None
    )


def failure_error(exc_type: str, message: str, check: str | None, result: object) -> ErrorRecord:
    """A failed step's error: decided by the command its check was about when it carries one (StepFailure)."""
    if not isinstance(result, CommandResult):
        return error_entry(exc_type, message)
    found = decided_by(check or "", result.output, result.exit_status)
    return ErrorRecord(
        type=exc_type,
        message=message,
        number=found[0] if found else None,
        line=redact_text(found[1]) if found and found[1] else None,
        command=CommandRef(
            host=result.host,
            command=redact_text(result.command),
            started=result.started,
            exit_status=result.exit_status,
        ),
    )


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


def _commands_until(scenario: JSON, step: JSON) -> list[JSON]:
    """The commands of the set-up and of every step up to and including ``step``, in order."""
    commands = list(scenario["setup"]["commands"])
    for each in scenario["steps"]:
        commands += each["commands"]
        if each is step:
            break
    return commands


def failing_command(scenario: JSON, step: JSON | None) -> JSON | None:
    """The DBA command a failed step failed on.

    The one its check was about (a Then step checks the command of an earlier step), else the last
    command of the step that exited non-zero; the harness's own reads (``internal``) never count.
    """
    if step is None:
        return None
    about = (step.get("error") or {}).get("command")
    if about:
        for record in reversed(_commands_until(scenario, step)):
            if (record.get("host"), record.get("started")) == (about.get("host"), about.get("started")):
                return record
    own = [c for c in step["commands"] if not c.get("internal")]
    return next((c for c in reversed(own) if c.get("exit_status") != 0), None)


def failure_of(scenario: JSON) -> JSON | None:
    """For a scenario that did not pass: which step, which command, and the message that decided it."""
    if scenario["status"] not in FAILING:
        return None
    step = failing_step(scenario)
    error = (step or {}).get("error") or {}
    message = error.get("message") or scenario.get("reason") or scenario["status"]
    found = (error["number"], error.get("line")) if error.get("number") is not None else deciding_message(message)
    command = failing_command(scenario, step)
    step_text = f"{step['keyword']} {step['name']}" if step else None
    failure = {
        "scenario": scenario["name"],
        "step": step_text,
        "command": command.get("command") if command else None,
        "host": command.get("host") if command else None,
        "exit_status": command.get("exit_status") if command else None,
        "message": message,
        "number": found[0] if found else None,
        "line": found[1] if found else None,
        "emulator_numbers": emulator_numbers(
            found[1] if found else None, f"({found[0]})" if found else None, _first_line(message), step_text
        ),
    }
    if scenario.get("setup_problem"):  # the environment failed, not the plan: what to fix
        failure["setup"] = scenario["setup_problem"]
    elif scenario.get(vd.UNFINISHED) is None:  # an interrupted command says nothing about the runbook
        failure["diagnosis"] = diagnose(failure)
    return failure


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else ""


def feature_verdict(feature: JSON) -> str:
    """PROVEN, FAILED, INCOMPLETE, ERROR or NOT RUN for one procedure (see verdict.py)."""
    return vd.procedure_verdict(feature["scenarios"])


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
    """All scenarios of all parts, one per node id (a run's scenario beats a deselected or unreached twin)."""
    merged: dict[str, JSON] = {}
    for part in parts:
        for scenario in part.get("scenarios", []):
            known = merged.get(scenario["nodeid"])
            if known is None or known["status"] == "deselected" or known.get(vd.UNFINISHED) == vd.NOT_REACHED:
                merged[scenario["nodeid"]] = scenario
    return list(merged.values())


def summarise(features: list[JSON], run_errors: list[JSON], run: JSON | None = None) -> JSON:
    """Counts per status, one line per procedure, and the run's verdict."""
    counts = dict.fromkeys(STATUSES, 0)
    for feature in features:
        for scenario in feature["scenarios"]:
            counts[scenario["status"]] += 1
    procedures = [_procedure_line(f) for f in features if selected(f)]
    verdict = vd.run_verdict((p["verdict"] for p in procedures), run_errors, run)
    return {"verdict": verdict, "counts": counts, "procedures": procedures}


def headline(results: JSON) -> tuple[str, str]:
    """The verdict and what the run ran on (``PROVEN``, ``the oedr OpenEdge-like emulator (not ...)``).

    Taken from the summary, else (results written by an older oedr) from the recorded environment.
    """
    summary = results["summary"]
    return str(summary["verdict"]), str(summary.get("on") or run_subject(results.get("environment") or {}))


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
        "not_selected": [
            {"scenario": s["name"], "reason": s.get("reason")}
            for s in feature["scenarios"]
            if s["status"] == "deselected"
        ],
        "passed": sum(s["status"] == "passed" for s in scenarios),
        "not_run": [
            {"scenario": s["name"], "status": s["status"], "reason": s.get("reason")}
            for s in scenarios
            if s["status"] == "skipped"
        ],
        "failures": [f for s in scenarios if (f := failure_of(s)) is not None],
    }


def build(parts: Iterable[JSON], environment: JSON, run_errors: list[JSON], run: JSON | None = None) -> JSON:
    """The whole results document from worker parts (``run``: whether it finished, verdict.run_record)."""
    features = group_features(merge_scenarios(parts))
    summary = summarise(features, run_errors, run)
    on = run_subject(environment)
    summary = {"verdict": summary["verdict"], "on": on, "headline": f"{summary['verdict']} on {on}", **summary}
    summary.update(tg.evaluate(features, environment))  # the Targets and Controls tables
    return {
        "format": FORMAT,
        "run": run or vd.run_record(False, "the results do not record that the run finished"),
        "environment": environment,
        "summary": summary,
        "features": features,
        "run_errors": run_errors,
    }


def recompute(results: JSON) -> JSON:
    """The verdicts of a results document worked out again from its scenarios and its ``run`` record.

    ``oedr report`` uses it, so a verdict is never taken on trust from a results.json: without a record
    that the run finished it is at best INCOMPLETE, whatever the file says.
    """
    features = results["features"]
    for feature in features:
        feature["verdict"] = feature_verdict(feature)
    summary = summarise(features, results.get("run_errors") or [], results.get("run"))
    on = results["summary"].get("on") or run_subject(results.get("environment") or {})
    results["summary"] = {
        "verdict": summary["verdict"],
        "on": on,
        "headline": f"{summary['verdict']} on {on}",
        **summary,
        **tg.evaluate(features, results.get("environment") or {}),
    }
    return results


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
