"""The ``oedr`` command: run a site's DR plan and say, in plain words, whether it works.

    oedr run [FEATURES...] [--backend local|docker|openedge] [--oe-image IMAGE] [--oe-licence FILE]
             [--tags EXPR] [--out DIR] [-n N|auto] [--operator NAME] [--ticket ID] [--approver NAME]
             [--sign KEY]
    oedr list [FEATURES...]
    oedr report DIR
    oedr verify DIR [--key PUB] [--digest SHA256]
    oedr sign DIR KEY
    oedr keygen NAME
    oedr init SITE_DIR [--db NAME] [--st FILE] [--ai-extents N] [--force]
    oedr status RESULTS_DIR... [--max-age DAYS]

Exit status of ``oedr run`` (evidence/verdict.py): 0 PROVEN, 1 FAILED, 2 ERROR or NOT RUN (a usage, set-up
or authoring problem, with a message saying what to fix), 3 INCOMPLETE (the run did not finish: cancelled,
interrupted, killed). The other commands: 0 done (verify: intact), 1 verify found the evidence altered
(status: a procedure is stale or was never PROVEN), 2 a usage problem. ``oedr run`` runs pytest in a
subprocess with the evidence plugin (see harness/evidence/plugin.py), shows its progress from
``DIR/progress.jsonl``, and prints one verdict per procedure (one ``.feature`` file). Every number it takes
is checked against its documented range first, and a refused command changes nothing on disk. Every command
ends with 141, quietly, when its reader closed standard output (``oedr list | head -3``), as a command killed
by SIGPIPE.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from oedr.harness.evidence import cancel, manifest, outdir, outputs, signing, status, tags, targets
from oedr.harness.evidence import results as res
from oedr.harness.evidence import verdict as vd
from oedr.harness.evidence.console import ProgressDisplay, summary_lines
from oedr.harness.evidence.progress import PROGRESS_FILE, ProgressReader
from oedr.harness.evidence.redact import redact_text
from oedr.harness.scaffold import ScaffoldError, SitePlan, scaffold

if TYPE_CHECKING:
    from oedr.harness.bdd import Feature

OK, FAILED, USAGE = 0, 1, 2
SIGPIPE_STATUS = 141  # a shell's status for a command killed by SIGPIPE
BACKENDS = ("local", "docker", "openedge")
LOG_FILE = outdir.LOG_FILE
MAX_WORKERS = 64  # -n: more parallel workers than this is a typo, not a plan (each runs its own brokers)
AI_EXTENTS = (1, 255)  # --ai-extents of the template .st (a DR plan needs a few; oedr's own bound)
MAX_FIELD = 200  # --operator, --ticket, --approver: one line in the report


class UsageProblem(Exception):
    """A problem the user can fix; the message says how."""


def _workers(text: str) -> str:
    """-n: ``auto`` (one worker per CPU) or a whole number from 0 (no parallel workers) to MAX_WORKERS."""
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers: give 0 to {MAX_WORKERS}, or auto")
    return str(value)


def _ai_extents(text: str) -> int:
    low, high = AI_EXTENTS
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of AI extents: give {low} to {high}")
    return value


def _field(text: str) -> str:
    if not text.strip() or len(text) > MAX_FIELD or any(c in text for c in "\r\n\0"):
        raise argparse.ArgumentTypeError(f"give one line of 1 to {MAX_FIELD} characters")
    return text.strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oedr", description="Prove an OpenEdge disaster-recovery plan.")
    parser.add_argument("--version", action="version", version=f"oedr {version()}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="{run,list,report,verify,sign,keygen,init,status}"
    )
    run = sub.add_parser("run", help="run the DR plan and record the evidence")
    run.add_argument("features", nargs="*", help="feature files or directories (default: features)")
    run.add_argument("--backend", choices=BACKENDS, default="local", help="where the commands run (default: local)")
    run.add_argument(
        "--oe-image",
        metavar="IMAGE",
        default=os.environ.get("OEDR_IMAGE", ""),
        help="the image of --backend openedge (your licensed OpenEdge), or of --backend docker "
        "(default: $OEDR_IMAGE; docker builds the emulator's image when neither is given)",
    )
    run.add_argument(
        "--oe-licence",
        metavar="FILE",
        default=os.environ.get("OEDR_LICENCE", ""),
        help="the progress.cfg to install in the --backend openedge image (default: $OEDR_LICENCE)",
    )
    run.add_argument("--tags", metavar="EXPR", help='a tag expression, e.g. "@restore and not @slow"')
    run.add_argument(
        "--out",
        metavar="DIR",
        default="oedr-results",
        help="evidence directory (default: oedr-results); an earlier run there is replaced",
    )
    run.add_argument(
        "-n",
        dest="workers",
        metavar="N",
        type=_workers,
        default="0",
        help=f"run on N parallel workers (0 to {MAX_WORKERS}, or auto: one per CPU)",
    )
    run.add_argument("--operator", type=_field, help="who ran the rehearsal (shown in the report)")
    run.add_argument("--ticket", type=_field, help="the change or ticket it belongs to (shown in the report)")
    run.add_argument("--approver", type=_field, help="who approved it (shown in the report)")
    run.add_argument("--sign", type=Path, metavar="KEY", help="sign the manifest with this Ed25519 key (oedr keygen)")
    run.add_argument(
        "--record",
        metavar="DIR",
        type=Path,
        help="with --backend openedge: write each scenario as a golden transcript of the real OpenEdge",
    )
    listing = sub.add_parser("list", help="the procedures and scenarios, with their tags")
    listing.add_argument("features", nargs="*", help="feature files or directories (default: features)")
    report = sub.add_parser("report", help="rebuild a run's report from its recorded results")
    report.add_argument("dir", type=Path)
    report.add_argument("--force", action="store_true", help="rebuild even if the results were altered")
    verify = sub.add_parser("verify", help="check a run's evidence against its SHA256SUMS")
    verify.add_argument("dir", type=Path)
    verify.add_argument("--key", type=Path, metavar="PUB", help="also check the signature with this public key")
    verify.add_argument("--digest", metavar="SHA256", help="also check SHA256SUMS against the digest recorded")
    sign = sub.add_parser("sign", help="sign a run's manifest with an Ed25519 key")
    sign.add_argument("dir", type=Path)
    sign.add_argument("key", type=Path)
    keygen = sub.add_parser("keygen", help="make an Ed25519 key pair for signing runs (NAME and NAME.pub)")
    keygen.add_argument("name", type=Path)
    init = sub.add_parser("init", help="scaffold a site's own DR plan")
    init.add_argument("site_dir", type=Path)
    init.add_argument("--db", default="sports", help="the database name (default: sports)")
    init.add_argument("--st", type=Path, help="your production database's .st (default: a template)")
    low, high = AI_EXTENTS
    init.add_argument("--ai-extents", type=_ai_extents, help=f"template .st AI extents ({low}-{high}, default 4)")
    init.add_argument("--force", action="store_true", help="write into a directory that is not empty")
    init.add_argument(
        "--aiarcdir",
        help="your broker's -aiarcdir, relative to the database's directory: the plan "
        "then includes the AI File Management procedure",
    )
    status = sub.add_parser("status", help="per procedure, when it was last PROVEN and whether that is stale")
    status.add_argument("dirs", nargs="+", type=Path, metavar="RESULTS_DIR", help="the --out directories of runs")
    status.add_argument(
        "--max-age",
        type=int,
        metavar="DAYS",
        help="stale when last PROVEN longer ago than this (default: oedr.toml's freshness.max_age_days here, "
        "else the one recorded with the newest run, else 90)",
    )
    return parser


def version() -> str:
    """The installed distribution's version (the package's own when run from an uninstalled tree)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("oedr")
    except PackageNotFoundError:
        from oedr import harness

        return harness.__version__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    handlers = {
        "run": cmd_run,
        "list": cmd_list,
        "report": cmd_report,
        "verify": cmd_verify,
        "sign": cmd_sign,
        "keygen": cmd_keygen,
        "init": cmd_init,
        "status": cmd_status,
    }
    try:
        code = handlers[args.command](args)
        if sys.stdout is not None:  # None when started with fd 1 closed (`>&-`): print() then writes nothing
            sys.stdout.flush()  # here, so that a reader gone away (`oedr list | head -3`) is caught below
    except (UsageProblem, ScaffoldError, signing.SigningProblem, tags.TagProblem, targets.PlanProblem) as exc:
        print(f"oedr {args.command}: {exc}", file=sys.stderr)
        return USAGE
    except BrokenPipeError:
        return _reader_gone()
    except OSError as exc:  # a path the system refuses (name too long, a file where a directory is): say which
        print(f"oedr {args.command}: {_path_problem(exc)}", file=sys.stderr)
        return USAGE
    return code


