"""The recovery figures and the archiver in the evidence of a real run: one scenario of rpo.feature (RPO and
RTO measured, against the targets of the plan's own oedr.toml) and one of ai_file_management.feature (the
after-image manager's archives on the timeline), run by ``oedr run`` on the local backend.

The plan is scaffolded with ``--aiarcdir arch`` (its site runs the after-image manager, so its plan carries the
archiver procedure). Its oedr.toml sets an RPO target the scenario meets (a day) and an RTO target no
recovery can meet (0 minutes), so the console says both MET and NOT MET.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

import pytest

from oedr.harness.evidence import timeline
from tests.evidence import realplan
from tests.evidence.realplan import PICKED, feature, marks, scenario, timeline_svg

RPO_SCENARIO = (
    "aimage new and an archive shipped every 5 minutes: what the busy extent held is lost (at most 5 minutes)"
)
ARCHIVER_SCENARIO = "an online backup turns the archiver on under load; DR rolls the whole archive forward"
PHASES = ["prorest", "roll forward", "proserve", "transfer and checks"]
EMULATOR_TIMES = (
    "Times measured on the local backend: they are the emulator&#x27;s, not OpenEdge&#x27;s. The figure that "
    "binds is the one measured with --backend openedge."
)
PLAN_TARGETS = "[targets.rpo]\nrpo_minutes = 1440\nrto_minutes = 0\n"


@dataclass(frozen=True)
class Run:
    stdout: str
    results: dict[str, Any]
    html: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    plan = realplan.scaffold(tmp_path_factory.mktemp("recovery") / "plan", "--aiarcdir", "arch")
    (plan / "oedr.toml").write_text(PLAN_TARGETS, encoding="utf-8")
    realplan.pick(feature(plan, "rpo.feature"), RPO_SCENARIO)
    realplan.pick(feature(plan, "ai_file_management.feature"), ARCHIVER_SCENARIO)
    done = realplan.oedr(plan, "run", "--tags", PICKED, "--out", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    out = plan / "out"
    return Run(done.stdout, realplan.results(out), (out / "report.html").read_text(encoding="utf-8"))


def _measures(run: Run) -> tuple[dict[str, Any], dict[str, Any]]:
    """The scenario's last rpo and rto measures, as results.json carries them."""
    events = [e for _, e in realplan.scenario_events(scenario(run.results, RPO_SCENARIO))]
    rpo = [e["measure"] for e in events if e["kind"] == "rpo"]
    rto = [e["measure"] for e in events if e["kind"] == "rto"]
    assert rpo, "the scenario measured no RPO"
    assert rto, "the scenario measured no RTO"
    return rpo[-1], rto[-1]


def test_results_json_carries_the_measured_loss_and_rto_with_its_phases(run: Run) -> None:
    rpo, rto = _measures(run)
    assert rpo["lost"] > 0, "the busy extent's transactions are lost"
    assert rpo["lost"] + rpo["recovered"] == rpo["acknowledged"]
    assert 0 < rpo["window_seconds"] <= 300
    assert [p["name"] for p in rto["phases"]] == PHASES
    assert rto["seconds"] > 0
    assert rto["seconds"] == pytest.approx(sum(p["seconds"] for p in rto["phases"]), abs=0.005)
    assert (rto["backend"], rto["host"], rto["db"]) == ("local", "dr", "sports")
    assert [p["command"] for p in rto["phases"][:3]] == [
        "prorest sports sports.bck",
        "rfutil sports -C roll forward -a archive/sports.2.sports.a2",
        "proserve sports",
    ]


def test_the_report_shows_the_recovery_measured_table(run: Run) -> None:
    rpo, rto = _measures(run)
    table = run.html.split("<h2>Recovery measured</h2>", 1)[1].split("<h2>", 1)[0]
    row = table.split(f"<td>rpo: {escape(RPO_SCENARIO)}</td>", 1)[1].split("</tr>", 1)[0]
    assert f"<td>{rpo['lost']} of {rpo['acknowledged']} lost, {rpo['window_seconds']:g} s</td>" in row
    assert f"<td>{rto['seconds']:g} s<br>" in row
    assert ", ".join(f"{p['name']} {p['seconds']:g} s" for p in rto["phases"]) in row
    assert f"<p class=meta>{EMULATOR_TIMES}</p>" in table
    assert ARCHIVER_SCENARIO not in table, "a scenario without a disaster measures nothing"


def test_the_report_draws_the_rto_phase_bar_with_its_phases(run: Run) -> None:
    _, rto = _measures(run)
    section = run.html.split(f"{escape(RPO_SCENARIO)}</h3>", 1)[1].split('<details class="scenario"', 1)[0]
    bar = section.split('<div class="rto">', 1)[1].split("</div></div>", 1)[0]
    assert f'aria-label="RTO: the DR database served {rto["seconds"]:g} s after the disaster"' in bar
    assert re.findall(r"<title>([^:<]+):", bar) == PHASES
    legend = bar.split("</svg>", 1)[1]
    assert [name for name in PHASES if f"</span> {name} " in legend] == PHASES
    assert EMULATOR_TIMES in legend


def test_the_console_says_which_targets_are_met(run: Run) -> None:
    rows = {r["target"]: r for r in run.results["summary"]["targets"]}
    assert (rows["RPO"]["met"], rows["RTO"]["met"]) == (True, False)
    summary = run.stdout.split("DR plan:", 1)[1]
    assert "  Targets (oedr.toml), measured on the backend named above:\n" in summary
    assert f"  MET      RPO of rpo: target 1440 min, measured {rows['RPO']['measured_minutes']:g} min\n" in summary
    assert f"  NOT MET  RTO of rpo: target 0 min, measured {rows['RTO']['measured_minutes']:g} min\n" in summary


def test_the_timeline_draws_the_archivers_archives(run: Run) -> None:
    entry = scenario(run.results, ARCHIVER_SCENARIO)
    archived = marks(entry, "production", "ai-archive")
    assert [seq for _, seq in archived] == [1, 2], "each archive is drawn once, however often a step checks it"
    assert all(label.startswith(f"archiver: AI file {seq} -> ") for label, seq in archived)
    svg = timeline_svg(run.html, ARCHIVER_SCENARIO)
    assert svg.count('<g class="event ai-archive">') == 2
    assert "<title>ai-archive on production: archiver: AI file 2 -&gt; " in svg
    colour = timeline.KIND_COLOURS["ai-archive"]
    legend = (
        rf'<circle class="mark" cx="[\d.]+" cy="16" r="10" fill="{colour}"/>'
        r'<text x="[\d.]+" y="20" class="legend">ai-archive</text>'
    )
    assert re.search(legend, svg), "the legend does not list ai-archive"
