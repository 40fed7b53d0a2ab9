"""The evidence of a real, proven, tagged run: ``oedr run --tags offline`` over two standard procedures.

One ``oedr run`` of a scratch plan (``oedr init``) serves every test here: the offline OS copy, with the
archived AI file checked by ``rfutil -C aimage scan verbose`` before it is rolled forward (a real OpenEdge
output with ``dbkey = N`` on every block line), and probkup/prorest, of which ``--tags offline`` selects two
scenarios of five. It runs with ``$USER`` and ``$LOGNAME`` unset, as under cron or a container.
"""

from __future__ import annotations

import base64
import json
import os
import pwd
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pytest

from oedr.harness.dba import readings
from oedr.harness.evidence import html
from oedr.harness.evidence.console import summary_lines
from oedr.harness.evidence.redact import MARK, redact_text
from tests.evidence import realplan
from tests.evidence.realplan import feature, scenario

OFFLINE_COPY = "take the copy offline, restore it on the DR host and roll it forward to production's data"
COPY_STEP = 'I copy every file of "sports" from production to DR'
SCAN = "rfutil sports -C aimage scan verbose -a archive/sports.2.sports.a2"
PROBKUP = "The preferred procedure: probkup, prorest and roll forward without rfutil -C sequence"
PROBKUP_LEFT_OUT = (
    "an online full backup under load, restored on DR and rolled forward to production's data",
    "probkup moves production's expected AI sequence, and an OS copy taken after it starts there",
    "a damaged backup is caught by prorest -vp and -vf, and is not restored",
)
ON_THE_EMULATOR = "the oedr OpenEdge-like emulator (not Progress OpenEdge)"