def _path_problem(exc: OSError) -> str:
    name = str(exc.filename) if exc.filename is not None else "a path"
    shown = name if len(name) <= 80 else name[:77] + "..."
    return f"cannot use {shown}: {exc.strerror or exc}: give another path"


def _reader_gone() -> int:
    """Standard output's reader closed it: point fd 1 at /dev/null (the exit's last flush then fails no more)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return SIGPIPE_STATUS  # an in-process run's buffer: nothing to redirect
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
    return SIGPIPE_STATUS


# -- run --
def _binder_dir(path: Path) -> Path | None:
    for folder in [path if path.is_dir() else path.parent, *path.parents]:
        if any(folder.glob("test_*.py")):
            return folder
        if folder == Path.cwd():
            break
    return None


def pytest_targets(features: Sequence[str]) -> tuple[list[str], list[str]]:
    """The directories holding the binder module(s), and the feature filters (--oedr-feature) to apply."""
    targets: list[str] = []
    filters: list[str] = []
    for name in features or ["features"]:
        path = Path(name).resolve()
        if not path.exists():
            raise UsageProblem(
                f"{name} does not exist: name feature files or directories of your plan (run oedr "
                "in the plan's directory, or create one with `oedr init SITE_DIR`)"
            )
        binder = _binder_dir(path)
        if binder is None:
            raise UsageProblem(
                f"no binder module (test_*.py with `scenarios(...)`) holds {name}: `oedr init SITE_DIR` writes one"
            )
        if str(binder) not in targets:
            targets.append(str(binder))
        if path != binder:
            filters.append(str(path))
    return targets, filters


def pytest_command(args: argparse.Namespace, out: Path) -> list[str]:
    """The pytest command line ``oedr run`` uses."""
    targets, filters = pytest_targets(args.features)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *targets,
        "-p",
        "oedr.harness.evidence.plugin",
        "--oedr-out",
        str(out),
        "--junitxml",
        str(out / outputs.JUNIT_FILE),
        "--oe-backend",
        args.backend,
        "--color=no",
        "-rfEs",
    ]
    cmd += [arg for path in filters for arg in ("--oedr-feature", path)]
    cmd += [
        arg
        for name in ("operator", "ticket", "approver")
        if getattr(args, name, None)
        for arg in (f"--oedr-{name}", getattr(args, name))
    ]
    cmd += _image_options(args)
    if getattr(args, "record", None):
        if args.backend != "openedge":
            raise UsageProblem("--record writes golden transcripts of a real OpenEdge: it needs --backend openedge")
        cmd += ["--record", str(args.record.resolve())]
    if args.tags:
        cmd += ["-m", tags.marker_expression(args.tags)]
    if args.workers != "0":
        if importlib.util.find_spec("xdist") is None:
            raise UsageProblem("-n needs pytest-xdist: pip install pytest-xdist")
        cmd += ["-n", args.workers]
    if importlib.util.find_spec("allure_pytest_bdd") is not None:
        cmd += ["--alluredir", str(out / "allure-results")]
    return cmd


def _image_options(args: argparse.Namespace) -> list[str]:
    """--oe-image / --oe-licence for pytest, refused where they would be ignored or cannot work."""
    image, licence = getattr(args, "oe_image", ""), getattr(args, "oe_licence", "")
    if image and args.backend == "local":
        raise UsageProblem("--oe-image names a container image: use it with --backend docker or --backend openedge")
    if licence and args.backend != "openedge":
        raise UsageProblem("--oe-licence is the progress.cfg of a licensed OpenEdge: use it with --backend openedge")
    if licence and not Path(licence).is_file():
        raise UsageProblem(f"--oe-licence {licence} is not a file: give the path of your site's progress.cfg")
    if args.backend == "openedge" and not image:
        raise UsageProblem(
            "--backend openedge needs your licensed OpenEdge image: --oe-image IMAGE "
            "(or OEDR_IMAGE), and its licence with --oe-licence FILE"
        )
    options = ["--oe-image", image] if image else []
    return options + (["--oe-licence", str(Path(licence).resolve())] if licence else [])


def _watch(proc: subprocess.Popen[bytes], reader: ProgressReader, display: ProgressDisplay) -> int:
    while True:
        try:
            code = proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            display.update(reader.read())
            continue
        display.update(reader.read())
        display.close()
        return code


def _run_pytest(cmd: list[str], out: Path) -> tuple[int, cancel.Cancelled | None]:
    """Run pytest in its own process group; a cancelling signal stops all of it (cancel.py)."""
    log = out / LOG_FILE
    display = ProgressDisplay(sys.stdout, live=sys.stdout.isatty())
    print(f"oedr: running the DR plan ({' '.join(cmd[3:])})", flush=True)
    token = cancel.new_token()
    cancelled: cancel.Cancelled | None = None
    with log.open("wb") as stream, cancel.signals_cancel():
        try:
            env = {**os.environ, cancel.TOKEN_VARIABLE: token}
            proc = subprocess.Popen(
                cmd,
                stdout=stream,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
                preexec_fn=cancel.interrupt_when_parent_dies,
            )
            code = _watch(proc, ProgressReader(out / PROGRESS_FILE), display)
        except cancel.Cancelled as signalled:
            cancelled = signalled
            display.close()
            print(f"\noedr run: {signalled.name} received: stopping the run and everything it started", flush=True)
            code = cancel.stop(proc, token)
    log.write_text(redact_text(log.read_text(encoding="utf-8", errors="replace")), encoding="utf-8")
    return code, cancelled


def _log_tail(out: Path, lines: int = 15) -> str:
    try:
        text = (out / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _setup_failure(code: int, out: Path) -> str:
    if code == 5:
        return "no scenario was selected: check the feature paths and the --tags expression (`oedr list` shows them)"
    return (
        f"pytest could not run the plan (exit status {code}). The end of {out / LOG_FILE}:\n{_log_tail(out)}\n"
        "Fix the problem shown above (a feature that does not parse, a missing package, a bad option) "
        "and run again."
    )


def cmd_run(args: argparse.Namespace) -> int:
    """Run the plan, show progress, print the per-procedure verdicts."""
    out = Path(args.out).resolve()
    key = signing.load_private_key(args.sign) if args.sign else None  # a bad key is refused before the run
    cmd = pytest_command(args, out)  # every argument is checked before anything is written
    try:
        outdir.prepare(out)
    except outdir.OutDirProblem as exc:
        raise UsageProblem(str(exc)) from None
    code, cancelled = _run_pytest(cmd, out)
    results = _results_after(out, code, cancelled)
    if results is None:
        if (out / res.RESULTS_FILE).exists():
            outputs.seal(out)
        else:
            manifest.write_manifest(out)
        raise UsageProblem(_setup_failure(code, out))
    digest = outputs.seal(out)  # pytest.log was redacted after pytest wrote the manifest
    print("\n".join(summary_lines(results)))
    if key is not None:
        signing.sign(out, key)
    _print_evidence(out, digest, signed=key is not None)
    verdict = results["summary"]["verdict"]
    if verdict == res.NOT_RUN:
        print("oedr run: no scenario ran, so nothing is proven (every one was skipped or deselected).")
    return vd.exit_status(verdict)


def _results_after(out: Path, code: int, cancelled: cancel.Cancelled | None) -> res.JSON | None:
    """The run's results; rebuilt from the worker parts as INCOMPLETE when pytest never wrote them.

    None when nothing ran because pytest could not start the plan (a set-up problem: exit 2).
    """
    results_path = out / res.RESULTS_FILE
    if results_path.exists():
        results = res.read_json(results_path)
        if cancelled is not None and vd.is_complete(results.get("run")):
            return results  # pytest finished before the signal reached it: the run is complete
        if cancelled is not None:
            results["run"]["why"] = f"cancelled by {cancelled.name}"
            results = res.recompute(results)
            res.write_json(results_path, results)
        return results if _ran_something(results) or code == 0 else None
    parts = res.read_parts(out) if (out / res.PARTS_DIR).is_dir() else []
    if not parts:
        return None
    why = f"cancelled by {cancelled.name}" if cancelled else f"pytest ended (exit status {code}) without finishing"
    scenarios = _cut_short(res.merge_scenarios(parts))
    errors = [e for p in parts for e in p.get("run_errors", [])]
    return outputs.write_all(out, scenarios, {}, errors, vd.run_record(False, why))


def _cut_short(scenarios: list[res.JSON]) -> list[res.JSON]:
    for scenario in scenarios:
        if scenario["status"] == "running":
            scenario.update(status="error", reason=vd.CUT_SHORT)
            scenario[vd.UNFINISHED] = vd.CUT_SHORT
    return scenarios


def _ran_something(results: res.JSON) -> bool:
    counts = results["summary"]["counts"]
    return any(counts[s] for s in ("passed", "failed", "error", "undefined", "skipped"))


def _print_evidence(out: Path, digest: str, signed: bool) -> None:
    print(f"\nEvidence: {out / outputs.HTML_FILE}")
    print(
        f"  also results.json, cucumber.json, junit.xml, {LOG_FILE}"
        + (f", {manifest.SIGNATURE} (Ed25519)" if signed else "")
    )
    print(f"  manifest SHA256SUMS, sha256 {digest}")
    print(f"  record that digest with the change; check the evidence later with: oedr verify {out} --digest {digest}")


# -- list --
def cmd_list(args: argparse.Namespace) -> int:
    """Print every procedure (feature) and its scenarios, with tags."""
    files = _feature_files(args.features)
    for path in files:
        feature = _parse_feature(path)
        print(f"{feature.name}  {_tags(feature.tags)}\n  {_relative(path)}")
        for scenario in feature.scenarios.values():
            print(f"    - {scenario.name}  {_tags(scenario.tags)}")
    return OK


def _parse_feature(path: Path) -> Feature:
    from oedr.harness.bdd import GherkinParseError, parse_feature

    try:
        return parse_feature(path)
    except GherkinParseError as exc:
        raise UsageProblem(
            f"{_relative(path)} line {exc.line} is not Gherkin: {exc.message}\n"
            f"  {exc.line}: {exc.line_content}\nFix that line and list again."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"{_relative(path)} cannot be read as a feature file ({exc})") from None


def _feature_files(names: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for name in names or ["features"]:
        path = Path(name)
        if not path.exists():
            raise UsageProblem(f"{name} does not exist: run oedr in your plan's directory or name its features")
        files += [path] if path.is_file() else sorted(path.rglob("*.feature"))
    if not files:
        raise UsageProblem("no .feature files found: run oedr in your plan's directory or name its features")
    return files


def _tags(tags: set[str]) -> str:
    return " ".join(f"@{t}" for t in sorted(tags))


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# -- report, verify --
def _damaged(path: Path, exc: Exception) -> UsageProblem:
    return UsageProblem(
        f"{path} is damaged or was not written by oedr ({type(exc).__name__}: {exc}); "
        "restore it from the run's archive (`oedr verify` names what changed)"
    )


def _read_results(path: Path) -> res.JSON:
    try:
        results = res.read_json(path)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise _damaged(path, exc) from None
    shaped = isinstance(results, dict) and results.get("format") == res.FORMAT
    if not shaped or not isinstance(results.get("features"), list) or not isinstance(results.get("summary"), dict):
        raise _damaged(path, ValueError(f"not an {res.FORMAT} document"))
    return results


def _results_of(directory: Path) -> res.JSON:
    results_path = directory / res.RESULTS_FILE
    if results_path.exists():
        return _read_results(results_path)
    try:
        parts = res.read_parts(directory) if (directory / res.PARTS_DIR).is_dir() else []
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _damaged(directory / res.PARTS_DIR, exc) from None
    if not parts:
        raise UsageProblem(f"{directory} holds no results.json and no parts/: give the --out directory of a run")
    # The parts of a run that never wrote its results: it did not finish, whatever its scenarios say.
    scenarios = _cut_short(res.merge_scenarios(parts))
    errors = [e for p in parts for e in p.get("run_errors", [])]
    why = "rebuilt from the worker parts of a run that never recorded its end"
    return outputs.write_all(directory, scenarios, {}, errors, vd.run_record(False, why))


def _run_directory(directory: Path) -> Path:
    if not directory.is_dir():
        what = "does not exist" if not directory.exists() else "is not a directory"
        raise UsageProblem(f"{directory} {what}: give the --out directory of a run")
    return directory


def _manifest_check(directory: Path) -> manifest.Verification:
    try:
        return manifest.verify(directory)
    except FileNotFoundError:
        raise UsageProblem(
            f"{directory / manifest.MANIFEST} does not exist: give the --out directory of a run"
        ) from None
    except manifest.ManifestDamaged as exc:
        return manifest.Verification(changed=[f"{manifest.MANIFEST} ({exc})"])


def _altered(directory: Path) -> list[str]:
    """What changed in a run's evidence since the run: the manifest's findings, then report.html's."""
    check = _manifest_check(directory)
    problems = check.lines()
    if not any(c.startswith(manifest.MANIFEST) for c in check.changed) and (report := outputs.check_report(directory)):
        problems.append(report)
    return problems


