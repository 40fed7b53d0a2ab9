"""The evidence of a real run: the standard procedures on the emulator, one of them with a step left out.

A scratch plan (``oedr init``) has ``rfutil -C sequence`` removed from the documented restore, so its first
roll forward is refused with 8019, and expects the plain roll forward after a crash to succeed, so it fails
with the emulator's own 90055; a few other scenarios are picked for what their timelines must show (a
refused ``sequence``, the AI switches of ``proquiet enable`` and ``probkup online``, two databases on one
host). One ``oedr run`` serves every test here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

import pytest

from tests.evidence import realplan
from tests.evidence.realplan import PICKED, feature, marks, scenario, timeline_svg

RESTORE = "the documented restore, file by file"
RETRY = "a roll forward killed part-way is finished with roll forward retry"
SEQUENCE_SKIPPED = "rfutil -C sequence skipped: the first roll forward is refused with 8019, and the copy is spent"
OTHER_DATABASE = "an AI file from another database, or from another baseline, fails the date check"
QUIET_POINT = "copy under a quiet point while clients keep committing, then restore and roll forward"
PROBKUP_ONLINE = "an online full backup under load, restored on DR and rolled forward to production's data"
ROLL_FORWARD = "rfutil sports -C roll forward -a archive/sports.2.sports.a2"
LINE_8019 = "Expected ai file number 1 but file specified is 2 in sequence. (8019)"
ON_THE_EMULATOR = "the oedr OpenEdge-like emulator (not Progress OpenEdge)"
NOTE_90055 = "90055 is the emulator&#x27;s own message number, not Progress OpenEdge&#x27;s"
NOTE_90041 = "90041 is the emulator&#x27;s own message number, not Progress OpenEdge&#x27;s"


@dataclass(frozen=True)
class Run:
    stdout: str
    results: dict[str, Any]
    html: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    plan = realplan.scaffold(tmp_path_factory.mktemp("real") / "plan")
    restore = feature(plan, "restore_os_copy.feature")
    realplan.drop_lines(
        restore,
        "    When I run `rfutil sports -C sequence` on DR",
        '    Then message 12428 reads "Ai sequence 1 changed to 2 (12428)"',
    )
    realplan.replace_line(restore, "    Then it fails with message 90055", "    Then it succeeds")
    realplan.pick(restore, RESTORE, RETRY)
    realplan.pick(feature(plan, "what_goes_wrong.feature"), SEQUENCE_SKIPPED, OTHER_DATABASE)
    realplan.pick(feature(plan, "online_os_copy_quiet_point.feature"), QUIET_POINT)
    realplan.pick(feature(plan, "probkup_prorest.feature"), PROBKUP_ONLINE)
    done = realplan.oedr(plan, "run", "--tags", PICKED, "--out", "out")
    assert done.returncode == 1, done.stdout + done.stderr
    out = plan / "out"
    return Run(done.stdout, realplan.results(out), (out / "report.html").read_text(encoding="utf-8"))


def _procedure_block(stdout: str, name: str) -> str:
    summary = stdout.split("DR plan:", 1)[1]
    start = summary.index(name)
    following = re.search(r"^  (PROVEN|FAILED|NOT RUN) ", summary[start:], re.M)
    return summary[start : start + following.start()] if following else summary[start:]


def test_the_summary_names_the_refused_roll_forward_and_its_8019(run: Run) -> None:
    block = _procedure_block(run.stdout, "Restore an OS copy on the DR host and roll it forward")
    assert f"scenario: {RESTORE}" in block
    assert "step:     Then it succeeds" in block
    assert f"command:  {ROLL_FORWARD}  (on dr, exit status 1)" in block
    assert f"message:  {LINE_8019}" in block
    assert "663" not in block, block
    assert "describe" not in block, block


def test_results_json_keeps_the_failing_command_and_the_deciding_message(run: Run) -> None:
    procedure = next(p for p in run.results["summary"]["procedures"] if p["path"].endswith("restore_os_copy.feature"))
    failure = procedure["failures"][0]
    assert (failure["command"], failure["host"], failure["exit_status"]) == (ROLL_FORWARD, "dr", 1)
    assert (failure["number"], failure["line"]) == (8019, LINE_8019)
    entry = scenario(run.results, RESTORE)
    step = next(s for s in entry["steps"] if s["status"] == "failed")
    assert (step["error"]["number"], step["error"]["line"]) == (8019, LINE_8019)
    reads = [c for s in entry["steps"] for c in s["commands"] if c["command"] == "proutil sports -C describe"]
    assert reads
    assert all(c.get("internal") for c in reads), "the harness's counters reads are not marked"
    assert not any(c.get("internal") for s in entry["steps"] for c in s["commands"] if "describe" not in c["command"])


def test_the_report_names_the_roll_forward_and_8019_in_the_procedures_table(run: Run) -> None:
    table = run.html.split("<h2>Procedures</h2>", 1)[1].split("<h2>", 1)[0]
    assert f"<code>{ROLL_FORWARD}</code>" in table
    assert LINE_8019 in table
    assert "proutil sports -C describe" not in table


def test_the_timeline_marks_that_roll_forward_refused_with_8019(run: Run) -> None:
    entry = scenario(run.results, RESTORE)
    assert marks(entry, "dr", "refused", "sequence", "roll-forward") == [("refused (8019)", "expects 1")]
    svg = timeline_svg(run.html, RESTORE)
    assert (
        '<g class="event refused failure"><title>refused on dr of sports: refused (8019) sports.2.sports.a2 '
        "(sequence expects 1) — the scenario failed here</title>"
    ) in svg
    assert '<g class="failure">' not in svg, "one red cross for the failure: the refused roll forward's own"


def test_a_refused_sequence_is_drawn_refused_not_done(run: Run) -> None:
    entry = scenario(run.results, SEQUENCE_SKIPPED)
    assert marks(entry, "dr", "refused", "sequence", "roll-forward") == [
        ("refused (8019)", "expects 1"),
        ("refused (90041)", None),
    ]
    svg = timeline_svg(run.html, SEQUENCE_SKIPPED)
    assert "refused on dr of sports: refused (90041) rfutil sequence" in svg
    assert '<g class="event sequence">' not in svg


def test_the_ai_switches_of_proquiet_enable_and_probkup_online_are_drawn(run: Run) -> None:
    quiet = marks(scenario(run.results, QUIET_POINT), "production", "ai-switch")
    assert quiet == [("aimage begin", 1), ("proquiet enable", 2), ("aimage new", 3)]
    backup = scenario(run.results, PROBKUP_ONLINE)
    assert marks(backup, "production", "ai-switch") == [("aimage begin", 1), ("probkup online", 2), ("aimage new", 3)]
    assert [label for label, _ in marks(backup, "production", "backup")] == ["probkup online #2"]
    assert "ai-switch on production of sports: proquiet enable (sequence 2)" in timeline_svg(run.html, QUIET_POINT)


def test_counters_are_read_from_the_commands_own_database(run: Run) -> None:
    entry = scenario(run.results, OTHER_DATABASE)
    assert marks(entry, "production", "ai-switch") == [
        ("sports: aimage begin", 1),
        ("other: aimage begin", 1),
        ("sports: aimage new", 2),
        ("other: aimage new", 2),
        ("sports: aimage new", 3),
        ("sports: aimage new", 4),
        ("other: aimage new", 3),
        ("other: aimage new", 4),
    ]
    assert marks(entry, "dr", "roll-forward", "refused") == [
        ("sports.2.sports.a2", 2),
        ("refused (8019)", "expects 3"),
        ("refused (833)", "expects 3"),
    ]


def test_the_failed_verdict_says_the_run_was_on_the_emulator(run: Run) -> None:
    assert f"DR plan: FAILED on {ON_THE_EMULATOR} — " in run.stdout
    assert run.results["summary"]["headline"] == f"FAILED on {ON_THE_EMULATOR}"
    assert f'<span class="badge verdict FAILED">FAILED</span> <span class=on>on {ON_THE_EMULATOR}</span>' in run.html


def test_a_failing_emulator_message_is_marked_as_the_emulators_own(run: Run) -> None:
    procedure = next(p for p in run.results["summary"]["procedures"] if p["path"].endswith("restore_os_copy.feature"))
    by_scenario = {f["scenario"]: f for f in procedure["failures"]}
    retry = by_scenario[RETRY]
    assert (retry["number"], retry["emulator_numbers"]) == (90055, [90055])
    assert retry["line"].endswith("(90055)")
    assert by_scenario[RESTORE]["emulator_numbers"] == [], "8019 is OpenEdge's own number"
    block = _procedure_block(run.stdout, "Restore an OS copy on the DR host and roll it forward")
    assert f"message:  {retry['line']}\n           note:     90055 is the emulator's own message number" in block
    assert block.count("note:") == 1, block
    progress = run.stdout.split("DR plan:", 1)[0]
    assert f"at Then it succeeds: {retry['line']}\n            (90055 is the emulator's own message number" in progress
    table = run.html.split("<h2>Procedures</h2>", 1)[1].split("<h2>", 1)[0]
    cells = table.split("<div><b>")
    assert NOTE_90055 in next(c for c in cells if c.startswith(RETRY))
    assert "emulator" not in next(c for c in cells if c.startswith(RESTORE)), "no note on OpenEdge's 8019"
    box = run.html.split(f"{RETRY}</h3>", 1)[1].split('<div class="tl">', 1)[0]
    assert '<div class="reason failed">' in box
    assert NOTE_90055 in box


def test_a_checked_emulator_message_is_marked_where_the_step_and_the_timeline_show_it(run: Run) -> None:
    section = run.html.split(f"{escape(SEQUENCE_SKIPPED)}</h3>", 1)[1].split('<details class="scenario"', 1)[0]
    check = section.split("it fails with message 90041", 1)[1].split("</span></span>", 1)[0]
    assert f"<div class=emu>{NOTE_90041}" in check, "the step that checks 90041 does not say whose number it is"
    svg = timeline_svg(run.html, SEQUENCE_SKIPPED)
    assert "refused (90041) rfutil sequence — 90041 is the emulator&#x27;s own" in svg
    assert f"</svg></div><div class=emu>{NOTE_90041}" in section
    restore = run.html.split(f"{escape(RESTORE)}</h3>", 1)[1].split('<details class="scenario"', 1)[0]
    assert "emulator&#x27;s own" not in restore, "8019 and 12428 are OpenEdge's numbers"
