"""The ``oedr`` command: run a site's DR plan and say, in plain words, whether it works.

    oedr run [FEATURES...] [--backend local|docker|openedge] [--tags EXPR] [--out DIR] [-n N]
    oedr list [FEATURES...]
    oedr report DIR
    oedr verify DIR
    oedr init SITE_DIR [--db NAME] [--st FILE] [--ai-extents N] [--force]

Exit status: 0 every procedure proven (or, for report/verify/list/init, done and intact), 1 a procedure
failed (verify: the evidence was altered), 2 a usage or setup error, with a message saying what to do.
``oedr run`` runs pytest in a subprocess with the evidence plugin (see harness/evidence/plugin.py), shows
its progress from ``DIR/progress.jsonl``, and prints one verdict per procedure (one ``.feature`` file).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from harness.evidence import manifest, outputs
from harness.evidence import results as res
from harness.evidence.console import ProgressDisplay, summary_lines
from harness.evidence.progress import PROGRESS_FILE, ProgressReader
from harness.evidence.redact import redact_text
from harness.evidence.scaffold import ScaffoldError, SitePlan, scaffold

if TYPE_CHECKING:
    from pytest_bdd.parser import Feature

OK, FAILED, USAGE = 0, 1, 2
BACKENDS = ("local", "docker", "openedge")
LOG_FILE = "pytest.log"


class UsageProblem(Exception):
    """A problem the user can fix; the message says how."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oedr", description="Prove an OpenEdge disaster-recovery plan.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{run,list,report,verify,init}")
    run = sub.add_parser("run", help="run the DR plan and record the evidence")
    run.add_argument("features", nargs="*", help="feature files or directories (default: features)")
    run.add_argument("--backend", choices=BACKENDS, default="local", help="where the commands run (default: local)")
    run.add_argument("--tags", metavar="EXPR", help='a tag expression, e.g. "restore and not slow"')
    run.add_argument("--out", metavar="DIR", default="oedr-results", help="evidence directory (default: oedr-results)")
    run.add_argument("-n", dest="workers", metavar="N", type=int, default=0, help="run on N parallel workers")
    listing = sub.add_parser("list", help="the procedures and scenarios, with their tags")
    listing.add_argument("features", nargs="*", help="feature files or directories (default: features)")
    report = sub.add_parser("report", help="rebuild a run's report from its recorded results")
    report.add_argument("dir", type=Path)
    report.add_argument("--force", action="store_true", help="rebuild even if the results were altered")
    verify = sub.add_parser("verify", help="check a run's evidence against its SHA256SUMS")
    verify.add_argument("dir", type=Path)
    init = sub.add_parser("init", help="scaffold a site's own DR plan")
    init.add_argument("site_dir", type=Path)
    init.add_argument("--db", default="sports", help="the database name (default: sports)")
    init.add_argument("--st", type=Path, help="your production database's .st (default: a template)")
    init.add_argument("--ai-extents", type=int, help="AI extents in the template .st (default: 4)")
    init.add_argument("--force", action="store_true", help="write into a directory that is not empty")
    init.add_argument("--aiarcdir", help="your broker's -aiarcdir, relative to the database's directory: the plan "
                                         "then includes the AI File Management procedure")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    handlers = {"run": cmd_run, "list": cmd_list, "report": cmd_report, "verify": cmd_verify, "init": cmd_init}
    try:
        return handlers[args.command](args)
    except (UsageProblem, ScaffoldError) as exc:
        print(f"oedr {args.command}: {exc}", file=sys.stderr)
        return USAGE


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
            raise UsageProblem(f"{name} does not exist: name feature files or directories of your plan (run oedr "
                               "in the plan's directory, or create one with `oedr init SITE_DIR`)")  # fmt: skip
        binder = _binder_dir(path)
        if binder is None:
            raise UsageProblem(f"no binder module (test_*.py with `scenarios(...)`) holds {name}: "
                               "`oedr init SITE_DIR` writes one")  # fmt: skip
        if str(binder) not in targets:
            targets.append(str(binder))
        if path != binder:
            filters.append(str(path))
    return targets, filters


def pytest_command(args: argparse.Namespace, out: Path) -> list[str]:
    """The pytest command line ``oedr run`` uses."""
    targets, filters = pytest_targets(args.features)
    cmd = [sys.executable, "-m", "pytest", *targets, "-p", "harness.evidence.plugin", "--oedr-out", str(out),
           "--junitxml", str(out / outputs.JUNIT_FILE), "--oe-backend", args.backend, "--color=no",
           "-rfEs"]  # fmt: skip
    cmd += [arg for path in filters for arg in ("--oedr-feature", path)]
    if args.tags:
        cmd += ["-m", args.tags]
    if args.workers:
        if importlib.util.find_spec("xdist") is None:
            raise UsageProblem("-n needs pytest-xdist: pip install pytest-xdist")
        cmd += ["-n", str(args.workers)]
    if importlib.util.find_spec("allure_pytest_bdd") is not None:
        cmd += ["--alluredir", str(out / "allure-results")]
    return cmd


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


