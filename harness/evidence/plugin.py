"""The pytest plugin that records the evidence of a run (load it with ``-p oedr.harness.evidence.plugin``).

Options: ``--oedr-out DIR`` turns recording on; without it the plugin records and writes nothing, so it is
harmless to list it in ``pytest_plugins``. ``--oedr-feature PATH`` (repeatable) keeps only the scenarios
of the ``.feature`` files at or under PATH (``oedr run features/procedures/x.feature`` uses it: pytest
collects the binder module, not feature files).

Per scenario it records, through pytest-bdd's hooks, every step's status, start time and duration, the
failing step's exception, and (through the sink it installs for ``oedr.harness.evidence.hooks``) every
command, counters snapshot and event the harness reports while a step runs. pytest's own reports supply
what pytest-bdd's hooks never see: skip reasons, fixture (setup) errors and teardown errors.

Under xdist each worker writes ``DIR/parts/<worker>.json`` after every scenario (so a crashed worker
loses at most one); the controller (the process without ``config.workerinput``) merges the parts in
``pytest_sessionfinish`` into results.json, cucumber.json, report.html and SHA256SUMS, after pytest's
junitxml has written its file. ``DIR/progress.jsonl`` is the live feed ``oedr run`` displays.
"""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable, Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from oedr.harness.bdd import Feature, Scenario, Step, example_of, scenario_template
from oedr.harness.evidence import hooks, identity, outputs, targets
from oedr.harness.evidence import results as res
from oedr.harness.evidence import verdict as vd
from oedr.harness.evidence.environment import collect, now_iso
from oedr.harness.evidence.progress import PROGRESS_FILE, ProgressWriter
from oedr.harness.evidence.recorder import ScenarioRecorder, scenario_entry
from oedr.harness.evidence.redact import redact_text
from oedr.harness.evidence.setup_problems import is_setup_problem, setup_reason
from oedr.harness.evidence.undefined import undefined_reason

PLUGIN_NAME = "oedr-evidence"
_STALE = (res.PARTS_DIR, res.RESULTS_FILE, PROGRESS_FILE, *outputs.OUTPUT_FILES)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oedr", "oedr evidence for auditors")
    group.addoption("--oedr-out", metavar="DIR", default=None, help="record the run's evidence into DIR")
    group.addoption(
        "--oedr-feature",
        metavar="PATH",
        action="append",
        default=[],
        help="run only the scenarios of the .feature files at or under PATH (repeatable)",
    )
    for name in identity.FIELDS:
        group.addoption(f"--oedr-{name}", metavar="TEXT", default=None, help=f"the run's {name}, for the report")


