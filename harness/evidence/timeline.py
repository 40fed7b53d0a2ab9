"""The timeline picture of one scenario: an inline SVG, one lane per host, one mark per recorded event.

Events (hooks.py ``event`` payloads) are placed in the order they happened, evenly spaced, so a backup,
the AI switches with their sequence numbers, the copy to the DR host and each roll forward read left to
right. The step axis has a column for every step (S1, S2, ...; narrow when the step changed nothing drawn),
separated by dashed verticals. A copy is drawn as an arrow from the production lane to the other lane.
Labels wrap, never cut: a slot widens to hold the longest in three lines. A load is labelled with how long
it really ran (its command's duration), not the limit it was started with. The legend lists only the kinds
drawn. When the scenario failed there is one red cross for it: the refused command's own mark when the
failure is that refusal (an AI file applied out of sequence: 8019), else a cross closing the failing step on
the failing command's host, with the message number.
"""

from __future__ import annotations

import math
import textwrap
from html import escape

from oedr.harness.evidence.derive import scenario_events
from oedr.harness.evidence.results import (
    JSON,
    buckets,
    emulator_note,
    emulator_numbers,
    failing_step,
    failure_of,
    records,
)

# Colours are used only by the timeline (the screenshot test looks for them).
KIND_COLOURS = {
    "backup": "#1f6fd1",
    "ai-switch": "#e8730c",
    "ai-archive": "#2a9d8f",  # the after-image manager archived an AI file (harness/archive_dir.py)
    "copy": "#8e44c9",
    "roll-forward": "#1e9e4a",
    "restore": "#0f9bb5",
    "sequence": "#b8860b",
    "load": "#7a7a7a",
    "start": "#4d4d4d",
    "stop": "#4d4d4d",
    "fault": "#d7263d",
    "refused": "#d7263d",
    "disaster": "#7b1020",  # production lost (harness/disaster.py); rpo and rto mark where they were measured
    "rpo": "#5b3a8c",
    "rto": "#5b3a8c",
}
FAILURE_COLOUR = "#d7263d"
LEGEND = (
    "backup",
    "ai-switch",
    "copy",
    "roll-forward",
    "sequence",
    "restore",
    "refused",
    "load",
    "start",
    "stop",
    "fault",
)
_GUTTER, _SLOT, _EMPTY, _TOP, _LANE_H, _LEGEND_W = 120, 116, 34, 84, 118, 112
_CHAR_W, _LINE_H, _MAX_LINES = 6.2, 12, 3  # 11 px labels: about 6.2 px a character


def _hosts(events: list[JSON], fallback: str | None) -> list[str]:
    seen: list[str] = []
    for event in events:
        host = str(event.get("host") or "?")
        if host not in seen:
            seen.append(host)
    if fallback and fallback not in seen:
        seen.append(fallback)
    preferred = [h for h in ("production", "dr") if h in seen]
    return preferred + [h for h in seen if h not in preferred]


def _cross(x: float, y: float, colour: str, size: int = 9) -> str:
    return (
        f'<line x1="{x - size}" y1="{y - size}" x2="{x + size}" y2="{y + size}" stroke="{colour}" '
        f'stroke-width="5"/><line x1="{x - size}" y1="{y + size}" x2="{x + size}" y2="{y - size}" '
        f'stroke="{colour}" stroke-width="5"/>'
    )


def _marker(kind: str, x: float, y: float) -> str:
    colour = KIND_COLOURS.get(kind, "#7a7a7a")
    if kind == "backup":
        return f'<rect class="mark" x="{x - 9}" y="{y - 9}" width="18" height="18" fill="{colour}"/>'
    if kind == "copy":
        return f'<polygon class="mark" points="{x},{y - 11} {x + 11},{y} {x},{y + 11} {x - 11},{y}" fill="{colour}"/>'
    if kind == "refused":
        return f'<g class="mark">{_cross(x, y, colour)}</g>'
    if kind == "roll-forward":
        return f'<polygon class="mark" points="{x - 10},{y - 10} {x + 11},{y} {x - 10},{y + 10}" fill="{colour}"/>'
    return f'<circle class="mark" cx="{x}" cy="{y}" r="10" fill="{colour}"/>'


def _copy_arrow(x: float, lane_y: dict[str, float], host: str) -> str:
    lanes = list(lane_y)
    if len(lanes) < 2:
        return ""
    source = lanes[0]
    target = host if host != source else lanes[1]
    y1, y2 = lane_y[source] + 12, lane_y[target] - 14
    colour = KIND_COLOURS["copy"]
    return (
        f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{colour}" stroke-width="2" stroke-dasharray="5 3"/>'
        f'<polygon points="{x - 5},{y2 - 8} {x + 5},{y2 - 8} {x},{y2}" fill="{colour}"/>'
    )


