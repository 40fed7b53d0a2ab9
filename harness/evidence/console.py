"""What ``oedr`` prints: the live progress of a run and the closing per-procedure summary, in plain words.

On a terminal the line under the finished scenarios is redrawn with the scenario and step running now on
each worker; elsewhere (CI logs) only finished scenarios are printed, one line each.
"""

from __future__ import annotations

from textwrap import wrap
from typing import Any, TextIO

from oedr.harness.evidence import verdict as vd
from oedr.harness.evidence.results import JSON, emulator_note, emulator_numbers, headline

_WORD = {"passed": "PASSED", "failed": "FAILED", "error": "ERROR", "undefined": "UNDEFINED", "skipped": "SKIPPED"}


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else ""


class ProgressDisplay:
    """Turns progress events (see progress.py) into terminal output."""

    def __init__(self, stream: TextIO, live: bool) -> None:
        self.stream = stream
        self.live = live
        self.total = 0
        self.done = 0
        self.running: dict[str, tuple[str, str]] = {}
        self._status_shown = False

    def update(self, events: list[dict[str, Any]]) -> None:
        """Apply new events and redraw."""
        for event in events:
            self._apply(event)
        if self.live:
            self._draw_status()

    def _apply(self, event: dict[str, Any]) -> None:
        kind, worker = event.get("kind"), str(event.get("worker"))
        if kind == "collected":
            self.total = max(self.total, int(event.get("count") or 0))
        elif kind == "scenario-start":
            self.running[worker] = (f"{event.get('feature')} › {event.get('scenario')}", "")
        elif kind == "step-start" and worker in self.running:
            self.running[worker] = (self.running[worker][0], str(event.get("step")))
        elif kind == "scenario-end":
            self._finished(worker, event)

    def _finished(self, worker: str, event: dict[str, Any]) -> None:
        name, _ = self.running.pop(worker, (str(event.get("nodeid")), ""))
        self.done += 1
        status = str(event.get("status"))
        line = f"  {_WORD.get(status, status.upper()):<9} {name} ({float(event.get('duration') or 0):.1f} s)"
        failure = event.get("failure") or {}
        if failure:
            why = failure.get("line") or _first_line(failure.get("message"))  # the deciding message, when known
            line += f"\n            at {failure.get('step') or 'set-up'}: {why}"
            own = emulator_numbers(why, failure.get("step"))
            if own:
                line += f"\n            ({emulator_note(own)})"
        elif status == "skipped" and event.get("reason"):
            line += f"\n            {event['reason']}"
        self._print(line)

    def _print(self, line: str) -> None:
        if self.live and self._status_shown:
            self.stream.write("\r\x1b[K")
            self._status_shown = False
        self.stream.write(line + "\n")
        self.stream.flush()

    def _draw_status(self) -> None:
        if not self.running:
            return
        count = f"[{self.done}/{self.total}]" if self.total else f"[{self.done}]"
        now = "; ".join(f"{name} — {step or 'setting up'}" for name, step in self.running.values())
        text = f"{count} running: {now}"
        self.stream.write("\r\x1b[K" + text[:200])
        self.stream.flush()
        self._status_shown = True

    def close(self) -> None:
        """Clear the status line."""
        if self.live and self._status_shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def summary_lines(results: JSON) -> list[str]:
    """The closing summary: the verdict, then one block per procedure."""
    summary = results["summary"]
    verdict, on = headline(results)
    lines = ["", f"DR plan: {verdict} on {on} — {vd.WORDS.get(verdict, '')}"]
    if (why := vd.incompleteness(results)) is not None:
        lines.append(f"  The run did not finish: {why}. Run it again to prove the plan.")
    for proc in summary["procedures"]:
        lines.append(
            f"  {proc['verdict']:<8} {proc['name']}  ({proc['passed']} of {proc['scenarios']} scenarios passed"
            + (f", {proc['deselected']} not selected)" if proc.get("deselected") else ")")
        )
        lines.append(f"           {proc['path']}")
        for failure in proc["failures"]:
            lines += _failure_lines(failure)
        lines += [f"           not run: {n['scenario']} — {n['reason'] or n['status']}" for n in proc["not_run"]]
    lines += target_lines(summary)
    for error in results.get("run_errors") or []:
        last = (error["message"].strip().splitlines() or [""])[-1]
        lines.append(f"  ERROR    {error['where']}: {last}")
    return lines


def target_lines(summary: JSON) -> list[str]:
    """The plan's RPO/RTO targets against the worst measured (results.json's summary.targets)."""
    lines = []
    for row in summary.get("targets") or []:
        met = {True: "MET", False: "NOT MET", None: "NOT MEASURED"}[row["met"]]
        measured = "—" if row["measured_minutes"] is None else f"{row['measured_minutes']:g} min"
        target = f"target {row['target_minutes']:g} min"
        lines.append(f"  {met:<8} {row['target']} of {row['procedure']}: {target}, measured {measured}")
    return ["  Targets (oedr.toml), measured on the backend named above:", *lines] if lines else []


def _failure_lines(failure: JSON) -> list[str]:
    lines = [f"           scenario: {failure['scenario']}", f"           step:     {failure['step'] or '(set-up)'}"]
    if failure.get("command"):
        where = f"  (on {failure['host']}, exit status {failure.get('exit_status')})" if failure.get("host") else ""
        lines.append(f"           command:  {failure['command']}{where}")
    check = _first_line(failure["message"])
    number = f"({failure['number']})" if failure.get("number") else ""
    if failure.get("line"):
        lines.append(f"           message:  {failure['line']}")
    else:
        lines.append(f"           message:  {number + ' ' if number not in check else ''}{check}")
    own = emulator_numbers(failure.get("line"), number, check, failure["step"])
    if own:  # right under the message: whose number it is
        lines.append(f"           note:     {emulator_note(own)}")
    if failure.get("line") and check and check != failure["line"]:
        lines.append(f"           check:    {check}")
    if failure.get("setup"):
        lines += wrap(f"set-up:   {failure['setup']}", 110, initial_indent=" " * 11, subsequent_indent=" " * 21)
    if failure.get("diagnosis"):
        lines += wrap(
            f"likely:   {failure['diagnosis']['mistake']}", 110, initial_indent=" " * 11, subsequent_indent=" " * 21
        )
        lines += wrap(
            f"remedy:   {failure['diagnosis']['remedy']}", 110, initial_indent=" " * 11, subsequent_indent=" " * 21
        )
    return lines