def pytest_configure(config: pytest.Config) -> None:
    out = config.getoption("oedr_out")
    if out and not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(EvidencePlugin(config, Path(out)), PLUGIN_NAME)


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = [Path(p).resolve() for p in config.getoption("oedr_feature") or []]
    if not wanted:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        template = scenario_template(item)
        chosen = template is not None and _under(Path(template.feature.filename).resolve(), wanted)
        (keep if chosen else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


def _crash_message(report: pytest.TestReport | pytest.CollectReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None) or report.longreprtext.strip().splitlines()[-1:] or [""]
    return redact_text(message if isinstance(message, str) else message[0])


class EvidencePlugin:
    """Records one pytest process's scenarios; in the controller, also merges and writes the reports."""

    def __init__(self, config: pytest.Config, out: Path) -> None:
        self.config = config
        self.out = out.resolve()
        self.is_worker = hasattr(config, "workerinput")
        self.worker = config.workerinput["workerid"] if self.is_worker else "main"  # type: ignore[attr-defined]
        self.rootdir = str(config.rootpath)
        self.entries: dict[str, res.JSON] = {}
        self.recorders: dict[str, ScenarioRecorder] = {}
        self.order: dict[str, int] = {}
        self.seen_reports: dict[str, list[pytest.TestReport]] = {}
        self.other_tests: set[str] = set()
        self.run_errors: list[res.JSON] = []
        self.started = now_iso()
        if not self.is_worker:
            self._prepare_out()
        self.progress = ProgressWriter(self.out / PROGRESS_FILE, self.worker)
        self.interrupted = False
        self.session: pytest.Session | None = None
        self._watch_interrupts()
        self.environment = collect(getattr(config.option, "oe_backend", None), config.rootpath, self.started)
        if not self.is_worker:
            people = {name: config.getoption(f"oedr_{name}") for name in identity.FIELDS}
            self.environment["plan"] = identity.plan_identity(config.rootpath, people)
            try:  # oedr.toml's targets and controls, kept with the run so the report can be rebuilt from it
                self.environment["targets_plan"] = targets.load_plan(config.rootpath)
            except targets.PlanProblem as exc:
                self.run_errors.append({"where": targets.PLAN_FILE, "message": str(exc)})

    def _watch_interrupts(self) -> None:
        """Note a SIGINT (a cancelled run: ``oedr run`` sends it on SIGTERM), then let pytest handle it as usual.

        A scenario that ends failing after it came was cut short: the command it was running was interrupted,
        which says nothing about the plan. The session stops after the running scenario even when the
        interrupt lands in code that turns it into a failed command (the in-process emulator does: exit 130).
        """
        try:
            previous = signal.getsignal(signal.SIGINT)
        except ValueError:
            return

        def note(signum: int, frame: FrameType | None) -> None:
            self.interrupted = True
            if self.session is not None:  # stop after this scenario even if the interrupt is swallowed below
                self.session.shouldstop = "the run was interrupted (SIGINT)"
            if callable(previous):
                previous(signum, frame)
            else:
                raise KeyboardInterrupt

        try:
            signal.signal(signal.SIGINT, note)
        except ValueError:  # not the main thread: no handler of ours
            pass

    def _prepare_out(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for name in _STALE:
            stale = self.out / name
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    # -- collection --
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.order.update({item.nodeid: i for i, item in enumerate(items)})

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # Every selected scenario is on record from the start, as not reached, so that a run that ends early
        # shows what it never ran instead of a procedure that looks smaller than it is.
        for item in session.items:
            if item.nodeid not in self.entries and (entry := self._new_entry(item)) is not None:
                entry.update(vd.placeholder_status())
        if self.entries:
            self._write_part()
        self.progress.emit("collected", count=len(session.items))

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        expr = self.config.getoption("markexpr", "")
        reason = f"not selected by the tag expression {expr!r}" if expr else "not selected for this run"
        for item in items:
            entry = self._new_entry(item)
            if entry is not None:
                entry.update(status="deselected", reason=reason)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            error = {"where": report.nodeid or "collection", "message": redact_text(report.longreprtext)}
            if error not in self.run_errors:
                self.run_errors.append(error)

    def _new_entry(self, item: pytest.Item) -> res.JSON | None:
        template = scenario_template(item)
        if template is None:
            return None
        example = example_of(item)
        scenario = template.render(example)
        entry = scenario_entry(item.nodeid, self.order.get(item.nodeid, 0), scenario, self.rootdir, example)
        entry["worker"] = self.worker
        self.entries[item.nodeid] = entry
        return entry

    # -- one test item --
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, Any, None]:
        entry = self._new_entry(item)  # a fresh entry: the not-reached placeholder goes
        if entry is None:
            self.other_tests.add(item.nodeid)
            yield
            return
        recorder = ScenarioRecorder(entry)
        self.recorders[item.nodeid] = recorder
        entry.update(started=now_iso(), status="running")
        self._write_part()
        self.progress.emit(
            "scenario-start", nodeid=item.nodeid, feature=entry["feature"]["name"], scenario=entry["name"]
        )
        hooks.install(recorder)
        try:
            yield
        finally:
            hooks.install(None)
            self._finish_item(item.nodeid, entry)

    def _finish_item(self, nodeid: str, entry: res.JSON) -> None:
        if self.interrupted and entry["status"] in res.FAILING:
            entry.update(status="error", reason=f"{vd.CUT_SHORT} ({entry['reason']})")
            entry[vd.UNFINISHED] = vd.CUT_SHORT
        reports = self.seen_reports.get(nodeid, [])
        entry["duration"] = sum(r.duration for r in reports)
        self.progress.emit(
            "scenario-end",
            nodeid=nodeid,
            status=entry["status"],
            reason=entry["reason"],
            duration=entry["duration"],
            failure=res.failure_of(entry),
        )
        self._write_part()

    # -- pytest-bdd's hooks, while the scenario runs --
    def _recorder(self, request: pytest.FixtureRequest) -> ScenarioRecorder | None:
        return self.recorders.get(request.node.nodeid)

    def pytest_bdd_before_scenario(self, request: pytest.FixtureRequest, feature: Feature, scenario: Scenario) -> None:
        recorder = self._recorder(request)
        if recorder is not None:
            recorder.bind(scenario)

    def pytest_bdd_before_step(self, request: pytest.FixtureRequest, step: Step) -> None:
        recorder = self._recorder(request)
        if recorder is not None:
            started = recorder.start_step(recorder.index_of(step))
            self.progress.emit("step-start", nodeid=request.node.nodeid, step=f"{started['keyword']} {started['name']}")

    def pytest_bdd_before_step_call(self, request: pytest.FixtureRequest, step_func: Callable[..., object]) -> None:
        recorder = self._recorder(request)
        if recorder is not None and recorder.current_step is not None:
            code = getattr(step_func, "__code__", None)
            where = f"{code.co_filename}:{code.co_firstlineno}" if code else getattr(step_func, "__qualname__", "")
            recorder.current_step["match"] = where

    def pytest_bdd_after_step(self, request: pytest.FixtureRequest) -> None:
        recorder = self._recorder(request)
        if recorder is not None:
            recorder.end_step("passed")

    def pytest_bdd_step_error(self, request: pytest.FixtureRequest, exception: Exception) -> None:
        recorder = self._recorder(request)
        if recorder is not None:
            recorder.fail_step(exception)
            if is_setup_problem(exception):
                recorder.entry["setup_problem"] = redact_text(setup_reason(exception))

    def pytest_bdd_step_func_lookup_error(
        self, request: pytest.FixtureRequest, step: Step, exception: Exception
    ) -> None:
        recorder = self._recorder(request)
        if recorder is not None:
            reason = undefined_reason(step.keyword, step.type, step.name)
            recorder.mark_undefined(recorder.index_of(step), redact_text(reason))
            recorder.entry.update(status="undefined", reason=reason)

    def pytest_bdd_after_scenario(self, request: pytest.FixtureRequest) -> None:
        recorder = self._recorder(request)
        if recorder is not None:
            recorder.enter_teardown()

    # -- pytest's reports: skip reasons, setup and teardown errors --
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seen_reports.setdefault(report.nodeid, []).append(report)
        entry = self.entries.get(report.nodeid)
        recorder = self.recorders.get(report.nodeid)
        if entry is not None and recorder is not None:
            _apply_report(entry, recorder, report)

    # -- the end --
    def _write_part(self) -> None:
        part = {
            "format": res.FORMAT,
            "worker": self.worker,
            "run_errors": self.run_errors,
            "other_tests": sorted(self.other_tests),
            "scenarios": list(self.entries.values()),
        }
        res.write_json(self.out / res.PARTS_DIR / f"{self.worker}.json", part)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self._write_part()
        if self.is_worker:
            return
        parts = res.read_parts(self.out)
        run_errors = _merged_errors(parts, self.run_errors)
        others = {nodeid for part in parts for nodeid in part.get("other_tests", [])}
        scenarios = _settle_unfinished(res.merge_scenarios(parts), self.seen_reports)
        scenarios += _orphans(self.seen_reports, {s["nodeid"] for s in scenarios} | others)
        _redact_file(self.out / outputs.JUNIT_FILE)
        ending = _run_ending(session, exitstatus, scenarios)
        outputs.write_all(self.out, scenarios, self.environment, run_errors, ending)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.is_worker:
            terminalreporter.write_line(f"oedr evidence: {self.out / outputs.HTML_FILE}")


def _redact_file(path: Path) -> None:
    """Redact a file pytest wrote into the evidence (junit.xml holds tracebacks and captured output)."""
    if path.exists():
        text = path.read_text(encoding="utf-8", errors="replace")
        safe = redact_text(text)
        if safe != text:
            path.write_text(safe, encoding="utf-8")


def _apply_report(entry: res.JSON, recorder: ScenarioRecorder, report: pytest.TestReport) -> None:
    if report.when == "setup" and not report.passed:
        _setup_outcome(entry, report)
    elif report.when == "call":
        _call_outcome(entry, recorder, report)
    elif report.when == "teardown" and report.failed and entry["status"] == "passed":
        entry.update(status="error", reason=f"teardown failed: {_crash_message(report)}")
        entry["traceback"] = redact_text(report.longreprtext)


def _setup_outcome(entry: res.JSON, report: pytest.TestReport) -> None:
    if report.skipped:
        entry.update(status="skipped", reason=_skip_reason(report))
    else:
        entry.update(status="error", reason=f"setup failed: {_crash_message(report)}")
        entry["traceback"] = redact_text(report.longreprtext)


def _call_outcome(entry: res.JSON, recorder: ScenarioRecorder, report: pytest.TestReport) -> None:
    if hasattr(report, "wasxfail") or report.skipped:
        reason = f"expected to fail: {report.wasxfail}" if hasattr(report, "wasxfail") else _skip_reason(report)
        recorder.end_step("skipped")
        entry.update(status="skipped", reason=reason)
    elif report.failed:
        if recorder.current_step is not None:
            recorder.end_step("failed", res.error_entry("Error", _crash_message(report)))
        if entry.get("setup_problem"):
            entry.update(status="error", reason=entry["setup_problem"])
        elif entry["status"] != "undefined":
            entry.update(status="failed", reason=_crash_message(report))
        entry["traceback"] = redact_text(report.longreprtext)
    else:
        entry.update(status="passed", reason=None)


def _merged_errors(parts: list[res.JSON], own: list[res.JSON]) -> list[res.JSON]:
    merged: list[res.JSON] = []
    for error in [*own, *(e for p in parts for e in p.get("run_errors", []))]:
        if error not in merged:
            merged.append(error)
    return merged


def _settle_unfinished(scenarios: list[res.JSON], seen: dict[str, list[pytest.TestReport]]) -> list[res.JSON]:
    """A scenario still ``running`` in a part was cut short (its worker died): the controller's report says how."""
    for scenario in scenarios:
        if scenario["status"] == "running":
            failed = next((r for r in seen.get(scenario["nodeid"], []) if r.failed), None)
            reason = _crash_message(failed) if failed else "the run ended before this scenario finished"
            scenario.update(status="error", reason=reason)
            scenario[vd.UNFINISHED] = vd.CUT_SHORT
    return scenarios


def _orphans(seen: dict[str, list[pytest.TestReport]], recorded: set[str]) -> list[res.JSON]:
    """Scenarios the controller saw reported but no worker recorded (a worker that crashed)."""
    orphans = []
    for nodeid, reports in seen.items():
        if nodeid in recorded or not nodeid:
            continue
        failed = next((r for r in reports if r.failed), None)
        status = "error" if failed else ("skipped" if any(r.skipped for r in reports) else "passed")
        entry = outputs.orphan_entry(nodeid, status, _crash_message(failed) if failed else None)
        entry["traceback"] = redact_text(failed.longreprtext) if failed else None
        orphans.append(entry)
    return orphans


def _run_ending(session: pytest.Session, exitstatus: int, scenarios: list[res.JSON]) -> res.JSON:
    """Whether the run finished: pytest was not interrupted or stopped, and every scenario ran to its end."""
    unfinished = [s for s in scenarios if s.get(vd.UNFINISHED)]
    why = None
    if exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR):
        why = "the run was interrupted" if exitstatus == pytest.ExitCode.INTERRUPTED else "pytest failed internally"
    elif session.shouldstop or session.shouldfail:
        why = f"the run was stopped early ({session.shouldstop or session.shouldfail})"
    elif unfinished:
        why = f"{len(unfinished)} scenario(s) did not run to their end"
    if why and unfinished:
        reached = sum(s.get(vd.UNFINISHED) == vd.CUT_SHORT for s in unfinished)
        why += f": {len(unfinished) - reached} not reached, {reached} cut short"
    return vd.run_record(why is None, why, pytest_exit_status=int(exitstatus))
