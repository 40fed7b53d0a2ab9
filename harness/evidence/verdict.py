"""What a run's verdict may say, and the exit status of ``oedr run`` for each: the verdict never says more
than the run showed.

- PROVEN: every selected scenario ran to its end and passed, and the run finished.
- FAILED: a scenario failed: the plan does not work as written (wins over everything else: it is proven).
- INCOMPLETE: the run did not finish (interrupted, cancelled, a worker or pytest killed) or a scenario was
  never reached or cut short; nothing is proven beyond what is listed as passed.
- ERROR: a problem of set-up or authoring (no image, no engine, an undefined step, a collection error):
  the plan was not tried, so it is neither proven nor failed.
- NOT RUN: every scenario was skipped or left out.

A results document records whether its run finished (``run.complete``); one without that record (written
by an older oedr, or rebuilt from the worker parts of a run that never ended) is INCOMPLETE, never PROVEN.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PROVEN, FAILED, NOT_RUN = "PROVEN", "FAILED", "NOT RUN"
INCOMPLETE, ERROR = "INCOMPLETE", "ERROR"
VERDICTS = (PROVEN, FAILED, INCOMPLETE, ERROR, NOT_RUN)
# oedr run's exit status per verdict: 0 proven, 1 the plan failed, 2 set-up/authoring (fix and run again),
# 3 the run did not finish (run it again).
EXIT_STATUS = {PROVEN: 0, FAILED: 1, ERROR: 2, NOT_RUN: 2, INCOMPLETE: 3}
WORDS = {
    PROVEN: "every procedure that ran passed.",
    FAILED: "at least one procedure did not work as the plan says.",
    INCOMPLETE: "the run did not finish: nothing is proven beyond the scenarios listed as passed.",
    ERROR: "the plan could not be tried (a set-up or authoring problem, below): nothing is proven.",
    NOT_RUN: "nothing is proven: no scenario ran.",
}

# The key a scenario carries when it did not run to its end (why, in words).
UNFINISHED = "unfinished"
NOT_REACHED = "not reached: the run ended before this scenario started"
CUT_SHORT = "cut short: the run ended while this scenario was running"
_ERRORS = frozenset({"error", "undefined"})

JSON = dict[str, Any]


def placeholder_status() -> JSON:
    """The status fields of a collected scenario that has not started (replaced when it runs)."""
    return {"status": "skipped", "reason": NOT_REACHED, UNFINISHED: NOT_REACHED}


def procedure_verdict(scenarios: Iterable[JSON]) -> str:
    """One procedure's verdict from its scenarios (deselected ones included; they do not count)."""
    chosen = [s for s in scenarios if s["status"] != "deselected"]
    statuses = {s["status"] for s in chosen}
    if "failed" in statuses:
        return FAILED
    if any(s.get(UNFINISHED) for s in chosen):
        return INCOMPLETE
    if statuses & _ERRORS:
        return ERROR
    return PROVEN if "passed" in statuses else NOT_RUN


def run_verdict(procedure_verdicts: Iterable[str], run_errors: list[JSON], run: JSON | None) -> str:
    """The run's verdict: FAILED, then INCOMPLETE, then ERROR, then PROVEN, else NOT RUN."""
    verdicts = set(procedure_verdicts)
    if FAILED in verdicts:
        return FAILED
    if not is_complete(run) or INCOMPLETE in verdicts:
        return INCOMPLETE
    if run_errors or ERROR in verdicts:
        return ERROR
    return PROVEN if PROVEN in verdicts else NOT_RUN


def is_complete(run: JSON | None) -> bool:
    """True only when the run recorded that it finished."""
    return bool(run) and run.get("complete") is True  # type: ignore[union-attr]


def run_record(complete: bool, why: str | None = None, **extra: Any) -> JSON:
    """What results.json keeps about the run's ending (``why`` says how an incomplete run ended)."""
    return {"complete": complete, "why": None if complete else (why or "the run did not finish"), **extra}


def incompleteness(results: JSON) -> str | None:
    """Why a results document is not complete, in words (None when it is)."""
    run = results.get("run")
    if is_complete(run):
        return None
    if not run:
        return "the results do not record that the run finished"
    return str(run.get("why") or "the run did not finish")


def exit_status(verdict: str) -> int:
    """``oedr run``'s exit status for a verdict (an unknown one is treated as incomplete)."""
    return EXIT_STATUS.get(verdict, EXIT_STATUS[INCOMPLETE])
