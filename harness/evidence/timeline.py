"""The timeline picture of one scenario: an inline SVG, one lane per host, one mark per recorded event.

Events (hooks.py ``event`` payloads) are placed in the order they happened, evenly spaced, so a backup,
the AI switches with their sequence numbers, the copy to the DR host and each roll forward read left to
right. Dashed verticals separate the steps (S1, S2, ...). A copy is drawn as an arrow from the production
lane to the other lane. When the scenario failed, a red cross closes the picture on the failing command's
host with the message number (for example 8019), so an AI file applied out of sequence is visible.
"""

from __future__ import annotations

from html import escape

from harness.evidence.derive import scenario_events
from harness.evidence.results import JSON, emulator_note, emulator_numbers, failure_of

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
}
FAILURE_COLOUR = "#d7263d"
LEGEND = ("backup", "ai-switch", "copy", "roll-forward", "refused", "restore", "fault")
_GUTTER, _STEP_X, _TOP, _LANE_H = 120, 116, 56, 84


def _hosts(events: list[tuple[str, JSON]], fallback: str | None) -> list[str]:
    seen: list[str] = []
    for _, event in events:
        host = str(event.get("host") or "?")
        if host not in seen:
            seen.append(host)
    if fallback and fallback not in seen:
        seen.append(fallback)
    preferred = [h for h in ("production", "dr") if h in seen]
    return preferred + [h for h in seen if h not in preferred]