def cmd_report(args: argparse.Namespace) -> int:
    """Rebuild report.html and cucumber.json from results.json (or from the parts of an interrupted run)."""
    directory: Path = _run_directory(args.dir)
    if (directory / manifest.MANIFEST).exists() and not args.force:
        problems = _altered(directory)
        if problems:
            print("\n".join(problems), file=sys.stderr)
            raise UsageProblem("the evidence changed since the run (above); not rebuilding over it (--force does)")
    results = _results_of(directory)
    try:
        results = res.recompute(results)  # never a verdict taken on trust: without a finished run, INCOMPLETE
        outputs.write_reports(directory, results)
        lines = summary_lines(results)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError) as exc:  # a hand-edited results.json
        raise _damaged(directory / res.RESULTS_FILE, exc) from None
    print(f"oedr report: rebuilt {directory / outputs.HTML_FILE}")
    print("\n".join(lines))
    return OK


def cmd_verify(args: argparse.Namespace) -> int:
    """Check every file of a run against SHA256SUMS (and its signature, or a recorded digest)."""
    directory: Path = _run_directory(args.dir)
    key = signing.load_public_key(args.key) if args.key else None
    if args.digest is not None and not signing.valid_digest(args.digest):
        raise UsageProblem(f"--digest {args.digest[:80]!r} is not a SHA-256: give the 64 hex digits oedr run printed")
    problems = _altered(directory)
    if not any(p.startswith(f"CHANGED   {manifest.MANIFEST} ") for p in problems):
        if args.digest is not None and (wrong := signing.digest_problem(directory, args.digest)):
            problems.append(wrong)
        if key is not None and (bad := signing.signature_problem(directory, key)):
            problems.append(bad)
    if not problems:
        digest = manifest.file_digest(directory / manifest.MANIFEST)
        how = " and its signature" if key is not None else ""
        how += " and the recorded digest" if args.digest is not None else ""
        print(f"oedr verify: intact — every file matches SHA256SUMS{how} (sha256 of SHA256SUMS: {digest})")
        if key is None and args.digest is None:
            print(
                "  (that proves no file changed after SHA256SUMS was written; compare its sha256 with the one "
                "recorded at the run, or use --digest / --key)"
            )
        print(_recorded_verdict(directory))
        return OK
    print("oedr verify: ALTERED — the evidence does not match SHA256SUMS:")
    print("\n".join(f"  {line}" for line in problems))
    return FAILED