def _run_pytest(cmd: list[str], out: Path) -> int:
    (out / PROGRESS_FILE).unlink(missing_ok=True)
    log = out / LOG_FILE
    display = ProgressDisplay(sys.stdout, live=sys.stdout.isatty())
    print(f"oedr: running the DR plan ({' '.join(cmd[3:])})", flush=True)
    with log.open("wb") as stream:
        proc = subprocess.Popen(cmd, stdout=stream, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            code = _watch(proc, ProgressReader(out / PROGRESS_FILE), display)
        except KeyboardInterrupt:
            proc.terminate()
            code = proc.wait()
    log.write_text(redact_text(log.read_text(encoding="utf-8", errors="replace")), encoding="utf-8")
    return code


def _log_tail(out: Path, lines: int = 15) -> str:
    try:
        text = (out / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _setup_failure(code: int, out: Path) -> str:
    if code == 5:
        return "no scenario was selected: check the feature paths and the --tags expression (`oedr list` shows them)"
    return (f"pytest could not run the plan (exit status {code}). The end of {out / LOG_FILE}:\n{_log_tail(out)}\n"
            "Fix the problem shown above (a feature that does not parse, a missing package, a bad option) "
            "and run again.")  # fmt: skip


def cmd_run(args: argparse.Namespace) -> int:
    """Run the plan, show progress, print the per-procedure verdicts."""
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    code = _run_pytest(pytest_command(args, out), out)
    results_path = out / res.RESULTS_FILE
    ran = results_path.exists() and _ran_something(results_path)
    if results_path.exists():
        manifest.write_manifest(out)
    if (not ran and code != 0) or not results_path.exists():
        raise UsageProblem(_setup_failure(code, out))
    results = res.read_json(results_path)
    print("\n".join(summary_lines(results)))
    _print_evidence(out)
    return _exit_status(results)


def _ran_something(path: Path) -> bool:
    counts = res.read_json(path)["summary"]["counts"]
    return any(counts[s] for s in ("passed", "failed", "error", "undefined", "skipped"))


def _exit_status(results: res.JSON) -> int:
    verdict = results["summary"]["verdict"]
    if verdict == res.FAILED:
        return FAILED
    if verdict == res.NOT_RUN:
        print("oedr run: no scenario ran, so nothing is proven (every one was skipped or deselected).")
        return USAGE
    return OK


def _print_evidence(out: Path) -> None:
    digest = manifest.file_digest(out / manifest.MANIFEST)
    print(f"\nEvidence: {out / outputs.HTML_FILE}")
    print(f"  also results.json, cucumber.json, junit.xml, {LOG_FILE}; manifest SHA256SUMS (sha256 {digest})")
    print(f"  record that digest with the change; check the evidence later with: oedr verify {out}")


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
    from pytest_bdd.exceptions import GherkinParseError
    from pytest_bdd.parser import FeatureParser

    try:
        return FeatureParser(str(path.parent), path.name).parse()
    except GherkinParseError as exc:
        raise UsageProblem(f"{_relative(path)} line {exc.line} is not Gherkin: {exc.message}\n"
                           f"  {exc.line}: {exc.line_content}\nFix that line and list again.") from None  # fmt: skip
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
    return UsageProblem(f"{path} is damaged or was not written by oedr ({type(exc).__name__}: {exc}); "
                        "restore it from the run's archive (`oedr verify` names what changed)")  # fmt: skip


def _read_results(path: Path) -> res.JSON:
    try:
        results = res.read_json(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
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
        parts = res.read_parts(directory)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _damaged(directory / res.PARTS_DIR, exc) from None
    if not parts:
        raise UsageProblem(f"{directory} holds no results.json and no parts/: give the --out directory of a run")
    scenarios = res.merge_scenarios(parts)
    return outputs.write_all(directory, scenarios, {}, [e for p in parts for e in p.get("run_errors", [])])


def cmd_report(args: argparse.Namespace) -> int:
    """Rebuild report.html and cucumber.json from results.json (or from the parts of an interrupted run)."""
    directory: Path = args.dir
    if (directory / manifest.MANIFEST).exists() and not args.force:
        check = manifest.verify(directory)
        if not check.intact:
            print("\n".join(check.lines()), file=sys.stderr)
            raise UsageProblem("the evidence changed since the run (above); not rebuilding over it (--force does)")
    results = _results_of(directory)
    try:
        outputs.write_reports(directory, results)
        lines = summary_lines(results)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # a hand-edited results.json
        raise _damaged(directory / res.RESULTS_FILE, exc) from None
    print(f"oedr report: rebuilt {directory / outputs.HTML_FILE}")
    print("\n".join(lines))
    return OK


def cmd_verify(args: argparse.Namespace) -> int:
    """Check every file of a run against SHA256SUMS."""
    directory: Path = args.dir
    try:
        check = manifest.verify(directory)
    except FileNotFoundError:
        raise UsageProblem(
            f"{directory / manifest.MANIFEST} does not exist: give the --out directory of a run"
        ) from None
    if check.intact:
        digest = manifest.file_digest(directory / manifest.MANIFEST)
        print(f"oedr verify: intact — every file matches SHA256SUMS (sha256 of SHA256SUMS: {digest})")
        return OK
    print("oedr verify: ALTERED — the evidence does not match SHA256SUMS:")
    print("\n".join(f"  {line}" for line in check.lines()))
    return FAILED


# -- init --
def cmd_init(args: argparse.Namespace) -> int:
    """Scaffold a site's plan."""
    if args.ai_extents is not None and args.ai_extents < 1:
        raise UsageProblem("--ai-extents must be at least 1: after-imaging needs extents to switch between")
    if args.ai_extents is not None and args.st is not None:
        raise UsageProblem("--ai-extents shapes the template .st; your --st file has its own AI extents (edit it)")
    plan = SitePlan(args.site_dir, db=args.db, st_file=args.st, ai_extents=args.ai_extents, force=args.force,
                    aiarcdir=args.aiarcdir)
    written = scaffold(plan)
    print(f"oedr init: wrote {len(written)} files into {args.site_dir}:")
    print("\n".join(f"  {p.relative_to(args.site_dir)}" for p in written))
    print(f"Next: edit the features, then `cd {args.site_dir} && oedr run` (see README.md there).")
    return OK


if __name__ == "__main__":
    sys.exit(main())
