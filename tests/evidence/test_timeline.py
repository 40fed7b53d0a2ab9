"""The timeline picture: labels whole, a load labelled with how long it ran, a legend of what is drawn, a
column for every step, and one red cross per failure."""

from __future__ import annotations

import re
from typing import Any

from oedr.harness.evidence import timeline

T0 = "2026-12-04T10:00:00.000+00:00"


def _step(
    index: int,
    name: str,
    status: str = "passed",
    events: list[dict[str, Any]] | None = None,
    commands: list[dict[str, Any]] | None = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "index": index,
        "keyword": "When",
        "name": name,
        "status": status,
        "line": 10 + index,
        "commands": commands or [],
        "counters": [],
        "events": events or [],
        "error": error,
    }


def _scenario(steps: list[dict[str, Any]], status: str = "passed") -> dict[str, Any]:
    return {
        "name": "a scenario",
        "status": status,
        "reason": None,
        "steps": steps,
        "setup": {"commands": [], "counters": [], "events": []},
        "teardown": {"commands": [], "counters": [], "events": []},
    }


def _texts(svg: str) -> list[str]:
    """Each label as the reader sees it: its wrapped lines joined."""
    return [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t)) for t in re.findall(r"<text[^>]*>.*?</text>", svg)]


COPY = {
    "kind": "copy",
    "host": "dr",
    "from": "production",
    "label": "11 files from production to dr",
    "time": T0,
    "recorded": 3,
}
LOAD = {"kind": "load", "host": "production", "label": "load 600s", "time": T0, "recorded": 1}
LOAD_COMMAND = {
    "host": "production",
    "command": "oeclient sports load --seconds 600",
    "duration": 1.04,
    "exit_status": 0,
    "recorded": 5,
}


def test_a_long_label_is_wrapped_whole_not_cut() -> None:
    svg = timeline.render(_scenario([_step(0, "copy", events=[COPY])]))
    assert "…" not in svg
    assert "11 files from production to dr" in _texts(svg)


def test_a_load_is_labelled_with_how_long_it_ran() -> None:
    steps = [_step(0, "load runs", events=[LOAD]), _step(1, "the load is stopped", commands=[LOAD_COMMAND])]
    svg = timeline.render(_scenario(steps))
    assert "load 600s" not in svg
    assert "load, 1.0 s" in _texts(svg)


def test_the_legend_lists_only_the_kinds_drawn() -> None:
    svg = timeline.render(_scenario([_step(0, "copy", events=[COPY])]))
    assert re.findall(r'class="legend">([^<]*)<', svg) == ["copy"]


def test_every_step_has_its_place_on_the_axis() -> None:
    steps = [_step(i, f"step {i}") for i in range(6)]
    steps[2]["events"] = [COPY]
    svg = timeline.render(_scenario(steps))
    assert re.findall(r'class="stepname"><title>[^<]*</title>([^<]*)<', svg) == ["S1", "S2", "S3", "S4", "S5", "S6"]


def _refused_roll_forward(recorded: int) -> dict[str, Any]:
    return {
        "host": "dr",
        "command": "rfutil sports -C roll forward -a sports.a2",
        "exit_status": 1,
        "duration": 0.1,
        "stdout": "** Expected ai file number 1 but file specified is 2 in sequence. (8019)\n",
        "recorded": recorded,
        "started": T0,
    }


def test_a_failure_that_is_a_refusal_has_one_cross_the_refused_mark() -> None:
    error = {
        "message": "roll forward refused: ** Expected ai file number 1 but file specified is 2 in sequence. (8019)",
        "number": 8019,
        "line": "** Expected ai file number 1 but file specified is 2 in sequence. (8019)",
    }
    step = _step(0, "dr rolls forward", "failed", commands=[_refused_roll_forward(1)], error=error)
    svg = timeline.render(_scenario([step], "failed"))
    assert svg.count('<g class="event refused failure">') == 1
    assert '<g class="failure">' not in svg
    assert svg.count("<line") - svg.count('class="lane"') - svg.count('class="div"') == 2 + 2, (
        "two strokes for the refused mark, two for the legend's failure cross"
    )


def test_a_failure_with_nothing_drawn_gets_one_closing_cross() -> None:
    error = {"message": "on dr: `prostrct repair sports` exited 2", "number": None, "line": None}
    command = {"host": "dr", "command": "prostrct repair sports", "exit_status": 2, "duration": 0.1, "recorded": 1}
    steps = [_step(0, "copy", events=[COPY]), _step(1, "repair", "failed", commands=[command], error=error)]
    svg = timeline.render(_scenario(steps, "failed"))
    assert svg.count('<g class="failure">') == 1
