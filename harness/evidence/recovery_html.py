"""The report's recovery figures: the Targets and Controls tables, the measured RPO and RTO per scenario (the
summary), and each scenario's RTO phases as one bar under its timeline."""

from __future__ import annotations

from html import escape
from typing import Any

from oedr.harness.evidence.targets import procedure_id, scenario_measures

JSON = dict[str, Any]
_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f", "#bab0ac")


def backend_note(backend: str) -> str:
    """Where the times were measured; on the emulator, plainly that they are not OpenEdge's."""
    if backend == "openedge":
        return "Times measured on the site's OpenEdge (--backend openedge): these are the figures that bind."
    return (
        f"Times measured on the {backend} backend: they are the emulator's, not OpenEdge's. The figure that "
        "binds is the one measured with --backend openedge."
    )


def _minutes(value: Any) -> str:
    return "not measured" if value is None else f"{value:g} min"


def _met(value: Any) -> str:
    if value is None:
        return '<span class="badge NOT-RUN">not measured</span>'
    return '<span class="badge PROVEN">met</span>' if value else '<span class="badge FAILED">not met</span>'


def targets_table(summary: JSON) -> str:
    rows = summary.get("targets") or []
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{escape(r['procedure'])}</td><td>{escape(r['target'])}</td><td>{_minutes(r['target_minutes'])}</td>"
        f"<td>{_minutes(r['measured_minutes'])}</td><td>{_met(r['met'])}</td></tr>"
        for r in rows
    )
    head = "<tr><th>Procedure</th><th>Measure</th><th>Target</th><th>Measured (worst)</th><th>Met</th></tr>"
    return f'<h2>Targets</h2><table class="targets">{head}{body}</table>'


def controls_table(summary: JSON) -> str:
    rows = summary.get("controls") or []
    if not rows:
        return ""
    body = "".join(
        f"<tr><td><b>{escape(r['control'])}</b><br><span class=meta>{escape(r['title'])}</span></td>"
        f"<td>{'<br>'.join(escape(s) for s in r['scenarios']) or '—'}</td>"
        f'<td><span class="badge {escape(r["result"].replace(" ", "-"))}">{escape(r["result"])}</span></td>'
        f"<td>{escape(str(r.get('date') or '—'))}</td></tr>"
        for r in rows
    )
    head = "<tr><th>Control</th><th>Evidenced by</th><th>Result</th><th>Date</th></tr>"
    return f'<h2>Controls</h2><table class="controls">{head}{body}</table>'


def measures_table(features: list[JSON]) -> str:
    """Per scenario that declared a disaster: RPO (lost, window) and RTO with its phases."""
    rows, backends = [], set()
    for feature in features:
        for scenario in feature["scenarios"]:
            found = scenario_measures(scenario)
            if not (found["rpo"] or found["rto"]):
                continue
            rpo, rto = found["rpo"], found["rto"]
            lost = (
                f"{rpo['lost']} of {rpo['acknowledged']} lost, {rpo['window_seconds']:g} s"
                + (f"; {rpo['unacknowledged']} unacknowledged recovered" if rpo["unacknowledged"] else "")
                if rpo
                else "—"
            )
            phases = ", ".join(f"{p['name']} {p['seconds']:g} s" for p in rto["phases"]) if rto else ""
            served = f"{rto['seconds']:g} s<br><span class=meta>{escape(phases)}</span>" if rto else "—"
            if rto:
                backends.add(str(rto["backend"]))
            rows.append(
                f"<tr><td>{escape(procedure_id(feature))}: {escape(scenario['name'])}</td>"
                f"<td>{escape(lost)}</td><td>{served}</td></tr>"
            )
    if not rows:
        return ""
    head = "<tr><th>Scenario</th><th>RPO: acknowledged transactions lost</th><th>RTO: served after</th></tr>"
    notes = "".join(f"<p class=meta>{escape(backend_note(b))}</p>" for b in sorted(backends))
    return f'<h2>Recovery measured</h2><table class="measures">{head}{"".join(rows)}</table>{notes}'


def summary_section(results: JSON) -> str:
    summary = results.get("summary") or {}
    return measures_table(results["features"]) + targets_table(summary) + controls_table(summary)


def phase_bar(scenario: JSON) -> str:
    """The RTO as one bar, a segment per phase, from the disaster to the DR database serving."""
    rto = scenario_measures(scenario)["rto"]
    if not rto or not rto["seconds"]:
        return ""
    width, x, parts, legend = 900.0, 0.0, [], []
    for index, phase in enumerate(rto["phases"]):
        share = width * phase["seconds"] / rto["seconds"] if rto["seconds"] else 0
        colour = _COLOURS[index % len(_COLOURS)]
        title = f"{phase['name']}: {phase['seconds']:g} s {phase['command']}".strip()
        parts.append(
            f'<rect x="{x:.1f}" y="18" width="{max(share, 0.5):.1f}" height="16" fill="{colour}">'
            f"<title>{escape(title)}</title></rect>"
        )
        legend.append(f'<span style="color:{colour}">■</span> {escape(phase["name"])} {phase["seconds"]:g} s')
        x += share
    caption = f"RTO: the DR database served {rto['seconds']:g} s after the disaster"
    svg = (
        f'<svg class="rto" width="{width:.0f}" height="40" role="img" aria-label="{escape(caption)}">'
        f'<text x="0" y="12" class="lbl">{escape(caption)}</text>{"".join(parts)}</svg>'
    )
    note = escape(backend_note(rto["backend"]))
    return f'<div class="rto">{svg}<div class=meta>{" · ".join(legend)}<br>{note}</div></div>'
