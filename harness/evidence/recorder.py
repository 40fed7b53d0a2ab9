"""The per-scenario recorder: the sink that oedr.harness.evidence.hooks feeds, and the scenario's entry it fills.

One ``ScenarioRecorder`` exists per test item. It is installed as the hooks' sink when the item's setup
starts and removed when its teardown ends, so commands run by fixtures land in ``setup``/``teardown`` and
commands run while a step runs land in that step. Every record is redacted as it arrives, and gets
``recorded``, its arrival number in the scenario, so commands, counters and events can be put back in order.
Records arrive with their facts (oedr.harness.evidence.records): the harness's own counters reads come marked
``internal`` by the harness, which ran them, and are evidence of the counters, never the command a step
failed on.
"""

from __future__ import annotations

import threading
import time

from oedr.harness.bdd import Feature, Scenario, Step
from oedr.harness.evidence.environment import now_iso
from oedr.harness.evidence.records import CommandRecord, CountersRecord, ErrorRecord, EventRecord
from oedr.harness.evidence.redact import redact_command, redact_dict, redact_text, redact_value
from oedr.harness.evidence.results import JSON, error_entry, failure_error, new_bucket


def feature_meta(feature: Feature, rootdir: str) -> JSON:
    """What the report keeps of a feature: its name, narrative, file and tags."""
    path = feature.filename
    if path.startswith(rootdir.rstrip("/") + "/"):
        path = path[len(rootdir.rstrip("/")) + 1 :]
    return {
        "name": feature.name,
        "keyword": feature.keyword,
        "description": feature.description,
        "path": path,
        "rel_filename": feature.rel_filename,
        "line": feature.line_number,
        "tags": sorted(feature.tags),
    }


def step_entry(index: int, step: Step) -> JSON:
    """A step not yet run (status ``skipped`` until it starts)."""
    return {
        "index": index,
        "keyword": step.keyword.strip(),
        "name": step.name,
        "type": step.type,
        "line": step.line_number,
        "background": step.background is not None,
        "docstring": step.docstring,
        "datatable": step.datatable.raw() if step.datatable is not None else None,
        "status": "skipped",
        "started": None,
        "duration": 0.0,
        "error": None,
        **new_bucket(),
    }


def example_name(name: str, example: dict[str, str] | None) -> str:
    """A Scenario Outline's row named by its values (``... first (areas=1, kind=fixed)``), so that each row has
    its own name on the console, in the report and in cucumber.json; a plain scenario keeps its name."""
    return f"{name} ({', '.join(f'{k}={v}' for k, v in example.items())})" if example else name


def scenario_entry(nodeid: str, order: int, scenario: Scenario, rootdir: str, example: dict[str, str]) -> JSON:
    """A scenario's entry before it runs: everything the feature file says about it (redacted)."""
    entry: JSON = {
        "nodeid": nodeid,
        "order": order,
        "feature": feature_meta(scenario.feature, rootdir),
        "name": example_name(scenario.name, example),
        "keyword": scenario.keyword,
        "line": scenario.line_number,
        "tags": sorted(scenario.tags | scenario.feature.tags),
        "description": scenario.description,
        "example": example or None,
        "status": "skipped",
        "reason": None,
        "worker": None,
        "started": None,
        "duration": 0.0,
        "setup": new_bucket(),
        "steps": [step_entry(i, s) for i, s in enumerate(scenario.steps)],
        "teardown": new_bucket(),
        "traceback": None,
    }
    return redact_dict(entry)


class ScenarioRecorder:
    """Implements oedr.harness.evidence.hooks.Sink for one scenario; attributes records to the running phase."""

    def __init__(self, entry: JSON) -> None:
        self.entry = entry
        self._lock = threading.Lock()
        self._bucket: JSON = entry["setup"]
        self._step: JSON | None = None
        self._step_clock = 0.0
        self._scenario: Scenario | None = None
        self._arrivals = 0

    # -- the Sink protocol (called by the harness, possibly from other threads) --
    def command(self, record: CommandRecord) -> None:
        self._append("commands", redact_command(dict(record)))

    def counters(self, record: CountersRecord) -> None:
        self._append("counters", redact_dict(dict(record)))

    def event(self, record: EventRecord) -> None:
        self._append("events", redact_dict(dict(record)))

    def _append(self, kind: str, record: JSON) -> None:
        with self._lock:
            self._arrivals += 1
            record["recorded"] = self._arrivals
            self._bucket[kind].append(record)

    # -- phases (called by the plugin) --
    def bind(self, scenario: Scenario) -> None:
        """The scenario as pytest-bdd runs it: its steps (background first) are the ones recorded."""
        self._scenario = scenario
        self.entry["steps"] = redact_value([step_entry(i, s) for i, s in enumerate(scenario.steps)])

    def index_of(self, step: Step) -> int:
        """The position of ``step`` in the running scenario (by identity: two steps may read the same)."""
        steps = self._scenario.steps if self._scenario is not None else []
        return next((i for i, s in enumerate(steps) if s is step), len(self.entry["steps"]) - 1)

    @property
    def current_step(self) -> JSON | None:
        return self._step

    def start_step(self, index: int) -> JSON:
        """Attribute what follows to step ``index``, and start its clock."""
        step: JSON = self.entry["steps"][index]
        step.update(status="running", started=now_iso())
        with self._lock:
            self._bucket, self._step = step, step
        self._step_clock = time.perf_counter()
        return step

    def end_step(self, status: str, error: ErrorRecord | None = None) -> None:
        """Close the running step with its status (and error, when it failed)."""
        step = self._step
        if step is None:
            return
        step.update(status=status, duration=time.perf_counter() - self._step_clock, error=error)
        self._step = None

    def fail_step(self, exc: BaseException) -> None:
        """Close the running step as failed by ``exc``."""
        self.end_step(
            "failed",
            failure_error(
                type(exc).__name__, redact_text(str(exc)), getattr(exc, "check", None), getattr(exc, "result", None)
            ),
        )

    def mark_undefined(self, index: int, message: str) -> None:
        """A step with no definition: it did not run, and the scenario cannot be proven."""
        step = self.entry["steps"][index]
        step.update(status="undefined", error=error_entry("StepDefinitionNotFoundError", message))

    def enter_teardown(self) -> None:
        """Attribute what follows to the scenario's teardown."""
        with self._lock:
            self._bucket = self.entry["teardown"]
