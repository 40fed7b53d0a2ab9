"""Evidence an auditor can rely on, on the sample project: a run that did not finish is never PROVEN, a
results directory never mixes two runs, tags are written as Cucumber writes them, and a signed or recorded
manifest detects evidence rewritten after the run (report.html included)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from oedr.harness.evidence import manifest
from oedr.harness.oedr import main
from tests.evidence.realplan import oedr

pytest_plugins = ["pytester"]

PROVEN_RUN = ("run", "features/procedures/ai_roll_forward.feature", "--tags", "not @out_of_sequence")


def _results(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "results.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _digest(stdout: str) -> str:
    found = re.search(r"manifest SHA256SUMS, sha256 ([0-9a-f]{64})", stdout)
    assert found, stdout
    return found.group(1)


def test_a_finished_proven_run_records_that_it_finished_and_prints_the_manifest_digest(sample: Path) -> None:
    done = oedr(sample, *PROVEN_RUN, "--operator", "J. Smith", "--ticket", "CHG-1234", "--approver", "A. Auditor")
    assert done.returncode == 0, done.stdout + done.stderr
    out = sample / "oedr-results"
    results = _results(out)
    assert results["run"] == {"complete": True, "why": None, "pytest_exit_status": 0}
    digest = _digest(done.stdout)
    assert digest == manifest.file_digest(out / "SHA256SUMS")
    report = (out / "report.html").read_text(encoding="utf-8")
    assert digest in report, "the report shows the manifest's digest"
    for shown in ("J. Smith", "CHG-1234", "A. Auditor"):
        assert shown in report
    plan = results["environment"]["plan"]
    assert (plan["operator"], plan["ticket"], plan["approver"]) == ("J. Smith", "CHG-1234", "A. Auditor")
    feature = sample / "features" / "procedures" / "ai_roll_forward.feature"
    files = {f["path"]: f["sha256"] for f in plan["files"]}
    assert files["features/procedures/ai_roll_forward.feature"] == hashlib.sha256(feature.read_bytes()).hexdigest()
    assert "conftest.py" in files
    assert plan["directory"] == str(sample)
    assert main(["verify", str(out), "--digest", digest]) == 0


def test_report_never_rebuilds_proven_from_partial_results(sample: Path) -> None:
    assert oedr(sample, *PROVEN_RUN).returncode == 0
    out = sample / "oedr-results"
    (out / "results.json").unlink()  # what a killed run leaves: the workers' parts, no results
    done = oedr(sample, "report", str(out), "--force")
    assert done.returncode == 0, done.stderr
    assert "DR plan: INCOMPLETE" in done.stdout
    assert "PROVEN" not in done.stdout.split("DR plan:")[1].splitlines()[0]
    assert _results(out)["summary"]["verdict"] == "INCOMPLETE"
    assert "The run did not finish" in (out / "report.html").read_text(encoding="utf-8")


def test_results_without_a_record_of_the_end_of_the_run_are_incomplete(sample: Path) -> None:
    assert oedr(sample, *PROVEN_RUN).returncode == 0
    out = sample / "oedr-results"
    results = _results(out)
    del results["run"]  # as an older oedr, or a hand, wrote it
    (out / "results.json").write_text(json.dumps(results), encoding="utf-8")
    done = oedr(sample, "report", str(out), "--force")
    assert "DR plan: INCOMPLETE" in done.stdout, done.stdout + done.stderr


def test_out_replaces_an_earlier_run_as_a_whole(sample: Path) -> None:
    out = sample / "oedr-results"
    assert oedr(sample, *PROVEN_RUN).returncode == 0
    stale = out / "parts" / "gw9.json"
    stale.write_text(json.dumps({"format": "oedr-results/1", "scenarios": []}), encoding="utf-8")
    done = oedr(sample, "run", "--tags", "no_such_tag")  # a mistyped run into the same directory
    assert done.returncode == 2
    assert not stale.exists(), "nothing of the earlier run may be mixed into the new one"
    assert not (out / "results.json").exists() or _results(out)["summary"]["verdict"] != "PROVEN"


def test_out_refuses_a_directory_that_is_not_an_oedr_run_and_changes_nothing(sample: Path) -> None:
    mine = sample / "documents"
    mine.mkdir()
    (mine / "plan.docx").write_bytes(b"the site's own file")
    done = oedr(sample, *PROVEN_RUN, "--out", "documents")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "is not empty and does not hold an oedr run" in done.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["plan.docx"]


def test_cucumber_tags_auto_workers_and_refused_worker_counts(sample: Path) -> None:
    done = oedr(sample, "run", "--tags", "@out_of_sequence", "-n", "auto", "--out", "tagged")
    assert done.returncode == 1, done.stdout + done.stderr  # the out-of-sequence scenario fails in the sample
    assert _results(sample / "tagged")["summary"]["counts"]["failed"] == 1
    for workers in ("-3", "100000", "many"):
        refused = oedr(sample, "run", "-n", workers, "--out", "refused")
        assert refused.returncode == 2, refused.stderr
        assert "is not a number of workers: give 0 to 64, or auto" in refused.stderr
        assert not (sample / "refused").exists(), "a refused run creates nothing"
    bad = oedr(sample, "run", "--tags", "(@dr and", "--out", "refused")
    assert bad.returncode == 2
    assert "is not a tag expression" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert not (sample / "refused").exists()


def test_a_signed_run_detects_a_rewritten_manifest_and_an_edited_report(sample: Path) -> None:
    key = sample / "keys" / "site"
    key.parent.mkdir()
    assert main(["keygen", str(key)]) == 0
    assert (key.stat().st_mode & 0o777) == 0o600
    assert main(["keygen", str(key)]) == 2, "a key is never written over"
    done = oedr(sample, *PROVEN_RUN, "--sign", str(key))
    assert done.returncode == 0, done.stdout + done.stderr
    out, public = sample / "oedr-results", Path(f"{key}.pub")
    assert main(["verify", str(out), "--key", str(public)]) == 0
    digest = _digest(done.stdout)

    report = out / "report.html"
    original = report.read_text(encoding="utf-8")
    report.write_text(original.replace("PROVEN", "PROVEN!"), encoding="utf-8")
    assert main(["verify", str(out)]) == 1, "an edited report is caught without a key"
    report.write_text(original, encoding="utf-8")

    results = out / "results.json"
    results.write_text(results.read_text(encoding="utf-8") + " ", encoding="utf-8")
    rewritten = "".join(f"{manifest.file_digest(out / rel)}  {rel}\n" for rel in manifest.run_files(out))
    (out / "SHA256SUMS").write_text(rewritten, encoding="utf-8")  # what `sha256sum` would write again
    assert main(["verify", str(out)]) == 1, "the report shows the digest of the manifest it was sealed with"
    assert main(["report", str(out), "--force"]) == 0  # the whole evidence rewritten consistently
    assert main(["verify", str(out)]) == 0, "a rewritten run is consistent with itself..."
    assert main(["verify", str(out), "--key", str(public)]) == 1, "...but not with its signature"
    assert main(["verify", str(out), "--digest", digest]) == 1, "...nor with the digest recorded at the run"
    assert main(["sign", str(out), str(key)]) == 0  # the owner re-signs: only the recorded digest can tell
    other = sample / "other"
    assert main(["keygen", str(other)]) == 0
    assert main(["verify", str(out), "--key", f"{other}.pub"]) == 1, "another key's signature is not the site's"


def test_a_backend_that_cannot_give_a_host_is_an_error_not_a_failed_plan(sample: Path) -> None:
    with (sample / "conftest.py").open("a", encoding="utf-8") as conftest:
        conftest.write(
            '\n\n@given("the backend cannot pull its image")\ndef no_image() -> None:\n'
            "    import docker.errors\n\n"
            '    raise docker.errors.ImageNotFound("pull access denied for oedr-nosuch/image")\n'
        )
    (sample / "features" / "procedures" / "no_image.feature").write_text(
        "Feature: A host from a missing image\n  Scenario: the first host\n"
        "    Given the backend cannot pull its image\n",
        encoding="utf-8",
    )
    done = oedr(sample, "run", "features/procedures/no_image.feature")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "DR plan: ERROR on" in done.stdout
    assert "set-up:   set-up problem, not a failure of the plan" in done.stdout
    assert "Check the image (--oe-image / OEDR_IMAGE)" in done.stdout