def _chars(slot: float) -> int:
    return max(8, int((slot - 8) / _CHAR_W))


def _lines(text: str, slot: float) -> list[str]:
    """The label in lines that fit the slot (whole: a word longer than a line is broken, never cut)."""
    return textwrap.wrap(text, _chars(slot), break_long_words=True, break_on_hyphens=False) or [""]


def _label(text: str, x: float, y: float, slot: float, cls: str = "lbl", upward: bool = False) -> str:
    """A wrapped label; ``upward`` stacks its lines above ``y`` (the last line on it), else below."""
    lines = _lines(text, slot)
    top = y - _LINE_H * (len(lines) - 1) if upward else y
    spans = "".join(f'<tspan x="{x}" y="{top + _LINE_H * i}">{escape(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text class="{cls}">{spans}</text>'


def _slot_width(events: list[JSON]) -> float:
    """Wide enough that the longest label fits in three lines."""
    longest = max((len(str(e.get(k) or "")) for e in events for k in ("label", "file")), default=0)
    return max(_SLOT, math.ceil(longest / _MAX_LINES) * _CHAR_W + 12)


def _event_svg(event: JSON, x: float, lane_y: dict[str, float], slot: float) -> str:
    kind = str(event.get("kind") or "event")
    host = str(event.get("host") or "?")
    y = lane_y[host]
    label = str(event.get("label") or kind)
    seq = event.get("seq") if event.get("expects") is None else f"expects {event['expects']}"  # a refused roll forward
    detail = f" {event['file']}" if event.get("file") else ""
    of = f" of {event['db']}" if event.get("db") else ""
    own = emulator_note(emulator_numbers(label))
    title = f"{kind} on {host}{of}: {label}{detail}" + (f" (sequence {seq})" if seq is not None else "")
    title += (f" — {own}" if own else "") + (" — the scenario failed here" if event.get("failure") else "")
    cls = f"event {kind}" + (" failure" if event.get("failure") else "")
    parts = [f'<g class="{escape(cls)}"><title>{escape(title)}</title>']
    if kind == "copy":
        parts.append(_copy_arrow(x, lane_y, host))
    parts.append(_marker(kind, x, y))
    if kind == "copy":  # above a copy runs its arrow
        parts.append(_label(label, x, y + 28, slot))
    else:
        parts.append(_label(label, x, y - 17, slot, "lbl fail" if event.get("failure") else "lbl", upward=True))
    if seq is not None:
        seq_text = f"seq {seq}" if isinstance(seq, int) else str(seq)
        parts.append(f'<text x="{x}" y="{y + 26}" class="seq">{escape(seq_text)}</text>')
    if event.get("file"):
        parts.append(_label(str(event["file"]), x, y + 39, slot))
    parts.append("</g>")
    return "".join(parts)


def _failure_svg(failure: JSON, x: float, y: float) -> str:
    number = failure.get("number")
    text = f"({number})" if number else "failed"
    own = emulator_note(emulator_numbers(text))
    title = str(failure.get("line") or failure["message"]) + (f" — {own}" if own else "")
    return (
        f'<g class="failure"><title>{escape(title)}</title>{_cross(x, y, FAILURE_COLOUR, 10)}'
        f'<text x="{x}" y="{y - 17}" class="lbl fail">{escape(text)}</text></g>'
    )


def _failure_host(scenario: JSON) -> str | None:
    """The host of the command the scenario failed on (see results.failing_command)."""
    failure = failure_of(scenario)
    return str(failure["host"]) if failure and failure.get("host") else None


def _legend(kinds: list[str], failed: bool) -> str:
    items = []
    for i, kind in enumerate([*kinds, *(["failure"] if failed else [])]):
        x = _GUTTER + i * _LEGEND_W
        mark = f'<g class="mark">{_cross(x, 16, FAILURE_COLOUR)}</g>' if kind == "failure" else _marker(kind, x, 16)
        items.append(f'{mark}<text x="{x + 16}" y="20" class="legend">{kind}</text>')
    return "".join(items)


def _load_durations(scenario: JSON, events: list[JSON]) -> None:
    """Label each load with how long it ran: the duration of its ``oeclient DB load`` command, recorded when the
    load stopped (the n-th load started on a host is the n-th load command that host recorded)."""
    ran: dict[str, list[float]] = {}
    for command in records(scenario, "commands"):
        words = str(command.get("command") or "").split()
        if len(words) > 2 and words[0].endswith("oeclient") and words[2] == "load":
            ran.setdefault(str(command.get("host")), []).append(float(command.get("duration") or 0))
    for event in events:
        if event.get("kind") == "load":
            durations = ran.get(str(event.get("host")), [])
            event["label"] = f"load, {durations.pop(0):.1f} s" if durations else "load started"


def _mark_failure(scenario: JSON, events: list[tuple[str, JSON]]) -> bool:
    """Make the failing command's own refused mark the scenario's failure; False when no mark is it."""
    failure = failure_of(scenario)
    if failure is None or not failure.get("number"):
        return False
    for _, event in reversed(events):
        if (
            event.get("kind") == "refused"
            and event.get("number") == failure["number"]
            and str(event.get("host")) == str(failure.get("host"))
        ):
            event["failure"] = True
            return True
    return False


def numbers_shown(scenario: JSON) -> list[str]:
    """The message numbers the scenario's timeline shows (refused marks, the closing cross), as ``(NNNN)``."""
    shown = [f"({e['number']})" for _, e in scenario_events(scenario) if e.get("kind") == "refused" and e.get("number")]
    failure = failure_of(scenario)
    if failure is not None and failure.get("number"):
        shown.append(f"({failure['number']})")
    return shown


def _columns(scenario: JSON, events: list[tuple[str, JSON]], cross_in: str | None) -> list[tuple[str, str, int]]:
    """The step axis: (phase label, its axis name and step text, slots) for the set-up and tear-down when they
    drew something, and for every step (no slot when it drew nothing)."""
    count: dict[str, int] = {}
    for label, _ in events:
        count[label] = count.get(label, 0) + 1
    if cross_in is not None:
        count[cross_in] = count.get(cross_in, 0) + 1
    steps = {f"step {s['index'] + 1}": f"{s['keyword']} {s['name']}" for s in scenario["steps"]}
    columns = []
    for label, _bucket in buckets(scenario):
        if label in steps:
            columns.append((label, f"S{label.split()[-1]}: {steps[label]}", count.get(label, 0)))
        elif count.get(label):
            columns.append((label, f"{label}: fixtures", count[label]))
    return columns


def render(scenario: JSON) -> str:
    """The scenario's timeline as an SVG element ('' when it recorded no events and did not fail)."""
    events = [(label, dict(event)) for label, event in scenario_events(scenario)]
    failure = failure_of(scenario)
    if not events and not (failure and _failure_host(scenario)):
        return ""
    _load_durations(scenario, [e for _, e in events])
    cross = failure is not None and not _mark_failure(scenario, events)
    step = failing_step(scenario)
    cross_in = (f"step {step['index'] + 1}" if step else "teardown") if cross else None
    hosts = _hosts([e for _, e in events], _failure_host(scenario) if failure else None)
    lane_y = {host: _TOP + _LANE_H * (i + 0.5) for i, host in enumerate(hosts)}
    slot = _slot_width([e for _, e in events])
    columns = _columns(scenario, events, cross_in)
    kinds = [k for k in LEGEND if any(e.get("kind") == k for _, e in events)]
    kinds += sorted({str(e.get("kind")) for _, e in events} - set(kinds))
    width = max(
        _GUTTER + sum(n * slot or _EMPTY for _, _, n in columns) + 40, _GUTTER + (len(kinds) + cross) * _LEGEND_W
    )
    height = _TOP + _LANE_H * len(hosts) + 24
    parts = [_legend(kinds, cross)]
    x0 = float(_GUTTER)
    by_phase: dict[str, list[JSON]] = {}
    for label, event in events:
        by_phase.setdefault(label, []).append(event)
    for label, axis, slots in columns:
        name = axis.split(":")[0]
        parts.append(
            f'<line x1="{x0 + 2}" y1="{_TOP - 24}" x2="{x0 + 2}" y2="{height - 18}" class="div"/>'
            f'<text x="{x0 + 4}" y="{height - 6}" class="stepname"><title>{escape(axis)}</title>'
            f"{escape(name)}</text>"
        )
        for i, event in enumerate(by_phase.get(label, [])):
            parts.append(_event_svg(event, x0 + slot * (i + 0.5), lane_y, slot))
        if label == cross_in and failure is not None:
            host = _failure_host(scenario) or hosts[0]
            parts.append(_failure_svg(failure, x0 + slot * (slots - 0.5), lane_y[host]))
        x0 += slots * slot or _EMPTY
    lanes = "".join(
        f'<line x1="{_GUTTER - 10}" y1="{y}" x2="{width - 10}" y2="{y}" class="lane"/>'
        f'<text x="8" y="{y + 4}" class="host">{escape(host)}</text>'
        for host, y in lane_y.items()
    )
    return (
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="timeline of {escape(scenario["name"])}">'
        f"{parts[0]}{lanes}{''.join(parts[1:])}</svg>"
    )