@dataclass(frozen=True)
class Run:
    stdout: str
    out: Path
    results: dict[str, Any]
    html: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    plan = realplan.scaffold(tmp_path_factory.mktemp("subset") / "plan")
    archive = '    And I archive the full AI extents of "sports" from production to DR'
    realplan.replace_line(
        feature(plan, "offline_os_copy.feature"),
        archive,
        archive,
        f"    And I run `{SCAN}` on DR",
        "    Then it succeeds",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("USER", "LOGNAME")}
    done = realplan.oedr(
        plan,
        "run",
        "features/procedures/offline_os_copy.feature",
        "features/procedures/probkup_prorest.feature",
        "--tags",
        "offline",
        "--out",
        "out",
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = plan / "out"
    return Run(done.stdout, out, realplan.results(out), (out / "report.html").read_text(encoding="utf-8"))


def _step(entry: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in entry["steps"] if s["name"] == name)
    return found


def _procedures_table(report: str) -> str:
    return report.split("<h2>Procedures</h2>", 1)[1].split("<h2>", 1)[0]


def _row(table: str, name: str) -> str:
    row = next((r for r in table.split("<tr>") if f">{escape(name)}</a>" in r), None)
    assert row is not None, f"no procedures row for {name!r}"
    return row


# -- 1. redaction leaves OpenEdge's own vocabulary alone --
def test_aimage_scan_verbose_keeps_every_dbkey(run: Run) -> None:
    scan = next(c for c in _step(scenario(run.results, OFFLINE_COPY), f"I run `{SCAN}` on DR")["commands"])
    assert (scan["command"], scan["exit_status"]) == (SCAN, 0)
    blocks = readings.scan_blocks(scan["stdout"])
    assert blocks, f"no block line in the scan's output:\n{scan['stdout']}"
    assert "dbkey = [REDACTED]" not in scan["stdout"]
    for block in blocks:
        assert escape(block.line) in run.html, f"{block.line!r} is not shown as OpenEdge printed it"


def test_nothing_of_a_run_without_secrets_is_redacted(run: Run) -> None:
    for path in run.out.rglob("*"):
        if path.is_file():
            assert MARK not in path.read_text(encoding="utf-8", errors="replace"), f"{path.name} has {MARK}"


def test_secrets_among_real_output_are_still_redacted(run: Run) -> None:
    scan = _step(scenario(run.results, OFFLINE_COPY), f"I run `{SCAN}` on DR")["commands"][0]["stdout"]
    secrets = "password=hunter2\nX-Api-Key: abc123\nLicence Key: XK3J-99PQ\n"
    assert redact_text(scan + secrets) == scan + f"password={MARK}\nX-Api-Key: {MARK}\nLicence Key: {MARK}\n"


# -- 2. the verdict says what it was proven on --
def test_the_verdict_says_the_run_was_on_the_emulator(run: Run) -> None:
    assert f"DR plan: PROVEN on {ON_THE_EMULATOR} — every procedure that ran passed." in run.stdout
    summary = run.results["summary"]
    assert (summary["verdict"], summary["on"]) == ("PROVEN", ON_THE_EMULATOR)
    assert summary["headline"] == f"PROVEN on {ON_THE_EMULATOR}"
    headline = re.search(r"<p class=headline>(.*?)</p>", run.html)
    assert headline is not None
    assert headline.group(1).startswith(
        f'<span class="badge verdict PROVEN">PROVEN</span> <span class=on>on {escape(ON_THE_EMULATOR)}</span> — '
    )
    assert f"<title>oedr DR evidence — PROVEN on {escape(ON_THE_EMULATOR)}" in run.html


def test_the_verdict_of_a_run_on_openedge_names_its_release_and_image(run: Run) -> None:
    results = json.loads(json.dumps(run.results))
    for key in ("on", "headline"):  # as an older oedr wrote it: taken from the environment
        del results["summary"][key]
    image = {"image": "acme/openedge:12.8.4", "id": "sha256:1", "digest": None}
    results["environment"].update(
        backend="openedge", backends_seen=["openedge"], openedge_version="12.8.4", images=[image]
    )
    on = "OpenEdge 12.8.4 (image acme/openedge:12.8.4)"
    assert f"DR plan: PROVEN on {on} — " in "\n".join(summary_lines(results))
    assert f"PROVEN</span> <span class=on>on {escape(on)}</span>" in html.render(results)
    assert "not Progress OpenEdge" not in html.render(results).split("<h2>", 1)[0]


# -- 3. a subset run says what it left out --
def test_the_procedures_row_says_what_was_not_selected(run: Run) -> None:
    assert f"  PROVEN   {PROBKUP}  (2 of 2 scenarios passed, 3 not selected)" in run.stdout
    row = _row(_procedures_table(run.html), PROBKUP)
    assert "<td>2 of 2, 3 not selected</td>" in row
    for name in PROBKUP_LEFT_OUT:
        assert f"not selected: {escape(name)} — not selected by the tag expression {escape(repr('offline'))}" in row
    procedure = next(p for p in run.results["summary"]["procedures"] if p["name"] == PROBKUP)
    assert (procedure["deselected"], sorted(n["scenario"] for n in procedure["not_selected"])) == (
        3,
        sorted(PROBKUP_LEFT_OUT),
    )
    copy_row = _row(_procedures_table(run.html), "Offline OS copy with after-imaging (OpenEdge 9.1E and later)")
    assert "<td>1 of 1</td>" in copy_row
    assert "not selected" not in copy_row


# -- 4. a copy lists every file it copied --
def _copy_of(run: Run) -> dict[str, Any]:
    events = [e for e in _step(scenario(run.results, OFFLINE_COPY), COPY_STEP)["events"] if e["kind"] == "copy"]
    assert len(events) == 1, events
    return events[0]


def test_the_offline_copy_lists_every_file_with_size_and_sha256(run: Run) -> None:
    copy = _copy_of(run)
    assert (copy["from"], copy["host"], copy["directory"], copy["target_directory"]) == ("production", "dr", ".", ".")
    files = {f["name"]: f for f in copy["files"]}
    data = [n for n in files if re.fullmatch(r"sports(_\d+)?\.d\d+", n)]
    ai = [n for n in files if re.fullmatch(r"sports\.a\d+", n)]
    assert {"sports.db", "sports.b1"} <= set(files)
    assert len(data) >= 3, f"the schema area's extent and each data area's: {sorted(files)}"
    assert sorted(ai) == ["sports.a1", "sports.a2", "sports.a3", "sports.a4"]
    assert "sports.lk" not in files, "the database was shut down: no .lk to copy"
    assert all(isinstance(f["bytes"], int) and f["bytes"] > 0 for f in files.values())
    assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in files.values())
    assert len({files[n]["bytes"] for n in ai}) == 1, "four fixed AI extents of one size"
    step = run.html.split(escape(COPY_STEP) + "<span class=meta>", 1)[1].split('<div class="step">', 1)[0]
    table = re.search(r'<table class="files sub">(.*?)</table>', step, re.S)
    assert table is not None, "no file list under the copy step"
    assert f"{len(files)} files copied from production:. to dr:.:" in table.group(1)
    assert "no .lk file was copied" in table.group(1)
    for name, f in files.items():
        assert f"<tr><td><code>{name}</code></td><td class=n>{f['bytes']}" in table.group(1), name
        assert f'<code title="{f["sha256"]}">{f["sha256"][:16]}</code></td></tr>' in table.group(1), name


def test_cucumber_json_attaches_the_copy_listing_to_its_step(run: Run) -> None:
    features = json.loads((run.out / "cucumber.json").read_text(encoding="utf-8"))
    element = next(e for f in features for e in f["elements"] if e["name"] == OFFLINE_COPY)
    step = next(s for s in element["steps"] if s["name"] == COPY_STEP)
    (embedding,) = step["embeddings"]
    text = base64.b64decode(embedding["data"]).decode("utf-8")
    assert embedding["mime_type"] == "text/plain"
    assert text.startswith("copied from production:. to dr:. (")
    for f in _copy_of(run)["files"]:
        assert re.search(rf"^{re.escape(f['name'])} +{f['bytes']}  {f['sha256']}$", text, re.M), f["name"]


# -- 5. the user is the account's, with $USER unset --
def test_the_environment_names_the_real_user_without_user_set(run: Run) -> None:
    user = pwd.getpwuid(os.getuid()).pw_name
    assert run.results["environment"]["user"] == user
    assert f"<tr><th>User</th><td>{escape(user)}</td></tr>" in run.html
