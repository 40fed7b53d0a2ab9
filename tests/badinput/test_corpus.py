"""The bad-input corpus, run: every case ends as a DBA can act on, and a refusal changes nothing.

For every case: no Python traceback, no internal error (90099), no hang; a refusal (non-zero exit) prints a
numbered message (when its standard output is open) and leaves every file of the directory byte for byte as
it was (the .lg excepted: a refusal is logged); a wrong case never exits 0; a good command run with a
closed standard input or output still does its work (exit 0). ``oedr``'s own cases (badinput_oedr.py) run
as processes of their own and keep the same rules, but a refusal's message is oedr's, not numbered: it names
the command and says what to fix (``oedr verify: nowhere does not exist: ...``). The counts are printed as a
table and must all be 0.

The default run takes a seeded sample of the corpus (``OEDR_BADINPUT_SAMPLE`` cases, about 300 by default,
every kind represented, fewer of the slow subprocess kinds); ``make badinput`` runs all of it
(``OEDR_BADINPUT_SAMPLE=all``). ``OEDR_BADINPUT_SEED`` replays another corpus; a case is named by its number.
"""

from __future__ import annotations

import os
import random
import re
import shlex
import shutil
import signal
import struct
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from badinput_corpus import Case, generate
from badinput_helpers import run_script, unprivileged_python
from badinput_oedr import PLAN_FILES

from oedr.harness.backends.local import LocalBackend, LocalHost
from oedr.harness.openedge.hostinfo import pid_alive

SEED = int(os.environ.get("OEDR_BADINPUT_SEED", "20261204"))
SIZE = 1500  # in-process cases; the closed-stdio cases come on top
SAMPLE = os.environ.get("OEDR_BADINPUT_SAMPLE", "300")
SUBPROCESS_SHARE = 10  # closed-stdio and unprivileged cases in the sample (each a process of its own)
CASE_TIMEOUT = 60  # seconds; a case still running then is a hang
NUMBERED = re.compile(r"\(\d{2,5}\)$", re.M)
OEDR_MESSAGE = re.compile(r"^oedr(?: [a-z]+)?: (?:error: )?\S.{10,}", re.M)
"""oedr's messages are not numbered: a refusal names the command and says what to fix (``oedr verify: ...``)."""
BIN = Path(sys.executable).parent
ROWS = [
    "Python tracebacks reaching the user",
    "internal errors (SYSTEM ERROR … (90099))",
    "exit 0 although something was wrong",
    "refused commands that changed files",
    "refusals without a numbered message",
    "good commands not done (closed stdio)",
    "hangs",
]

DOCUMENTED_CHANGE = re.compile(r"\(846\)$", re.M)
"""A refusal that changes the database on purpose, as OpenEdge does: roll forward turns after-imaging off (846)
before it checks the file's sequence and dates, and a refused roll forward leaves it off (semantics §6.6 F2)."""
ST = 'b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\na .\na .\na .\n'


class Hang(BaseException):
    """Raised by the alarm in an in-process case that runs too long (not an Exception: cli.run lets it out)."""


@dataclass
class Template:
    host: LocalHost
    files: dict[str, bytes] = field(default_factory=dict)

    def capture(self) -> None:
        self.files = {name: self.host.read_file(name) for name in self.host.list_files()}

    def capture_tree(self) -> None:
        """Every file below the root, in subdirectories too (a plan's features/)."""
        root = Path(self.host.root)
        self.files = {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and not str(p.relative_to(root)).startswith(".shm")
        }

    def restore(self) -> None:
        root = Path(self.host.root)
        for path in root.iterdir():
            if path.name == ".shm":
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.name not in self.files:
                path.unlink()
        for name, data in self.files.items():
            target = root / name
            if not target.exists() or target.read_bytes() != data:
                self.host.write_file(name, data)

    def snapshot(self) -> dict[str, bytes | None]:
        """Every file and directory but the .lg (a refusal is logged there) and the runtime directory."""
        root = Path(self.host.root)
        seen: dict[str, bytes | None] = {}
        for path in sorted(root.rglob("*")):
            relative = str(path.relative_to(root))
            if relative.startswith(".shm") or path.suffix == ".lg":
                continue
            seen[relative] = None if path.is_dir() else path.read_bytes()
        return seen


def _ok(host: LocalHost, command: str, env: dict[str, str] | None = None) -> None:
    result = host.run(command, env=env)
    assert result.exit_status == 0, result.describe()


def _make_db(host: LocalHost, db: str = "sports") -> None:
    host.write_file(f"{db}.st", ST.encode())
    _ok(host, f"prostrct create {db} {db}.st")
    _ok(host, f"procopy empty {db}")
    _ok(host, f"rfutil {db} -C mark backedup")
    _ok(host, f"rfutil {db} -C aimage begin")