def _recorded_verdict(directory: Path) -> str:
    """What the intact evidence proves: its verdict, worked out again (an unfinished run is never complete)."""
    try:
        results = res.recompute(_read_results(directory / res.RESULTS_FILE))
        verdict = results["summary"]["verdict"]
    except (UsageProblem, KeyError, TypeError, AttributeError, ValueError, RecursionError):
        return "  it holds no readable results.json: it records no verdict"
    why = vd.incompleteness(results)
    if why is not None:
        return f"  verdict: {verdict} — the run did not finish ({why}): it is not the evidence of a complete run"
    return f"  verdict: {verdict}"


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign a run's manifest (after checking the run is intact: a signature must not bless altered evidence)."""
    directory: Path = _run_directory(args.dir)
    key = signing.load_private_key(args.key)
    problems = _altered(directory)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise UsageProblem("the evidence changed since the run (above): not signing it")
    target = signing.sign(directory, key)
    print(f"oedr sign: wrote {target}; check it with: oedr verify {directory} --key PUBLIC_KEY")
    return OK


def cmd_keygen(args: argparse.Namespace) -> int:
    """Make an Ed25519 key pair for signing runs."""
    public = signing.keygen(args.name)
    print(
        f"oedr keygen: wrote {args.name} (private: keep it secret, e.g. in your CI's secret store) and {public} "
        "(public: give it to the auditors, for `oedr verify DIR --key`)"
    )
    return OK


