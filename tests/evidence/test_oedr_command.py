"""The ``oedr`` command end to end: run (exit 0/1/2 and the per-procedure summary), list, report, init."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oedr.harness.oedr import main
from tests.evidence.conftest import RunSample

pytest_plugins = ["pytester"]


def oedr(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oedr.harness.oedr", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_run_names_each_failed_procedure_with_its_step_and_message(sample: Path) -> None:
    done = oedr(sample, "run", "--out", "results")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DR plan: FAILED" in done.stdout
    assert "  FAILED   Roll forward after-image files on the DR host  (1 of 2 scenarios passed)" in done.stdout
    assert "           step:     And dr rolls forward AI sequence 2" in done.stdout
    assert "           command:  rfutil sports -C roll forward -a /backups/sports.a2" in done.stdout
    assert "(8019)" in done.stdout
    assert "  SKIPPED   Switch the users over to the DR host › the clients reconnect to the DR host" in done.stdout
    assert main(["verify", str(sample / "results")]) == 0, "the run's manifest must cover pytest.log too"


def test_run_of_a_proven_procedure_exits_0(sample: Path) -> None:
    done = oedr(
        sample, "run", "features/procedures/ai_roll_forward.feature", "--tags", "not out_of_sequence", "-n", "2"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "  PROVEN   Roll forward after-image files on the DR host  (1 of 1 scenarios passed, 1 not selected)"
        in done.stdout
    )
    assert "Switch the users over" not in done.stdout.split("DR plan:")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "features/procedures/missing.feature"], "missing.feature does not exist"),
        (["run", "--tags", "no_such_tag"], "no scenario was selected"),
        (["report", "nowhere"], "nowhere does not exist: give the --out directory of a run"),
        (["run", "--record", "golden"], "--record writes golden transcripts of a real OpenEdge: it needs --backend"),
    ],
)
def test_usage_and_setup_errors_exit_2_and_say_what_to_do(sample: Path, args: list[str], message: str) -> None:
    done = oedr(sample, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr


def test_list_shows_procedures_scenarios_and_tags(sample: Path) -> None:
    done = oedr(sample, "list")
    assert done.returncode == 0, done.stderr
    assert "Roll forward after-image files on the DR host  @dr\n  features/procedures/ai_roll_forward.feature" in (
        done.stdout
    )
    assert "    - apply an AI file out of sequence  @out_of_sequence" in done.stdout


def test_list_of_a_malformed_feature_says_where_and_exits_2(sample: Path) -> None:
    bad = sample / "features" / "procedures" / "broken.feature"
    bad.write_text(
        "Feature: half written\n  Scenario: copy\n    Given a DR host\n  Examples:\n    | a |\n"
        "the DBA copies the files\n"
    )
    done = oedr(sample, "list")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "oedr list: features/procedures/broken.feature line 6 is not Gherkin" in done.stderr
    assert "6: the DBA copies the files" in done.stderr


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        ('{"format": "oedr-results/1", "summary": {', "JSONDecodeError"),
        ('{"format": "oedr-results/1", "summary": {}, "features": [{"name": "x"}]}', "KeyError: 'scenarios'"),
        ('["not", "results"]', "not an oedr-results/1 document"),
    ],
)
def test_report_of_a_damaged_results_json_says_so_and_exits_2(run_sample: RunSample, damage: str, says: str) -> None:
    _, out = run_sample()
    report = (out / "report.html").read_bytes()
    (out / "results.json").write_text(damage, encoding="utf-8")
    done = oedr(out.parent, "report", str(out), "--force")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"oedr report: {out / 'results.json'} is damaged or was not written by oedr" in done.stderr
    assert says in done.stderr
    assert (out / "report.html").read_bytes() == report, "a damaged results.json must not overwrite the report"


def test_report_rebuilds_from_results_and_refuses_altered_evidence(run_sample: RunSample) -> None:
    _, out = run_sample()
    before = (out / "report.html").read_text(encoding="utf-8")
    (out / "report.html").unlink()
    assert main(["report", str(out)]) == 2, "a removed report is a change to the evidence"
    assert main(["report", str(out), "--force"]) == 0
    assert (out / "report.html").read_text(encoding="utf-8") == before
    assert main(["verify", str(out)]) == 0


def test_init_scaffolds_a_site_plan(tmp_path: Path) -> None:
    site = tmp_path / "acme"
    assert main(["init", str(site), "--db", "orders", "--ai-extents", "6"]) == 0
    st = (site / "orders.st").read_text(encoding="utf-8")
    assert [line for line in st.splitlines() if line.startswith("a ")][-1] == "a ./orders.a6 f 10240"
    features = sorted((site / "features" / "procedures").glob("*.feature"))
    assert features, "no procedure was copied"
    text = features[0].read_text(encoding="utf-8")
    assert text.startswith("# Copied from oedr's standard procedure")
    assert '"sports"' not in text
    assert (site / "features" / "test_features.py").exists()
    assert (site / "conftest.py").exists()
    assert "oedr run" in (site / "README.md").read_text(encoding="utf-8")
    assert main(["init", str(site)]) == 2, "init must not write over a plan"


def test_init_takes_the_sites_own_structure_file(tmp_path: Path) -> None:
    st = tmp_path / "prod.st"
    st.write_text('b ./prod.b1\nd "Schema Area":6,32;1 ./prod.d1\na ./prod.a1 f 2048\na ./prod.a2\n')
    assert main(["init", str(tmp_path / "site"), "--db", "prod", "--st", str(st)]) == 0
    readme = (tmp_path / "site" / "README.md").read_text(encoding="utf-8")
    assert "- `./prod.a1 fixed 2048 KB`\n- `./prod.a2 variable`" in readme