@pytest.fixture(scope="module")
def templates() -> Iterator[dict[str, Template]]:
    backend = LocalBackend()
    try:
        sports = Template(backend.create_host("sports"))
        _make_db(sports.host)
        _ok(sports.host, "oeclient sports commit --count 40")
        _ok(sports.host, "probkup sports full.bck")
        _ok(sports.host, "oeclient sports commit --count 3")
        _ok(sports.host, "probkup sports incremental incr.bck")
        _ok(sports.host, "rfutil sports -C aimage new")
        _ok(sports.host, "oeclient sports commit --count 2")
        _ok(sports.host, "proutil sports -C truncate bi")
        other = backend.create_host("other")
        _make_db(other)
        _ok(other, "oeclient sports commit --count 5")
        sports.host.write_file("foreign.a1", other.read_file("sports.a1"))
        sports.capture()
        crashed = Template(backend.create_host("crashed"))
        _make_db(crashed.host)
        _ok(crashed.host, "oeclient sports commit --count 40")
        killed = crashed.host.run("oeclient sports commit", env={"OEDR_FAULT": "after-bi-commit"})
        assert killed.exit_status == -9, killed.describe()
        crashed.capture()
        empty = Template(backend.create_host("empty"))
        plan = Template(backend.create_host("plan"))
        done = subprocess.run(
            [sys.executable, "-m", "oedr.harness.oedr", "init", "site"],
            cwd=plan.host.root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        for name, data in PLAN_FILES.items():
            plan.host.write_file(name, data)
        plan.capture_tree()
        yield {"sports": sports, "crashed": crashed, "empty": empty, "plan": plan}
    finally:
        backend.close()


def _select(cases: list[Case]) -> list[Case]:
    """All of them, or a seeded sample with every kind in it."""
    if SAMPLE == "all":
        return cases
    count = int(SAMPLE)
    r = random.Random(SEED)
    by_kind: dict[str, list[Case]] = {}
    for case in cases:
        by_kind.setdefault(case.kind, []).append(case)
    share = max(1, count // len(by_kind))
    chosen = []
    for group in by_kind.values():  # the subprocess kinds are slow: a few of each keeps the sample fast
        take = min(share, SUBPROCESS_SHARE if group[0].stdio or group[0].user else share, len(group))
        chosen += r.sample(group, take)
    return sorted(chosen, key=lambda c: c.number)


def _apply(template: Template, case: Case) -> None:
    template.restore()
    for change in case.changes:
        target = Path(template.host.root, change.name)
        if change.data is None:
            if target.exists():
                target.unlink()
            target.mkdir()
        else:
            template.host.write_file(change.name, change.data)


def _run_in_process(template: Template, case: Case) -> tuple[int, str]:
    def alarm(_signum: int, _frame: object) -> None:
        raise Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(CASE_TIMEOUT)
    try:
        result = template.host.run(case.command, stdin=case.stdin)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return result.exit_status, result.output


def _run_with_closed_stdio(template: Template, case: Case) -> tuple[int, str]:
    """The console script with fd 0 and/or fd 1 closed before it starts (``<&-``, ``>&-``)."""
    argv = shlex.split(case.command)
    closing = {"": (), "stdout": (1,), "stdin": (0,), "both": (0, 1)}[case.stdio]

    def close_fds() -> None:
        for fd in closing:
            os.close(fd)

    command = [sys.executable, "-m", "oedr.harness.oedr"] if argv[0] == "oedr" else [str(BIN / argv[0])]
    try:
        done = subprocess.run(
            [*command, *argv[1:]],
            cwd=template.host.root,
            env=template.host.environment({}),
            input=case.stdin,
            capture_output=True,
            text=True,
            timeout=CASE_TIMEOUT,
            preexec_fn=close_fds,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise Hang from exc
    return done.returncode, done.stdout + done.stderr


def _run_as(template: Template, case: Case) -> tuple[int, str]:
    """The command as an unprivileged user (runuser), in the template's directory, which it cannot write."""
    Path(template.host.root).parent.chmod(0o755)
    Path(template.host.root).chmod(0o755)
    try:
        done = run_script(template.host, shlex.split(case.command), user=case.user, stdin=case.stdin)
    except subprocess.TimeoutExpired as exc:
        raise Hang from exc
    return done.returncode, done.stdout + done.stderr


def _stop_brokers(template: Template) -> None:
    """A case that started a broker (a proserve that was not refused): kill it, so the next case starts clean."""
    lk = Path(template.host.root, "sports.lk")
    if lk.exists():
        pid = struct.unpack_from("<ii", lk.read_bytes())[1]
        if pid != os.getpid() and pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
    template.host.kill_processes()


def _check(template: Template, case: Case, counts: Counter[str], failures: list[str]) -> None:
    _apply(template, case)
    before = template.snapshot()
    try:
        if case.user:
            status, output = _run_as(template, case)
        else:
            oedr = case.command.startswith("oedr")  # not an emulated utility: its own process
            status, output = (_run_with_closed_stdio if case.stdio or oedr else _run_in_process)(template, case)
    except Hang:
        counts["hangs"] += 1
        failures.append(f"{case.describe()}: no end after {CASE_TIMEOUT}s")
        _stop_brokers(template)
        return
    _stop_brokers(template)
    found: list[str] = []
    if "Traceback" in output:
        found.append("Python tracebacks reaching the user")
    if "(90099)" in output:
        found.append("internal errors (SYSTEM ERROR … (90099))")
    if status == 0 and case.wrong:
        found.append("exit 0 although something was wrong")
    if status != 0:
        after = template.snapshot()
        if after != before and not DOCUMENTED_CHANGE.search(output):
            found.append("refused commands that changed files")
            output += "\nchanged: " + ", ".join(sorted(n for n in {*before, *after} if before.get(n) != after.get(n)))
        message = OEDR_MESSAGE if case.command.startswith("oedr") else NUMBERED
        if case.stdio not in ("stdout", "both") and not message.search(output):
            found.append("refusals without a numbered message")
        if case.must_succeed:
            found.append("good commands not done (closed stdio)")
    for row in found:
        counts[row] += 1
        failures.append(f"{case.describe()}: {row} (exit {status})\n{output[-2000:]}")


def _table(counts: Counter[str], total: int) -> str:
    lines = [f"bad-input corpus (seed {SEED}): {total} cases", "| outcome | count |", "| --- | --- |"]
    lines += [f"| {row} | {counts[row]} |" for row in ROWS]
    return "\n".join(lines)


def test_the_bad_input_corpus_finds_nothing(templates, capsys):
    files = {name: template.files for name, template in templates.items()}
    corpus = generate(SEED, SIZE, files)
    assert len(corpus) >= 1000
    assert {c.kind for c in corpus} >= {
        "argv",
        "number",
        "name",
        "st",
        "damage",
        "foreign",
        "stdio",
        "overwrite",
        "nobody",
        "oedr",
        "oedr-stdio",
    }
    cases = _select(corpus)
    if unprivileged_python() is None:  # not root, or no interpreter the user can run: said in the table
        skipped = [c for c in cases if c.user]
        cases = [c for c in cases if not c.user]
    else:
        skipped = []
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for case in cases:
        _check(templates[case.template], case, counts, failures)
    table = _table(counts, len(cases))
    if skipped:
        table += f"\n({len(skipped)} cases as an unprivileged user not run: no root, or no interpreter it can run)"
    with capsys.disabled():
        sys.stdout.write("\n" + table + "\n")
    if os.environ.get("OEDR_BADINPUT_REPORT"):  # every failing case, one line each
        Path(os.environ["OEDR_BADINPUT_REPORT"]).write_text("\n\n".join(failures) + "\n")
    assert not failures, table + "\n\n" + "\n\n".join(failures[:15])


def test_the_corpus_covers_every_utility_and_file_kind(templates):
    """The corpus names every emulated utility and damages every kind of database file and a backup."""
    files = {name: template.files for name, template in templates.items()}
    corpus = generate(SEED, SIZE, files)
    utilities = {shlex.split(c.command)[0] for c in corpus}
    assert utilities >= {
        "prostrct",
        "prodb",
        "procopy",
        "proserve",
        "proshut",
        "proutil",
        "rfutil",
        "probkup",
        "prorest",
        "proquiet",
        "oeclient",
    }
    oedr_commands = {shlex.split(c.command)[1] for c in corpus if c.kind == "oedr" and c.command.count(" ")}
    assert oedr_commands >= {"run", "list", "report", "verify", "sign", "keygen", "init", "status"}
    assert any("/proc/" in c.command for c in corpus if c.kind == "oedr")
    damaged = {change.name for c in corpus if c.kind == "damage" for change in c.changes}
    assert damaged >= {"sports.db", "sports.b1", "sports.d1", "sports_7.d1", "sports.a1", "full.bck", "incr.bck"}
    assert {c.stdio for c in corpus} >= {"stdin", "stdout", "both"}
    assert generate(SEED, SIZE, files) == corpus  # seeded: the same cases every run