# -- status --
def _max_age(args: argparse.Namespace, runs: list[res.JSON]) -> int:
    if args.max_age is not None:
        if args.max_age < 1:
            raise UsageProblem(f"--max-age {args.max_age}: give a whole number of days, at least 1")
        return int(args.max_age)
    if (Path.cwd() / targets.PLAN_FILE).exists():
        return int(targets.load_plan(Path.cwd())["max_age_days"])
    recorded = [r["environment"]["targets_plan"] for r in runs if (r.get("environment") or {}).get("targets_plan")]
    return int(recorded[-1]["max_age_days"]) if recorded else 90


def cmd_status(args: argparse.Namespace) -> int:
    """Per procedure, when it was last PROVEN across these runs; exit 1 when any is stale or never proven."""
    runs = []
    for directory in args.dirs:
        try:
            runs.append(res.recompute(_results_of(_run_directory(directory))))
        except (KeyError, TypeError, AttributeError, ValueError, RecursionError) as exc:
            raise _damaged(directory / res.RESULTS_FILE, exc) from None
    max_age = _max_age(args, runs)
    now = datetime.now(UTC)
    rows = status.freshness(runs, max_age, now)
    stale = [r for r in rows if r.stale]
    print(f"oedr status: {len(rows)} procedures in {len(runs)} runs; stale when last PROVEN over {max_age} days ago")
    print("\n".join(r.line(now) for r in rows))
    if stale:
        print(f"{len(stale)} procedures are stale or were never PROVEN: rehearse them again")
        return FAILED
    return OK


# -- init --
def cmd_init(args: argparse.Namespace) -> int:
    """Scaffold a site's plan."""
    if args.ai_extents is not None and args.st is not None:
        raise UsageProblem("--ai-extents shapes the template .st; your --st file has its own AI extents (edit it)")
    plan = SitePlan(
        args.site_dir, db=args.db, st_file=args.st, ai_extents=args.ai_extents, force=args.force, aiarcdir=args.aiarcdir
    )
    written = scaffold(plan)
    print(f"oedr init: wrote {len(written)} files into {args.site_dir}:")
    print("\n".join(f"  {p.relative_to(args.site_dir)}" for p in written))
    print(f"Next: edit the features, then `cd {args.site_dir} && oedr run` (see README.md there).")
    return OK


if __name__ == "__main__":
    sys.exit(main())