def _marker(kind: str, x: float, y: float) -> str:
    colour = KIND_COLOURS.get(kind, "#7a7a7a")
    if kind == "backup":
        return f'<rect class="mark" x="{x - 9}" y="{y - 9}" width="18" height="18" fill="{colour}"/>'
    if kind == "copy":
        return f'<polygon class="mark" points="{x},{y - 11} {x + 11},{y} {x},{y + 11} {x - 11},{y}" fill="{colour}"/>'
    if kind == "refused":
        return (
            f'<g class="mark"><line x1="{x - 9}" y1="{y - 9}" x2="{x + 9}" y2="{y + 9}" stroke="{colour}" '
            f'stroke-width="5"/><line x1="{x - 9}" y1="{y + 9}" x2="{x + 9}" y2="{y - 9}" stroke="{colour}" '
            'stroke-width="5"/></g>'
        )
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
    return (f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{colour}" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<polygon points="{x - 5},{y2 - 8} {x + 5},{y2 - 8} {x},{y2}" fill="{colour}"/>')  # fmt: skip


def _event_svg(i: int, event: JSON, lane_y: dict[str, float]) -> str:
    kind = str(event.get("kind") or "event")
    host = str(event.get("host") or "?")
    x, y = _GUTTER + _STEP_X * (i + 0.5), lane_y[host]
    label = str(event.get("label") or kind)
    seq = event.get("seq")
    detail = f" {event['file']}" if event.get("file") else ""
    of = f" of {event['db']}" if event.get("db") else ""
    own = emulator_note(emulator_numbers(label))
    title = escape(f"{kind} on {host}{of}: {label}{detail}" + (f" (sequence {seq})" if seq is not None else "")
                   + (f" — {own}" if own else ""))
    parts = [f'<g class="event {escape(kind)}"><title>{title}</title>']
    if kind == "copy":
        parts.append(_copy_arrow(x, lane_y, host))
    parts.append(_marker(kind, x, y))
    label_y = y + 28 if kind == "copy" else y - 17  # above a copy runs its arrow
    parts.append(f'<text x="{x}" y="{label_y}" class="lbl">{escape(_short(label))}</text>')
    if seq is not None:
        seq_text = f"seq {seq}" if isinstance(seq, int) or str(seq).isdigit() else str(seq)
        parts.append(f'<text x="{x}" y="{y + 26}" class="seq">{escape(seq_text)}</text>')
    if event.get("file"):
        parts.append(f'<text x="{x}" y="{y + 39}" class="lbl">{escape(_short(str(event["file"])))}</text>')
    parts.append("</g>")
    return "".join(parts)


def _short(text: str, width: int = 19) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _step_dividers(events: list[tuple[str, JSON]], height: float) -> str:
    out, previous = [], None
    for i, (label, _) in enumerate(events):
        if label != previous:
            x = _GUTTER + _STEP_X * i + 2
            name = "S" + label.split()[-1] if label.startswith("step") else label
            out.append(f'<line x1="{x}" y1="{_TOP - 24}" x2="{x}" y2="{height - 18}" class="div"/>'
                       f'<text x="{x + 4}" y="{height - 6}" class="stepname">{escape(name)}</text>')  # fmt: skip
            previous = label
    return "".join(out)


def _failure_svg(scenario: JSON, n: int, lane_y: dict[str, float], host: str) -> str:
    failure = failure_of(scenario)
    if failure is None:
        return ""
    x, y = _GUTTER + _STEP_X * (n + 0.5), lane_y[host]
    number = failure.get("number")
    text = f"({number})" if number else scenario["status"]
    own = emulator_note(emulator_numbers(text))
    c = FAILURE_COLOUR
    title = str(failure.get("line") or failure["message"]) + (f" — {own}" if own else "")
    return (f'<g class="failure"><title>{escape(title)}</title>'
            f'<line x1="{x - 10}" y1="{y - 10}" x2="{x + 10}" y2="{y + 10}" stroke="{c}" stroke-width="5"/>'
            f'<line x1="{x - 10}" y1="{y + 10}" x2="{x + 10}" y2="{y - 10}" stroke="{c}" stroke-width="5"/>'
            f'<text x="{x}" y="{y - 17}" class="lbl fail">{escape(text)}</text></g>')  # fmt: skip


def _failure_host(scenario: JSON) -> str | None:
    """The host of the command the scenario failed on (see results.failing_command)."""
    failure = failure_of(scenario)
    return str(failure["host"]) if failure and failure.get("host") else None


def _legend() -> str:
    items = []
    for i, kind in enumerate(LEGEND):
        x = _GUTTER + i * 112
        items.append(f'{_marker(kind, x, 16)}<text x="{x + 16}" y="20" class="legend">{kind}</text>')
    return "".join(items)


def numbers_shown(scenario: JSON) -> list[str]:
    """The message numbers the scenario's timeline shows (refused marks, the closing cross), as ``(NNNN)``."""
    shown = [f"({e['number']})" for _, e in scenario_events(scenario) if e.get("kind") == "refused" and e.get("number")]
    failure = failure_of(scenario)
    if failure is not None and failure.get("number"):
        shown.append(f"({failure['number']})")
    return shown


def render(scenario: JSON) -> str:
    """The scenario's timeline as an SVG element ('' when it recorded no events and did not fail)."""
    events = scenario_events(scenario)
    failed = failure_of(scenario) is not None
    if not events and not (failed and _failure_host(scenario)):
        return ""
    hosts = _hosts(events, _failure_host(scenario) if failed else None)
    lane_y = {host: _TOP + _LANE_H * (i + 0.5) for i, host in enumerate(hosts)}
    slots = len(events) + (1 if failed else 0)
    width = max(_GUTTER + _STEP_X * slots + 40, _GUTTER + len(LEGEND) * 112)
    height = _TOP + _LANE_H * len(hosts) + 24
    lanes = "".join(
        f'<line x1="{_GUTTER - 10}" y1="{y}" x2="{width - 10}" y2="{y}" class="lane"/>'
        f'<text x="8" y="{y + 4}" class="host">{escape(host)}</text>'
        for host, y in lane_y.items()
    )
    marks = "".join(_event_svg(i, event, lane_y) for i, (_, event) in enumerate(events))
    failure = _failure_svg(scenario, len(events), lane_y, _failure_host(scenario) or hosts[0]) if failed else ""
    return (f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="timeline of {escape(scenario["name"])}">'
            f'{_legend()}{_step_dividers(events, height)}{lanes}{marks}{failure}</svg>')  # fmt: skip
